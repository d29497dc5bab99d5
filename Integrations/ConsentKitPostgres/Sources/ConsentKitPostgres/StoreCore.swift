internal import ConsentKit
internal import Foundation
internal import Logging
internal import PostgresNIO

/// The working parts of a ``PostgresConsentStore``, shared with its follower task (which must not keep the store
/// itself alive): the client, the replica of the table, and the gate that orders everything touching the replica.
///
/// The protocol every writer keeps: inside one transaction, take the events table's `EXCLUSIVE` lock (plain reads
/// go on), read and apply what other writers committed, check the batch against that, insert it numbered after
/// the last event, `NOTIFY`, commit. Sequences are therefore dense and committed in order, and a follower reading
/// `seq > last` never skips an event committed later with a smaller number.
final class StoreCore: @unchecked Sendable {
    let client: PostgresClient
    let schema: StoreSchema
    let policy: Policy
    let feed: ChangeFeed
    let configuration: PostgresStoreConfiguration
    let logger: Logger
    let gate = SerialGate()
    /// Guards `replica` for reads from outside the gate; changed only by holders of the gate.
    private let lock = NSLock()
    private var replica: LedgerReplica
    private let closedFlag = NSLock()
    private var isClosed = false

    init(client: PostgresClient, schema: StoreSchema, policy: Policy, configuration: PostgresStoreConfiguration) {
        self.client = client
        self.schema = schema
        self.policy = policy
        self.configuration = configuration
        feed = ChangeFeed()
        logger = Logger(label: "consentkit.postgres.\(schema.name)", factory: { _ in SwiftLogNoOpLogHandler() })
        replica = LedgerReplica(policy: policy)
    }

    /// The events applied, without asking the database.
    var snapshot: ConsentLedger { lock.withLock { replica.ledger } }

    /// The sequence of the last event applied (-1 before any).
    var lastSequence: Int { lock.withLock { replica.count } - 1 }

    var closed: Bool {
        get { closedFlag.withLock { isClosed } }
        set { closedFlag.withLock { isClosed = newValue } }
    }

    func checkOpen() throws(ConsentKitError) {
        if closed {
            throw ConsentKitError(code: .storageFailure, message: "the PostgreSQL store was closed")
        }
    }

    /// Runs `body` on the replica under the lock.
    private func withReplica<Result>(
        _ body: (inout LedgerReplica) throws(ConsentKitError) -> Result
    ) throws(ConsentKitError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&replica)
    }

    // MARK: Reading

    /// Reads and applies every event stored after those applied, publishing them in order. Holds the gate.
    func catchUp(on connection: PostgresConnection? = nil) async throws(ConsentKitError) {
        try await gate.run { () async throws(ConsentKitError) in try await self.catchUpHoldingGate(on: connection) }
    }

    /// ``catchUp(on:)`` for a holder of the gate. Changes read before a bad row are applied and published; the bad
    /// row is reported with its sequence.
    func catchUpHoldingGate(on connection: PostgresConnection?) async throws(ConsentKitError) {
        let first = lock.withLock { replica.count }
        let query = PostgresQuery(
            unsafeSQL: "SELECT seq, body::text, checksum FROM \(schema.events) WHERE seq >= $1 ORDER BY seq",
            binds: Self.binds(first))
        var changes: [LedgerChange] = []
        var problem: ConsentKitError?
        do {
            let rows =
                if let connection {
                    try await connection.query(query, logger: logger)
                } else {
                    try await client.query(query, logger: logger)
                }
            for try await (sequence, json, checksum) in rows.decode((Int, String, String).self) {
                do throws(ConsentKitError) {
                    let event = try ConsentEvent(storedJSON: json, checksum: checksum, policy: policy)
                    let change = try withReplica { (replica) throws(ConsentKitError) in
                        try replica.apply(event, sequence: sequence)
                    }
                    changes.append(change)
                } catch {
                    problem = ConsentKitError(
                        code: error.code == .malformedJSON ? .inconsistentLedger : error.code,
                        message: "event \(sequence) in \(schema.events): \(error.message)")
                    break
                }
                // A cold start reads a million events: publish as it goes rather than holding them all.
                if changes.count == 4096 {
                    feed.publish(changes)
                    changes.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            problem = problem ?? .postgres(error, doing: "reading \(schema.events)")
        }
        feed.publish(changes)
        if let problem { throw problem }
    }

    // MARK: Writing

    /// Appends events in one transaction (see the type's protocol) and publishes them before returning.
    func append(_ events: [ConsentEvent]) async throws(ConsentKitError) {
        try checkOpen()
        let policy = self.policy
        try await write(doing: "appending \(events.count) event\(events.count == 1 ? "" : "s")") { (replica: inout LedgerReplica) throws(ConsentKitError) in
            // Every process applies an event as it reads it back; the writer does too.
            try replica.prepare(events.map { $0.storedForm(policy: policy) ?? $0 })
        }
    }

    /// Records `erase` and removes the subject's personal data from the table, in one transaction.
    func erase(_ subject: SubjectID, at instant: Date) async throws(ConsentKitError) {
        try checkOpen()
        let at = ConsentEvent.erase(subject, at: instant).storedForm(policy: policy)?.at ?? instant
        try await write(doing: "erasing `\(subject)`") { (replica: inout LedgerReplica) throws(ConsentKitError) in
            try replica.prepareErasure(of: subject, at: at)
        }
    }

    private func write(
        doing what: String,
        _ prepare: @escaping @Sendable (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws(ConsentKitError) {
        try await withTimeout(configuration.operationTimeout, doing: what) { () async throws(ConsentKitError) in
            try await self.gate.run { () async throws(ConsentKitError) in
                try await self.writeHoldingGate(doing: what, prepare)
            }
        }
    }

    private func writeHoldingGate(
        doing what: String,
        _ prepare: @Sendable (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws(ConsentKitError) {
        let outcome: Result<[LedgerChange], ConsentKitError>
        do {
            outcome = try await client.withConnection { connection in
                try await self.transaction(on: connection, doing: what, prepare)
            }
        } catch {
            throw ConsentKitError.postgres(error, doing: what)
        }
        switch outcome {
        case .success(let changes): feed.publish(changes)
        case .failure(let refused): throw refused
        }
    }

    /// One writer's transaction. Returns the changes to publish, or the refusal of the batch (after rolling back);
    /// throws for a database failure, after taking the batch back from the replica.
    private func transaction(
        on connection: PostgresConnection, doing what: String,
        _ prepare: (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws -> Result<[LedgerChange], ConsentKitError> {
        _ = try await connection.query("BEGIN", logger: logger)
        var prepared: LedgerReplica.PreparedAppend?
        do {
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE \(schema.events) IN EXCLUSIVE MODE"), logger: logger)
            // What other writers committed before the lock was granted: the batch is checked against it.
            try await catchUpHoldingGate(on: connection)
            let batch: LedgerReplica.PreparedAppend
            do throws(ConsentKitError) {
                batch = try withReplica(prepare)
            } catch {
                _ = try await connection.query("ROLLBACK", logger: logger)
                return .failure(error)
            }
            prepared = batch
            guard !batch.events.isEmpty else {
                _ = try await connection.query("ROLLBACK", logger: logger)
                lock.withLock { _ = replica.commit(batch) }
                return .success([])
            }
            try checkStorable(batch)
            try await insert(batch, on: connection)
            if !batch.erasedIdentities.isEmpty { try await redact(batch.erasedIdentities, on: connection) }
            let last = batch.firstSequence + batch.events.count - 1
            _ = try await connection.query(
                "SELECT pg_notify(\(schema.channel), \(String(last)))", logger: logger)
            _ = try await connection.query("COMMIT", logger: logger)
        } catch {
            if let prepared { lock.withLock { replica.rollBack(prepared) } }
            // The connection goes back to the pool: leave it outside any transaction (a no-op if none is open).
            _ = try? await connection.query("ROLLBACK", logger: logger)
            if prepared != nil, !(error is ConsentKitError) {
                throw ConsentKitError(
                    code: .storageFailure,
                    message: "\(ConsentKitError.postgres(error, doing: what).message); if the connection was lost "
                        + "during COMMIT the batch may be stored: the next read shows it, and appending the same "
                        + "batch again does not record a grant twice")
            }
            throw error
        }
        guard let prepared else { return .success([]) }
        return .success(lock.withLock { replica.commit(prepared) })
    }

    /// Refuses a batch whose events would not read back as the events applied (a value JSON cannot carry).
    private func checkStorable(_ batch: LedgerReplica.PreparedAppend) throws(ConsentKitError) {
        for (offset, event) in batch.events.enumerated() where event.storedForm(policy: policy) != event {
            throw ConsentKitError(
                code: .invalidValue,
                message: "event \(offset + 1) of the batch cannot be stored and read back unchanged; nothing was stored")
        }
    }

    private func insert(_ batch: LedgerReplica.PreparedAppend, on connection: PostgresConnection) async throws {
        var rows: [StoredEvent] = []
        rows.reserveCapacity(batch.events.count)
        for (offset, event) in batch.events.enumerated() {
            let owner = batch.subjects[offset].first ?? SubjectID(rawValue: "")
            rows.append(StoredEvent(event, sequence: batch.firstSequence + offset, subject: owner))
        }
        // Whole batches in one statement; PostgreSQL takes at most 65,535 parameters, so unnest six arrays.
        for chunk in stride(from: 0, to: rows.count, by: 10_000) {
            let part = rows[chunk..<min(rows.count, chunk + 10_000)]
            var binds = PostgresBindings()
            binds.append(part.map(\.sequence))
            binds.append(part.map(\.kind))
            binds.append(part.map(\.subject))
            binds.append(part.map { $0.grantID ?? "" })
            binds.append(part.map(\.json))
            binds.append(part.map(\.checksum))
            _ = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(schema.events) (seq, kind, subject, grant_id, body, checksum)
                        SELECT seq, kind, subject, nullif(grant_id, ''), body::jsonb, checksum
                        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                            AS t(seq, kind, subject, grant_id, body, checksum)
                        """, binds: binds), logger: logger)
        }
    }

    /// Rewrites the `subject` events of erased identities without their personal data (as the journal rewrites its
    /// lines), checking each row's checksum before rewriting it.
    private func redact(_ identities: Set<SubjectID>, on connection: PostgresConnection) async throws {
        var binds = PostgresBindings()
        binds.append(identities.map(\.rawValue).sorted())
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT seq, body::text, checksum FROM \(schema.events)
                    WHERE kind = 'subject' AND subject = ANY($1::text[]) ORDER BY seq FOR UPDATE
                    """, binds: binds), logger: logger)
        var rewritten: [StoredEvent] = []
        for try await (sequence, json, checksum) in rows.decode((Int, String, String).self) {
            let event: ConsentEvent
            do throws(ConsentKitError) {
                event = try ConsentEvent(storedJSON: json, checksum: checksum, policy: policy)
            } catch {
                throw ConsentKitError(
                    code: .inconsistentLedger,
                    message: "event \(sequence) in \(schema.events): \(error.message); erasure stopped")
            }
            if let redacted = event.withoutPersonalData {
                rewritten.append(StoredEvent(redacted, sequence: sequence, subject: SubjectID(rawValue: "")))
            }
        }
        guard !rewritten.isEmpty else { return }
        var update = PostgresBindings()
        update.append(rewritten.map(\.sequence))
        update.append(rewritten.map(\.json))
        update.append(rewritten.map(\.checksum))
        _ = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(schema.events) AS e SET body = t.body::jsonb, checksum = t.checksum
                    FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(seq, body, checksum) WHERE e.seq = t.seq
                    """, binds: update), logger: logger)
    }

    static func binds(_ values: Int...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}
