public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
internal import Foundation

/// A file-backed, append-only consent ledger: JSON Lines of events, each line carrying a CRC-32, where an append is
/// durable when the call returns.
///
/// - **One writer.** Opening takes an exclusive lock (`<path>.lock`) held until ``close()`` or the journal is
///   released: a second `ConsentJournal` on the same path — in another process or in this one — is refused with
///   ``ConsentKitError/Code/locked``, naming the holder. Other processes read with ``ConsentJournalReader``.
/// - **Durability.** Every append validates the events against the ledger first (nothing invalid is ever
///   written), writes their lines in one `write` to a file opened with `O_APPEND`, and `fsync`s before returning.
///   A batch costs one `fsync`.
/// - **Write failures leave no trace.** When a write fails or is cut short (a full disk, an I/O error), the file is
///   truncated back to its last good length before the error returns, and the ledger is unchanged. When `fsync`
///   fails the journal refuses every further append until reopened: after a failed `fsync` the kernel may have
///   dropped the pages it could not write, and only reading the file again tells what it holds.
/// - **Crashes.** A process killed mid-write leaves at most an incomplete final line (no newline); opening cuts it
///   and reports it in ``recovery``.
/// - **Corruption.** A complete line that fails its checksum or is not an event — anywhere in the file — cannot be a
///   torn write: opening fails with ``ConsentKitError/Code/corruptedData`` naming the line, and the file is left
///   exactly as it was. ``repair(path:policy:dryRun:)`` drops such lines when an operator chooses to, reporting each.
/// - **Snapshots.** Opening starts from `<path>.snapshot` when its ends match the journal, then checks the SHA-256
///   of everything it covers in the background; a mismatch puts the journal in a failed state (``failure``) in
///   which ``ledger`` and ``append(_:)-([ConsentEvent])`` throw and followers fail closed.
///
/// Any number of tasks may append and read; a small internal lock serialises appends and guards the ledger (a lock
/// rather than `Mutex`, which would need iOS 18).
public final class ConsentJournal: ConsentStore, @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The policy events are checked against.
    public let policy: Policy
    /// Where accepted changes are published, inside ``append(_:)-([ConsentEvent])`` before it returns.
    public let changeFeed = ChangeFeed()
    /// What opening had to cut (an incomplete final line), or `nil` when the file ended on a complete line.
    public let recovery: Recovery?
    /// Whether opening started from the snapshot beside the journal.
    public let snapshotUse: SnapshotUse

    let writerLock: JournalLock
    let lock = NSLock()
    /// The journal file, opened `O_APPEND`, with its durable length; replaced by erasure. Guarded by `lock`.
    var file: DurableFile
    /// Guarded by `lock`.
    var current: ConsentLedger
    /// The file's number of lines. Guarded by `lock`.
    var lines: Int
    /// The SHA-256 of the file's bytes so far, or `nil` while the snapshot opening used is being verified (no
    /// snapshot is written until it is known). Guarded by `lock`.
    var digest: SHA256?
    /// The covered length and digest of a snapshot in use and not yet verified. Guarded by `lock`.
    var unverified: (length: Int, digest: [UInt8])?
    /// Why the journal refuses to answer (a snapshot that does not match the journal), and why it refuses appends
    /// (that, or a failed `fsync`, or an append cut short that could not be cut back). Guarded by `lock`.
    var integrityFailure: ConsentKitError?
    var appendFailure: ConsentKitError?
    var closed = false
    /// The line count the last snapshot covered, and whether one is being written in the background. Guarded by
    /// `lock`.
    var snapshotLines = 0
    var snapshotInFlight = false
    /// Serialises writes of the snapshot file. Taken after `lock` when both are held, never before it.
    let snapshotFileLock = NSLock()
    /// Bumped by every erasure, so that a snapshot encoded before it is never written after it. Guarded by
    /// `snapshotFileLock`.
    var snapshotGeneration = 0
    /// Work in the background (snapshot writes, snapshot verification), waited for by ``close()``.
    let background = DispatchGroup()

    /// How many lines beyond the snapshot make opening, or an append, write a new one. Appends write it in the
    /// background once the lines beyond it exceed this or a thirty-second of the journal, whichever is more, so
    /// that opening replays few lines of JSON after loading the snapshot, and snapshots cost appends O(1)
    /// amortised.
    public static let snapshotThreshold = 20_000

    /// The events read and appended so far, checked against the policy: a snapshot, unaffected by later appends.
    ///
    /// - Throws: ``failure`` when the snapshot the journal opened from turned out not to match it; the journal must
    ///   then be reopened (it will replay the journal itself).
    public var ledger: ConsentLedger {
        get throws(ConsentKitError) {
            lock.lock()
            defer { lock.unlock() }
            if let integrityFailure { throw integrityFailure }
            return current
        }
    }

    /// Why the journal stopped accepting appends or answering, or `nil`: a failed `fsync`, a failed write that could
    /// not be cut back, or a snapshot found not to match the journal. Reopening the journal clears it.
    public var failure: ConsentKitError? {
        lock.lock()
        defer { lock.unlock() }
        return integrityFailure ?? appendFailure
    }

    /// What opening a journal cut from its end.
    public struct Recovery: Sendable, Hashable, CustomStringConvertible {
        /// The 1-based number of the line cut.
        public let firstDroppedLine: Int
        /// How many lines were cut: the incomplete final one.
        public let droppedLines: Int
        /// How many bytes were cut from the end of the file.
        public let droppedBytes: Int

        /// A sentence for logs.
        public var description: String {
            "cut an incomplete final line \(firstDroppedLine) (\(droppedBytes) bytes): a write a crash interrupted"
        }
    }

    /// How opening used the snapshot file (`<path>.snapshot`).
    public enum SnapshotUse: Sendable, Hashable {
        /// There was no snapshot: every line was replayed.
        case none
        /// The snapshot covered this many lines; only the lines after them were replayed.
        case used(coveredLines: Int)
        /// A snapshot was there but not trusted, for this reason, and was removed; every line was replayed.
        case ignored(String)
    }

    /// Opens the journal at `path` for writing, creating it if it does not exist, and replays it into ``ledger`` —
    /// from the snapshot beside it when its ends match, then the lines after it. When more than
    /// ``snapshotThreshold`` lines had to be replayed, a fresh snapshot is written (if that fails, the journal still
    /// opens). An erasure whose rewrite a crash interrupted is finished, snapshot included; leftovers of an
    /// interrupted rewrite (`<path>.tmp`, `<path>.snapshot.tmp`) are removed.
    ///
    /// - Throws: ``ConsentKitError`` — `locked` when another writer holds the journal; `corruptedData` for a complete
    ///   line that fails its checksum or is not an event (naming its line; nothing is changed); the policy's refusal
    ///   of an event; `fileNotFound` when a directory on the path does not exist; `io` when the file cannot be
    ///   opened or read; `storageFailure` when it cannot be cut back (each with ``ConsentKitError/systemError``).
    public convenience init(path: String, policy: Policy) throws(ConsentKitError) {
        try self.init(path: path, policy: policy, operations: SystemFileOperations())
    }

    /// Opens the journal with the given file operations (tests inject failures through them).
    package init(path: String, policy: Policy, operations: some JournalFileOperations) throws(ConsentKitError) {
        self.path = path
        self.policy = policy
        writerLock = try JournalLock(journal: path)
        // A rewrite cut short leaves its temporary file; a snapshot's may hold data erased since.
        JournalFile.remove(path + ".tmp")
        JournalFile.remove(JournalSnapshot.path(for: path) + ".tmp")
        let existed = FileManager.default.fileExists(atPath: path)
        let descriptor: Int32
        switch JournalFile.openForAppending(path, create: true) {
        case .success(let opened): descriptor = opened
        case .failure(let code):
            throw .io(
                "cannot open journal `\(path)` for writing: \(JournalFile.describe(code.code))", file: path,
                systemError: code.code)
        }
        if !existed { JournalFile.synchronizeDirectory(of: path) }
        do {
            try JournalFile.lockFile(descriptor, path: path)
        } catch {
            Foundation.close(descriptor)
            throw error
        }
        let fileLength: Int
        switch JournalFile.statusOrError(descriptor) {
        case .success(let status): fileLength = status.length
        case .failure(let error):
            Foundation.close(descriptor)
            throw JournalFile.lengthUnreadable(path, error)
        }
        // The snapshot, if its ends match the journal; one that does not is removed, so that no stale copy of data
        // erased since outlives this open.
        var snapshot: JournalSnapshot?
        let snapshotPath = JournalSnapshot.path(for: path)
        if let bytes = FileManager.default.contents(atPath: snapshotPath) {
            do {
                snapshot = try JournalSnapshot.decode(
                    Array(bytes), policy: policy, journalLength: fileLength,
                    journalBytes: { offset, count in try? JournalFile.read(descriptor, at: offset, count: count) })
                snapshotUse = .used(coveredLines: snapshot?.coveredLines ?? 0)
            } catch {
                snapshotUse = .ignored(error.reason)
                JournalFile.remove(snapshotPath)
            }
        } else {
            snapshotUse = .none
        }
        let start = snapshot?.coveredLength ?? 0
        var data: [UInt8]
        var scan: JournalScan
        do {
            data = try JournalFile.read(descriptor, at: start, count: fileLength - start)
            scan = try JournalScan(
                data, firstLine: (snapshot?.coveredLines ?? 0) + 1, path: path, regimes: policy.customRegimeTable)
        } catch let code as SystemError {
            Foundation.close(descriptor)
            throw .io(
                "cannot read journal `\(path)`: \(JournalFile.describe(code.code))", file: path, systemError: code.code)
        } catch {
            Foundation.close(descriptor)
            throw error as? ConsentKitError ?? .storage("cannot read journal `\(path)`", file: path)
        }
        let coveredLines = snapshot?.coveredLines ?? 0
        if let event = scan.tailEvent {
            // The last line of a hand-written ledger: kept, and given its newline so appends start on a line of
            // their own.
            let written = JournalFile.writeAll([UInt8(ascii: "\n")], to: descriptor, using: operations)
            let synchronized = written == nil ? operations.synchronize(descriptor) : -1
            guard written == nil, synchronized == 0 else {
                let code = written ?? errno
                Foundation.close(descriptor)
                throw .storage(
                    "cannot end the last line of `\(path)`: \(JournalFile.describe(code))", file: path,
                    systemError: code)
            }
            scan.adoptTail(event, line: coveredLines + scan.completeLines + 1)
            data.append(UInt8(ascii: "\n"))
            recovery = nil
        } else if scan.tailLength > 0 {
            recovery = Recovery(
                firstDroppedLine: coveredLines + scan.completeLines + 1, droppedLines: 1,
                droppedBytes: scan.tailLength)
            guard operations.truncate(descriptor, to: start + scan.completeLength) == 0,
                operations.synchronize(descriptor) == 0
            else {
                let code = errno
                Foundation.close(descriptor)
                throw .storage(
                    "cannot cut the incomplete last line of `\(path)`: \(JournalFile.describe(code))", file: path,
                    systemError: code)
            }
        } else {
            recovery = nil
        }
        file = DurableFile(descriptor: descriptor, length: start + scan.completeLength, operations: operations)
        lines = coveredLines + scan.completeLines
        snapshotLines = coveredLines
        do {
            if var ledger = snapshot?.ledger {
                try ledger.append(lines: scan.events, file: path)
                current = ledger
            } else {
                current = try ConsentLedger(policy: policy, events: scan.events, file: path)
            }
        } catch {
            Foundation.close(descriptor)
            throw error
        }
        if let snapshot {
            unverified = (snapshot.coveredLength, snapshot.prefixDigest)
        } else {
            var digest = SHA256()
            digest.update(data[..<scan.completeLength])
            self.digest = digest
        }
        // An erasure recorded by a process that died before rewriting the file: finish it now.
        let unfinished = current.erasedSubjectsStillHoldingPersonalData
        if !unfinished.isEmpty {
            var identities: Set<SubjectID> = []
            for subject in unfinished {
                current.removePersonalData(of: subject)
                identities.formUnion(current.identities(linkedWith: subject))
            }
            lock.lock()
            defer { lock.unlock() }
            try redactFile(identities: identities)
        } else if snapshot != nil {
            verifySnapshotInBackground()
        } else if scan.completeLines > Self.snapshotThreshold {
            try? writeSnapshot()
        }
    }

    deinit {
        // A background task holds the journal only weakly, so none is running that could still write.
        if !closed {
            file.close()
            changeFeed.finish()
        }
        writerLock.release()
    }

    /// Closes the journal: waits for background work (a snapshot being written or verified), closes the file and
    /// releases the writer lock, so that another writer may open it. Appends after closing throw.
    public func close() {
        lock.lock()
        let wasClosed = closed
        closed = true
        lock.unlock()
        guard !wasClosed else { return }
        // Closed first, then waited for: background work started before sees `closed` and writes nothing, or has
        // finished writing before the lock is released to the next writer.
        background.wait()
        lock.lock()
        file.close()
        lock.unlock()
        writerLock.release()
        changeFeed.finish()
    }
}
