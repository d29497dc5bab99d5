public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
public import Foundation

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

    private let operations: any JournalFileOperations
    private let writerLock: JournalLock
    private let lock = NSLock()
    /// The journal file, opened `O_APPEND`; replaced by erasure. Guarded by `lock`.
    private var descriptor: Int32
    /// Guarded by `lock`.
    private var current: ConsentLedger
    /// The file's length and its number of lines. Guarded by `lock`.
    private var length: Int
    private var lines: Int
    /// The SHA-256 of the file's bytes so far, or `nil` while the snapshot opening used is being verified (no
    /// snapshot is written until it is known). Guarded by `lock`.
    private var digest: SHA256?
    /// The covered length and digest of a snapshot in use and not yet verified. Guarded by `lock`.
    private var unverified: (length: Int, digest: [UInt8])?
    /// Why the journal refuses to answer (a snapshot that does not match the journal), and why it refuses appends
    /// (that, or a failed `fsync`, or an append cut short that could not be cut back). Guarded by `lock`.
    private var integrityFailure: ConsentKitError?
    private var appendFailure: ConsentKitError?
    private var closed = false
    /// The line count the last snapshot covered, and whether one is being written in the background. Guarded by
    /// `lock`.
    private var snapshotLines = 0
    private var snapshotInFlight = false
    /// Serialises writes of the snapshot file. Taken after `lock` when both are held, never before it.
    private let snapshotFileLock = NSLock()
    /// Bumped by every erasure, so that a snapshot encoded before it is never written after it. Guarded by
    /// `snapshotFileLock`.
    private var snapshotGeneration = 0
    /// Work in the background (snapshot writes, snapshot verification), waited for by ``close()``.
    private let background = DispatchGroup()

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
    ///   of an event; `fileNotFound` or `storageFailure` when the file cannot be opened, read or cut.
    public convenience init(path: String, policy: Policy) throws(ConsentKitError) {
        try self.init(path: path, policy: policy, operations: SystemFileOperations())
    }

    /// Opens the journal with the given file operations (tests inject failures through them).
    package init(path: String, policy: Policy, operations: some JournalFileOperations) throws(ConsentKitError) {
        self.path = path
        self.policy = policy
        self.operations = operations
        writerLock = try JournalLock(journal: path)
        // A rewrite cut short leaves its temporary file; a snapshot's may hold data erased since.
        JournalFile.remove(path + ".tmp")
        JournalFile.remove(JournalSnapshot.path(for: path) + ".tmp")
        let existed = FileManager.default.fileExists(atPath: path)
        switch JournalFile.openForAppending(path, create: true) {
        case .success(let descriptor): self.descriptor = descriptor
        case .failure(let code):
            throw .io(
                "cannot open journal `\(path)` for writing: \(JournalFile.describe(code.code))", file: path, systemError: code.code)
        }
        if !existed { JournalFile.synchronizeDirectory(of: path) }
        let descriptor = self.descriptor
        do {
            try JournalFile.lockFile(descriptor, path: path)
        } catch {
            Foundation.close(descriptor)
            throw error
        }
        guard let fileLength = JournalFile.status(descriptor)?.length else {
            Foundation.close(descriptor)
            throw .storage("cannot read the length of journal `\(path)`", file: path)
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
            scan = try JournalScan(data, firstLine: (snapshot?.coveredLines ?? 0) + 1, path: path)
        } catch let code as SystemError {
            Foundation.close(descriptor)
            throw .io("cannot read journal `\(path)`: \(JournalFile.describe(code.code))", file: path, systemError: code.code)
        } catch {
            Foundation.close(descriptor)
            throw error as? ConsentKitError ?? .storage("cannot read journal `\(path)`", file: path)
        }
        let coveredLines = snapshot?.coveredLines ?? 0
        if let event = scan.tailEvent {
            // The last line of a hand-written ledger: kept, and given its newline so appends start on a line of
            // their own.
            guard JournalFile.writeAll([UInt8(ascii: "\n")], to: descriptor, using: operations) == nil,
                operations.synchronize(descriptor) == 0
            else {
                let code = errno
                Foundation.close(descriptor)
                throw .storage("cannot end the last line of `\(path)`: \(JournalFile.describe(code))", file: path, systemError: code)
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
        length = start + scan.completeLength
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
            Foundation.close(descriptor)
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
        Foundation.close(descriptor)
        lock.unlock()
        writerLock.release()
        changeFeed.finish()
    }

    // MARK: Appending

    /// Appends events durably: checked against the ledger, written, and `fsync`ed before the call returns. The
    /// batch is all or nothing: one refused event and none is written. An `erase` event also removes the subject's
    /// personal data from the file, as ``erase(_:at:)`` does.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event (nothing is written); `storageFailure` when the
    ///   write or `fsync` fails (the ledger is unchanged, the file cut back; after a failed `fsync` the journal
    ///   refuses appends until reopened); ``failure`` once set; `storageFailure` after ``close()``.
    public func append(_ events: [ConsentEvent]) throws(ConsentKitError) {
        _ = try appendReportingSubjects(events)
    }

    /// Appends one event durably.
    public func append(_ event: ConsentEvent) throws(ConsentKitError) {
        try append([event])
    }

    /// ``append(_:)-([ConsentEvent])``, returning the changes it published.
    @discardableResult
    package func appendReportingSubjects(_ events: [ConsentEvent]) throws(ConsentKitError) -> [LedgerChange] {
        lock.lock()
        defer { lock.unlock() }
        try checkWritable()
        let first = current.count
        // Appended in place and taken back if refused: a copy would duplicate every record per batch.
        let (changed, undo) = try current.appendAtomically(events)
        do {
            try write(events)
        } catch {
            // Not written, so not appended.
            current.undo(undo)
            throw error
        }
        var changes: [LedgerChange] = []
        var erased: Set<SubjectID> = []
        for (offset, event) in events.enumerated() {
            changes.append(LedgerChange(sequence: first + offset, event: event, subjects: changed[offset]))
            if case .erase(let subject, _) = event {
                current.removePersonalData(of: subject)
                erased.formUnion(current.identities(linkedWith: subject))
            }
        }
        changeFeed.publish(changes)
        if !erased.isEmpty {
            // The erasure is durable and in force; if rewriting fails, the next open (or erasing again) finishes it.
            do {
                try redactFile(identities: erased)
            } catch {
                throw ConsentKitError(
                    code: error.code,
                    message: "the erasure is recorded and in force, but removing the personal data from the files "
                        + "failed (\(error.message)); reopening the journal or erasing again finishes it",
                    location: error.location)
            }
            return changes
        }
        // The events are durable already; a snapshot that cannot be written only makes the next open slower.
        if lines - snapshotLines > max(Self.snapshotThreshold, lines / 32) && !snapshotInFlight {
            snapshotInBackground()
        }
        return changes
    }

    /// Throws why appends are refused, if they are. Called with `lock` held.
    private func checkWritable() throws(ConsentKitError) {
        if closed { throw .storage("journal `\(path)` is closed", file: path) }
        if let failure = integrityFailure ?? appendFailure { throw failure }
    }

    /// Writes lines and `fsync`s; on failure cuts the file back to its last good length. Called with `lock` held.
    private func write(_ events: [ConsentEvent]) throws(ConsentKitError) {
        var bytes: [UInt8] = []
        for event in events {
            bytes += JournalLine.encode(event).utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        if let code = JournalFile.writeAll(bytes, to: descriptor, using: operations) {
            // Part of the batch may be in the file: cut it, so the next append does not start mid-line and the batch
            // stays all or nothing.
            let message = "cannot append to journal `\(path)`: \(JournalFile.describe(code)); nothing was appended"
            if operations.truncate(descriptor, to: length) != 0 || operations.synchronize(descriptor) != 0 {
                appendFailure = .storage(
                    message + ", but the partial write could not be cut back (\(JournalFile.describe(errno))): the "
                        + "journal refuses appends until reopened", file: path, systemError: code)
                throw appendFailure!
            }
            throw .storage(message, file: path, systemError: code)
        }
        guard operations.synchronize(descriptor) == 0 else {
            let code = errno
            // The kernel may have dropped the pages it failed to write and will not report it again, so a later
            // `fsync` that succeeds proves nothing: refuse appends until a reopen reads what the file holds.
            _ = operations.truncate(descriptor, to: length)
            appendFailure = .storage(
                "cannot write journal `\(path)` to disk (fsync: \(JournalFile.describe(code))); the batch was not "
                    + "appended, and the journal refuses appends until reopened", file: path, systemError: code)
            throw appendFailure!
        }
        length += bytes.count
        lines += events.count
        digest?.update(bytes)
    }

    // MARK: Erasure

    /// Records `erase` durably, then removes the subject's personal data from the journal file and its snapshot
    /// (see ``ConsentStore/erase(_:at:)``). The file is rewritten atomically — a temporary file, `fsync`, rename —
    /// copying every line byte for byte except those that carried the data, so a crash leaves either the old file
    /// with the `erase` line (finished by the next open) or the redacted one.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when nothing is held about `subject`, or an I/O error.
    public func erase(_ subject: SubjectID, at instant: Date) throws(ConsentKitError) {
        guard try ledger.record(for: subject) != nil else {
            throw .unknownSubject(subject)
        }
        try appendReportingSubjects([.erase(subject, at: instant)])
    }

    /// Rewrites the journal without the personal data of `identities`, then its snapshot. Called with `lock` held
    /// (or from `init`).
    private func redactFile(identities: Set<SubjectID>) throws(ConsentKitError) {
        let bytes: [UInt8]
        do {
            bytes = try JournalFile.read(descriptor, at: 0, count: length)
        } catch {
            throw .io("cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path, systemError: error.code)
        }
        // The snapshot this journal opened from is rewritten below from the ledger: check it first, or a snapshot
        // of another journal would be written back as if it were this one's.
        try verifyPendingSnapshot(against: bytes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let birth = Array("irth".utf8)
        let escape = Array(#"\u"#.utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            // Only a line spelling `birthDate` (or hiding it behind an escape) can hold a birth date: parse those.
            if Self.contains(line, birth) || Self.contains(line, escape),
                case .event(let event) = JournalScan.read(line, line: 0, path: path),
                let redacted = event.withoutPersonalData,
                let who = event.namedSubject, identities.contains(who)
            {
                output += Array(JournalLine.encode(redacted).utf8)
            } else {
                output += line
            }
            output.append(UInt8(ascii: "\n"))
        }
        try JournalFile.replace(path, with: output, modeOf: path)
        switch JournalFile.openForAppending(path, create: false) {
        case .success(let reopened):
            Foundation.close(descriptor)
            descriptor = reopened
            // The new file is this writer's too (no one can have opened it by this name without the lock file).
            if (try? JournalFile.lockFile(reopened, path: path)) == nil {
                appendFailure = .storage(
                    "cannot lock journal `\(path)` after erasure; it refuses appends until reopened", file: path)
            }
        case .failure(let code):
            // The redacted file is in place; this handle still names the old one, which must not take appends.
            appendFailure = .storage(
                "cannot reopen journal `\(path)` after erasure: \(JournalFile.describe(code.code)); the journal "
                    + "refuses appends until reopened", file: path, systemError: code.code)
            throw appendFailure!
        }
        length = output.count
        var digest = SHA256()
        digest.update(output)
        self.digest = digest
        // The old snapshot holds the erased data too: replace it (and if that fails, remove it). A snapshot being
        // encoded in the background from before the erasure is not written.
        snapshotFileLock.lock()
        snapshotGeneration += 1
        snapshotFileLock.unlock()
        do {
            try writeSnapshotLocked()
        } catch {
            JournalFile.remove(JournalSnapshot.path(for: path))
            throw error
        }
    }

    private static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count else { return false }
        var index = line.startIndex
        while index <= line.endIndex - needle.count {
            if line[index] == needle[0], line[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    // MARK: Snapshots

    /// Writes the snapshot of the ledger so far beside the journal (atomically: a temporary file, `fsync`, rename),
    /// so that the next open replays only the lines appended after now.
    ///
    /// - Throws: `storageFailure` if it cannot be written, or while the snapshot the journal opened from is still
    ///   being verified (``waitForSnapshotVerification()``); ``failure`` once set.
    public func writeSnapshot() throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        try checkWritable()
        try writeSnapshotLocked()
    }

    private func writeSnapshotLocked() throws(ConsentKitError) {
        guard let parts = try snapshotParts() else {
            throw .storage(
                "the snapshot journal `\(path)` opened from is still being verified; no new one is written until then",
                file: path)
        }
        snapshotFileLock.lock()
        defer { snapshotFileLock.unlock() }
        try JournalFile.replace(JournalSnapshot.path(for: path), with: parts.encode(), modeOf: path)
        snapshotLines = lines
    }

    /// What a snapshot of the ledger now is made of, or `nil` while the journal's digest is not known; encoding it
    /// can happen without the lock. Called with `lock` held.
    private func snapshotParts() throws(ConsentKitError) -> SnapshotParts? {
        guard var digest else { return nil }
        let guardLength = min(JournalSnapshot.guardLength, length)
        do {
            return SnapshotParts(
                ledger: current, length: length, lines: lines,
                head: try JournalFile.read(descriptor, at: 0, count: guardLength),
                tail: try JournalFile.read(descriptor, at: length - guardLength, count: guardLength),
                digest: digest.finalize())
        } catch {
            throw .io("cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path, systemError: error.code)
        }
    }

    private struct SnapshotParts: Sendable {
        let ledger: ConsentLedger
        let length: Int
        let lines: Int
        let head: [UInt8]
        let tail: [UInt8]
        let digest: [UInt8]

        func encode() -> [UInt8] {
            JournalSnapshot.encode(
                ledger, coveredLength: length, coveredLines: lines, head: head, tail: tail, prefixDigest: digest)
        }
    }

    /// Encodes and writes a snapshot on another thread, so the append that triggered it does not wait. Called with
    /// `lock` held.
    private func snapshotInBackground() {
        guard let parts = try? snapshotParts() else { return }
        snapshotInFlight = true
        snapshotFileLock.lock()
        let generation = snapshotGeneration
        snapshotFileLock.unlock()
        background.enter()
        DispatchQueue.global(qos: .utility).async { [weak self, background] in
            defer { background.leave() }
            let bytes = parts.encode()
            // Held weakly while encoding: a journal released meanwhile writes nothing (its lock is gone).
            guard let self else { return }
            lock.lock()
            let isClosed = closed
            lock.unlock()
            snapshotFileLock.lock()
            // An erasure since the snapshot was taken: its data must not be written back. A closed journal writes
            // nothing: `close()` waits for this task, and then the next writer owns the files.
            let written =
                !isClosed && generation == snapshotGeneration
                && (try? JournalFile.replace(JournalSnapshot.path(for: path), with: bytes, modeOf: path)) != nil
            snapshotFileLock.unlock()
            lock.lock()
            snapshotInFlight = false
            if written { snapshotLines = max(snapshotLines, parts.lines) }
            lock.unlock()
        }
    }

    /// Hashes the region the snapshot covers on another thread and compares it with the snapshot's digest.
    private func verifySnapshotInBackground() {
        guard let (covered, _) = unverified else { return }
        let reader = dup(descriptor)
        guard reader >= 0 else { return }
        background.enter()
        DispatchQueue.global(qos: .utility).async { [weak self, background, path] in
            defer { background.leave() }
            defer { Foundation.close(reader) }
            let hash = Self.hashPrefix(of: reader, count: covered)
            guard let self else { return }
            lock.lock()
            defer { lock.unlock() }
            switch hash {
            case .success(let hasher): settle(hasher, covered: covered)
            case .failure(let code):
                fail(.storage("cannot read journal `\(path)` to verify its snapshot: \(code)", file: path))
            }
        }
    }

    /// Waits until the snapshot the journal opened from has been checked against the whole region it covers.
    ///
    /// - Throws: ``failure`` when it did not match.
    public func waitForSnapshotVerification() throws(ConsentKitError) {
        while true {
            lock.lock()
            let pending = unverified != nil && integrityFailure == nil && !closed
            let failure = integrityFailure
            lock.unlock()
            if let failure { throw failure }
            if !pending { return }
            usleep(1_000)
        }
    }

    /// Checks a pending snapshot against the journal's bytes, already read. Called with `lock` held.
    private func verifyPendingSnapshot(against bytes: [UInt8]) throws(ConsentKitError) {
        guard let (covered, _) = unverified else { return }
        var hasher = SHA256()
        hasher.update(bytes[..<min(covered, bytes.count)])
        settle(hasher, covered: covered)
        if let integrityFailure { throw integrityFailure }
    }

    /// Given the hash of the covered region, either adopts the snapshot (and brings the running digest up to date)
    /// or fails closed. Called with `lock` held.
    private func settle(_ hasher: SHA256, covered: Int) {
        guard let (_, expected) = unverified, integrityFailure == nil, !closed else { return }
        var prefix = hasher
        guard prefix.finalize() == expected else {
            fail(
                ConsentKitError(
                    code: .corruptedData,
                    message: "the snapshot journal `\(path)` opened from does not match the journal's first "
                        + "\(covered) bytes (another journal's snapshot, or bytes changed since): decisions from it "
                        + "are not trusted; the snapshot was removed, reopen the journal to replay it in full",
                    location: InputLocation(file: JournalSnapshot.path(for: path))))
            return
        }
        var running = hasher
        do {
            running.update(try JournalFile.read(descriptor, at: covered, count: length - covered))
        } catch {
            fail(.io("cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path, systemError: error.code))
            return
        }
        digest = running
        unverified = nil
    }

    /// Fails closed: the ledger and appends throw, followers are told, and the untrusted snapshot is removed. Called
    /// with `lock` held.
    private func fail(_ error: ConsentKitError) {
        guard integrityFailure == nil else { return }
        integrityFailure = error
        unverified = nil
        snapshotFileLock.lock()
        snapshotGeneration += 1
        JournalFile.remove(JournalSnapshot.path(for: path))
        snapshotFileLock.unlock()
        changeFeed.fail(error)
    }

    private static func hashPrefix(of descriptor: Int32, count: Int) -> Result<SHA256, SystemError> {
        var hasher = SHA256()
        var offset = 0
        let chunk = 1 << 20
        while offset < count {
            do {
                let bytes = try JournalFile.read(descriptor, at: offset, count: min(chunk, count - offset))
                guard !bytes.isEmpty else { break }
                hasher.update(bytes)
                offset += bytes.count
            } catch {
                return .failure(error)
            }
        }
        return .success(hasher)
    }
}
