internal import Foundation

/// A read-only view of a journal that another process (or another part of this one) writes: for the CLI, reports
/// and services that only decide. It never writes, cuts, locks or removes anything, and picks up new lines with
/// ``refresh()``.
///
/// ```swift
/// let reader = try ConsentJournalReader(path: "consent.jsonl", policy: policy)
/// let engine = ConsentEngine(ledger: reader.ledger)
/// // later
/// if try reader.refresh() > 0 { /* recompile from reader.ledger */ }
/// ```
///
/// - **In-flight writes.** Bytes after the last newline are a line being written (or a torn one the writer will cut
///   when it next opens): they are left for a later ``refresh()``, never read as an event.
/// - **Corruption.** A complete line that fails its checksum or is not an event is an error naming the line, as for
///   the writer.
/// - **Rewrites.** Erasure and repair replace the file; ``refresh()`` notices (the path names another file, or the
///   file is shorter than what was read) and reads the new file from the start.
/// - **Snapshots.** The snapshot beside the journal is used only after the SHA-256 of the whole region it covers has
///   been checked against it (hashing is several times faster than replaying JSON).
public final class ConsentJournalReader: @unchecked Sendable {
    /// The journal's path.
    public let path: String
    /// The policy events are checked against.
    public let policy: Policy
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var state: State

    private struct State {
        var descriptor: Int32
        var identity: FileIdentity
        var ledger: ConsentLedger
        var consumed: Int
        var lines: Int
        var length: Int
        var snapshot: String
    }

    /// What the last read found.
    public struct Status: Sendable, Hashable {
        /// How many events the ledger holds.
        public let events: Int
        /// How many complete lines were read.
        public let lines: Int
        /// How many bytes follow the last complete line: a write in progress, or a line a crash cut (which the
        /// writer cuts when it next opens).
        public let incompleteBytes: Int
        /// How the snapshot beside the journal was used: `none`, `used (N lines, verified)`, or why it was not.
        public let snapshot: String
    }

    /// What the last read found.
    public var status: Status {
        lock.lock()
        defer { lock.unlock() }
        return Status(
            events: state.ledger.count, lines: state.lines, incompleteBytes: state.length - state.consumed,
            snapshot: state.snapshot)
    }

    /// Reads the journal at `path`.
    ///
    /// - Throws: ``ConsentKitError`` — `fileNotFound` when there is no such file; `corruptedData` for a complete line
    ///   that fails its checksum or is not an event; the policy's refusal of an event.
    public init(path: String, policy: Policy) throws(ConsentKitError) {
        self.path = path
        self.policy = policy
        state = try Self.load(path: path, policy: policy)
    }

    deinit { Foundation.close(state.descriptor) }

    /// The events read so far, checked against the policy.
    public var ledger: ConsentLedger {
        lock.lock()
        defer { lock.unlock() }
        return state.ledger
    }

    /// Reads the lines the writer has completed since the last read, and returns how many events they held. When
    /// the file was replaced (an erasure or repair rewrote it), it is read again from the start and the count is of
    /// all its events.
    ///
    /// - Throws: as ``init(path:policy:)``; the ledger is then unchanged.
    @discardableResult
    public func refresh() throws(ConsentKitError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard let status = JournalFile.status(state.descriptor) else {
            throw .storage("cannot read the length of journal `\(path)`", file: path)
        }
        if JournalFile.identity(atPath: path) != state.identity || status.length < state.consumed {
            let fresh = try Self.load(path: path, policy: policy)
            Foundation.close(state.descriptor)
            state = fresh
            return fresh.ledger.count
        }
        let bytes: [UInt8]
        do {
            bytes = try JournalFile.read(state.descriptor, at: state.consumed, count: status.length - state.consumed)
        } catch {
            throw .storage("cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path)
        }
        let scan = try JournalScan(bytes, firstLine: state.lines + 1, path: path)
        var ledger = state.ledger
        try ledger.append(lines: scan.events, file: path)
        state.ledger = ledger
        state.consumed += scan.completeLength
        state.lines += scan.completeLines
        state.length = status.length
        return scan.events.count
    }

    private static func load(path: String, policy: Policy) throws(ConsentKitError) -> State {
        let descriptor: Int32
        switch JournalFile.openForReading(path) {
        case .success(let opened): descriptor = opened
        case .failure(let code):
            throw ConsentKitError(
                code: code.code == ENOENT || code.code == ENOTDIR ? .fileNotFound : .storageFailure,
                message: "cannot open journal `\(path)`: \(JournalFile.describe(code.code))",
                location: InputLocation(file: path))
        }
        do {
            guard let status = JournalFile.status(descriptor) else {
                throw ConsentKitError.storage("cannot read the length of journal `\(path)`", file: path)
            }
            let (snapshot, snapshotNote) = verifiedSnapshot(
                path: path, policy: policy, descriptor: descriptor, length: status.length)
            let start = snapshot?.coveredLength ?? 0
            let bytes = try JournalFile.read(descriptor, at: start, count: status.length - start)
            let scan = try JournalScan(bytes, firstLine: (snapshot?.coveredLines ?? 0) + 1, path: path)
            var ledger: ConsentLedger
            if let snapshot {
                ledger = snapshot.ledger
                try ledger.append(lines: scan.events, file: path)
            } else {
                ledger = try ConsentLedger(policy: policy, events: scan.events, file: path)
            }
            return State(
                descriptor: descriptor, identity: status.identity, ledger: ledger,
                consumed: start + scan.completeLength, lines: (snapshot?.coveredLines ?? 0) + scan.completeLines,
                length: status.length, snapshot: snapshotNote)
        } catch let error as ConsentKitError {
            Foundation.close(descriptor)
            throw error
        } catch {
            Foundation.close(descriptor)
            throw .storage("cannot read journal `\(path)`: \(error)", file: path)
        }
    }

    /// The snapshot beside the journal, if it matches the policy and the whole region it covers, and a note on how it
    /// was used.
    private static func verifiedSnapshot(
        path: String, policy: Policy, descriptor: Int32, length: Int
    ) -> (JournalSnapshot?, String) {
        guard let bytes = FileManager.default.contents(atPath: JournalSnapshot.path(for: path)) else {
            return (nil, "none")
        }
        let snapshot: JournalSnapshot
        do {
            snapshot = try JournalSnapshot.decode(
                Array(bytes), policy: policy, journalLength: length,
                journalBytes: { offset, count in try? JournalFile.read(descriptor, at: offset, count: count) })
        } catch {
            return (nil, "not used: \(error.reason)")
        }
        var hasher = SHA256()
        var offset = 0
        while offset < snapshot.coveredLength {
            guard
                let chunk = try? JournalFile.read(
                    descriptor, at: offset, count: min(1 << 20, snapshot.coveredLength - offset)), !chunk.isEmpty
            else { return (nil, "not used: the journal could not be read to verify it") }
            hasher.update(chunk)
            offset += chunk.count
        }
        guard hasher.finalize() == snapshot.prefixDigest else {
            return (nil, "not used: it does not match the journal's first \(snapshot.coveredLength) bytes")
        }
        return (snapshot, "used (\(snapshot.coveredLines) lines, verified)")
    }
}
