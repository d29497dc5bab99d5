import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The events and facts the regimes added survive a journal: its lines, its binary snapshot, and a reopen.
@Suite struct JournalRegimeEventsTests {
    let scratch = ScratchDirectory()

    @Test func regimeEventsSurviveTheSnapshotAndReopening() throws {
        let policy = try Policy(
            jsonData: Data(
                try String(
                    contentsOfFile: TestSupport.path("Documentation/Examples/gdpr/gdpr.policy.json"), encoding: .utf8
                ).utf8))
        let path = scratch.url.appendingPathComponent("regimes.jsonl").path
        let at = try instant("2026-01-01T00:00:00Z")
        let events: [ConsentEvent] = [
            .subjectFacts(
                "c1",
                SubjectFactsChange(
                    birthDate: .set(CalendarDate(year: 2012, month: 2, day: 29)!),
                    regimes: .set([try #require(Regime.gdpr("FR")), .pipl]),
                    ageRange: .set(AgeRange(min: 13, max: 15)!),
                    emancipated: .set(false)), at: at),
            .optOut("c1", .saleOrSharing, at: at, source: "gpc", scope: .device),
            .optIn("c1", .directMarketing, at: at, initiatedBy: .conflictNotice),
            .objection(Objection(subject: "c1", kind: .research, purposes: ["health.research"], at: at)),
            .objectionRejected(
                ObjectionRejection(subject: "c1", purposes: ["fraud.scoring"], reason: "compelling", at: at)),
            .customer(CustomerRelationship(subject: "c1", channels: [.email], objectionOffered: true, at: at)),
            .reviewRequested(ReviewRequest(subject: "c1", purposes: ["credit.decision"], at: at)),
            .restrict("c1", "marketing.email", at: at, ground: "unlawful processing"),
            .subjectFacts("c1", SubjectFactsChange(regimes: .clear, ageRange: .clear), at: at.addingTimeInterval(1)),
        ]
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(events)
        try journal.writeSnapshot()
        let written = try journal.ledger
        journal.close()

        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .used(coveredLines: events.count))
        try reopened.waitForSnapshotVerification()
        #expect(try reopened.ledger.events(for: "c1") == events)
        #expect(try reopened.ledger.events(for: "c1") == written.events(for: "c1"))
        reopened.close()

        // Without the snapshot, the lines alone give the same events.
        try FileManager.default.removeItem(atPath: path + ".snapshot")
        let replayed = try ConsentJournal(path: path, policy: policy)
        #expect(try replayed.ledger.events(for: "c1") == events)
        replayed.close()
    }
}

/// A policy's own regimes survive a journal too: in its lines and in its snapshot.
@Suite struct JournalOverlayTests {
    let scratch = ScratchDirectory()

    @Test func aRegimeThePolicyDefinesIsReadBackFromTheJournal() throws {
        var overlay = RegimeOverlay(id: "PDPA-TH-ACME", extends: .pdpaTH)
        overlay.majority = 18
        let policy = try Policy(
            regime: overlay.regime, profiles: [overlay.regime],
            fields: [FieldDefinition("email", category: .contactEmail, type: .string)],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        let path = scratch.url.appendingPathComponent("overlay.jsonl").path
        let at = try instant("2026-01-01T00:00:00Z")
        let facts = ConsentEvent.subjectFacts("c1", SubjectFactsChange(regimes: .set([overlay.regime, .pipl])), at: at)
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append([facts])
        try journal.writeSnapshot()
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        try reopened.waitForSnapshotVerification()
        #expect(try reopened.ledger.events(for: "c1") == [facts])
        reopened.close()
        try FileManager.default.removeItem(atPath: path + ".snapshot")
        let replayed = try ConsentJournal(path: path, policy: policy)
        #expect(try replayed.ledger.events(for: "c1") == [facts])
        replayed.close()
    }
}
