import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// History, "as of" state, Art. 45 export and Art. 47 erasure.
@Suite struct SubjectRightsTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func temporaryPath() -> String {
        scratch.url.appendingPathComponent("rights-\(UUID()).jsonl").path
    }

    func events() throws -> [ConsentEvent] {
        [
            .subjectFacts(
                "c1", SubjectFactsChange(birthDate: .set(CalendarDate(year: 1987, month: 11, day: 3)!)),
                at: try instant("2026-01-01T00:00:00Z")),
            .grant(
                ConsentGrant(
                    "g1", subject: "c1", purposes: ["marketing.email", "hq.analytics"], fields: ["email"],
                    kind: .ordinary, at: try instant("2026-01-01T00:00:00Z"),
                    expiresAt: try instant("2026-06-01T00:00:00Z"), noticeVersion: 2,
                    evidence: ConsentEvidence(channel: "app", touchpoint: "checkout", reference: "form-7"))),
            .withdraw(Withdrawal(.purposes("c1", ["marketing.email"]), at: try instant("2026-02-01T00:00:00Z"))),
            .optOut("c1", .directMarketing, at: try instant("2026-03-01T00:00:00Z")),
            .channelOptOut("c1", "sms", at: try instant("2026-03-01T00:00:00Z")),
            .grant(
                ConsentGrant(
                    "g2", subject: "c2", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                    at: try instant("2026-01-05T00:00:00Z"), noticeVersion: 2)),
        ]
    }

    @Test func historyHasAVersionPerChangeIncludingExpiry() throws {
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(contentsOf: try events())
        let history = ledger.history(of: "c1")
        #expect(
            history.versions.map(\.at) == [
                try instant("2026-01-01T00:00:00Z"), try instant("2026-02-01T00:00:00Z"),
                try instant("2026-03-01T00:00:00Z"), try instant("2026-06-01T00:00:00Z"),
            ])
        // g1 names hq.analytics but covers none of its fields: active for it, yet it counts only for email marketing,
        // as decisions do.
        #expect(history.versions[0].state.purposesInForce == ["marketing.email"])
        #expect(history.versions[0].state.grants[0].active == ["marketing.email", "hq.analytics"])
        #expect(
            history.versions[0].state.grants[0].notCounting == [
                GrantStanding.NotCounting(purpose: "hq.analytics", reason: .notDeclared)
            ])
        #expect(history.versions[0].entries.count == 2)
        #expect(history.versions[1].state.purposesInForce == [])
        #expect(history.versions[1].state.grants[0].active == ["hq.analytics"])
        #expect(history.versions[2].entries.map(\.event.typeName) == ["optOut", "channelOptOut"])
        #expect(history.versions[2].state.optedOut == [.directMarketing])
        #expect(history.versions[3].expired == ["g1"])
        #expect(history.versions[3].state.purposesInForce == [])
        #expect(history.versions[3].state.grants.first?.expired == true)
        // "As of" any instant: the version in force then.
        #expect(history.state(at: try instant("2026-02-15T00:00:00Z"))?.grants[0].active == ["hq.analytics"])
        #expect(history.state(at: try instant("2025-12-31T00:00:00Z")) == nil)
        let asOf = ledger.state(of: "c1", at: try instant("2026-02-15T00:00:00Z"))
        #expect(asOf.grants == history.versions[1].state.grants && asOf.facts == history.versions[1].state.facts)
        let evidence = history.versions[0].state.grants.first?.grant.evidence
        #expect(evidence == ConsentEvidence(channel: "app", touchpoint: "checkout", reference: "form-7"))
        #expect(ledger.history(of: "nobody").versions.isEmpty)
    }

    @Test func exportRoundTripsAndReadsAsAJSONDocument() throws {
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(contentsOf: try events())
        let export = try SubjectExport("c1", from: ledger, at: try instant("2026-04-01T00:00:00Z"))
        #expect(export.events.count == 5)  // c2's grant is not c1's data
        let data = export.jsonData()
        let again = try SubjectExport(jsonData: data, policy: policy)
        #expect(again == export)
        #expect(again.jsonData() == data)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""format": "consentkit.export/1""#))
        #expect(text.contains(#""touchpoint": "checkout""#))
        // Another processor holding the same policy gets the same decisions.
        let ported = try again.ledger(policy: policy)
        let question = ConsentQuestion(
            subject: "c1", purpose: "hq.analytics", field: "email", at: try instant("2026-04-01T00:00:00Z"))
        #expect(
            ReferenceEvaluator(ledger: ported).decision(for: question)
                == ReferenceEvaluator(ledger: ledger).decision(for: question))
    }

    @Test func badExportsAreErrorsThatSayWhere() throws {
        expectError(.unknownIdentifier) {
            _ = try SubjectExport("nobody", from: ConsentLedger(policy: policy), at: Date())
        }
        let wrongFormat =
            #"{"format":"other/1","subject":"c1","identities":["c1"],"exportedAt":"2026-01-01T00:00:00Z","events":[]}"#
        let format = expectError(.invalidValue) {
            _ = try SubjectExport(jsonData: Data(wrongFormat.utf8), policy: policy)
        }
        #expect(format?.location.path == "format")
        let badEvent =
            #"{"format":"consentkit.export/1","subject":"c1","identities":["c1"],"exportedAt":"2026-01-01T00:00:00Z","events":[{"type":"optOut","subject":"c1","kind":"nope","at":"2026-01-01T00:00:00Z"}]}"#
        let event = expectError(.invalidValue) { _ = try SubjectExport(jsonData: Data(badEvent.utf8), policy: policy) }
        #expect(event?.location.path == "events[0].kind")
        let noEvents =
            #"{"format":"consentkit.export/1","subject":"c1","identities":["c1"],"exportedAt":"2026-01-01T00:00:00Z"}"#
        expectError(.missingKey) { _ = try SubjectExport(jsonData: Data(noEvents.utf8), policy: policy) }
        expectError(.malformedJSON) { _ = try SubjectExport(jsonData: Data("{".utf8), policy: policy) }
    }

    @Test func journalErasureLeavesNoBirthDateInAnyFile() throws {
        let path = temporaryPath()
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(try events())
        try journal.append(
            .subjectFacts(
                "c2", SubjectFactsChange(birthDate: .set(CalendarDate(year: 2001, month: 7, day: 9)!)),
                at: try instant("2026-01-06T00:00:00Z")))
        try journal.writeSnapshot()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        func files() throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.lastPathComponent.hasPrefix(URL(fileURLWithPath: path).lastPathComponent) }
        }
        func anyFile(contains needle: [UInt8]) throws -> Bool {
            try files().contains { Array(try Data(contentsOf: $0)).firstRange(of: needle) != nil }
        }
        #expect(try anyFile(contains: Array("1987-11-03".utf8)))

        try journal.erase("c1", at: try instant("2026-05-01T00:00:00Z"))

        #expect(try !anyFile(contains: Array("1987-11-03".utf8)))
        // The journal, its snapshot and its lock file; no temporary file left behind.
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(try Set(files().map(\.lastPathComponent)) == [name, name + ".lock", name + ".snapshot"])
        #expect(try anyFile(contains: Array("2001-07-09".utf8)))  // c2 keeps its data
        // The snapshot holds dates in binary: read it back and look for the birth date there too.
        let snapshotBytes = try Array(Data(contentsOf: URL(fileURLWithPath: path + ".snapshot")))
        let snapshot = try JournalSnapshot.decode(
            snapshotBytes, policy: policy, journalLength: Int.max,
            journalBytes: { offset, count in
                let journal = Array(try! Data(contentsOf: URL(fileURLWithPath: path)))
                return Array(journal[offset..<offset + count])
            })
        let birthDates = snapshot.ledger.events(for: "c1").compactMap { event -> CalendarDate? in
            if case .subjectFacts(_, let change, _) = event, case .set(let date) = change.birthDate {
                date
            } else {
                nil
            }
        }
        #expect(birthDates.isEmpty)
        #expect(snapshot.ledger.count == 8)
        for ledger in [try ConsentJournalReader(path: path, policy: policy).ledger, try journal.ledger] {
            #expect(ledger.grant("g1")?.evidence?.reference == "form-7")  // the proof of consent stays
            #expect(ledger.state(of: "c1", at: try instant("2026-05-02T00:00:00Z")).erased)
            #expect(ledger.state(of: "c1", at: try instant("2026-01-02T00:00:00Z")).facts.birthDate == nil)
            #expect(ledger.count == 8)
        }
        #expect(try ConsentLedger(policy: policy, contentsOfFile: path).count == 8)
        // The erased journal stays appendable.
        try journal.append(.optIn("c2", .directMarketing, at: try instant("2026-05-02T00:00:00Z")))
        #expect(try ConsentJournalReader(path: path, policy: policy).ledger.count == 9)
    }

    @Test func erasureReachesLinkedIdentities() throws {
        let store = InMemoryConsentStore(policy: policy)
        try store.append([
            .subjectFacts(
                "device-1", SubjectFactsChange(birthDate: .set(CalendarDate(year: 1999, month: 1, day: 2)!)),
                at: try instant("2026-01-01T00:00:00Z")),
            .link(IdentityLink(from: "device-1", into: "c1", at: try instant("2026-02-01T00:00:00Z"))),
        ])
        #expect(store.ledger.state(of: "c1", at: try instant("2026-03-01T00:00:00Z")).facts.birthDate != nil)
        try store.erase("c1", at: try instant("2026-04-01T00:00:00Z"))
        for subject: SubjectID in ["c1", "device-1"] {
            let state = store.ledger.state(of: subject, at: try instant("2026-04-02T00:00:00Z"))
            #expect(state.erased)
            #expect(store.ledger.history(of: subject).versions.allSatisfy { $0.state.facts.birthDate == nil })
        }
    }

    @Test func openingFinishesAnErasureACrashInterrupted() throws {
        // The erase line is durable but the process died before rewriting the file: the birth date is still there.
        let path = temporaryPath()
        let lines = [
            #"{"type":"subject","subject":"c1","birthDate":"1987-11-03","at":"2026-01-01T00:00:00Z"}"#,
            #"{"type":"subject","subject":"c2","birthDate":"1990-04-04","at":"2026-01-01T00:00:00Z"}"#,
            #"{"type":"erase","subject":"c1","at":"2026-02-01T00:00:00Z"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let journal = try ConsentJournal(path: path, policy: policy)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("1987-11-03"))
        #expect(text.contains("1990-04-04"))
        #expect(try journal.ledger.count == 3)
        #expect(try journal.ledger.erasedSubjectsStillHoldingPersonalData.isEmpty)
    }

}
