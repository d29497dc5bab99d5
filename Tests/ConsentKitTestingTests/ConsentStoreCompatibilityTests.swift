import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing

@Suite struct ConsentStoreCompatibilityTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    @Test func theInMemoryStoreKeepsTheContract() async {
        await expectConsentStoreCompatible { policy in InMemoryConsentStore(policy: policy) }
    }

    @Test func theJournalKeepsTheContract() async {
        await expectConsentStoreCompatible { policy in
            let path = scratch.url.appendingPathComponent("compat-\(UUID()).jsonl").path
            return try ConsentJournal(path: path, policy: policy)
        }
    }

    @Test func aStoreThatBreaksTheContractFailsTheRightChecks() async {
        let failures = await ConsentStoreCompatibility { policy in CarelessStore(policy: policy) }.run()
        let failed = Set(failures.map(\.check))
        #expect(failed == ["aRefusedBatchKeepsNothing", "erasureKeepsProofAndRemovesBirthDates"])
        #expect(failures.contains { $0.message.contains("left 1 events behind") }, "\(failures)")
        #expect(failures.contains { $0.message.contains("birth date is still held") }, "\(failures)")
    }

    @Test func theChecksAreNamedAndRunInOrder() {
        #expect(
            ConsentStoreCompatibility.checks == [
                "appendedEventsAreHeld", "aRefusedBatchKeepsNothing", "aLedgerReadIsASnapshot",
                "changesReachEveryFollower", "erasureKeepsProofAndRemovesBirthDates",
                "erasingAnUnknownSubjectIsAnError",
                "exportsReadBackEqual", "linksCarryConsent", "concurrentAppendsAllLand",
                "aLiveEngineHonoursAWithdrawal",
                "theFeedIsPublishedBeforeAppendReturns",
            ])
        let summaries = ConsentStoreCompatibility.checkSummaries
        #expect(summaries.map(\.name) == ConsentStoreCompatibility.checks)
        #expect(summaries.allSatisfy { !$0.summary.isEmpty })
    }
}

/// A store that keeps the accepted part of a refused batch and "erases" by restricting: the mistakes a hand-written
/// database store is likely to make.
private final class CarelessStore: ConsentStore, @unchecked Sendable {
    let policy: Policy
    private let inner: InMemoryConsentStore

    init(policy: Policy) {
        self.policy = policy
        inner = InMemoryConsentStore(policy: policy)
    }

    func append(_ events: [ConsentEvent]) async throws(ConsentKitError) {
        // One at a time: a refused event leaves the ones before it behind.
        for event in events { try inner.append([event]) }
    }

    var ledger: ConsentLedger { get async throws(ConsentKitError) { inner.ledger } }

    func erase(_ subject: SubjectID, at instant: Date) async throws(ConsentKitError) {
        guard inner.ledger.record(for: subject) != nil else {
            throw ConsentKitError(code: .unknownIdentifier, message: "unknown subject `\(subject)`")
        }
        // Restricts instead of erasing: the data stays, and no `erase` event is recorded.
        try inner.append([.restrict(subject, "newsletter", at: instant)])
    }

    var changeFeed: ChangeFeed { inner.changeFeed }
}
