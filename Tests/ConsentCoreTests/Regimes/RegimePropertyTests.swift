import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

/// Properties of the conjunction on random worlds (RandomWorld, with each subject put under random regimes):
/// adding a regime only ever turns an allow into a deny; `[PIPL]` decides exactly as no `regimes` fact; the engine
/// agrees with the reference for every such subject. The seed is printed, as in the differential test.
@Suite struct RegimePropertyTests {
    static let choices: [Regime] = [
        .pipl, .gdpr, Regime.gdpr("FR")!, Regime.gdpr("BE")!, .ccpa, .lgpd, .pdpaTH,
    ]

    /// The world's ledger with every subject's initial facts given `regimes(subject)`.
    func ledger(_ world: RandomWorld, regimes: (SubjectID) -> [Regime]?) throws -> ConsentLedger {
        var ledger = ConsentLedger(policy: world.policy)
        let declared = Dictionary(world.subjects, uniquingKeysWith: { first, _ in first })
        for index in 0..<world.subjectCount {
            let subject = SubjectID("s\(index)")
            var facts = declared[subject] ?? SubjectFacts()
            facts.regimes = regimes(subject)
            try ledger.declare(subject, facts: facts)
        }
        for event in world.events { try? ledger.append(event) }
        return ledger
    }

    @Test func addingARegimeNeverTurnsADenyIntoAnAllow() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CONSENTKIT_REGIME_SEED"] ?? "") ?? 20_261_204
        print("regime properties: seed \(seed)")
        var compared = 0
        var narrowed = 0
        var reached: Set<ReasonCode> = []
        for offset in 0..<40 {
            let world = try RandomWorld(seed: seed + UInt64(offset))
            var random = SplitMix64(seed: seed &+ 7 &* UInt64(offset))
            var base: [SubjectID: [Regime]] = [:]
            var extra: [SubjectID: Regime] = [:]
            for index in 0..<world.subjectCount {
                let subject = SubjectID("s\(index)")
                let count = 1 + Int(random.next() % 2)
                base[subject] = (0..<count).map { _ in Self.choices[Int(random.next() % UInt64(Self.choices.count))] }
                    .reduce(into: []) { list, regime in if !list.contains(regime) { list.append(regime) } }
                extra[subject] = Self.choices.first { !(base[subject] ?? []).contains($0) }
            }
            let narrow = ReferenceEvaluator(ledger: try ledger(world) { base[$0] })
            let wide = ReferenceEvaluator(
                ledger: try ledger(world) { subject in base[subject].map { $0 + [extra[subject]!] } })
            for _ in 0..<250 {
                let question = world.question(&random)
                let before = narrow.decision(for: question)
                let after = wide.decision(for: question)
                reached.insert(before.reason)
                compared += 1
                if after.isAllowed {
                    #expect(before.isAllowed, "seed \(seed + UInt64(offset)): \(question): \(before) but \(after)")
                }
                if before.isAllowed && !after.isAllowed { narrowed += 1 }
            }
        }
        #expect(compared == 10_000)
        // The extra regime must bite sometimes, or the property proves little.
        #expect(narrowed > 100)
        #expect(reached.count > 30, "\(reached.count) codes reached")
    }

    @Test func piplAloneDecidesAsNoRegimesFact() throws {
        for seed in UInt64(20_261_300)..<20_261_320 {
            let world = try RandomWorld(seed: seed)
            let plain = ReferenceEvaluator(ledger: try ledger(world) { _ in nil })
            let pipl = ReferenceEvaluator(ledger: try ledger(world) { _ in [.pipl] })
            var random = SplitMix64(seed: seed)
            for _ in 0..<200 {
                let question = world.question(&random)
                #expect(plain.decision(for: question) == pipl.decision(for: question), "seed \(seed): \(question)")
            }
        }
    }

    @Test func theEngineAgreesForSubjectsUnderRegimes() throws {
        for seed in UInt64(20_261_400)..<20_261_410 {
            let world = try RandomWorld(seed: seed)
            var random = SplitMix64(seed: seed)
            let ledger = try ledger(world) { _ in
                [Self.choices[Int(random.next() % UInt64(Self.choices.count))]]
            }
            let reference = ReferenceEvaluator(ledger: ledger)
            let engine = ConsentEngine(ledger: ledger)
            for _ in 0..<200 {
                let question = world.question(&random)
                let expected = reference.decision(for: question)
                #expect(engine.decision(for: question) == expected, "seed \(seed): \(question)")
                let compiled = engine.decision(
                    engine.compiled.compile(question), for: engine.handle(for: question.subject))
                let converted = engine.decision(compiled)
                #expect(
                    converted.reason == expected.reason && converted.regime == expected.regime
                        && converted.grant == expected.grant, "seed \(seed): \(question)")
            }
        }
    }
}
