import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

/// Inputs whose size once made the readers super-linear: an object with very many keys, very many grants for one
/// subject, long chains of identity links. The sizes here finish in seconds in a debug build; the checks are of
/// results, never of time (``ScalingMeasurements`` prints times for release builds).
@Suite struct ScalingTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// `{"k0":0,"k1":1,…}`, then `tail` (such as `,"k7":7`) before the closing brace.
    static func object(keys: Int, tail: String = "") -> String {
        var text = "{"
        text.reserveCapacity(keys * 16)
        for index in 0..<keys {
            if index > 0 { text += "," }
            text += "\"k\(index)\":\(index)"
        }
        return text + tail + "}"
    }

    static func grant(_ index: Int, subject: SubjectID = "c1") -> ConsentGrant {
        ConsentGrant(
            GrantID("g\(index)"), subject: subject, purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
            at: start + Double(index), noticeVersion: 2)
    }

    /// `count` grants for subject `c1`, one a second, as JSON Lines.
    static func grantLines(count: Int) -> Data {
        var text = ""
        for index in 0..<count { text += ConsentEvent.grant(grant(index)).jsonLine + "\n" }
        return Data(text.utf8)
    }

    static func grantEvents(count: Int) -> [(line: Int?, path: JSONPath, event: ConsentEvent)] {
        (0..<count).map { (line: $0 + 1, path: JSONPath(), event: .grant(grant($0))) }
    }

    static func subject(_ index: Int) -> SubjectID { SubjectID("s\(index)") }

    /// `s0` holds a grant; then `count` links, one a second, join `s0`…`s<count>` into one person. Forward, each
    /// link takes the group into the next identity (`s<i>` into `s<i+1>`); otherwise the next identity, known by
    /// an opt-in, is taken into the group (`s<i+1>` into `s<i>`).
    static func chainedLinkEvents(count: Int, forward: Bool) -> [(line: Int?, path: JSONPath, event: ConsentEvent)] {
        var events: [ConsentEvent] = [.grant(grant(0, subject: subject(0)))]
        if !forward {
            for index in 1...count { events.append(.optIn(subject(index), .directMarketing, at: start)) }
        }
        for index in 0..<count {
            let (from, into) = forward ? (subject(index), subject(index + 1)) : (subject(index + 1), subject(index))
            events.append(.link(IdentityLink(from: from, into: into, at: start + Double(index + 1))))
        }
        return events.enumerated().map { (line: $0.offset + 1, path: JSONPath(), event: $0.element) }
    }

    // MARK: An object with very many keys

    @Test func readsAnObjectWithVeryManyKeys() throws {
        let value = try JSONParser.parse(Array(Self.object(keys: 200_000).utf8), file: "big.json")
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.count == 200_000)
        #expect(object.members.last?.key == "k199999")
    }

    @Test func findsADuplicateKeyAtTheEndOfAVeryLargeObject() {
        let text = Self.object(keys: 200_000, tail: #","k7":7"#)
        let error = expectError(.malformedJSON) { _ = try JSONParser.parse(Array(text.utf8), file: "big.json") }
        #expect(error?.message == "duplicate key `k7` in one object")
        #expect(error?.location.column == text.utf8.count - 6)
    }

    /// Around the size where the check turns from a scan to a set, a duplicate of the first or the last key before
    /// it is found.
    @Test(arguments: 1...40) func findsADuplicateKeyInAnObjectOfAnySize(keys: Int) throws {
        for duplicate in Set([0, keys - 1]) {
            let text = Self.object(keys: keys, tail: ",\"k\(duplicate)\":0")
            let error = expectError(.malformedJSON) { _ = try JSONParser.parse(Array(text.utf8)) }
            #expect(error?.message == "duplicate key `k\(duplicate)` in one object", "\(keys) keys")
        }
        let value = try JSONParser.parse(Array(Self.object(keys: keys).utf8))
        #expect(value == .object(JSONObject((0..<keys).map { (key: "k\($0)", value: .number(String($0))) })))
    }

    // MARK: Many grants for one subject

    @Test func loadsManyGrantsForOneSubject() throws {
        let policy = try TestSupport.retailPolicy()
        let count = 20_000
        for ledger in [
            try ConsentLedger(policy: policy, jsonLines: Self.grantLines(count: count)),
            try ConsentLedger(policy: policy, events: Self.grantEvents(count: count), file: nil),
        ] {
            #expect(ledger.count == count)
            let entries = try #require(ledger.record(for: "c1")?.entries)
            #expect(entries.map(\.sequence) == Array(0..<count))
            #expect(ledger.grant(GrantID("g\(count - 1)")) == Self.grant(count - 1))
        }
    }

    /// How a store appends: one batch per event, each of which could be taken back.
    @Test func appendsManyGrantsForOneSubjectOneBatchAtATime() throws {
        let policy = try TestSupport.retailPolicy()
        let count = 20_000
        var ledger = ConsentLedger(policy: policy)
        for index in 0..<count { _ = try ledger.appendAtomically([.grant(Self.grant(index))]) }
        let before = ledger
        // Out of time order, so that entries go into the middle of the record, then taken back.
        let late = ConsentEvent.withdraw(Withdrawal(.grant("g10"), at: Self.start + 10.5))
        let undo = try ledger.appendAtomically([
            .grant(Self.grant(count)), late, .grant(Self.grant(count + 1, subject: "c2")),
        ]).undo
        #expect(ledger.record(for: "c1")?.entries.count == count + 2)
        ledger.undo(undo)
        #expect(ledger.count == count)
        #expect(ledger.record(for: "c1") == before.record(for: "c1"))
        #expect(ledger.record(for: "c2") == nil)
        #expect(ledger.grant(GrantID("g\(count)")) == nil)
        #expect(ledger.grant(GrantID("g\(count + 1)")) == nil)
        #expect(ledger.grant("g10") == Self.grant(10))
        // A refused batch is taken back the same way.
        let refused = expectError(.unknownIdentifier) {
            _ = try ledger.appendAtomically([
                late, .grant(Self.grant(count)), .withdraw(Withdrawal(.grant("nope"), at: Self.start)),
            ])
        }
        #expect(refused != nil)
        #expect(ledger.record(for: "c1") == before.record(for: "c1"))
        #expect(ledger.count == count)
    }

    /// The one-pass index of withdrawals answers as the scan per grant and purpose does.
    @Test func indexedWithdrawalsMatchTheScan() throws {
        let policy = try TestSupport.retailPolicy()
        let purposes: [PurposeID] = ["marketing.email", "ads.personalised"]
        var random = SplitMix64(seed: 2_026)
        for round in 0..<20 {
            var ledger = ConsentLedger(policy: policy)
            var grants: [ConsentGrant] = []
            for index in 0..<40 {
                let at = Self.start + Double(random.next() % 100)
                if index % 3 == 2, let grant = grants.randomElement(using: &random) {
                    let target: Withdrawal.Target =
                        random.next() % 2 == 0 ? .grant(grant.id) : .purposes("c1", [purposes[Int(random.next() % 2)]])
                    try ledger.append(.withdraw(Withdrawal(target, at: max(at, grant.at))))
                } else {
                    let grant = ConsentGrant(
                        GrantID("g\(index)"), subject: "c1", purposes: purposes, fields: ["email"], kind: .separate,
                        at: at, noticeVersion: 2)
                    grants.append(grant)
                    try ledger.append(.grant(grant))
                }
            }
            let record = try #require(ledger.record(for: "c1"))
            for offset in stride(from: -1.0, through: 101, by: 7) {
                let instant = Self.start + offset
                let withdrawals = record.withdrawals(asOf: instant)
                for grant in grants {
                    for purpose in purposes {
                        #expect(
                            withdrawals.withdrawal(of: grant, for: purpose)
                                == record.withdrawal(of: grant, for: purpose, asOf: instant),
                            "round \(round), seed 2026")
                    }
                }
            }
        }
    }

    // MARK: Long chains of identity links

    @Test(arguments: [true, false]) func linksALongChainOfIdentities(forward: Bool) throws {
        let policy = try TestSupport.retailPolicy()
        let count = 2_000
        let ledger = try ConsentLedger(
            policy: policy, events: Self.chainedLinkEvents(count: count, forward: forward), file: nil)
        let everyone = (0...count).map(Self.subject).sorted()
        #expect(ledger.identities(linkedWith: Self.subject(0)) == everyone)
        #expect(ledger.identities(linkedWith: Self.subject(count)) == everyone)
        // A link is recorded for the two identities it names, not copied to every identity of the group: the
        // entries grow with the chain, not with its square.
        let links = try #require(ledger.record(for: Self.subject(0))?.entries.filter { $0.event.typeName == "link" })
        #expect(links.count == 1)
        let entries = ledger.recordsInAnyOrder.reduce(0) { $0 + $1.entries.count }
        #expect(entries <= 5 * count, "\(entries) entries for a chain of \(count) links")
        // The grant `s0` gave reaches the last identity through the whole chain.
        let last = Self.start + Double(count)
        let question = ConsentQuestion(
            subject: Self.subject(count), purpose: "marketing.email", field: "email", at: last)
        #expect(ReferenceEvaluator(ledger: ledger).decision(for: question) == Decision(.allowedByConsent, grant: "g0"))
        #expect(ledger.resolution(ofLinkAt: ledger.count - 1) != nil)
    }
}
