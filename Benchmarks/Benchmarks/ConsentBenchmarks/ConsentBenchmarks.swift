import Benchmark
import ConsentKit
import Foundation

// The reference evaluator's costs on the shipped retail example. These are the "before" figures that the compiled
// evaluator is measured against; the reference evaluator is written to be obviously right, not fast.

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Documentation/Examples/retail")

private func load() throws -> (policyData: Data, ledgerData: Data, policy: Policy, ledger: ConsentLedger) {
    let policyData = try Data(contentsOf: examples.appendingPathComponent("retail.policy.json"))
    let ledgerData = try Data(contentsOf: examples.appendingPathComponent("retail.ledger.jsonl"))
    let policy = try Policy(jsonData: policyData)
    return (policyData, ledgerData, policy, try ConsentLedger(policy: policy, jsonLines: ledgerData))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    guard let fixture = try? load() else {
        fatalError("the retail example could not be loaded from \(examples.path)")
    }
    let evaluator = ReferenceEvaluator(ledger: fixture.ledger)
    let instant = Date(timeIntervalSince1970: 1_777_600_800)  // 2026-05-01T02:00:00Z
    let consentQuestion = ConsentQuestion(
        subject: "alice", purpose: "partner.coalition", field: "loyaltyTier", at: instant, recipient: "star-airlines")
    let contractQuestion = ConsentQuestion(subject: "dana", purpose: "order.fulfilment", field: "address", at: instant)

    Benchmark("Reference decision (consent, third party)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(evaluator.decision(for: consentQuestion)) }
    }

    Benchmark("Reference decision (contract basis)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(evaluator.decision(for: contractQuestion)) }
    }

    Benchmark("Reference record view (23 fields)") { benchmark in
        let fields = fixture.policy.fields.map(\.id)
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.decisions(for: "alice", purpose: "partner.coalition", fields: fields, at: instant))
        }
    }

    Benchmark("Policy load (retail, 23 fields x 20 purposes)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Policy(jsonData: fixture.policyData)) }
    }

    Benchmark("Ledger load (retail, 19 events)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ConsentLedger(policy: fixture.policy, jsonLines: fixture.ledgerData))
        }
    }
}
