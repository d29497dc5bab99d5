public import ConsentCore
public import Foundation

/// Where consent events live: the ledger of record, whatever holds it.
///
/// ConsentKit ships two stores — ``InMemoryConsentStore`` and the file-backed ``ConsentJournal`` — and
/// `ConsentKitTesting` has a compatibility suite (`ConsentStoreCompatibility`) that a store of your own (backed by
/// your database, say) runs to show it keeps the same contract:
///
/// - ``append(_:)`` checks events against ``policy`` and the events held, and is **all or nothing**: one refused
///   event and none is kept. When it returns, the events are as durable as the store promises (the journal:
///   `fsync`ed) and ``ledger`` shows them.
/// - ``ledger`` is a consistent snapshot: later appends never change a ledger already returned.
/// - ``erase(_:at:)`` records an `erase` event and removes the subject's personal data from the store, keeping
///   what proves past consent (PIPL Art. 47).
/// - ``changeFeed`` is published to with every accepted batch, in append order, before ``append(_:)`` returns — so
///   a ``LiveConsentEngine`` following any conforming store honours a withdrawal in the very next decision — and
///   failed when the store can no longer vouch for what it published.
/// - ``changes()`` delivers every change appended after the call, in append order, to every follower.
public protocol ConsentStore: Sendable {
    /// The policy events are checked against.
    var policy: Policy { get }

    /// Appends events, all or nothing.
    ///
    /// - Throws: ``ConsentKitError`` for a refused event (nothing is kept) or a storage failure.
    func append(_ events: [ConsentEvent]) async throws(ConsentKitError)

    /// Everything held, as one consistent snapshot.
    var ledger: ConsentLedger { get async throws(ConsentKitError) }

    /// Records `erase` for `subject` at `instant` and removes the subject's personal data — the birth date in
    /// `subject` events, for it and every identity linked with it — while keeping grants, withdrawals and the
    /// erasure itself, which prove what was consented and when.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when nothing is held about `subject`.
    func erase(_ subject: SubjectID, at instant: Date) async throws(ConsentKitError)

    /// Where the store publishes every batch it accepts, synchronously inside ``append(_:)``, before returning.
    var changeFeed: ChangeFeed { get }

    /// The changes appended from now on, for as long as the sequence is iterated.
    func changes() -> LedgerChanges
}

extension ConsentStore {
    /// The changes appended from now on: a subscription to ``changeFeed``.
    public func changes() -> LedgerChanges { changeFeed.subscribe() }

    /// A subject's consent state as of `instant` (see ``ConsentLedger/state(of:at:)``).
    public func state(of subject: SubjectID, at instant: Date) async throws(ConsentKitError) -> ConsentState {
        try await ledger.state(of: subject, at: instant)
    }

    /// Every version of a subject's consent state (see ``ConsentLedger/history(of:)``).
    public func history(of subject: SubjectID) async throws(ConsentKitError) -> SubjectHistory {
        try await ledger.history(of: subject)
    }

    /// The changes after `sequence`, replayed from the store, then the live ones as they are appended, each once
    /// and in sequence order: a follower that remembers the last sequence it applied resumes there, and one that
    /// subscribes inside a `Task` (after some appends already happened) misses nothing. `changes(after: -1)` replays
    /// the whole store.
    ///
    /// - Throws: the store's ``ConsentKitError`` if its ledger cannot be read.
    public func changes(after sequence: Int) async throws(ConsentKitError) -> LedgerChanges {
        // Subscribe before reading, so that a change appended in between is in the live stream (and skipped there
        // if the snapshot already held it).
        let (live, end) = changeFeed.subscription()
        let snapshot: ConsentLedger
        do {
            snapshot = try await ledger
        } catch {
            end()
            throw error
        }
        var subjectsBySequence: [Int: [SubjectID]] = [:]
        for subject in snapshot.subjects {
            for entry in snapshot.record(for: subject)?.entries ?? [] where entry.sequence > sequence {
                if subjectsBySequence[entry.sequence]?.contains(subject) != true {
                    subjectsBySequence[entry.sequence, default: []].append(subject)
                }
            }
        }
        let backlog = snapshot.entries.filter { $0.sequence > sequence }.sorted { $0.sequence < $1.sequence }.map {
            LedgerChange(
                sequence: $0.sequence, event: $0.event, subjects: (subjectsBySequence[$0.sequence] ?? []).sorted())
        }
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChange.self, bufferingPolicy: .unbounded)
        var last = sequence
        for change in backlog {
            continuation.yield(change)
            last = max(last, change.sequence)
        }
        let resumeAfter = last
        let forward = Task {
            for await change in live where change.sequence > resumeAfter { continuation.yield(change) }
            continuation.finish()
        }
        continuation.onTermination = { _ in forward.cancel() }
        return LedgerChanges(stream)
    }

    /// Records what became known about a subject at an instant: every fact `facts` holds is set, the others kept.
    ///
    /// ```swift
    /// try await store.record(SubjectFacts(birthDate: CalendarDate(year: 2014, month: 5, day: 1)), of: "c1", at: .now)
    /// ```
    public func record(_ facts: SubjectFacts, of subject: SubjectID, at instant: Date) async throws(ConsentKitError) {
        try await append([.subjectFacts(subject, SubjectFactsChange(setting: facts), at: instant)])
    }

    /// Records facts that hold from the beginning of time (what a scenario's `subjects` entry declares), as a
    /// `subject` event at 0001-01-01T00:00:00Z, the earliest instant a file can hold.
    public func declare(_ subject: SubjectID, facts: SubjectFacts) async throws(ConsentKitError) {
        try await record(
            facts, of: subject, at: Date(timeIntervalSinceReferenceDate: RFC3339.earliestSinceReferenceDate))
    }

    /// Everything held about a subject as one document (PIPL Art. 45; see ``SubjectExport``).
    public func export(_ subject: SubjectID, at instant: Date = Date()) async throws(ConsentKitError) -> SubjectExport {
        try SubjectExport(subject, from: try await ledger, at: instant)
    }
}
