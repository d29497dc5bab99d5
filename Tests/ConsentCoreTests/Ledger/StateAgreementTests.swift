import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

/// State, purpose status and decisions tell the same story, on random worlds (PIPL's and the regimes'): the
/// purposes a state lists as in force are exactly those some field of which is allowed by consent, and the
/// compiled engine's purpose statuses equal the reference's. The seed is printed.
@Suite struct StateAgreementTests {
    @Test(arguments: [false, true]) func stateAgreesWithDecisions(regimes: Bool) throws {
        let first: UInt64 = regimes ? 20_261_500 : 20_261_600
        print("state agreement (\(regimes ? "regime" : "PIPL") worlds): first seed \(first)")
        var compared = 0
        var inForce = 0
        var notCounting: Set<ReasonCode> = []
        for seed in first..<(first + 120) {
            let world = regimes ? try RandomWorld(regimeSeed: seed) : try RandomWorld(seed: seed)
            let ledger = try world.ledger()
            let engine = ConsentEngine(ledger: ledger)
            var random = SplitMix64(seed: seed)
            for _ in 0..<4 {
                let question = world.question(&random)
                let subject = question.subject
                let state = ledger.state(of: subject, at: question.instant)
                let statuses = ledger.purposes(for: subject, at: question.instant)
                let byConsent = statuses.filter { status in
                    status.fields.contains { $0.decision.reason == .allowedByConsent }
                }.map(\.purpose)
                let seen = "seed \(seed) \(subject) at \(question.instant)"
                #expect(
                    Set(state.purposesInForce) == Set(byConsent),
                    "\(seen): state \(state.purposesInForce), decisions \(byConsent)")
                #expect(engine.purposes(for: subject, at: question.instant) == statuses, "seed \(seed) \(subject)")
                for standing in state.grants {
                    // Every purpose a grant names is in force, not counting (with a reason), or no longer active.
                    #expect(Set(standing.inForce).isDisjoint(with: standing.notCounting.map(\.purpose)))
                    #expect(
                        Set(standing.inForce + standing.notCounting.map(\.purpose)) == Set(standing.active),
                        "seed \(seed) \(standing.grant.id)")
                    notCounting.formUnion(standing.notCounting.map(\.reason))
                }
                inForce += state.purposesInForce.count
                compared += 1
            }
        }
        let reasons = notCounting.map(\.rawValue).sorted()
        print("state agreement: \(compared) states, \(inForce) purposes in force, not counting: \(reasons)")
        // The worlds must exercise both sides, or agreement proves little.
        #expect(inForce > 20)
        #expect(notCounting.count >= 5)
    }

    @Test func afterErasureNothingIsInForce() throws {
        let ledger = try ConsentLedger(
            policy: try TestSupport.retailPolicy(), contentsOfFile: TestSupport.retailLedgerPath)
        let at = try instant("2026-11-01T00:00:00Z")
        let subject = try #require(ledger.subjects.first { !ledger.state(of: $0, at: at).purposesInForce.isEmpty })
        var erased = ledger
        try erased.append(.erase(subject, at: at))
        let state = erased.state(of: subject, at: at)
        #expect(state.purposesInForce.isEmpty)
        #expect(state.grants.flatMap(\.notCounting).allSatisfy { $0.reason == .erased })
        #expect(!state.grants.flatMap(\.notCounting).isEmpty)
    }
}
