import Benchmark
import ConsentKit
import Foundation

// Benchmarks of the compiled evaluator (and the reference it is measured against) on the standard workload of
// `consent bench`. Allocation counts (`mallocCountTotal`) are the stable gate: their thresholds are committed in
// Thresholds/; wall-clock figures are for comparison on one machine.

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Documentation/Examples/retail")

private func workload(subjects: Int) -> SyntheticWorkload {
    do {
        return try SyntheticWorkload(subjects: subjects, questions: 100_000, seed: 42)
    } catch {
        fatalError("the benchmark workload could not be generated: \(error)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    // MARK: Compiled evaluator

    Benchmark("Hot decision (state in hand)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let work = workload(subjects: 10_000)
        let engine = ConsentEngine(ledger: work.ledger)
        let handles = work.questions.map { engine.handle(for: $0.subject) }
        let questions = work.questions.map { engine.compiled.compile($0) }
        benchmark.startMeasurement()
        // One subject's questions in a row, as a request handler asks them: the same subject, 1,000 questions.
        for index in benchmark.scaledIterations {
            blackHole(engine.decision(questions[index % questions.count], for: handles[0]))
        }
    }

    Benchmark("Cold decision (1,000,000 subjects)", configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(5))) {
        benchmark in
        let work = workload(subjects: 1_000_000)
        let engine = ConsentEngine(ledger: work.ledger)
        let questions = work.questions.map { engine.compiled.compile($0) }
        let subjects = work.questions.map(\.subject)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            let slot = index % questions.count
            blackHole(engine.decision(questions[slot], for: engine.handle(for: subjects[slot])))
        }
    }

    Benchmark("Record view (40 fields)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let work = workload(subjects: 10_000)
        let engine = ConsentEngine(ledger: work.ledger)
        let handles = work.questions.map { engine.handle(for: $0.subject) }
        let questions = work.questions.map { engine.compiled.compile($0) }
        var allowed = FieldSet(fieldCount: 40)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            let slot = index % questions.count
            engine.allowedFields(for: handles[slot], purpose: questions[slot].purpose, at: questions[slot].at, into: &allowed)
            blackHole(allowed.words[0])
        }
    }

    Benchmark("Ledger compile (10,000 subjects)") { benchmark in
        let work = workload(subjects: 10_000)
        let compiled = CompiledPolicy(work.policy)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(ConsentEngine(compiled: compiled, ledger: work.ledger)) }
    }

    Benchmark("Policy compile (500 fields x 100 purposes)") { benchmark in
        var fields: [FieldDefinition] = []
        for index in 0..<500 {
            let category: CategoryID = index % 7 == 0 ? "medicalHealth" : "contact"
            fields.append(FieldDefinition(FieldID("f\(index)"), category: category, type: .string))
        }
        var purposes: [Purpose] = []
        for index in 0..<100 {
            var declared: [FieldID] = []
            for (offset, field) in fields.enumerated() where offset % (index % 5 + 2) == 0 { declared.append(field.id) }
            let basis: LegalBasis = index % 3 == 0 ? .contract : .consent
            let provision: ThirdPartyProvision? = index % 4 == 0 ? ThirdPartyProvision(recipients: [RecipientID("r\(index)")]) : nil
            purposes.append(Purpose(PurposeID("p\(index)"), basis: basis, fields: declared, thirdParty: provision))
        }
        guard let policy = try? Policy(fields: fields, purposes: purposes) else { fatalError("invalid policy") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(CompiledPolicy(policy)) }
    }

    // MARK: Reference evaluator (the "before" figures)

    Benchmark("Reference decision (consent, third party)") { benchmark in
        guard let policy = try? Policy(contentsOfFile: examples.appendingPathComponent("retail.policy.json").path),
            let ledger = try? ConsentLedger(policy: policy, contentsOfFile: examples.appendingPathComponent("retail.ledger.jsonl").path)
        else { fatalError("the retail example could not be loaded") }
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let question = ConsentQuestion(
            subject: "alice", purpose: "partner.coalition", field: "loyaltyTier",
            at: Date(timeIntervalSince1970: 1_777_600_800), recipient: "star-airlines")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(evaluator.decision(for: question)) }
    }
}
