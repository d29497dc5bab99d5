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

    /// Everything held about a subject as one document (PIPL Art. 45; see ``SubjectExport``).
    public func export(_ subject: SubjectID, at instant: Date = Date()) async throws(ConsentKitError) -> SubjectExport {
        try SubjectExport(subject, from: try await ledger, at: instant)
    }
}
