public import ConsentKit
public import Foundation
internal import PostgresNIO

/// A `ConsentStore` kept in PostgreSQL and shared by every process that opens it: each keeps a
/// replica of the ledger in memory, decides from it at memory speed, and follows the others' appends.
///
/// ```swift
/// let store = try await PostgresConsentStore(policy: policy, configuration: configuration)
/// let live = try await LiveConsentEngine(following: store)
/// try await store.append([.withdraw(Withdrawal(.grant("g1"), at: .now))])   // on any machine
/// let decision = try live.checkedDecision(for: question)                     // here: denied, or throws
/// ```
///
/// - **One ledger, one order.** Events are rows of `<schema>.events` with a dense global sequence, the event as
///   JSON (`jsonb`) and its CRC-32; grant ids are unique. An append is one transaction that takes the table's
///   lock, checks the batch against every event committed before it, inserts it, and notifies — all or nothing.
///   When ``append(_:)`` returns, the batch is committed and this process's followers have it.
/// - **Followers.** Other processes learn of it through `LISTEN`/`NOTIFY` and read by sequence, so a lost
///   notification, a reconnect or a restart never loses or reorders a change; while the store cannot vouch that it
///   is current (connection lost, an event missing or corrupted) its ``changeFeed`` is interrupted and a
///   `LiveConsentEngine`'s `checkedDecision` throws, until it has caught up.
/// - **Erasure** records `erase` and rewrites the subject's `subject` events without the birth date in the same
///   transaction, keeping grants and withdrawals as proof of consent (PIPL Art. 47).
/// - **Schema** created and migrated on open, versioned in `<schema>.consentkit_migrations`.
///
/// Call ``close()`` when done: it stops following and closes the connections.
public final class PostgresConsentStore: ConsentStore, @unchecked Sendable {
    /// The policy events are checked against.
    public let policy: Policy
    private let core: StoreCore
    private let followerTask: Task<Void, Never>

    /// Opens the store: connects, creates or migrates the schema, reads every event (a cold start), and starts
    /// following other processes' appends.
    ///
    /// - Throws: `invalidValue` for a schema name that is not a plain identifier; `storageFailure` when the database
    ///   cannot be reached or migrated; `inconsistentLedger` naming the first stored event that is corrupted, missing
    ///   or does not fit the ones before it.
    public init(policy: Policy, configuration: PostgresStoreConfiguration) async throws(ConsentKitError) {
        let schema = try StoreSchema(configuration.schema)
        let core = StoreCore(schema: schema, policy: policy, configuration: configuration)
        do {
            try await core.migrate()
            try await core.catchUp()
        } catch {
            core.closeConnections()
            throw error
        }
        self.policy = policy
        self.core = core
        // Until the follower listens and has read, a change another process commits might not reach this one:
        // live engines fail closed until then (a few milliseconds on a healthy server).
        core.feed.interrupt(
            ConsentKitError(
                code: .storageFailure, message: "not following \(schema.events) yet: the store is connecting"))
        followerTask = Task { await StoreFollower(core: core).run() }
    }

    deinit {
        followerTask.cancel()
        core.closeConnections()
        core.feed.finish()
    }

    /// Where every change is published: this process's appends before ``append(_:)`` returns, other processes'
    /// when read. Interrupted while the store cannot vouch that it is current.
    public var changeFeed: ChangeFeed { core.feed }

    /// Appends events, all or nothing, in one transaction; returns once committed and published to this process's
    /// followers. Grants recorded identically already are left out, so a batch appended again (after a timeout whose
    /// outcome was unknown) records nothing twice. An `erase` event also removes the subject's personal data.
    ///
    /// - Throws: the ledger's `ConsentKitError` for a refused event (nothing is stored);
    ///   `storageFailure` when the database fails or does not answer within the operation timeout, or after
    ///   ``close()``.
    public func append(_ events: [ConsentEvent]) async throws(ConsentKitError) {
        try await core.append(events)
    }

    /// Everything held: reads what other processes appended first, so a read follows every append committed
    /// before it (on any machine).
    ///
    /// - Throws: `storageFailure` when the database cannot be read; `inconsistentLedger` for a corrupted event.
    public var ledger: ConsentLedger {
        get async throws(ConsentKitError) {
            try core.checkOpen()
            return try await core.currentLedger()
        }
    }

    /// The events this process has applied, without asking the database: what its live engines decide from. (It
    /// waits for an append in progress in this process, whose batch is not part of it until committed.)
    public var replicatedLedger: ConsentLedger { get async { await core.snapshot } }

    /// The sequence of the last event this process has applied (-1 before any).
    public var lastAppliedSequence: Int { core.lastSequence }

    /// Records `erase` and removes the subject's personal data (see `ConsentStore.erase(_:at:)`).
    ///
    /// - Throws: `ConsentKitError.Code.unknownIdentifier` when nothing is held about `subject`;
    ///   `storageFailure` as ``append(_:)``.
    public func erase(_ subject: SubjectID, at instant: Date) async throws(ConsentKitError) {
        try await core.erase(subject, at: instant)
    }

    /// Stops following, closes the connections and finishes the change feed (followers fail closed). Appends and
    /// reads then throw `storageFailure`.
    public func close() {
        core.closed = true
        followerTask.cancel()
        core.closeConnections()
        core.feed.finish()
    }
}
