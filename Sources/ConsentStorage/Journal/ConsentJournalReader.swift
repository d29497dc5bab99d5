public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
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
        /// The last bytes read: if they change, the writer cut back what was read (a write whose `fsync` failed),
        /// and the file is read again from the start.
        var guardBytes: [UInt8]
        /// Whether what was read ends with a hand-written last line that had no newline (see ``JournalScan``).
        var endsMidLine: Bool
    }

    /// How many bytes before the end of what was read are compared on each refresh.
    private static let guardLength = 64

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
            events: state.ledger.count, lines: state.lines, incompleteBytes: max(0, state.length - state.consumed),
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
        let status: (length: Int, identity: FileIdentity)
        switch JournalFile.statusOrError(state.descriptor) {
        case .success(let current): status = current
        case .failure(let error): throw JournalFile.lengthUnreadable(path, error)
        }
        var bytes: [UInt8] = []
        var stillTheSame = false
        if JournalFile.identity(atPath: path) == state.identity, status.length >= state.consumed {
            do {
                let guardStart = state.consumed - state.guardBytes.count
                stillTheSame =
                    try JournalFile.read(state.descriptor, at: guardStart, count: state.guardBytes.count)
                    == state.guardBytes
                bytes = try JournalFile.read(
                    state.descriptor, at: state.consumed, count: status.length - state.consumed)
            } catch {
                throw .io(
                    "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                    systemError: error.code)
            }
        }
        // A hand-written last line read without its newline: the newline may follow now, nothing else.
        var skipped = 0
        if stillTheSame && state.endsMidLine && !bytes.isEmpty {
            if bytes[0] == UInt8(ascii: "\n") {
                skipped = 1
                bytes.removeFirst()
            } else {
                stillTheSame = false
            }
        }
        guard stillTheSame else {
            // Replaced (an erasure or repair), cut back, or rewritten under what was read: read it all again.
            let fresh = try Self.load(path: path, policy: policy)
            Foundation.close(state.descriptor)
            state = fresh
            return fresh.ledger.count
        }
        let scan = try JournalScan(bytes, firstLine: state.lines + 1, path: path, regimes: policy.customRegimeTable)
        var ledger = state.ledger
        try ledger.append(lines: scan.events + Self.tail(of: scan), file: path)
        state.ledger = ledger
        let consumed = state.consumed + skipped + scan.completeLength + (scan.tailEvent == nil ? 0 : scan.tailLength)
        if skipped > 0 || consumed > state.consumed { state.endsMidLine = scan.tailEvent != nil }
        state.consumed = consumed
        state.lines += scan.completeLines + (scan.tailEvent == nil ? 0 : 1)
        state.length = status.length
        state.guardBytes = Self.guardBytes(state.descriptor, before: consumed)
        return scan.events.count + (scan.tailEvent == nil ? 0 : 1)
    }

    /// The hand-written last line's event, numbered, if the scan found one.
    private static func tail(of scan: JournalScan) -> [JournalScan.Event] {
        scan.tailEvent.map { [(nil, JSONPath(), $0)] } ?? []
    }

    private static func guardBytes(_ descriptor: Int32, before end: Int) -> [UInt8] {
        let count = min(guardLength, end)
        return (try? JournalFile.read(descriptor, at: end - count, count: count)) ?? []
    }

    private static func load(path: String, policy: Policy) throws(ConsentKitError) -> State {
        let descriptor: Int32
        switch JournalFile.openForReading(path) {
        case .success(let opened): descriptor = opened
        case .failure(let code):
            throw .io(
                "cannot open journal `\(path)`: \(JournalFile.describe(code.code))", file: path, systemError: code.code)
        }
        do {
            let status = try JournalFile.statusOrError(descriptor).get()
            let (snapshot, snapshotNote) = verifiedSnapshot(
                path: path, policy: policy, descriptor: descriptor, length: status.length)
            let start = snapshot?.coveredLength ?? 0
            let bytes = try JournalFile.read(descriptor, at: start, count: status.length - start)
            let scan = try JournalScan(
                bytes, firstLine: (snapshot?.coveredLines ?? 0) + 1, path: path, regimes: policy.customRegimeTable)
            var ledger: ConsentLedger
            if let snapshot {
                ledger = snapshot.ledger
                try ledger.append(lines: scan.events + tail(of: scan), file: path)
            } else {
                ledger = try ConsentLedger(policy: policy, events: scan.events + tail(of: scan), file: path)
            }
            let tailed = scan.tailEvent != nil
            let consumed = start + scan.completeLength + (tailed ? scan.tailLength : 0)
            return State(
                descriptor: descriptor, identity: status.identity, ledger: ledger, consumed: consumed,
                lines: (snapshot?.coveredLines ?? 0) + scan.completeLines + (tailed ? 1 : 0),
                length: status.length, snapshot: snapshotNote,
                guardBytes: guardBytes(descriptor, before: consumed), endsMidLine: tailed)
        } catch let error as ConsentKitError {
            Foundation.close(descriptor)
            throw error
        } catch let error as SystemError {
            Foundation.close(descriptor)
            throw .io(
                "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                systemError: error.code)
        } catch {
            Foundation.close(descriptor)
            throw .io("cannot read journal `\(path)`: \(error)", file: path)
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
        guard case .success(var hasher) = JournalFile.hashPrefix(of: descriptor, count: snapshot.coveredLength) else {
            return (nil, "not used: the journal could not be read to verify it")
        }
        guard hasher.finalize() == snapshot.prefixDigest else {
            return (nil, "not used: it does not match the journal's first \(snapshot.coveredLength) bytes")
        }
        return (snapshot, "used (\(snapshot.coveredLines) lines, verified)")
    }
}
