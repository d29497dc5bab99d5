import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Progressive identity: consent recorded against a device id carried into registered identities.
@Suite struct IdentityLinkTests {
    let policy: Policy

    init() throws { policy = try TestSupport.retailPolicy() }

    func ledger(_ lines: String...) throws -> ConsentLedger {
        try ConsentLedger(policy: policy, jsonLines: Data(lines.joined(separator: "\n").utf8), file: "l.jsonl")
    }

    static func grant(_ id: String, _ subject: String, at: String = "2026-01-01T00:00:00Z") -> String {
        #"{"type":"grant","id":"\#(id)","subject":"\#(subject)","purposes":["marketing.email"],"#
            + #""fields":["email"],"kind":"ordinary","noticeVersion":2,"at":"\#(at)"}"#
    }

    static func link(_ from: String, _ into: String, at: String = "2026-03-01T00:00:00Z") -> String {
        #"{"type":"link","from":"\#(from)","into":"\#(into)","at":"\#(at)"}"#
    }

    /// Asks both evaluators, expecting the same answer from each.
    func decision(_ ledger: ConsentLedger, _ subject: SubjectID, _ at: String) throws -> Decision {
        let question = ConsentQuestion(
            subject: subject, purpose: "marketing.email", field: "email", at: try instant(at))
        let reference = ReferenceEvaluator(ledger: ledger).decision(for: question)
        #expect(ConsentEngine(ledger: ledger).decision(for: question) == reference, "\(subject) at \(at)")
        return reference
    }

    @Test func carriesAGrantFromTheLinkOnNeverBefore() throws {
        let ledger = try ledger(Self.grant("g-device", "device-1"), Self.link("device-1", "c1"))
        #expect(try decision(ledger, "c1", "2026-02-01T00:00:00Z").reason == .noConsent)
        #expect(try decision(ledger, "c1", "2026-03-01T00:00:00Z") == Decision(.allowedByConsent, grant: "g-device"))
        #expect(try decision(ledger, "device-1", "2026-03-02T00:00:00Z").isAllowed)
        #expect(ledger.identities(linkedWith: "c1") == ["c1", "device-1"])
        let carried = try #require(
            ledger.record(for: "c1")?.entries.first { $0.derivation != nil && $0.event.typeName == "grant" })
        #expect(carried.derivation?.note.contains("carried grant `g-device`") == true)
    }

    @Test func unknownNeverBecomesGranted() throws {
        let ledger = try ledger(
            #"{"type":"optIn","subject":"device-1","kind":"directMarketing","at":"2026-01-01T00:00:00Z"}"#,
            Self.link("device-1", "c1"))
        #expect(try decision(ledger, "c1", "2026-03-02T00:00:00Z").reason == .noConsent)
        #expect(try decision(ledger, "device-1", "2026-03-02T00:00:00Z").reason == .noConsent)
    }

    @Test func anExpiredGrantIsNotRevived() throws {
        let ledger = try ledger(
            #"{"type":"grant","id":"g","subject":"device-1","purposes":["marketing.email"],"fields":["email"],"#
                + #""kind":"ordinary","noticeVersion":2,"at":"2026-01-01T00:00:00Z","expiresAt":"2026-02-01T00:00:00Z"}"#,
            Self.link("device-1", "c1"))
        #expect(try decision(ledger, "c1", "2026-03-02T00:00:00Z").reason == .noConsent)
        #expect(ledger.resolution(ofLinkAt: 1) == [])
    }

    @Test func aWithdrawalOnEitherSideWins() throws {
        // c1 withdrew; the device still holds a grant: the device's grant is not carried and is withdrawn too.
        let ledger = try ledger(
            Self.grant("g-c1", "c1"),
            #"{"type":"withdraw","grant":"g-c1","at":"2026-02-01T00:00:00Z"}"#,
            Self.grant("g-device", "device-1", at: "2026-02-15T00:00:00Z"),
            Self.link("device-1", "c1"))
        #expect(try decision(ledger, "c1", "2026-03-02T00:00:00Z").reason == .withdrawn)
        #expect(try decision(ledger, "device-1", "2026-02-20T00:00:00Z").isAllowed)  // history is not rewritten
        #expect(try decision(ledger, "device-1", "2026-03-02T00:00:00Z").reason == .withdrawn)
        let notes = try #require(ledger.resolution(ofLinkAt: 3))
        #expect(notes.contains { $0.contains("did not carry grant `g-device`") })
        #expect(notes.contains { $0.contains("withdrew consent to `marketing.email`") && $0.hasPrefix("`device-1`") })
    }

    @Test func optOutsRestrictionsAndErasureAreUnited() throws {
        let ledger = try ledger(
            Self.grant("g-c1", "c1"),
            #"{"type":"optOut","subject":"device-1","kind":"directMarketing","at":"2026-01-05T00:00:00Z"}"#,
            Self.link("device-1", "c1"))
        #expect(try decision(ledger, "c1", "2026-02-01T00:00:00Z").isAllowed)
        #expect(try decision(ledger, "c1", "2026-03-02T00:00:00Z").reason == .optedOutOfDirectMarketing)

        let erased = try self.ledger(
            Self.grant("g-c1", "c1"), #"{"type":"erase","subject":"device-1","at":"2026-01-05T00:00:00Z"}"#,
            Self.link("device-1", "c1"))
        #expect(try decision(erased, "c1", "2026-03-02T00:00:00Z").reason == .erased)
    }

    @Test func eventsAfterTheLinkReachEveryIdentity() throws {
        let visit = #"{"type":"channelOptIn","subject":"device-1","channel":"push","at":"2026-01-01T00:00:00Z"}"#
        var ledger = try ledger(Self.grant("g-c1", "c1"), visit, Self.link("device-1", "c1"))
        #expect(ledger.identities(linkedWith: "device-1").count == 2)
        try ledger.append(
            .withdraw(Withdrawal(.purposes("device-1", ["marketing.email"]), at: try instant("2026-04-01T00:00:00Z"))))
        #expect(try decision(ledger, "c1", "2026-04-01T00:00:00Z").reason == .withdrawn)
        var engine = ConsentEngine(
            ledger: try self.ledger(Self.grant("g-c1", "c1"), visit, Self.link("device-1", "c1")))
        let question = ConsentQuestion(
            subject: "c1", purpose: "marketing.email", field: "email", at: try instant("2026-04-02T00:00:00Z"))
        #expect(engine.decision(for: question).isAllowed)
        try engine.append(.optOut("device-1", .directMarketing, at: try instant("2026-04-01T00:00:00Z")))
        #expect(engine.decision(for: question).reason == .optedOutOfDirectMarketing)
    }

    @Test func chainsCarryThroughEveryStep() throws {
        let ledger = try ledger(
            Self.grant("g-device", "device-1"),
            Self.link("device-1", "light-1", at: "2026-02-01T00:00:00Z"),
            Self.link("light-1", "c1", at: "2026-03-01T00:00:00Z"),
            #"{"type":"withdraw","grant":"g-device","at":"2026-04-01T00:00:00Z"}"#)
        #expect(try decision(ledger, "light-1", "2026-02-02T00:00:00Z").isAllowed)
        #expect(try decision(ledger, "c1", "2026-02-02T00:00:00Z").reason == .noConsent)
        #expect(try decision(ledger, "c1", "2026-03-02T00:00:00Z") == Decision(.allowedByConsent, grant: "g-device"))
        for subject: SubjectID in ["device-1", "light-1", "c1"] {
            #expect(try decision(ledger, subject, "2026-04-02T00:00:00Z").reason == .withdrawn)
        }
        #expect(ledger.identities(linkedWith: "device-1") == ["c1", "device-1", "light-1"])
    }

    @Test func conflictingBirthDatesKeepTheYoungerAndSayWhy() throws {
        let ledger = try ledger(
            #"{"type":"subject","subject":"device-1","birthDate":"2015-06-01","at":"2026-01-01T00:00:00Z"}"#,
            #"{"type":"subject","subject":"c1","birthDate":"1990-01-01","at":"2026-01-01T00:00:00Z"}"#,
            Self.link("device-1", "c1"))
        let facts = try #require(ledger.record(for: "c1")).state(at: try instant("2026-03-02T00:00:00Z")).facts
        #expect(facts.birthDate == CalendarDate(year: 2015, month: 6, day: 1))
        #expect(ledger.resolution(ofLinkAt: 2)?.contains { $0.contains("the later one, 2015-06-01") } == true)
    }

    @Test func writesOnlyAppendedEventsAndReadsBackTheSameDecisions() throws {
        let ledger = try ledger(
            Self.grant("g-device", "device-1"), Self.link("device-1", "c1"),
            #"{"type":"channelOptOut","subject":"c1","channel":"sms","at":"2026-03-05T00:00:00Z"}"#)
        let text = String(decoding: ledger.jsonLines(), as: UTF8.self)
        #expect(text.split(separator: "\n").count == 3)
        #expect(text.contains(#"{"type":"link","from":"device-1","into":"c1","at":"2026-03-01T00:00:00Z"}"#))
        let again = try ConsentLedger(policy: policy, jsonLines: ledger.jsonLines())
        for subject in ["c1", "device-1"] {
            #expect(again.events(for: SubjectID(subject)) == ledger.events(for: SubjectID(subject)))
        }
    }

    @Test func refusesBadLinks() throws {
        expectError(.unknownIdentifier) { _ = try ledger(Self.link("nobody", "c1")) }
        expectError(.duplicateIdentifier) {
            _ = try ledger(Self.grant("g", "device-1"), Self.link("device-1", "c1"), Self.link("c1", "device-1"))
        }
        let same = expectError(.invalidValue) { _ = try ledger(Self.grant("g", "d"), Self.link("d", "d")) }
        #expect(same?.location.line == 2)
        expectError(.missingKey) { _ = try ledger(#"{"type":"link","from":"d","at":"2026-03-01T00:00:00Z"}"#) }

        var live = try self.ledger(Self.grant("g", "device-1"), Self.link("device-1", "c1"))
        let before = live.count
        let late = expectError(.inconsistentLedger) {
            try live.append(.optOut("device-1", .directMarketing, at: try instant("2026-02-01T00:00:00Z")))
        }
        #expect(late?.message.contains("linked with `c1`") == true)
        #expect(live.count == before)
        expectError(.inconsistentLedger) {
            try live.append(
                .grant(
                    ConsentGrant(
                        "g2", subject: "c2", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                        at: try instant("2026-05-01T00:00:00Z"), noticeVersion: 2)))
            try live.append(.link(IdentityLink(from: "c2", into: "c3", at: try instant("2026-04-01T00:00:00Z"))))
        }
    }
}

@Suite struct AtomicAppendTests {
    @Test func aRefusedBatchIsTakenBackWhole() throws {
        let policy = try TestSupport.retailPolicy()
        var ledger = ConsentLedger(policy: policy)
        let at = try instant("2026-01-01T00:00:00Z")
        func grant(_ id: GrantID, _ subject: SubjectID) -> ConsentEvent {
            .grant(
                ConsentGrant(
                    id, subject: subject, purposes: ["marketing.email"], fields: ["email"], kind: .ordinary, at: at,
                    noticeVersion: 2))
        }
        _ = try ledger.appendAtomically([grant("g1", "device-1"), grant("g2", "c1")])
        let before = ledger
        let refused = expectError(.unknownIdentifier) {
            _ = try ledger.appendAtomically([
                grant("g3", "c1"), .link(IdentityLink(from: "device-1", into: "c1", at: at.addingTimeInterval(60))),
                .optOut("c2", .directMarketing, at: at.addingTimeInterval(61)),
                .withdraw(Withdrawal(.grant("nope"), at: at.addingTimeInterval(62))),
            ])
        }
        #expect(refused != nil)
        #expect(ledger.count == before.count)
        #expect(ledger.subjects == before.subjects)
        for subject in before.subjects { #expect(ledger.record(for: subject) == before.record(for: subject)) }
        #expect(ledger.identities(linkedWith: "c1") == ["c1"])
        #expect(ledger.grant("g3") == nil)
        #expect(ledger.resolution(ofLinkAt: 3) == nil)
        // And the ledger goes on as if the batch had never been offered.
        let changed = try ledger.appendAtomically([grant("g3", "c1")]).changed
        #expect(changed == [["c1"]])
        #expect(ledger.entries.map(\.sequence) == [0, 1, 2])
    }

    @Test func undoTakesBackABatchThatWasAccepted() throws {
        let policy = try TestSupport.retailPolicy()
        var ledger = ConsentLedger(policy: policy)
        let at = try instant("2026-01-01T00:00:00Z")
        try ledger.append(.optOut("c1", .directMarketing, at: at))
        let before = ledger
        let undo = try ledger.appendAtomically([.erase("c1", at: at), .channelOptOut("c9", "sms", at: at)]).undo
        ledger.removePersonalData(of: "c1")
        ledger.undo(undo)
        #expect(ledger.count == 1)
        #expect(ledger.record(for: "c1") == before.record(for: "c1"))
        #expect(ledger.record(for: "c9") == nil)
    }
}
