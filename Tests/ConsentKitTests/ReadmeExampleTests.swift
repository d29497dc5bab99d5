import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The README's example, verbatim, so it cannot stop compiling or stop being true.
@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleAllowsWithGrantG1() throws {
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let policy = try Policy(
            fields: [email.definition],
            purposes: [
                Purpose("marketing.email", basis: .consent, fields: [email.id], marketing: true, channels: [.email])
            ])

        var ledger = ConsentLedger(policy: policy)
        let given = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        try ledger.append(
            .grant(
                ConsentGrant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: [email.id], kind: .ordinary, at: given))
        )

        let evaluator = ReferenceEvaluator(ledger: ledger)
        let decision = evaluator.decision(subject: "c1", purpose: "marketing.email", field: email, at: .now)
        #expect(decision.description == "allow allowed.consent (grant g1)")

        // The README's by-name line, on the same ledger; the engine names the grant it relied on.
        let byName = ConsentEngine(ledger: ledger).compiledDecision(
            subject: "c1", purpose: "marketing.email", field: email.id, at: .now)
        #expect(byName.reason == decision.reason)
        let engine = ConsentEngine(ledger: ledger)
        let named = engine.compiledDecision(subject: "c1", purpose: "marketing.email", field: email.id, at: .now)
        #expect(engine.grantID(of: named) == "g1")
    }

    /// The README's scenario file, saved where it says, passes with `consent test`'s runner.
    @Test func theReadmeScenarioFileLoadsAndPasses() throws {
        let readme = try String(contentsOfFile: TestSupport.path("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```json\n"))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let json = String(readme[start.upperBound..<end.lowerBound])
        let scratch = ScratchDirectory()
        try FileManager.default.copyItem(
            atPath: TestSupport.retailPolicyPath, toPath: scratch.path("retail.policy.json"))
        try Data(json.utf8).write(to: URL(fileURLWithPath: scratch.path("art29.scenarios.json")))
        let file = try ScenarioFile(contentsOfFile: scratch.path("art29.scenarios.json"))
        #expect(file.scenarios.count == 1)
        let results = file.run()
        let failed = results.filter { !$0.passed }
        #expect(results.count == 1 && failed.isEmpty, "\(failed)")
    }
}
