import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// What a newcomer reaches for first on a store: replaying changes from a sequence, recording facts in one call,
/// parsing instants, and errors that say which event of a batch failed.
@Suite struct StoreConvenienceTests {
    let email = FieldDefinition("email", category: .contactEmail, type: .string)

    func store() throws -> InMemoryConsentStore {
        InMemoryConsentStore(
            policy: try Policy(fields: [email], purposes: [Purpose("news", basis: .consent, fields: ["email"])]))
    }

    func grant(_ id: GrantID, _ subject: SubjectID, _ at: String) throws(ConsentKitError) -> ConsentEvent {
        .grant(
            ConsentGrant(
                id, subject: subject, purposes: ["news"], fields: ["email"], kind: .ordinary, at: try Date(rfc3339: at))
        )
    }

    @Test func changesAfterASequenceReplayThenFollow() async throws {
        let store = try store()
        try store.append([try grant("g1", "c1", "2026-01-01T00:00:00Z"), try grant("g2", "c2", "2026-01-02T00:00:00Z")])
        // Subscribed after two appends: both are replayed, then the live one follows, each once and in order.
        let changes = try await store.changes(after: -1)
        try store.append([try grant("g3", "c1", "2026-01-03T00:00:00Z")])
        var seen: [Int] = []
        var subjects: [[SubjectID]] = []
        for await change in changes {
            seen.append(change.sequence)
            subjects.append(change.subjects)
            if seen.count == 3 { break }
        }
        #expect(seen == [0, 1, 2])
        #expect(subjects == [["c1"], ["c2"], ["c1"]])
        // Resuming after the first: only what followed it.
        var resumed: [Int] = []
        for await change in try await store.changes(after: 0) {
            resumed.append(change.sequence)
            if resumed.count == 2 { break }
        }
        #expect(resumed == [1, 2])
    }

    @Test func factsAreOneCall() async throws {
        let store = try store()
        try await store.declare("kid", facts: SubjectFacts(guardianship: false))
        try await store.record(
            SubjectFacts(birthDate: CalendarDate(year: 2014, month: 5, day: 1)), of: "kid",
            at: try Date(rfc3339: "2026-01-01T00:00:00Z"))
        let state = try await store.state(of: "kid", at: try Date(rfc3339: "2026-02-01T00:00:00+08:00"))
        #expect(state.facts.birthDate == CalendarDate(year: 2014, month: 5, day: 1))
        #expect(state.facts.guardianship == false)
    }

    @Test func instantsParseAndPrint() throws {
        let at = try Date(rfc3339: "2026-03-01T09:30:00+08:00")
        #expect(at.rfc3339 == "2026-03-01T01:30:00Z")
        #expect(throws: ConsentKitError.self) { try Date(rfc3339: "2026-02-30T00:00:00Z") }
        #expect(throws: ConsentKitError.self) { try Date(rfc3339: "yesterday") }
    }

    @Test func appendingTheSameBatchTwiceChangesNothing() async throws {
        let store = try store()
        let seed = [try grant("g1", "c1", "2026-01-01T00:00:00Z"), try grant("g2", "c1", "2026-01-02T00:00:00Z")]
        try store.append(seed)
        try store.append(seed)  // re-running seed code
        try store.append(seed + seed)  // or a batch that repeats itself
        #expect(store.ledger.entries.count == 2)
        var sequences: [Int] = []
        for await change in try await store.changes(after: -1) {
            sequences.append(change.sequence)
            if sequences.count == 2 { break }
        }
        #expect(sequences == [0, 1])
        // The journal too: nothing written twice, the same after reopening.
        let scratch = ScratchDirectory()
        let journal = try ConsentJournal(path: scratch.path("j.jsonl"), policy: store.policy)
        try journal.append(seed)
        try journal.append(seed)
        journal.close()
        let reopened = try ConsentJournal(path: scratch.path("j.jsonl"), policy: store.policy)
        #expect(try reopened.ledger.entries.count == 2)
        reopened.close()
    }

    @Test func aBatchErrorNamesItsEventAndAppendsNothing() throws {
        let store = try store()
        try store.append([try grant("g1", "c1", "2026-01-01T00:00:00Z")])
        do {
            // Another grant reusing `g1`, second in its batch.
            try store.append([
                try grant("g3", "c1", "2026-01-03T00:00:00Z"), try grant("g1", "c2", "2026-01-04T00:00:00Z"),
            ])
            Issue.record("accepted a duplicate")
        } catch {
            #expect(error.code == .duplicateIdentifier)
            #expect(error.message.contains("event 2 of 2 in the batch; none was appended"), "\(error.message)")
            #expect(error.message.contains("another grant, with different content, has it"))
            #expect(error.location.path == "[1].id")
        }
        #expect(store.ledger.grant("g3") == nil)
    }

    @Test func statesAndKindsPrintReadably() throws {
        var ledger = ConsentLedger(policy: try store().policy)
        try ledger.append(try grant("g1", "c1", "2026-01-01T00:00:00Z"))
        try ledger.append(.optOut("c1", .directMarketing, at: try Date(rfc3339: "2026-01-02T00:00:00Z")))
        let state = ledger.state(of: "c1", at: try Date(rfc3339: "2026-02-01T00:00:00Z"))
        #expect("\(state)" == "c1 at 2026-02-01T00:00:00Z: in force news; opted out directMarketing")
        #expect("\(OptOutKind.directMarketing)" == "directMarketing")
    }
}

/// The review's findings on batches, replay order and the privacy centre, each as a test.
@Suite struct StoreBatchEdgeTests {
    let email = FieldDefinition("email", category: .contactEmail, type: .string)

    func policy(consentVersion: Int = 0) throws -> Policy {
        try Policy(
            fields: [email],
            purposes: [Purpose("news", basis: .consent, fields: ["email"], consentVersion: consentVersion)])
    }

    func grant(_ id: GrantID, _ subject: SubjectID, _ at: String) throws(ConsentKitError) -> ConsentEvent {
        .grant(
            ConsentGrant(
                id, subject: subject, purposes: ["news"], fields: ["email"], kind: .ordinary,
                at: try Date(rfc3339: at)))
    }

    @Test func aConflictingGrantLaterInTheBatchIsRefused() throws {
        let store = InMemoryConsentStore(policy: try policy())
        #expect(throws: ConsentKitError(code: .duplicateIdentifier)) {
            try store.append([
                try grant("x", "c1", "2026-01-01T00:00:00Z"), try grant("x", "c2", "2026-01-01T00:00:00Z"),
            ])
        }
        #expect(store.ledger.entries.isEmpty)
    }

    @Test func aRefusalNamesItsPositionInTheBatchAsGiven() throws {
        let store = InMemoryConsentStore(policy: try policy())
        let recorded = try grant("g1", "c1", "2026-01-01T00:00:00Z")
        try store.append([recorded])
        let bad = ConsentEvent.withdraw(Withdrawal(.grant("nope"), at: try Date(rfc3339: "2026-01-02T00:00:00Z")))
        do {
            try store.append([recorded, bad])
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("event 2 of 2 in the batch"), "\(error.message)")
            #expect(error.location.path.hasPrefix("[1]"), "\(error.location.path)")
        }
    }

    @Test func aReopenedJournalKeepsItsSequenceNumbers() async throws {
        let scratch = ScratchDirectory()
        let path = scratch.path("j.jsonl")
        let journal = try ConsentJournal(path: path, policy: try policy())
        try journal.append(try grant("late", "c1", "2026-01-01T10:00:00Z"))  // sequence 0
        try journal.append(try grant("early", "c1", "2026-01-01T09:00:00Z"))  // sequence 1, earlier in time
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: try policy())
        var resumed: [LedgerChange] = []
        for await change in try await reopened.changes(after: 0) {
            resumed.append(change)
            break
        }
        #expect(resumed.map(\.sequence) == [1])
        if case .grant(let given)? = resumed.first?.event { #expect(given.id == "early") }
        reopened.close()
    }

    @Test func aGiveFromThePrivacyCentreMeetsTheCurrentNotice() throws {
        var ledger = ConsentLedger(policy: try policy(consentVersion: 3))
        let at = try Date(rfc3339: "2026-03-01T00:00:00Z")
        let give = try #require(ledger.privacyCentre(for: "c1", at: at).purposes[0].actions.first)
        let event = give.event(for: "c1", at: at)
        if case .grant(let made) = event {
            #expect(made.noticeVersion == 3)
            #expect(made.id.rawValue.hasPrefix("pc.c1.news."))
        }
        try ledger.append(event)
        #expect(ledger.status(of: "c1", purpose: "news", at: at).isOn)
    }

    @Test func aPurposeThatKeepsAFieldIsNotTurnedOff() throws {
        let phone = FieldDefinition("phone", category: .contactPhone, type: .string)
        let policy = try Policy(
            fields: [email, phone], purposes: [Purpose("news", basis: .consent, fields: ["email", "phone"])])
        var ledger = ConsentLedger(policy: policy)
        let at = try Date(rfc3339: "2026-01-01T00:00:00Z")
        try ledger.append(
            .grant(
                ConsentGrant(
                    "both", subject: "c1", purposes: ["news"], fields: ["email", "phone"], kind: .ordinary, at: at)))
        try ledger.append(
            .grant(ConsentGrant("mail", subject: "c1", purposes: ["news"], fields: ["email"], kind: .ordinary, at: at)))
        let preview = try ledger.preview([.withdraw(Withdrawal(.grant("both"), at: at.addingTimeInterval(60)))])
        #expect(preview.changes.map(\.field) == ["phone"])
        #expect(preview.turnsOff.isEmpty && preview.purposeChanges.isEmpty)
        // The centre shows the most recently given grant the purpose rests on.
        #expect(ledger.status(of: "c1", purpose: "news", at: at).grants == ["both", "mail"])
    }

    @Test func textsRefuseTwinTagsAndBidiControlsAndLookUpByPrefix() {
        let text: LocalizedText = ["zh-Hans": "简体", "zh-Hant": "繁體", "en": "English"]
        #expect(text.text(for: ["zh-Hant-TW"]) == "繁體")
        #expect(text.text(for: ["zh"]) == "简体")
        #expect(throws: ConsentKitError.self) {
            try Policy(
                fields: [email],
                purposes: [
                    Purpose("p", basis: .consent, fields: ["email"], title: LocalizedText(["en": "A", "EN": "B"]))
                ])
        }
        #expect(throws: ConsentKitError.self) {
            try Policy(
                fields: [email],
                purposes: [
                    Purpose("p", basis: .consent, fields: ["email"], title: LocalizedText(["en": "evil\u{202E}txt"]))
                ])
        }
    }
}
