import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

@Suite struct LiveConsentEngineTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    static let base = Date(timeIntervalSince1970: 1_767_225_600)

    func grant(_ id: String, _ subject: SubjectID, second: Double) -> ConsentEvent {
        .grant(
            ConsentGrant(
                GrantID(id), subject: subject, purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                at: Self.base.addingTimeInterval(second), noticeVersion: 2))
    }

    func question(_ subject: SubjectID, second: Double) -> ConsentQuestion {
        ConsentQuestion(
            subject: subject, purpose: "marketing.email", field: "email", at: Self.base.addingTimeInterval(second))
    }

    @Test func aWithdrawalIsHonouredByTheNextDecision() async throws {
        let path = scratch.url.appendingPathComponent("live-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(grant("g1", "c1", second: 0))
        let live = try await LiveConsentEngine(following: journal)
        #expect(live.decision(for: question("c1", second: 10)) == Decision(.allowedByConsent, grant: "g1"))
        let before = live.current
        try journal.append(.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5))))
        // No waiting: the journal applied the change before `append` returned.
        #expect(live.decision(for: question("c1", second: 10)).reason == .withdrawn)
        #expect(live.explanation(for: question("c1", second: 10)).decision.reason == .withdrawn)
        // A value handed out earlier is not disturbed.
        #expect(before.decision(for: question("c1", second: 10)).isAllowed)
        try journal.append(.erase("c1", at: Self.base.addingTimeInterval(20)))
        #expect(live.decision(for: question("c1", second: 30)).reason == .erased)
    }

    @Test func foldsTheOverlayAndAgreesWithTheReference() async throws {
        let store = InMemoryConsentStore(policy: policy)
        try store.append((0..<500).map { grant("seed\($0)", SubjectID("s\($0)"), second: 0) })
        let live = try await LiveConsentEngine(following: store)
        var random = SplitMix64(seed: 7)
        for step in 0..<3_000 {
            let subject = SubjectID("s\(random.next() % 2_000)")
            let at = Double(step + 1)
            switch random.next() % 4 {
            case 0: try store.append(grant("g\(step)", subject, second: at))
            case 1:
                try store.append(
                    .withdraw(Withdrawal(.purposes(subject, ["marketing.email"]), at: Self.base.addingTimeInterval(at)))
                )
            case 2: try store.append(.optOut(subject, .directMarketing, at: Self.base.addingTimeInterval(at)))
            default: try store.append(.optIn(subject, .directMarketing, at: Self.base.addingTimeInterval(at)))
            }
        }
        let current = live.current
        #expect(current.sequence == store.ledger.count - 1)
        #expect(current.base.subjectCount > 500, "the overlay was never folded into the base")
        let reference = ReferenceEvaluator(ledger: store.ledger)
        for number in 0..<2_000 {
            for second in [0.5, 1_500.5, 3_001.0] {
                let question = question(SubjectID("s\(number)"), second: second)
                #expect(current.decision(for: question) == reference.decision(for: question))
            }
        }
    }

    @Test func followsAStoreOfAnyKindThroughItsChangeFeed() async throws {
        let store = ForwardingStore(InMemoryConsentStore(policy: policy))
        try await store.append([grant("g1", "c1", second: 0)])
        let live = try await LiveConsentEngine(following: store)
        try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5)))])
        // No waiting: a store of any kind publishes before its append returns, so the next decision sees it.
        #expect(live.decision(for: question("c1", second: 10)).reason == .withdrawn)
        #expect(live.failure == nil)
    }

    @Test func aStoreWhoseFeedFailsIsReportedNotFollowedSilently() async throws {
        let store = ForwardingStore(InMemoryConsentStore(policy: policy), changes: .failingAfterFirst)
        try await store.append([grant("g1", "c1", second: 0)])
        let live = try await LiveConsentEngine(following: store)
        try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5)))])
        let error = await #expect(throws: ConsentKitError.self) { try await live.waitUntilCurrent(of: store) }
        #expect(error?.code == .storageFailure)
        #expect(error?.message.contains("lost the connection") == true)
        // The plain form still answers from the last state followed; the checked form refuses to.
        #expect(live.decision(for: question("c1", second: 10)).isAllowed)
        #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question("c1", second: 10)) }
    }

    @Test func aChangeMissingFromTheSequenceStopsTheEngineBeforeTheGap() async throws {
        let store = ForwardingStore(InMemoryConsentStore(policy: policy), changes: .skippingFirst)
        try await store.append([grant("g1", "c1", second: 0)])
        let live = try await LiveConsentEngine(following: store)
        // The withdrawal (sequence 1) is lost; the grant after it (sequence 2) must not be applied over the gap.
        try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5)))])
        try await store.append([grant("g2", "c2", second: 6)])
        await #expect(throws: ConsentKitError.self) { try await live.waitUntilCurrent(of: store) }
        #expect(live.failure?.message.contains("change 1 never arrived (the next was 2)") == true)
        #expect(live.current.sequence == 0)
        #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question("c1", second: 10)) }
    }

    @Test func anInterruptedStoreFailsCheckedDecisionsUntilItResumes() async throws {
        let store = InMemoryConsentStore(policy: policy)
        try store.append(grant("g1", "c1", second: 0))
        let feed = store.changeFeed
        feed.interrupt(ConsentKitError(code: .storageFailure, message: "connection lost"))
        // An engine started while the store is interrupted fails closed from the start.
        let live = try await LiveConsentEngine(following: store)
        #expect(live.failure?.message == "connection lost")
        #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question("c1", second: 10)) }
        #expect(feed.interruption != nil)
        // Caught up: the store publishes what it missed, then resumes.
        let withdrawal = ConsentEvent.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5)))
        try store.append(withdrawal)
        #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question("c1", second: 10)) }
        feed.resume()
        #expect(live.failure == nil)
        #expect(try live.checkedDecision(for: question("c1", second: 10)).reason == .withdrawn)
        // Interrupted again, then failed for good: the failure stays after a resume.
        feed.interrupt(ConsentKitError(code: .storageFailure, message: "again"))
        #expect(live.failure?.message == "again")
        feed.fail(ConsentKitError(code: .inconsistentLedger, message: "broken"))
        feed.resume()
        #expect(live.failure?.code == .inconsistentLedger)
        #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question("c1", second: 10)) }
    }

    @Test func aCheckedDecisionMatchesThePlainOneWhileFollowing() async throws {
        let store = InMemoryConsentStore(policy: policy)
        try store.append([grant("g1", "c1", second: 0)])
        let live = try await LiveConsentEngine(following: store)
        try store.append(.withdraw(Withdrawal(.grant("g1"), at: Self.base.addingTimeInterval(5))))
        for second in [1.0, 10.0] {
            let question = question("c1", second: second)
            #expect(try live.checkedDecision(for: question) == live.decision(for: question))
        }
        #expect(try live.checkedDecision(for: question("c1", second: 10)).reason == .withdrawn)
    }

    /// Writers append while readers decide; run under `--sanitize=thread` to check the locking.
    @Test func readersAndWritersRunConcurrently() async throws {
        let path = scratch.url.appendingPathComponent("stress-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: policy)
        let live = try await LiveConsentEngine(following: journal)
        let decided = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for number in 0..<40 {
                        try journal.append(
                            grant("w\(writer)-\(number)", SubjectID("c\(number % 10)"), second: Double(number)))
                    }
                    return 0
                }
            }
            for reader in 0..<4 {
                group.addTask {
                    var count = 0
                    for number in 0..<2_000 {
                        let engine = live.current
                        _ = engine.decision(for: question(SubjectID("c\((number + reader) % 10)"), second: 100))
                        _ = try journal.ledger.count
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(decided == 8_000)
        #expect(try journal.ledger.count == 160)
        #expect(live.current.sequence == 159)
        let reference = ReferenceEvaluator(ledger: try journal.ledger)
        for number in 0..<10 {
            let question = question(SubjectID("c\(number)"), second: 100)
            #expect(live.decision(for: question) == reference.decision(for: question))
        }
    }
}

/// A store ConsentKit does not know, publishing to a change feed of its own: the live engine must follow it through
/// `changeFeed`, whatever the store is.
private struct ForwardingStore: ConsentStore {
    /// How the store's feed behaves: as the inner store's, or broken in one of two ways.
    enum Changes: Sendable { case forwarded, failingAfterFirst, skippingFirst }

    let inner: InMemoryConsentStore
    let changeFeed = ChangeFeed()

    init(_ inner: InMemoryConsentStore, changes behaviour: Changes = .forwarded) {
        self.inner = inner
        let feed = changeFeed
        let batches = BatchCounter()
        inner.changeFeed.observe { changes in
            let batch = batches.next()
            switch behaviour {
            case .forwarded: feed.publish(changes)
            case .failingAfterFirst:
                if batch == 0 {
                    feed.publish(changes)
                } else {
                    feed.fail(ConsentKitError(code: .storageFailure, message: "lost the connection to the database"))
                }
            case .skippingFirst: feed.publish(changes.filter { $0.sequence != 1 })
            }
        }
    }
    var policy: Policy { inner.policy }
    func append(_ events: [ConsentEvent]) async throws(ConsentKitError) { try inner.append(events) }
    var ledger: ConsentLedger { get async throws(ConsentKitError) { inner.ledger } }
    func erase(_ subject: SubjectID, at instant: Date) async throws(ConsentKitError) {
        try inner.erase(subject, at: instant)
    }
}

private final class BatchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count - 1
    }
}
