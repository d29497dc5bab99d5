import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The bookkeeping a store kept elsewhere (a database) shares with the shipped stores.
@Suite struct LedgerReplicaTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    static let base = Date(timeIntervalSince1970: 1_767_225_600)

    func grant(_ id: String, _ subject: SubjectID, second: Double = 0) -> ConsentEvent {
        .grant(
            ConsentGrant(
                GrantID(id), subject: subject, purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                at: Self.base.addingTimeInterval(second), noticeVersion: 2))
    }

    @Test func aPreparedBatchIsNumberedCommittedAndPublishedInOrder() throws {
        var replica = LedgerReplica(policy: policy)
        let prepared = try replica.prepare([grant("g1", "c1"), grant("g2", "c2")])
        #expect(prepared.firstSequence == 0)
        #expect(prepared.subjects == [["c1"], ["c2"]])
        let changes = replica.commit(prepared)
        #expect(changes.map(\.sequence) == [0, 1])
        #expect(replica.count == 2)
        // The same grants again: left out, nothing to write.
        let again = try replica.prepare([grant("g1", "c1")])
        #expect(again.events.isEmpty)
        #expect(replica.commit(again).isEmpty)
        #expect(replica.count == 2)
    }

    @Test func aRolledBackOrAbandonedBatchLeavesNothing() throws {
        var replica = LedgerReplica(policy: policy)
        _ = replica.commit(try replica.prepare([grant("g1", "c1")]))
        let failed = try replica.prepare([.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5)))])
        replica.rollBack(failed)
        #expect(replica.count == 1)
        #expect(
            replica.ledger.state(of: "c1", at: Self.base.addingTimeInterval(9)).grants.first?.withdrawn.isEmpty == true)
        let abandoned = try replica.prepare([grant("g2", "c2")])
        replica.rollBackPending()
        #expect(replica.count == 1)
        #expect(replica.ledger.grant("g2") == nil)
        // A late commit of the abandoned batch changes nothing.
        #expect(replica.commit(abandoned).isEmpty)
        #expect(replica.count == 1)
    }

    @Test func onlyOneBatchIsPreparedAtATime() throws {
        var replica = LedgerReplica(policy: policy)
        let first = try replica.prepare([grant("g1", "c1")])
        let error = #expect(throws: ConsentKitError.self) { try replica.prepare([grant("g2", "c2")]) }
        #expect(error?.code == .storageFailure)
        #expect(throws: ConsentKitError.self) { try replica.apply(grant("g3", "c3"), sequence: 1) }
        _ = replica.commit(first)
        #expect(try replica.prepare([grant("g2", "c2")]).firstSequence == 1)
    }

    @Test func aRefusedBatchNamesItsEventAndLeavesTheReplicaAsItWas() throws {
        var replica = LedgerReplica(policy: policy)
        _ = replica.commit(try replica.prepare([grant("g1", "c1")]))
        let error = #expect(throws: ConsentKitError.self) {
            try replica.prepare([grant("g2", "c2"), grant("g1", "c9")])
        }
        #expect(error?.code == .duplicateIdentifier)
        #expect(error?.location.path.hasPrefix("[1]") == true)
        #expect(replica.count == 1)
        #expect(replica.ledger.grant("g2") == nil)
        // And the next batch can be prepared.
        #expect(try replica.prepare([grant("g2", "c2")]).firstSequence == 1)
    }

    @Test func eventsReadBackApplyOnlyInSequence() throws {
        var replica = LedgerReplica(policy: policy)
        #expect(try replica.apply(grant("g1", "c1"), sequence: 0).subjects == ["c1"])
        let gap = #expect(throws: ConsentKitError.self) { try replica.apply(grant("g3", "c3"), sequence: 2) }
        #expect(gap?.code == .inconsistentLedger)
        #expect(gap?.message.contains("change 1 is missing") == true)
        let repeated = #expect(throws: ConsentKitError.self) { try replica.apply(grant("g1", "c1"), sequence: 0) }
        #expect(repeated?.code == .inconsistentLedger)
        // A stored grant identical to one applied holds a sequence no store gives it.
        let duplicate = #expect(throws: ConsentKitError.self) { try replica.apply(grant("g1", "c1"), sequence: 1) }
        #expect(duplicate?.code == .inconsistentLedger)
        let unfit = #expect(throws: ConsentKitError.self) {
            try replica.apply(.withdraw(Withdrawal(.grant("nope"), at: Self.base)), sequence: 1)
        }
        #expect(unfit?.code == .inconsistentLedger)
        #expect(replica.count == 1)
    }

    @Test func erasureNamesTheIdentitiesWhoseStoredDataMustGo() throws {
        var replica = LedgerReplica(policy: policy)
        let birth = try #require(CalendarDate(year: 1990, month: 5, day: 17))
        _ = replica.commit(
            try replica.prepare([
                .subjectFacts("device-1", SubjectFactsChange(birthDate: .set(birth)), at: Self.base),
                grant("g1", "c1"),
                .link(IdentityLink(from: "device-1", into: "c1", at: Self.base.addingTimeInterval(1))),
            ]))
        let unknown = #expect(throws: ConsentKitError.self) { try replica.prepareErasure(of: "nobody", at: Self.base) }
        #expect(unknown?.code == .unknownIdentifier)
        let erasure = try replica.prepareErasure(of: "c1", at: Self.base.addingTimeInterval(10))
        #expect(erasure.erasedIdentities == ["c1", "device-1"])
        _ = replica.commit(erasure)
        let facts = replica.ledger.events(for: "device-1").compactMap { event -> SubjectFactsChange? in
            if case .subjectFacts(_, let change, _) = event { change } else { nil }
        }
        #expect(facts.allSatisfy { if case .set = $0.birthDate { false } else { true } })
        #expect(replica.ledger.grant("g1") != nil)
    }

    @Test func aStoredEventReadsBackOnlyWithItsChecksum() throws {
        let event = grant("g1", "c1", second: 0.25)
        #expect(event.checksum.hasPrefix("crc32:"))
        #expect(event.checksum.count == 14)
        // Members reordered and respaced, as a database's JSON type may return them: still the same event.
        let object = try JSONSerialization.jsonObject(with: Data(event.jsonLine.utf8))
        let respaced = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        #expect(String(decoding: respaced, as: UTF8.self) != event.jsonLine)
        #expect(
            try ConsentEvent(
                storedJSON: String(decoding: respaced, as: UTF8.self), checksum: event.checksum, policy: policy)
                == event)
        // A changed value is caught.
        let changed = event.jsonLine.replacingOccurrences(of: "c1", with: "c2")
        let error = #expect(throws: ConsentKitError.self) {
            try ConsentEvent(storedJSON: changed, checksum: event.checksum, policy: policy)
        }
        #expect(error?.code == .malformedJSON)
        #expect(throws: ConsentKitError.self) {
            try ConsentEvent(storedJSON: "{\"type\":", checksum: event.checksum, policy: policy)
        }
    }
}
