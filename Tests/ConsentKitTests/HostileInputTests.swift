import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing
import _ConsentKitWorkload

/// Regression tests for the audit's findings on values and questions: every value checked where it enters, and no
/// forged or absurd question answered with an allow or a crash.
@Suite struct HostileInputTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    static let day = Date(timeIntervalSince1970: 1_767_225_600)

    func grant(_ id: GrantID = "g1", subject: SubjectID = "c1", at: Date = day, expiresAt: Date? = nil) -> ConsentEvent
    {
        .grant(
            ConsentGrant(
                id, subject: subject, purposes: ["marketing.email"], fields: ["email"], kind: .ordinary, at: at,
                expiresAt: expiresAt, noticeVersion: 2))
    }

    // MARK: Instants

    @Test(arguments: [
        "9999-12-31T23:59:59-23:59",  // year 10000 in UTC
        "0001-01-01T00:00:00+00:01",  // year 0 in UTC
        "10000-01-01T00:00:00Z",
    ])
    func instantsOutsideYearsOneToNineThousandNineHundredNinetyNineAreRefused(text: String) {
        #expect(throws: ConsentKitError(code: .invalidDate)) { try RFC3339.parseInstant(text) }
    }

    @Test func theExtremeInstantsRoundTrip() throws {
        for text in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z"] {
            #expect(RFC3339.format(try RFC3339.parseInstant(text)) == text)
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e300, -1e300, 253_402_387_139])
    func formattingIsTotalAndTheLedgerRefusesWhatCannotBeWritten(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC3339.format(date).hasPrefix("(invalid instant"))
        var ledger = ConsentLedger(policy: policy)
        let atError = expectError(.invalidDate) { try ledger.append(grant(at: date)) }
        #expect(atError?.location.path == "at")
        let expiryError = expectError(.invalidDate) { try ledger.append(grant(expiresAt: date)) }
        if seconds.isNaN || seconds > 0 { #expect(expiryError?.location.path == "expiresAt") }
        #expect(ledger.count == 0)
    }

    /// Both evaluators deny a question at an instant no file can hold, with the same reason; NaN compares false with
    /// every instant, so an unchecked NaN would skip the withdrawal below.
    @Test(arguments: [Double.nan, .infinity, 1e300])
    func aQuestionAtAnImpossibleInstantIsDenied(seconds: Double) throws {
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(grant(at: Self.day))
        try ledger.append(.withdraw(Withdrawal(.grant("g1"), at: Self.day.addingTimeInterval(60))))
        let question = ConsentQuestion(
            subject: "c1", purpose: "marketing.email", field: "email", at: Date(timeIntervalSince1970: seconds))
        let reference = ReferenceEvaluator(ledger: ledger).decision(for: question)
        let compiled = ConsentEngine(ledger: ledger).decision(for: question)
        #expect(!reference.isAllowed && reference.reason == .noConsent)
        #expect(compiled == reference)
    }

    // MARK: Identifiers

    @Test(arguments: [
        " c1", "c1 ", "\tc1", "c1\n", "", "c\u{1B}[2J1", "c\u{85}1", String(repeating: "x", count: 1_025),
    ])
    func identifiersAreCheckedByOneRuleWhereverTheyEnter(text: String) throws {
        #expect(IdentifierRule.problem(with: text) != nil)
        var ledger = ConsentLedger(policy: policy)
        expectError(.invalidValue) { try ledger.append(grant(subject: SubjectID(text))) }
        expectError(.invalidValue) { try ledger.append(grant(GrantID(text))) }
        expectError(.invalidValue) { try ledger.append(.optOut(SubjectID(text), .directMarketing, at: Self.day)) }
        expectError(.invalidValue) {
            try ledger.append(.link(IdentityLink(from: "c1", into: SubjectID(text), at: Self.day)))
        }
        #expect(ledger.count == 0)
        // The same rule in files.
        let line =
            #"{"type":"optOut","subject":"#
            + JSONValue.string(text).serialized() + #","kind":"directMarketing","at":"2026-01-01T00:00:00Z"}"#
        expectError(.invalidValue) { _ = try ConsentLedger(policy: policy, jsonLines: Data(line.utf8)) }
    }

    /// Whatever the ledger accepts round-trips through JSON Lines and through a journal: the audit's white-space ids
    /// were accepted, written durably, and then refused by the next open.
    @Test func whateverTheLedgerAcceptsRoundTripsThroughJSONLinesAndTheJournal() throws {
        var random = SplitMix64(seed: 20_261_203)
        print("seed 20261203")
        let alphabet: [String] = [
            "a", "Z", "9", " ", "\t", "\u{A0}", "\u{1}", "\u{7F}", "\"", "\\", "é", "中", "😀", "-", ".",
        ]
        var ledger = ConsentLedger(policy: policy)
        var offered = 0
        for number in 0..<400 {
            let length = Int(random.next() % 6)
            let id = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
            let seconds = [-1e300, Double.nan, 0, 1.5e9, 2.5e11, 253_402_300_799, -62_135_596_800][
                Int(random.next() % 7)]
            let at = Date(timeIntervalSince1970: seconds + Double(number))
            let event: ConsentEvent =
                number % 3 == 0
                ? grant(GrantID("g\(number)"), subject: SubjectID(id), at: at)
                : .optOut(SubjectID(id), .directMarketing, at: at)
            offered += 1
            try? ledger.append(event)
        }
        #expect(ledger.count > 20 && ledger.count < offered, "the generator should make both kinds")
        let again = try ConsentLedger(policy: policy, jsonLines: ledger.jsonLines())
        #expect(again.entries.map(\.event) == ledger.entries.map(\.event))
        let path = scratch.url.appendingPathComponent("roundtrip-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(ledger.entries.map(\.event))
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.recovery == nil)
        #expect(try reopened.ledger.entries.map(\.event) == ledger.entries.map(\.event))
    }

    // MARK: Compiled questions

    @Test func forgedCompiledQuestionsAreDeniedNeverReadOutOfBounds() throws {
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(grant())
        let engine = ConsentEngine(ledger: ledger)
        let handle = engine.handle(for: "c1")
        let asked = engine.compiled.compile(
            ConsentQuestion(
                subject: "c1", purpose: "marketing.email", field: "email", at: Self.day.addingTimeInterval(60)))
        #expect(engine.decision(asked, for: handle).isAllowed)
        // The audit's channel 8 wrapped onto the e-mail bit; every index past the tables is denied.
        for channel: Int32 in [7, 8, 9, 64, .max, -3] {
            var forged = asked
            forged.channel = channel
            #expect(engine.decision(forged, for: handle).reason == .channelNotPermitted, "channel \(channel)")
        }
        for purpose: Int32 in [Int32(policy.purposes.count), 5_000, .max, -2, .min] {
            var forged = asked
            forged.purpose = purpose
            #expect(engine.decision(forged, for: handle).reason == .unknownPurpose, "purpose \(purpose)")
        }
        for field: Int32 in [Int32(policy.fields.count), 1 << 20, .max, -2] {
            var forged = asked
            forged.field = field
            #expect(engine.decision(forged, for: handle).reason == .unknownField, "field \(field)")
        }
        for recipient: Int32 in [999, .max, -7] {
            var forged = asked
            forged.recipient = recipient
            #expect(!engine.decision(forged, for: handle).isAllowed, "recipient \(recipient)")
        }
        // A question compiled for a larger policy, asked of a smaller one.
        var small = PolicyFixture()
        small.field("email", category: .contactEmail)
        small.purpose("newsletter", basis: .consent, fields: ["email"])
        let smallEngine = ConsentEngine(ledger: ConsentLedger(policy: try small.build()))
        var fromBig = asked
        fromBig.purpose = 5
        #expect(smallEngine.decision(fromBig, for: .empty).reason == .unknownPurpose)
        // A handle from a larger engine names no slot of a smaller one: decided as a subject with nothing recorded.
        let many = try (0..<50).reduce(into: ConsentLedger(policy: policy)) { ledger, number in
            try ledger.append(grant(GrantID("g\(number)"), subject: SubjectID("s\(number)")))
        }
        let bigEngine = ConsentEngine(ledger: many)
        let farHandle = bigEngine.handle(for: "s49")
        #expect(!engine.decision(asked, for: farHandle).isAllowed)
        var fields = FieldSet(fieldCount: policy.fields.count)
        engine.allowedFields(for: farHandle, purpose: 5_000, at: Self.day, into: &fields)
        #expect(fields.words.allSatisfy { $0 == 0 })
    }
}

extension HostileInputTests {
    @Test func theDecisionPathsBoundsAreTheInstantBounds() {
        #expect(
            RFC3339.earliestSinceReferenceDate
                == RFC3339.earliest - Date.timeIntervalBetween1970AndReferenceDate)
        #expect(RFC3339.latestSinceReferenceDate == RFC3339.latest - Date.timeIntervalBetween1970AndReferenceDate)
    }
}

extension HostileInputTests {
    /// A policy built in Swift with an id a file could not hold: its grants would be written to a journal that then
    /// refused to open.
    @Test func aPolicyBuiltInSwiftObeysTheIdentifierRule() {
        var fixture = PolicyFixture()
        fixture.field(" email", category: .contactEmail)
        fixture.purpose("news\u{7}letter", basis: .consent, fields: [" email"])
        do {
            _ = try fixture.build()
            Issue.record("a policy with invalid ids was built")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.diagnostics.filter { $0.message.contains("not a valid identifier") }.count == 2, "\(error)")
        }
    }
}

extension HostileInputTests {
    @Test func impossibleInstantsDoNotTrapInTheCalendarOrInSnapshots() throws {
        for seconds in [Double.nan, .infinity, -1e300] {
            #expect(policy.localDate(of: Date(timeIntervalSince1970: seconds)) == nil)
        }
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(
            .subjectFacts(
                "c1", SubjectFactsChange(birthDate: .set(CalendarDate(year: 2015, month: 1, day: 1)!)), at: Self.day))
        expectError(.invalidDate) { _ = try ConsentSnapshot("c1", from: ledger, at: Date(timeIntervalSince1970: .nan)) }
    }

    @Test func aDecisionFromAnotherEngineNamesNoGrantHere() throws {
        let many = try (0..<50).reduce(into: ConsentLedger(policy: policy)) { ledger, number in
            try ledger.append(grant(GrantID("g\(number)"), subject: SubjectID("s\(number)")))
        }
        let big = ConsentEngine(ledger: many)
        let question = ConsentQuestion(
            subject: "s49", purpose: "marketing.email", field: "email", at: Self.day.addingTimeInterval(60))
        let decision = big.decision(big.compiled.compile(question), for: big.handle(for: "s49"))
        #expect(big.grantID(of: decision) == "g49")
        let small = ConsentEngine(ledger: ConsentLedger(policy: policy))
        #expect(small.grantID(of: decision) == nil)
    }
}
