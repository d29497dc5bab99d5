import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The DocC catalog's code, as written there, so that it cannot stop compiling through `import ConsentKit` or stop
/// being true. (The catalog's landing-page example is the README's, which `ReadmeExampleTests` runs.)
@Suite struct DocumentationSnippetTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    /// DurableLedger.md: a journal, a live engine following it, and a withdrawal the very next decision sees.
    @Test func theDurableLedgerArticleDeniesAfterTheWithdrawal() async throws {
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let policy = try Policy(
            fields: [email.definition],
            purposes: [
                Purpose("marketing.email", basis: .consent, fields: [email.id], marketing: true, channels: [.email])
            ])

        let journal = try ConsentJournal(path: scratch.path("consent.jsonl"), policy: policy)
        let live = try await LiveConsentEngine(following: journal)

        try journal.append(
            .grant(
                ConsentGrant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary, at: .now)))
        #expect(
            live.decision(for: ConsentQuestion(subject: "c1", purpose: "marketing.email", field: "email", at: .now))
                == Decision(.allowedByConsent, grant: "g1"))
        try journal.append(.withdraw(Withdrawal(.grant("g1"), at: .now)))  // PIPL Art. 15: as easy as giving

        let decision = live.decision(
            for: ConsentQuestion(subject: "c1", purpose: "marketing.email", field: "email", at: .now))
        #expect(decision.description == "deny denied.withdrawn")
        journal.close()
    }

    /// AccessLogAndReports.md: record a decision, checkpoint, verify; a changed log fails.
    @Test func theAccessLogArticleVerifies() throws {
        let policy = try TestSupport.retailPolicy()
        let engine = ConsentEngine(
            ledger: try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath))
        let path = scratch.path("access.log")

        let key = AccessLogKey.random()  // K₀: keep a copy away from this machine
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)

        let question = ConsentQuestion(subject: "alice", purpose: "marketing.email", field: "email", at: .now)
        let (decision, entry) = engine.decisionAndEntry(
            for: question, actor: AccessActor(role: "crm", principal: "agent-li"))
        try log.record(entry)  // never waits for the disk
        try log.checkpoint()  // or wait: one comes every 10,000 entries or every second
        log.close()

        let result = try AccessLogVerifier.verify(path: path, key: key)
        #expect(result.isIntact)
        #expect(result.entries == 1)
        #expect(decision == engine.decision(for: question))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"role\":\"crm\"", with: "\"role\":\"crn\"")
            .write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try AccessLogVerifier.verify(path: path, key: key).failure?.kind == .modified)
    }
}
