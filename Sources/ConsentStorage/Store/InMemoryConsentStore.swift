public import ConsentCore
public import Foundation

/// A ``ConsentStore`` held in memory: for tests, previews, and services that rebuild their ledger from elsewhere.
/// Nothing survives the process; use ``ConsentJournal`` for a durable store.
///
/// Any number of tasks may append and read; appends are serialised by a small lock, and readers get a snapshot.
public final class InMemoryConsentStore: ConsentStore, @unchecked Sendable {
    /// The policy events are checked against.
    public let policy: Policy
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var current: ConsentLedger
    /// Where accepted changes are published, inside ``append(_:)-([ConsentEvent])`` before it returns.
    public let changeFeed = ChangeFeed()

    /// Creates an empty store.
    public init(policy: Policy) {
        self.policy = policy
        current = ConsentLedger(policy: policy)
    }

    /// Creates a store holding a ledger's events.
    public init(ledger: ConsentLedger) {
        policy = ledger.policy
        current = ledger
    }

    /// Appends events, all or nothing, and publishes them to followers before returning. An `erase` event removes
    /// the subject's personal data, as ``erase(_:at:)`` does.
    public func append(_ events: [ConsentEvent]) throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        // Grants recorded identically already are not appended again: a batch appended twice changes nothing.
        let positions = current.unrecordedPositions(of: events)
        let batchCount = events.count
        let events = positions.map { events[$0] }
        guard !events.isEmpty else { return }
        let first = current.count
        let changed = try current.appendAtomically(events, positions: positions, batchCount: batchCount).changed
        var changes: [LedgerChange] = []
        for (offset, event) in events.enumerated() {
            changes.append(LedgerChange(sequence: first + offset, event: event, subjects: changed[offset]))
            if case .erase(let subject, _) = event { current.removePersonalData(of: subject) }
        }
        changeFeed.publish(changes)
    }

    /// Appends one event.
    public func append(_ event: ConsentEvent) throws(ConsentKitError) {
        try append([event])
    }

    /// Everything held, as a snapshot.
    public var ledger: ConsentLedger {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Records `erase` and removes the subject's personal data (see ``ConsentStore/erase(_:at:)``).
    public func erase(_ subject: SubjectID, at instant: Date) throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        let sequence = current.count
        let subjects = try current.erase(subject, at: instant)
        changeFeed.publish([LedgerChange(sequence: sequence, event: .erase(subject, at: instant), subjects: subjects)])
    }
}
