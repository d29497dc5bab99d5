public import ConsentCore
public import Foundation

/// The in-memory side of a ``ConsentStore`` whose events live elsewhere — a database shared by many processes:
/// the ledger the store answers from, kept in step with what the database holds.
///
/// It does the bookkeeping every ConsentKit store does the same way, so that a store of your own agrees with
/// ``InMemoryConsentStore`` and ``ConsentJournal`` event for event:
///
/// 1. ``prepare(_:)`` checks a batch against the policy and the events held and applies it, all or nothing, leaving
///    out grants recorded identically already (so a batch retried after a lost acknowledgement changes nothing). It
///    numbers the events from ``count``: write them to storage at those sequences.
/// 2. When the write commits, ``commit(_:)`` finishes the batch (removing erased subjects' personal data) and returns
///    the changes to publish to the store's ``ChangeFeed``; when it fails, ``rollBack(_:)`` takes the batch back.
/// 3. Events another process wrote are read back in sequence order and applied with ``apply(_:sequence:)``, which
///    refuses a gap: deciding without a missing event could mean deciding without a withdrawal.
///
/// ```swift
/// var replica = LedgerReplica(policy: policy)
/// let prepared = try replica.prepare(events)
/// do { try database.insert(prepared.events, from: prepared.firstSequence) } catch {
///     replica.rollBack(prepared)
///     throw error
/// }
/// feed.publish(replica.commit(prepared))
/// ```
///
/// A value: copy it to take a snapshot. One batch is prepared at a time.
public struct LedgerReplica: Sendable {
    /// Every event applied, as a ledger (a snapshot when copied).
    public private(set) var ledger: ConsentLedger
    /// The batch prepared and not yet committed or rolled back, and what takes it back.
    private var pending: Int?
    private var pendingUndo: ConsentLedger.Undo?
    private var generation = 0

    /// An empty replica for a policy.
    public init(policy: Policy) { ledger = ConsentLedger(policy: policy) }

    /// The policy events are checked against.
    public var policy: Policy { ledger.policy }

    /// The number of events applied: the sequence the next one gets.
    public var count: Int { ledger.count }

    /// A batch checked and applied by ``prepare(_:)``, to be written to storage and then committed or rolled back.
    public struct PreparedAppend: Sendable {
        /// The events to write, in order: the batch without grants already recorded identically. Empty when there
        /// is nothing to write.
        public let events: [ConsentEvent]
        /// The sequence of the first event (the next ones follow it).
        public let firstSequence: Int
        /// The identities whose stored personal data an `erase` in the batch removes: rewrite their stored `subject`
        /// events with ``ConsentEvent/withoutPersonalData`` in the same transaction.
        public let erasedIdentities: Set<SubjectID>
        /// Per event, the subjects whose records it changes: first the one whose record holds it (the subject it
        /// names; for a withdrawal by grant, the grant's subject; for a link, `from`), then identities linked with it.
        public let subjects: [[SubjectID]]
        fileprivate let undo: ConsentLedger.Undo?
        fileprivate let generation: Int
    }

    /// Checks `events` against the policy and the events applied, and applies them, all or nothing.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event, naming its position in the batch; the replica
    ///   is then unchanged. `storageFailure` when another prepared batch is pending.
    public mutating func prepare(_ events: [ConsentEvent]) throws(ConsentKitError) -> PreparedAppend {
        try checkNothingPending()
        let positions = ledger.unrecordedPositions(of: events)
        let kept = positions.map { events[$0] }
        let first = ledger.count
        generation += 1
        guard !kept.isEmpty else {
            return PreparedAppend(
                events: [], firstSequence: first, erasedIdentities: [], subjects: [], undo: nil, generation: generation)
        }
        let (changed, undo) = try ledger.appendAtomically(kept, positions: positions, batchCount: events.count)
        var erased: Set<SubjectID> = []
        for case .erase(let subject, _) in kept { erased.formUnion(ledger.identities(linkedWith: subject)) }
        pending = generation
        pendingUndo = undo
        return PreparedAppend(
            events: kept, firstSequence: first, erasedIdentities: erased, subjects: changed, undo: undo,
            generation: generation)
    }

    /// Prepares the `erase` event of ``ConsentStore/erase(_:at:)``.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when nothing is held about `subject`.
    public mutating func prepareErasure(of subject: SubjectID, at instant: Date) throws(ConsentKitError)
        -> PreparedAppend
    {
        guard ledger.record(for: subject) != nil else { throw .unknownSubject(subject) }
        return try prepare([.erase(subject, at: instant)])
    }

    /// Finishes a prepared batch once storage holds it: removes erased subjects' personal data and returns the
    /// changes to publish, in sequence order.
    public mutating func commit(_ prepared: PreparedAppend) -> [LedgerChange] {
        guard pending == prepared.generation else { return [] }
        pending = nil
        pendingUndo = nil
        var changes: [LedgerChange] = []
        changes.reserveCapacity(prepared.events.count)
        for (offset, event) in prepared.events.enumerated() {
            changes.append(
                LedgerChange(
                    sequence: prepared.firstSequence + offset, event: event, subjects: prepared.subjects[offset]))
            if case .erase(let subject, _) = event { ledger.removePersonalData(of: subject) }
        }
        return changes
    }

    /// Takes back a prepared batch that storage did not take.
    public mutating func rollBack(_ prepared: PreparedAppend) {
        guard pending == prepared.generation else { return }
        pending = nil
        pendingUndo = nil
        if let undo = prepared.undo { ledger.undo(undo) }
    }

    /// Takes back the batch prepared and neither committed nor rolled back, if there is one: for a store that gave
    /// up waiting on a write whose caller will never return (a connection that died without a word). Its
    /// ``PreparedAppend`` is ignored from then on.
    public mutating func rollBackPending() {
        guard pending != nil else { return }
        pending = nil
        if let undo = pendingUndo { ledger.undo(undo) }
        pendingUndo = nil
    }

    /// Applies an event read back from storage at `sequence` — one another process wrote — and returns the change
    /// to publish.
    ///
    /// - Throws: ``ConsentKitError/Code/inconsistentLedger`` when `sequence` is not ``count`` (a change is missing
    ///   or repeated) or when the event does not fit the events applied (storage holds what no ConsentKit store
    ///   accepts); the replica is then unchanged.
    public mutating func apply(_ event: ConsentEvent, sequence: Int) throws(ConsentKitError) -> LedgerChange {
        try checkNothingPending()
        guard sequence == ledger.count else {
            throw ConsentKitError(
                code: .inconsistentLedger,
                message: sequence > ledger.count
                    ? "change \(ledger.count) is missing (the next stored one is \(sequence))"
                    : "change \(sequence) was applied already (the next is \(ledger.count))")
        }
        let changed: [[SubjectID]]
        do {
            changed = try ledger.appendAtomically([event]).changed
        } catch {
            throw ConsentKitError(
                code: .inconsistentLedger,
                message: "stored change \(sequence) does not fit the events before it: \(error.message)",
                location: error.location)
        }
        // A grant identical to one held is a no-op for the ledger, so it would not take its place in the sequence;
        // no store writes one (``prepare(_:)`` leaves them out).
        guard ledger.count == sequence + 1 else {
            throw ConsentKitError(
                code: .inconsistentLedger, message: "stored change \(sequence) repeats a grant recorded before it")
        }
        if case .erase(let subject, _) = event { ledger.removePersonalData(of: subject) }
        return LedgerChange(sequence: sequence, event: event, subjects: changed.first ?? [])
    }

    private func checkNothingPending() throws(ConsentKitError) {
        guard pending == nil else {
            throw ConsentKitError(
                code: .storageFailure, message: "a prepared batch is neither committed nor rolled back")
        }
    }
}
