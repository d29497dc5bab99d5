import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct ConsentLedgerTests {
    let policy: Policy

    init() throws { policy = try TestSupport.retailPolicy() }

    func ledger(_ lines: String...) throws -> ConsentLedger {
        try ConsentLedger(policy: policy, jsonLines: Data(lines.joined(separator: "\n").utf8), file: "l.jsonl")
    }

    static let grant =
        #"{"type":"grant","id":"g1","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#

    @Test func readsTheRetailLedger() throws {
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        #expect(ledger.count == 19)
        #expect(ledger.subjects.contains("alice"))
        #expect(ledger.grant("bob-rx-written")?.kind == .written)
        #expect(ledger.grant("alice-hq")?.evidence?.touchpoint == "loyalty-signup")
    }

    @Test func roundTripsThroughJSONLines() throws {
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        let again = try ConsentLedger(policy: policy, jsonLines: ledger.jsonLines())
        #expect(again.entries.map(\.event) == ledger.entries.map(\.event))
    }

    @Test func readsEveryEventType() throws {
        let ledger = try ledger(
            Self.grant,
            #"{"type":"withdraw","subject":"c1","purposes":["marketing.email"],"at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"optOut","subject":"c1","kind":"sensitiveData","at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"optIn","subject":"c1","kind":"sensitiveData","at":"2026-02-02T00:00:00Z"}"#,
            #"{"type":"channelOptOut","subject":"c1","channel":"wechat","at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"channelOptIn","subject":"c1","channel":"wechat","at":"2026-02-02T00:00:00Z"}"#,
            #"{"type":"restrict","subject":"c1","purpose":"ads.personalised","at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"unrestrict","subject":"c1","purpose":"ads.personalised","at":"2026-02-02T00:00:00Z"}"#,
            #"{"type":"erase","subject":"c1","at":"2026-03-01T00:00:00Z"}"#,
            #"{"type":"subject","subject":"c1","birthDate":"2013-05-01","minor":null,"at":"2026-01-01T00:00:00Z"}"#,
            "")
        let types = ledger.events(for: "c1").map(\.typeName)
        #expect(Set(types).count == 10)
        guard case .subjectFacts(_, let change, _) = ledger.events(for: "c1")[1] else {
            Issue.record("facts change expected second (same instant as the grant, later in the file)")
            return
        }
        #expect(change.birthDate == .set(try CalendarDate(parsing: "2013-05-01")))
        #expect(change.minor == .clear)
        #expect(change.guardianship == .keep)
    }

    @Test func ordersOutOfOrderLinesByInstantThenFileOrder() throws {
        let ledger = try ledger(
            #"{"type":"optOut","subject":"c1","kind":"directMarketing","at":"2026-03-01T00:00:00Z"}"#,
            #"{"type":"optIn","subject":"c1","kind":"directMarketing","at":"2026-01-01T00:00:00Z"}"#,
            #"{"type":"optOut","subject":"c1","kind":"sensitiveData","at":"2026-01-01T00:00:00Z"}"#)
        #expect(ledger.events(for: "c1").map(\.typeName) == ["optIn", "optOut", "optOut"])
    }

    @Test func aWithdrawalMayComeBeforeItsGrantInTheFile() throws {
        let ledger = try ledger(#"{"type":"withdraw","grant":"g1","at":"2026-02-01T00:00:00Z"}"#, Self.grant)
        #expect(ledger.count == 2)
    }

    @Test func aCutOffLineIsMalformedAtItsLine() {
        let error = expectError(.malformedJSON) {
            _ = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.fixture("cut-off.ledger.jsonl"))
        }
        #expect(error?.location.line == 3)
        #expect(error?.location.file?.hasSuffix("cut-off.ledger.jsonl") == true)
        #expect(error?.message.contains("cut off") == true)
    }

    @Test(arguments: [
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["nope"],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#,
            ConsentKitError.Code.unknownIdentifier, "purposes[0]"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["shoe"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#,
            .unknownIdentifier, "fields[0]"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"categories":["nope"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#,
            .unknownIdentifier, "categories[0]"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-02-30T00:00:00Z"}"#,
            .invalidDate, "at"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"strong","at":"2026-01-01T00:00:00Z"}"#,
            .invalidValue, "kind"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z","colour":"red"}"#,
            .unknownKey, "colour"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":[],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#,
            .invalidValue, "purposes"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#,
            .missingKey, "fields"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary"}"#,
            .missingKey, "at"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z","expiresAt":"2025-01-01T00:00:00Z"}"#,
            .invalidDate, "expiresAt"
        ),
        (
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","guardianId":"p","at":"2026-01-01T00:00:00Z"}"#,
            .invalidValue, "guardianId"
        ),
        (#"{"type":"withdraw","grant":"g9","at":"2026-01-01T00:00:00Z"}"#, .unknownIdentifier, "grant"),
        (
            #"{"type":"withdraw","grant":"g1","subject":"c1","purposes":["marketing.email"],"at":"2026-01-01T00:00:00Z"}"#,
            .invalidValue, ""
        ),
        (
            #"{"type":"withdraw","subject":"c1","purposes":["nope"],"at":"2026-01-01T00:00:00Z"}"#, .unknownIdentifier,
            "purposes[0]"
        ),
        (
            #"{"type":"restrict","subject":"c1","purpose":"nope","at":"2026-01-01T00:00:00Z"}"#, .unknownIdentifier,
            "purpose"
        ),
        (
            #"{"type":"channelOptOut","subject":"c1","channel":"fax","at":"2026-01-01T00:00:00Z"}"#, .invalidValue,
            "channel"
        ),
        (#"{"type":"optOut","subject":"c1","kind":"everything","at":"2026-01-01T00:00:00Z"}"#, .invalidValue, "kind"),
        (
            #"{"type":"subject","subject":"c1","birthDate":"2013-13-01","at":"2026-01-01T00:00:00Z"}"#, .invalidDate,
            "birthDate"
        ),
        (#"{"type":"teleport","subject":"c1","at":"2026-01-01T00:00:00Z"}"#, .invalidValue, "type"),
        (#"["not","an","event"]"#, .wrongType, ""),
    ])
    func refusesBadEventsNamingLineAndPath(line: String, code: ConsentKitError.Code, path: String) {
        let error = expectError(code) { _ = try ledger(Self.grant, line) }
        #expect(error?.location.file == "l.jsonl")
        #expect(error?.location.line == 2)
        #expect(error?.location.path == path, "\(String(describing: error))")
    }

    @Test func aDuplicateGrantIDIsRefused() throws {
        // Another grant with the id: refused at its line. The very same grant twice: recorded once.
        let other = Self.grant.replacingOccurrences(of: #""c1""#, with: #""c2""#)
        #expect(other != Self.grant)
        let error = expectError(.duplicateIdentifier) { _ = try ledger(Self.grant, other) }
        #expect(error?.location.line == 2)
        #expect(try ledger(Self.grant, Self.grant).entries.count == 1)
    }

    @Test func aWithdrawalBeforeItsGrantIsInconsistent() {
        let error = expectError(.inconsistentLedger) {
            _ = try ledger(Self.grant, #"{"type":"withdraw","grant":"g1","at":"2025-12-01T00:00:00Z"}"#)
        }
        #expect(error?.location.line == 2)
        #expect(error?.message.contains("precedes grant `g1`") == true)
    }

    @Test func reportsEveryBadLineNotOnlyTheFirst() {
        let error = expectError(.malformedJSON) {
            _ = try ledger("{", Self.grant, "[1,", #"{"type":"x","at":"2026-01-01T00:00:00Z"}"#)
        }
        #expect(error?.diagnostics.map(\.location.line) == [1, 3, 4])
    }

    @Test func aRefusedAppendLeavesTheLedgerUnchanged() throws {
        var ledger = try ledger(Self.grant)
        let before = ledger.entries
        #expect(throws: ConsentKitError.self) {
            try ledger.append(.restrict("c1", "nope", at: Date(timeIntervalSince1970: 0)))
        }
        #expect(throws: ConsentKitError.self) {
            try ledger.append(.withdraw(Withdrawal(.grant("g1"), at: Date(timeIntervalSince1970: 0))))
        }
        #expect(ledger.entries == before)
        #expect(ledger.count == 1)
    }

    @Test func initialFactsAreDeclaredOnce() throws {
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("c1", facts: SubjectFacts(minor: true))
        try ledger.declare("c1", facts: SubjectFacts(minor: true))
        #expect(throws: ConsentKitError(code: .duplicateIdentifier)) {
            try ledger.declare("c1", facts: SubjectFacts(minor: false))
        }
    }

    @Test func stateAsOfAnInstantUsesOnlyEarlierEvents() throws {
        let ledger = try ledger(
            Self.grant,
            #"{"type":"restrict","subject":"c1","purpose":"ads.personalised","at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"unrestrict","subject":"c1","purpose":"ads.personalised","at":"2026-02-01T00:00:00Z"}"#,
            #"{"type":"erase","subject":"c1","at":"2026-03-01T00:00:00Z"}"#)
        let record = try #require(ledger.record(for: "c1"))
        #expect(record.state(at: try instant("2026-01-31T23:59:59Z")).restricted.isEmpty)
        // Restrict and unrestrict at the same instant: the later line wins.
        #expect(record.state(at: try instant("2026-02-01T00:00:00Z")).restricted.isEmpty)
        #expect(!record.state(at: try instant("2026-02-28T00:00:00Z")).erased)
        #expect(record.state(at: try instant("2026-03-01T00:00:00Z")).erased)
    }

    @Test func eventsRoundTripAsSingleLines() throws {
        for entry in try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath).entries {
            #expect(try ConsentEvent(jsonLine: entry.event.jsonLine) == entry.event)
        }
    }
}
