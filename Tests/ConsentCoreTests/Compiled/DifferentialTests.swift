import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing
import _ConsentKitWorkload

/// The compiled evaluator against the reference, question by question: effect, reason code and grant must agree.
@Suite struct DifferentialTests {
    #if DEBUG
        static let worlds = 500
    #else
        static let worlds = 4_000
    #endif
    static let questionsPerWorld = 250
    static let firstSeed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["CONSENTKIT_DIFFERENTIAL_SEED"], let seed = UInt64(text) {
            return seed
        }
        return 20_261_122
    }()

    /// A second engine, built event by event as a live service builds it, compacting half-way for half the seeds.
    static func builtEventByEvent(_ world: RandomWorld, seed: UInt64) throws -> ConsentEngine {
        var incremental = ConsentEngine(ledger: ConsentLedger(policy: world.policy))
        for (subject, facts) in world.subjects { try incremental.declare(subject, facts: facts) }
        for (index, event) in world.events.enumerated() {
            try? incremental.append(event)
            if seed % 2 == 0 && index == world.events.count / 2 { incremental.compact() }
        }
        return incremental
    }

    @Test func compiledDecisionsEqualTheReference() throws {
        var compared = 0
        var mismatches = 0
        var seen: [ReasonCode: Int] = [:]
        var links = 0
        for offset in 0..<UInt64(Self.worlds) {
            let seed = Self.firstSeed &+ offset
            let world = try RandomWorld(seed: seed)
            let ledger = try world.ledger()
            links += ledger.entries.filter { $0.event.typeName == "link" }.count
            let reference = ReferenceEvaluator(ledger: ledger)
            let engine = ConsentEngine(ledger: ledger)
            let incremental = try Self.builtEventByEvent(world, seed: seed)
            var random = SplitMix64(seed: seed ^ 0xC0FFEE)
            var questions: [ConsentQuestion] = []
            var byName: [CompiledDecision] = []
            for number in 0..<Self.questionsPerWorld {
                let question = world.question(&random)
                let expected = reference.decision(for: question)
                let compiled = engine.decision(for: question)
                let built = incremental.decision(for: question)
                // Strings to the eight-byte decision, and its grant named from the compiled state.
                let fast = incremental.compiledDecision(for: question)
                let fastAgrees = fast.reason == expected.reason && incremental.grantID(of: fast) == expected.grant
                questions.append(question)
                byName.append(fast)
                compared += 1
                seen[expected.reason, default: 0] += 1
                if compiled != expected || built != expected || !fastAgrees {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record(
                            """
                            seed \(seed) question \(number): reference \(expected), compiled \(compiled), \
                            incremental \(built), by name \(fast.reason) \(String(describing: incremental.grantID(of: fast)))
                            \(question)
                            \(reference.explanation(for: question))
                            """)
                    }
                }
            }
            // The batch by name: grouped by subject inside, answered in the questions' order.
            var batch: [CompiledDecision] = []
            incremental.decisions(for: questions, into: &batch)
            if batch != byName {
                mismatches += 1
                Issue.record("seed \(seed): the batch by name differs from the questions asked one by one")
            }
        }
        #expect(
            mismatches == 0, "\(mismatches) of \(compared) decisions differ; rerun with CONSENTKIT_DIFFERENTIAL_SEED")
        #expect(compared >= 100_000)
        // The worlds must reach every step, or agreement proves little. These worlds are PIPL v1's, which reach
        // its thirty codes; the regime worlds below reach the rest.
        let compiledCodes = Set(ReasonCode.allCases.filter { $0.ordinal < 30 })
        #expect(
            Set(seen.keys).isSuperset(of: compiledCodes),
            "never reached: \(compiledCodes.subtracting(seen.keys))")
        for (reason, count) in seen.sorted(by: { $0.key.ordinal < $1.key.ordinal }) {
            print("differential: \(reason.rawValue) \(count)")
        }
        #expect(links > 0, "no world linked identities, so links went untested")
    }

    /// Regime worlds (``RandomWorld/init(regimeSeed:)``): subjects under one to three of the five regimes, with
    /// every fact, event and purpose flag the regimes read. Every reason code must be reached, the thirty PIPL ones
    /// and the twenty-six of the regimes beyond it.
    @Test func regimeDecisionsEqualTheReference() throws {
        #if DEBUG
            let worlds = 600
        #else
            let worlds = 3_000
        #endif
        let firstSeed = Self.firstSeed &+ 1_000_000
        print("differential (regimes): first seed \(firstSeed), \(worlds) worlds")
        var compared = 0
        var mismatches = 0
        var seen: [ReasonCode: Int] = [:]
        var multi = 0
        var grantsCompared = 0
        for offset in 0..<UInt64(worlds) {
            let seed = firstSeed &+ offset
            let world = try RandomWorld(regimeSeed: seed)
            let ledger = try world.ledger()
            let reference = ReferenceEvaluator(ledger: ledger)
            let engine = ConsentEngine(ledger: ledger)
            // Every subject is compiled: agreement would prove nothing if the engine asked the reference.
            #expect(engine.referenceDecidedSubjects == 0, "seed \(seed)")
            let incremental = try Self.builtEventByEvent(world, seed: seed)
            var random = SplitMix64(seed: seed ^ 0xC0FFEE)
            for number in 0..<Self.questionsPerWorld {
                let question = world.question(&random)
                let expected = reference.decision(for: question)
                let byName = engine.decision(for: question)
                let built = incremental.decision(for: question)
                let compiled = engine.decision(
                    engine.compiled.compile(question), for: engine.handle(for: question.subject))
                let converted = engine.decision(compiled)
                compared += 1
                seen[expected.reason, default: 0] += 1
                if expected.grants.count > 1 { multi += 1 }
                if expected.grant != nil { grantsCompared += 1 }
                let agrees =
                    byName == expected && built == expected && converted.reason == expected.reason
                    && converted.regime == expected.regime && converted.grant == expected.grant
                if !agrees {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record(
                            """
                            seed \(seed) question \(number): reference \(expected) [\(expected.regime) \(expected.grants)], \
                            by name \(byName) [\(byName.regime) \(byName.grants)], incremental \(built), \
                            compiled \(converted) [\(converted.regime)]
                            \(question)
                            \(reference.explanation(for: question))
                            """)
                    }
                }
            }
        }
        #expect(
            mismatches == 0, "\(mismatches) of \(compared) decisions differ; rerun with CONSENTKIT_DIFFERENTIAL_SEED")
        for (reason, count) in seen.sorted(by: { $0.key.ordinal < $1.key.ordinal }) {
            print("differential (regimes): \(reason.rawValue) \(count)")
        }
        print("differential (regimes): \(multi) decisions relied on several grants, \(grantsCompared) named one")
        let all = Set(ReasonCode.allCases)
        #expect(Set(seen.keys) == all, "never reached: \(all.subtracting(seen.keys).map(\.rawValue).sorted())")
        #expect(multi > 0, "no decision relied on several grants")
    }

    @Test func recordViewsEqualPerFieldDecisions() throws {
        for seed in Self.firstSeed..<(Self.firstSeed + 300) {
            let world = try RandomWorld(seed: seed)
            let ledger = try world.ledger()
            let reference = ReferenceEvaluator(ledger: ledger)
            let engine = ConsentEngine(ledger: ledger)
            var random = SplitMix64(seed: seed ^ 0xFEED)
            var allowed = FieldSet()
            for _ in 0..<20 {
                let question = world.question(&random)
                let purpose = try #require(ledger.policy.purposes.randomElement(using: &random))
                let handle = engine.handle(for: question.subject)
                engine.allowedFields(
                    for: handle, purpose: try #require(engine.compiled.index(ofPurpose: purpose.id)),
                    at: question.instant,
                    into: &allowed)
                let record = reference.decisions(
                    for: question.subject, purpose: purpose.id, fields: ledger.policy.fields.map(\.id),
                    at: question.instant)
                let expected = record.allowedFields.compactMap { engine.compiled.index(ofField: $0) }
                #expect(
                    allowed.indices == expected, "seed \(seed): \(question.subject) \(purpose.id) \(question.instant)")
            }
        }
    }

    @Test func theExampleScenariosGiveTheSameDecisionsCompiled() throws {
        let file = try ScenarioFile(contentsOfFile: TestSupport.retailScenariosPath)
        for scenario in file.scenarios {
            let engine = ConsentEngine(ledger: scenario.ledger)
            let reference = ReferenceEvaluator(ledger: scenario.ledger)
            for query in scenario.queries {
                #expect(
                    engine.decision(for: query.question) == reference.decision(for: query.question),
                    "\(scenario.id) \(query.index)")
            }
        }
    }
}
