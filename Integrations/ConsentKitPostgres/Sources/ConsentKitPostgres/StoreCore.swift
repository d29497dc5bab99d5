internal import ConsentKit
internal import Foundation
internal import Logging
internal import PostgresNIO

/// The working parts of a ``PostgresConsentStore``, shared with its follower task (which must not keep the store
/// itself alive): its connections, the replica of the table, and the gate that orders everything touching the
/// replica.
///
/// The protocol every writer keeps: inside one transaction, take the events table's `EXCLUSIVE` lock (plain reads
/// go on), read and apply what other writers committed, check the batch against that, insert it numbered after
/// the last event, `NOTIFY`, commit. Sequences are therefore dense and committed in order, and a follower reading
/// `seq > last` never skips an event committed later with a smaller number.
final class StoreCore: @unchecked Sendable {
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
    /// The connection for appends and reads, opened on first use and after a failure; used by holders of the gate.
    private var connection: PostgresConnection?
    /// The connections open now (the follower's too), closed by ``closeConnections()``. Guarded by `closedFlag`.
    private var open: [ObjectIdentifier: PostgresConnection] = [:]

    init(schema: StoreSchema, policy: Policy, configuration: PostgresStoreConfiguration) {
        self.schema = schema
        self.policy = policy
        self.configuration = configuration
        feed = ChangeFeed()
        logger = Logger(label: "consentkit.postgres.\(schema.name)", factory: { _ in SwiftLogNoOpLogHandler() })
        replica = LedgerReplica(policy: policy)
    }

    /// The events applied, without asking the database. Read holding the gate: a holder of the gate may have a
    /// batch prepared into the replica that its transaction has not committed, and that must never be seen.
    var snapshot: ConsentLedger {
        get async { await gate.run { self.lock.withLock { self.replica.ledger } } }
    }

    /// Reads what others appended, then returns the replica: one turn of the gate.
    func currentLedger() async throws(ConsentKitError) -> ConsentLedger {
        try await serially { () async throws(ConsentKitError) in
            try await self.withConnection(doing: "reading \(self.schema.events)") { connection in
                try await self.catchUpHoldingGate(on: connection)
            }
            return self.lock.withLock { self.replica.ledger }
        }
    }

    /// Runs `body` holding the gate, then publishes whatever was applied and not yet published (what an operation
    /// given up on after it committed left behind, too).
    func serially<Result: Sendable>(
        _ body: @Sendable () async throws(ConsentKitError) -> Result
    ) async throws(ConsentKitError) -> Result {
        try await gate.run { () async throws(ConsentKitError) -> Result in
            defer { self.publishPending() }
            // Each turn of the gate is an epoch of its own: a query left running by an earlier turn (a page
            // fetched ahead) that gives up later retires only its own turn.
            let turn = self.lock.withLock { () -> Int in
                self.epoch += 1
                return self.epoch
            }
            // `withValue` rethrows untyped: carry the typed error through a `Result`.
            let outcome = await Self.$operationEpoch.withValue(turn) {
                () async -> Swift.Result<Result, ConsentKitError> in
                do throws(ConsentKitError) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            }
            return try outcome.get()
        }
    }

    /// When a read last reached the end of the table (by any operation).
    var sinceCaughtUp: Duration { lock.withLock { ContinuousClock.now - caughtUpAt } }
    /// Guarded by `lock`.
    private var caughtUpAt = ContinuousClock.now
    /// The checksum of the last event applied, checked against the table at every read: a restore that lost
    /// events this process applied (and numbered new ones after it) is found, not followed. Guarded by `lock`.
    /// The checksums the last event's row may have: as written, and (for a `subject` event with a birth date)
    /// as an erasure rewrites it.
    private var lastChecksum: Set<String>?

    /// The checksums a row holding `event` may have (``lastChecksum``).
    static func checksums(of event: ConsentEvent, stored checksum: String) -> Set<String> {
        if let redacted = event.withoutPersonalData { return [checksum, redacted.checksum] }
        return [checksum]
    }

    /// The sequence of the last event committed and applied (-1 before any); never counts a prepared batch.
    var lastSequence: Int { lock.withLock { committedCount } - 1 }

    /// Events applied and committed. Guarded by `lock`.
    private var committedCount = 0
    /// Changes applied to the replica and not yet published, in sequence order. Guarded by `lock`.
    private var unpublished: [LedgerChange] = []
    /// Serialises publication, so that changes reach the feed in sequence order whoever publishes them.
    private let publicationLock = NSLock()

    var closed: Bool {
        get { closedFlag.withLock { isClosed } }
        set { closedFlag.withLock { isClosed = newValue } }
    }

    func checkOpen() throws(ConsentKitError) {
        if closed {
            throw ConsentKitError(code: .storageFailure, message: "the PostgreSQL store was closed")
        }
    }

    // MARK: Connections

    /// Opens a connection, giving up after the operation timeout: PostgresNIO's own connect timeout covers the TCP
    /// handshake only, and a server that is starting up can leave the startup exchange (and a cancelled attempt)
    /// waiting. An attempt given up on that connects later is closed.
    func connect() async throws -> PostgresConnection {
        let settings = configuration.connection
        let logger = logger
        let connection = try await Deadline.race(
            configuration.operationTimeout, doing: "connecting",
            { try await PostgresConnection.connect(configuration: settings, id: 0, logger: logger) },
            lateResult: { late in StoreCore.close(late) }, onGiveUp: {})
        let refused = closedFlag.withLock { () -> Bool in
            if isClosed { return true }
            open[ObjectIdentifier(connection)] = connection
            return false
        }
        if refused {
            try? await connection.close()
            throw ConsentKitError(code: .storageFailure, message: "the PostgreSQL store was closed")
        }
        return connection
    }

    /// Closes a connection and forgets it, without waiting (a close can wait on a server that is gone).
    func disconnect(_ connection: PostgresConnection) {
        _ = closedFlag.withLock { open.removeValue(forKey: ObjectIdentifier(connection)) }
        Self.close(connection)
    }

    /// Closes a connection without waiting, keeping it alive until the close completes (PostgresNIO insists that a
    /// connection is closed before it is released).
    static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes every connection: pending queries fail, followers stop.
    func closeConnections() {
        let all = closedFlag.withLock { () -> [PostgresConnection] in
            isClosed = true
            defer { open = [:] }
            return Array(open.values)
        }
        for connection in all { Self.close(connection) }
    }

    /// Runs `body` on the store's connection, opening it first if needed; after a failure the connection is closed
    /// (its state is unknown) and the next operation opens another. Called holding the gate.
    func withConnection<Result: Sendable>(
        doing what: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws(ConsentKitError) -> Result {
        do {
            let current: PostgresConnection
            if let connection, !connection.isClosed {
                current = connection
            } else {
                current = try await connect()
                connection = current
            }
            do {
                return try await body(current)
            } catch {
                connection = nil
                disconnect(current)
                throw error
            }
        } catch {
            throw ConsentKitError.postgres(error, doing: what)
        }
    }

    /// Creates or migrates the schema on a connection of its own.
    func migrate() async throws(ConsentKitError) {
        do {
            let connection = try await connect()
            defer { disconnect(connection) }
            try await watched(connection) { try await self.schema.migrate(on: connection, logger: self.logger) }
        } catch {
            throw ConsentKitError.postgres(error, doing: "migrating schema `\(schema.name)`")
        }
    }

    /// The epoch of the operation a task runs for (see ``watched(_:_:)``); `nil` outside one.
    @TaskLocal static var operationEpoch: Int?

    /// Bumped when an operation is given up on: an abandoned operation that wakes up later finds its epoch gone and
    /// touches nothing. Guarded by `lock`.
    private var epoch = 0

    /// Runs `body` on the replica under the lock, unless the calling operation was given up on.
    private func withReplica<Result>(
        _ body: (inout LedgerReplica) throws(ConsentKitError) -> Result
    ) throws(ConsentKitError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        if let mine = Self.operationEpoch, mine != epoch {
            throw ConsentKitError(code: .storageFailure, message: "the operation was given up on")
        }
        return try body(&replica)
    }

    /// Records changes applied to the replica (committed, or read back) for publication. Called under `lock` by
    /// whoever applied them, in the same critical section, so that the buffer's order is the replica's order.
    private func recordForPublication(_ changes: [LedgerChange]) {
        unpublished += changes
        committedCount += changes.count
    }

    /// Publishes every change recorded and not yet published, in order. Any task may call it: what it publishes was
    /// applied by a live operation, and the publication lock keeps batches in order.
    func publishPending() {
        publicationLock.lock()
        defer { publicationLock.unlock() }
        let changes = lock.withLock { () -> [LedgerChange] in
            defer { unpublished.removeAll(keepingCapacity: true) }
            return unpublished
        }
        feed.publish(changes)
    }

    // MARK: Reading

    /// Reads and applies every event stored after those applied, publishing them in order. Holds the gate.
    func catchUp(on connection: PostgresConnection? = nil) async throws(ConsentKitError) {
        try await serially { () async throws(ConsentKitError) in
            if let connection {
                try await self.catchUpHoldingGate(on: connection)
            } else {
                try await self.withConnection(doing: "reading \(self.schema.events)") { connection in
                    try await self.catchUpHoldingGate(on: connection)
                }
            }
        }
    }

    /// The most rows one read asks for. Pages keep each query short and its rows taken at once: PostgresNIO can
    /// trap when a connection ends while a long result is still being streamed to a slower consumer.
    static let pageSize = 2_000

    /// ``catchUp(on:)`` for a holder of the gate, page by page. Changes read before a bad row are applied and
    /// published; the bad row is reported with its sequence.
    func catchUpHoldingGate(on connection: PostgresConnection) async throws(ConsentKitError) {
        let (count, expected) = lock.withLock { (replica.count, lastChecksum) }
        // The last event applied is read again with the new ones and must be unchanged.
        var next: Task<[StoredRow], any Error>? = fetch(from: max(0, count - 1), on: connection)
        var first = true
        while let fetching = next {
            var rows: [StoredRow]
            do {
                rows = try await fetching.value
            } catch {
                throw ConsentKitError.postgres(error, doing: "reading \(schema.events)")
            }
            // Pages are fetched one ahead: the server reads and sends page n + 1 while this process checks page n.
            next = rows.count == Self.pageSize ? fetch(from: (rows.last?.sequence ?? 0) + 1, on: connection) : nil
            if first, count > 0 {
                first = false
                guard let again = rows.first, again.sequence == count - 1, expected?.contains(again.checksum) ?? true
                else {
                    throw interrupted(
                        "event \(count - 1) in \(schema.events), applied here already, is missing or changed "
                            + "(a restore that lost events?); this process cannot follow the table any more")
                }
                rows.removeFirst()
            }
            first = false
            let events = await Self.readEvents(rows, policy: policy)
            var problem: ConsentKitError?
            for (row, event) in zip(rows, events) {
                do throws(ConsentKitError) {
                    let event = try event.get()
                    try withReplica { (replica) throws(ConsentKitError) in
                        recordForPublication([try replica.apply(event, sequence: row.sequence)])
                        lastChecksum = Self.checksums(of: event, stored: row.checksum)
                    }
                } catch  where error.code == .storageFailure {
                    // Not about the data: this operation was given up on.
                    problem = error
                    break
                } catch {
                    // Whatever the reason (a changed row, a policy that does not know what another service
                    // recorded), it is the stored ledger that this process cannot follow past this event.
                    problem = interrupted("event \(row.sequence) in \(schema.events): \(error.message)")
                    break
                }
            }
            publishPending()
            // A page fetched ahead is left to finish (cancelling it would give up on the whole operation; its
            // epoch is this turn's, so a late give-up retires nothing else).
            if let problem { throw problem }
        }
        lock.withLock { caughtUpAt = ContinuousClock.now }
    }

    /// An `inconsistentLedger` error about the stored data, after interrupting the feed with it at once: live
    /// engines fail closed now, not at the follower's next read. The follower resumes the feed once a read gets
    /// past the problem.
    private func interrupted(_ message: String) -> ConsentKitError {
        let error = ConsentKitError(code: .inconsistentLedger, message: message)
        feed.interrupt(error)
        return error
    }

    /// One row as read: its sequence, JSON and checksum.
    struct StoredRow: Sendable {
        let sequence: Int
        let json: String
        let checksum: String
    }

    /// Fetches the page of rows from `sequence` on, under the operation's deadline.
    private func fetch(from sequence: Int, on connection: PostgresConnection) -> Task<[StoredRow], any Error> {
        let query = PostgresQuery(
            unsafeSQL: "SELECT seq, body::text, checksum FROM \(schema.table) WHERE seq >= $1 ORDER BY seq LIMIT $2",
            binds: Self.binds(sequence, Self.pageSize))
        let epoch = Self.operationEpoch
        return Task {
            try await StoreCore.$operationEpoch.withValue(epoch) {
                try await self.watched(connection) {
                    try await connection.query(query, logger: self.logger).collect().map { row in
                        let (sequence, json, checksum) = try row.decode((Int, String, String).self)
                        return StoredRow(sequence: sequence, json: json, checksum: checksum)
                    }
                }
            }
        }
    }

    /// Reads and checks a page's events, on two cores: reading the JSON and checking its checksum is most of a cold
    /// start's work, and each row is independent of the others.
    static func readEvents(_ rows: [StoredRow], policy: Policy) async -> [Result<ConsentEvent, ConsentKitError>] {
        func read(_ row: StoredRow) -> Result<ConsentEvent, ConsentKitError> {
            Result { () throws(ConsentKitError) in
                try ConsentEvent(storedJSON: row.json, checksum: row.checksum, policy: policy)
            }
        }
        guard rows.count >= 64 else { return rows.map(read) }
        let half = rows.count / 2
        async let second = rows[half...].map(read)
        let first = rows[..<half].map(read)
        return first + (await second)
    }

    private func withReplicaCount() -> Int { lock.withLock { replica.count } }

    /// Runs `body` on `connection`, giving up on it when it takes longer than the operation timeout: the connection
    /// is closed, a batch it prepared is taken back from the replica, and `storageFailure` is thrown at once.
    ///
    /// Not merely closing the connection and waiting: when a server goes down mid-query, PostgresNIO can leave the
    /// query waiting for ever even after the connection is closed. The abandoned body runs on in its own task; its
    /// epoch is retired, so if it ever wakes it changes and publishes nothing.
    func watched<Result: Sendable>(
        _ connection: PostgresConnection, doing what: String = "a query",
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        // A nested operation belongs to its caller's epoch: giving up on either gives up on both.
        let mine = Self.operationEpoch ?? lock.withLock { epoch }
        return try await Deadline.race(
            configuration.operationTimeout, doing: what,
            { try await StoreCore.$operationEpoch.withValue(mine) { try await body() } },
            lateResult: { _ in },
            onGiveUp: { [weak self] in
                self?.abandon(epoch: mine)
                StoreCore.close(connection)
            })
    }

    /// Retires `epoch`, taking back what an operation of it prepared.
    private func abandon(epoch retired: Int) {
        lock.withLock {
            guard epoch == retired else { return }
            epoch += 1
            replica.rollBackPending()
        }
    }

    // MARK: Writing

    /// Appends events in one transaction (see the type's protocol) and publishes them before returning.
    func append(_ events: [ConsentEvent]) async throws(ConsentKitError) {
        try checkOpen()
        let policy = self.policy
        // Every process applies an event as it reads it back; the writer does too. An event that cannot be read
        // back is kept as it is, for the ledger to say what is wrong with it (or, if it accepts it, for the
        // transaction to refuse it).
        var unstorable = false
        let stored = events.map { event in
            if let form = event.storedForm(policy: policy) { return form }
            unstorable = true
            return event
        }
        let mustCheck = unstorable
        try await write(doing: "appending \(events.count) event\(events.count == 1 ? "" : "s")", check: mustCheck) {
            (replica: inout LedgerReplica) throws(ConsentKitError) in
            try replica.prepare(stored)
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
        doing what: String, check: Bool = false,
        _ prepare: @escaping @Sendable (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws(ConsentKitError) {
        try await serially { () async throws(ConsentKitError) in
            try await self.writeHoldingGate(doing: what, check: check, prepare)
        }
    }

    private func writeHoldingGate(
        doing what: String, check: Bool,
        _ prepare: @escaping @Sendable (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws(ConsentKitError) {
        let outcome = try await withConnection(doing: what) { connection in
            // Most of what others appended is read before the lock is taken, so the lock is held briefly.
            try await self.catchUpHoldingGate(on: connection)
            // Given up on, the transaction may still have committed (its COMMIT sent and the answer lost).
            let ambiguous =
                "\(what) (the batch may have been stored: a read shows whether it was, and appending it again "
                + "does not record a grant twice)"
            return try await self.watched(connection, doing: ambiguous) {
                try await self.transaction(on: connection, doing: what, check: check, prepare)
            }
        }
        switch outcome {
        case .success: publishPending()
        case .failure(let refused): throw refused
        }
    }

    /// One writer's transaction. Returns the changes to publish, or the refusal of the batch (after rolling back);
    /// throws for a database failure, after taking the batch back from the replica.
    private func transaction(
        on connection: PostgresConnection, doing what: String, check: Bool,
        _ prepare: (inout LedgerReplica) throws(ConsentKitError) -> LedgerReplica.PreparedAppend
    ) async throws -> Result<[LedgerChange], ConsentKitError> {
        _ = try await connection.query("BEGIN", logger: logger)
        var prepared: LedgerReplica.PreparedAppend?
        var lastRowChecksum = ""
        var committing = false
        do {
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE \(schema.table) IN EXCLUSIVE MODE"), logger: logger)
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
                _ = try? withReplica { (replica) throws(ConsentKitError) in replica.commit(batch) }
                return .success([])
            }
            if check { try checkStorable(batch) }
            lastRowChecksum = try await insert(batch, on: connection)
            if !batch.erasedIdentities.isEmpty { try await redact(batch.erasedIdentities, on: connection) }
            let last = batch.firstSequence + batch.events.count - 1
            _ = try await connection.query(
                "SELECT pg_notify(\(schema.channel), \(String(last)))", logger: logger)
            committing = true
            _ = try await connection.query("COMMIT", logger: logger)
        } catch {
            if let prepared { try? withReplica { (replica) throws(ConsentKitError) in replica.rollBack(prepared) } }
            // The connection goes back to the pool: leave it outside any transaction (a no-op if none is open).
            _ = try? await connection.query("ROLLBACK", logger: logger)
            if committing {
                throw ConsentKitError(
                    code: .storageFailure,
                    message: "\(ConsentKitError.postgres(error, doing: what).message); the batch may have been "
                        + "stored (the connection failed during COMMIT): the next read shows it, and appending the "
                        + "same batch again does not record a grant twice")
            }
            throw ConsentKitError.postgres(error, doing: what)
        }
        guard let prepared else { return .success([]) }
        return .success(
            try withReplica { (replica) throws(ConsentKitError) in
                let changes = replica.commit(prepared)
                recordForPublication(changes)
                if let last = prepared.events.last, !changes.isEmpty {
                    lastChecksum = Self.checksums(of: last, stored: lastRowChecksum)
                }
                return changes
            })
    }

    /// Refuses a batch whose events would not read back as the events applied (a value JSON cannot carry).
    private func checkStorable(_ batch: LedgerReplica.PreparedAppend) throws(ConsentKitError) {
        for (offset, event) in batch.events.enumerated() where event.storedForm(policy: policy) != event {
            throw ConsentKitError(
                code: .invalidValue,
                message: "event \(offset + 1) of the batch cannot be stored and read back unchanged; nothing was stored"
            )
        }
    }

    /// Inserts a batch's rows; returns the last row's checksum.
    private func insert(_ batch: LedgerReplica.PreparedAppend, on connection: PostgresConnection) async throws
        -> String
    {
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
                        INSERT INTO \(schema.table) (seq, kind, subject, grant_id, body, checksum)
                        SELECT seq, kind, subject, nullif(grant_id, ''), body::jsonb, checksum
                        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                            AS t(seq, kind, subject, grant_id, body, checksum)
                        """, binds: binds), logger: logger)
        }
        return rows.last?.checksum ?? ""
    }

    /// Rewrites the `subject` events of erased identities without their personal data (as the journal rewrites its
    /// lines), checking each row's checksum before rewriting it.
    private func redact(_ identities: Set<SubjectID>, on connection: PostgresConnection) async throws {
        var binds = PostgresBindings()
        binds.append(identities.map(\.rawValue).sorted())
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT seq, body::text, checksum FROM \(schema.table)
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
                    UPDATE \(schema.table) AS e SET body = t.body::jsonb, checksum = t.checksum
                    FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(seq, body, checksum) WHERE e.seq = t.seq
                    """, binds: update), logger: logger)
    }

    static func binds(_ values: Int...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}
