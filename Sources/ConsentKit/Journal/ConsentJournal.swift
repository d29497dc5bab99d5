public import Foundation

/// A file-backed, append-only consent ledger: JSON Lines of FORMATS.md events, each line carrying a CRC-32, where
/// an append is durable when the call returns.
///
/// - **Durability.** Every append validates the events against the ledger first (nothing invalid is ever
///   written), writes their lines in one `write`, and `fsync`s before returning. A batch costs one `fsync`.
/// - **Crashes.** A process killed mid-write loses at most the line being written. On open, a torn or corrupted
///   *tail* — bad lines with no good line after them — is cut back to the last good event and reported in
///   ``recovery``; the lines before it are not touched.
/// - **Corruption inside.** A bad line followed by good ones cannot be a torn write: opening fails with an error
///   naming the line, and the file is left exactly as it was.
///
/// A journal is one open file shared by reference: any number of tasks may append and read; a small internal lock
/// serialises appends and guards the ledger (a lock rather than `Mutex`, which would need iOS 18).
public final class ConsentJournal: ConsentStore, @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The policy events are checked against.
    public let policy: Policy
    /// Where changes are published.
    package let feed = ChangeFeed()
    /// What opening had to repair, or `nil` when the file was intact.
    public let recovery: Recovery?
    /// Whether opening started from the snapshot beside the journal.
    public let snapshotUse: SnapshotUse
    /// Guarded by `lock` (erasure replaces the file, and with it the handle).
    private var handle: FileHandle
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var current: ConsentLedger
    /// The file's length and line count. Guarded by `lock`.
    private var length: Int
    private var lines: Int
    /// The line count the last snapshot covered, and whether one is being written in the background. Guarded by
    /// `lock`.
    private var snapshotLines = 0
    private var snapshotInFlight = false
    /// Serialises writes of the snapshot file. Taken after `lock` when both are held, never before it.
    private let snapshotFileLock = NSLock()
    /// Bumped by every erasure, so that a snapshot encoded before it is never written after it. Guarded by
    /// `snapshotFileLock`.
    private var snapshotGeneration = 0

    /// How many lines beyond the snapshot make opening, or an append, write a new one. Appends write it in the
    /// background once the lines beyond it exceed this or a thirty-second of the journal, whichever is more, so
    /// that opening replays few lines of JSON after loading the snapshot, and snapshots cost appends O(1)
    /// amortised.
    public static let snapshotThreshold = 20_000

    /// The events read and appended so far, checked against the policy: a snapshot, unaffected by later appends.
    public var ledger: ConsentLedger {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// What opening a journal repaired.
    public struct Recovery: Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line of the first line dropped.
        public let firstDroppedLine: Int
        /// How many lines (counting a final partial one) were dropped.
        public let droppedLines: Int
        /// How many bytes were cut from the end of the file.
        public let droppedBytes: Int

        /// A sentence for logs.
        public var description: String {
            "cut a torn or corrupted tail of \(droppedLines) line\(droppedLines == 1 ? "" : "s") "
                + "(\(droppedBytes) bytes) from line \(firstDroppedLine)"
        }
    }

    /// How opening used the snapshot file (`<path>.snapshot`).
    public enum SnapshotUse: Sendable, Hashable {
        /// There was no snapshot: every line was replayed.
        case none
        /// The snapshot covered this many lines; only the lines after them were replayed.
        case used(coveredLines: Int)
        /// A snapshot was there but not trusted, for this reason; every line was replayed.
        case ignored(String)
    }

    /// Opens the journal at `path`, creating it if it does not exist, and replays it into ``ledger`` — from the
    /// snapshot beside it when that is valid, then the lines after it. When more than ``snapshotThreshold`` lines
    /// had to be replayed, a fresh snapshot is written (if that fails, the journal still opens). An erasure whose
    /// rewrite a crash interrupted is finished.
    ///
    /// - Throws: ``ConsentKitError`` for a corrupted line that is not at the tail (naming its line), for an event
    ///   the policy refuses, or when the file cannot be opened, read or repaired.
    public init(path: String, policy: Policy) throws(ConsentKitError) {
        self.path = path
        self.policy = policy
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw .io("cannot create journal `\(path)`", file: path)
            }
            Self.syncDirectory(of: path)
        }
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw .io("cannot open journal `\(path)` for writing", file: path)
        }
        self.handle = handle
        let fileLength: Int
        do {
            fileLength = Int(try handle.seekToEnd())
        } catch {
            throw .io("cannot read journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        var snapshot: JournalSnapshot?
        if let bytes = manager.contents(atPath: JournalSnapshot.path(for: path)) {
            do {
                snapshot = try JournalSnapshot.decode(
                    Array(bytes), policy: policy, journalLength: fileLength,
                    guardBytes: { offset, count in try? Self.read(handle, at: offset, count: count) })
                snapshotUse = .used(coveredLines: snapshot?.coveredLines ?? 0)
            } catch {
                snapshotUse = .ignored(error.reason)
            }
        } else {
            snapshotUse = .none
        }
        let start = snapshot?.coveredLength ?? 0
        let data: [UInt8]
        do {
            data = try Self.read(handle, at: start, count: fileLength - start)
        } catch {
            throw .io("cannot read journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        let firstLine = (snapshot?.coveredLines ?? 0) + 1
        let (events, goodLength, recovery) = try Self.scan(data, firstLine: firstLine, path: path)
        self.recovery = recovery
        if recovery != nil {
            do {
                try handle.truncate(atOffset: UInt64(start + goodLength))
                try handle.synchronize()
            } catch {
                throw .io("cannot cut the torn tail of `\(path)`: \(error.localizedDescription)", file: path)
            }
        }
        do {
            length = Int(try handle.seekToEnd())
        } catch {
            throw .io("cannot seek in journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        lines = firstLine - 1 + events.count
        snapshotLines = firstLine - 1
        // Events were appended in order, but a journal may have been written by hand: order as any ledger file.
        if var ledger = snapshot?.ledger {
            try ledger.append(lines: events, file: path)
            current = ledger
        } else {
            current = try ConsentLedger(policy: policy, events: events, file: path)
        }
        // An erasure recorded by a process that died before rewriting the file: finish it now.
        let unfinished = current.erasedSubjectsStillHoldingPersonalData
        if !unfinished.isEmpty {
            var identities: Set<SubjectID> = []
            for subject in unfinished {
                current.removePersonalData(of: subject)
                identities.formUnion(current.identities(linkedWith: subject))
            }
            try redactFile(identities: identities)
        } else if events.count > Self.snapshotThreshold {
            try? writeSnapshot()
        }
    }

    deinit { try? handle.close() }

    /// Appends events durably: checked against the ledger, written, and `fsync`ed before the call returns. The
    /// batch is all or nothing: one refused event and none is written. An `erase` event also removes the subject's
    /// personal data from the file, as ``erase(_:at:)`` does.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event (nothing is written), or an I/O error (the
    ///   ledger is then unchanged; the file may hold a torn line that the next open cuts back).
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
        let first = current.count
        // Appended in place and taken back if refused: a copy would duplicate every record per batch.
        let (changed, undo) = try current.appendAtomically(events)
        var changes: [LedgerChange] = []
        var erased: Set<SubjectID> = []
        for (offset, event) in events.enumerated() {
            changes.append(LedgerChange(sequence: first + offset, event: event, subjects: changed[offset]))
            if case .erase(let subject, _) = event {
                current.removePersonalData(of: subject)
                erased.formUnion(current.identities(linkedWith: subject))
            }
        }
        do {
            try write(events)
        } catch {
            // Not written, so not appended.
            current.undo(undo)
            throw error
        }
        if !erased.isEmpty {
            feed.publish(changes)
            // The erasure is durable and in force; if rewriting fails, erasing again retries it.
            try redactFile(identities: erased)
            return changes
        }
        // The events are durable already; a snapshot that cannot be written only makes the next open slower.
        if lines - snapshotLines > max(Self.snapshotThreshold, lines / 32) && !snapshotInFlight {
            snapshotInBackground()
        }
        feed.publish(changes)
        return changes
    }

    /// Writes lines and `fsync`s. Called with `lock` held.
    private func write(_ events: [ConsentEvent]) throws(ConsentKitError) {
        var text = ""
        for event in events { text += JournalLine.encode(event) + "\n" }
        let bytes = Data(text.utf8)
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            throw .io("cannot append to journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        length += bytes.count
        lines += events.count
    }

    /// The changes appended from now on.
    public func changes() -> LedgerChanges { feed.subscribe() }

    /// Records `erase` durably, then removes the subject's personal data from the journal file and its snapshot
    /// (see ``ConsentStore/erase(_:at:)``). The file is rewritten atomically — a temporary file, `fsync`, rename —
    /// copying every line byte for byte except those that carried the data, so a crash leaves either the old file
    /// with the `erase` line or the redacted one.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when nothing is held about `subject`, or an I/O error.
    public func erase(_ subject: SubjectID, at instant: Date) throws(ConsentKitError) {
        guard ledger.record(for: subject) != nil else {
            throw .unknownSubject(subject)
        }
        try appendReportingSubjects([.erase(subject, at: instant)])
    }

    /// Rewrites the journal without the personal data of `identities`, then its snapshot. Called with `lock` held.
    private func redactFile(identities: Set<SubjectID>) throws(ConsentKitError) {
        let bytes: [UInt8]
        do {
            bytes = try Self.read(handle, at: 0, count: length)
        } catch {
            throw .io("cannot read journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let birth = Array("irth".utf8)
        let escape = Array(#"\u"#.utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            // Only a line spelling `birthDate` (or hiding it behind an escape) can hold a birth date: parse those.
            if Self.contains(line, birth) || Self.contains(line, escape),
                let event = Self.anyEvent(line), let redacted = event.withoutPersonalData,
                let who = event.namedSubject, identities.contains(who)
            {
                output += Array(JournalLine.encode(redacted).utf8)
            } else {
                output += line
            }
            output.append(UInt8(ascii: "\n"))
        }
        try Self.replace(path, with: output)
        guard let reopened = FileHandle(forUpdatingAtPath: path) else {
            throw .io("cannot reopen journal `\(path)` after erasure", file: path)
        }
        try? handle.close()
        handle = reopened
        do {
            length = Int(try handle.seekToEnd())
        } catch {
            throw .io("cannot seek in journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        // The old snapshot holds the erased data too: replace it (and if that fails, remove it). A snapshot being
        // encoded in the background from before the erasure is not written.
        snapshotFileLock.lock()
        snapshotGeneration += 1
        snapshotFileLock.unlock()
        do {
            try writeSnapshotLocked()
        } catch {
            try? FileManager.default.removeItem(atPath: JournalSnapshot.path(for: path))
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

    /// The event on a line, with or without a checksum.
    private static func anyEvent(_ line: ArraySlice<UInt8>) -> ConsentEvent? {
        switch JournalLine.verify(line) {
        case .plain: event(Array(line), line: 0, path: "")
        case .verified(let json): event(json, line: 0, path: "")
        case .corrupt: nil
        }
    }

    /// Writes the snapshot of the ledger so far beside the journal (atomically: a temporary file, `fsync`, rename),
    /// so that the next open replays only the lines appended after now.
    public func writeSnapshot() throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        try writeSnapshotLocked()
    }

    private func writeSnapshotLocked() throws(ConsentKitError) {
        let parts = try snapshotParts()
        snapshotFileLock.lock()
        defer { snapshotFileLock.unlock() }
        try Self.replace(JournalSnapshot.path(for: path), with: parts.encode())
        snapshotLines = lines
    }

    /// What a snapshot of the ledger now is made of; encoding it can happen without the lock. Called with `lock`
    /// held.
    private func snapshotParts() throws(ConsentKitError) -> SnapshotParts {
        let guardLength = min(JournalSnapshot.guardLength, length)
        do {
            let guardBytes = try Self.read(handle, at: length - guardLength, count: guardLength)
            _ = try handle.seekToEnd()
            return SnapshotParts(ledger: current, length: length, lines: lines, guardBytes: guardBytes)
        } catch {
            throw .io("cannot read journal `\(path)`: \(error.localizedDescription)", file: path)
        }
    }

    private struct SnapshotParts: Sendable {
        let ledger: ConsentLedger
        let length: Int
        let lines: Int
        let guardBytes: [UInt8]

        func encode() -> [UInt8] {
            JournalSnapshot.encode(ledger, coveredLength: length, coveredLines: lines, guardBytes: guardBytes)
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
        DispatchQueue.global(qos: .utility).async { [self] in
            let bytes = parts.encode()
            snapshotFileLock.lock()
            // An erasure since the snapshot was taken: its data must not be written back.
            let written =
                generation == snapshotGeneration
                && (try? Self.replace(JournalSnapshot.path(for: path), with: bytes)) != nil
            snapshotFileLock.unlock()
            lock.lock()
            snapshotInFlight = false
            if written { snapshotLines = max(snapshotLines, parts.lines) }
            lock.unlock()
        }
    }

    /// Writes `bytes` to `path` atomically and durably: a temporary file, `fsync`, rename, `fsync` of the directory.
    static func replace(_ path: String, with bytes: [UInt8]) throws(ConsentKitError) {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let file = FileHandle(forWritingAtPath: temporary)
        else { throw .io("cannot create `\(temporary)`", file: temporary) }
        do {
            try file.write(contentsOf: Data(bytes))
            try file.synchronize()
            try file.close()
        } catch {
            try? file.close()
            throw .io("cannot write `\(temporary)`: \(error.localizedDescription)", file: temporary)
        }
        guard rename(temporary, path) == 0 else {
            throw .io("cannot rename `\(temporary)` to `\(path)` (errno \(errno))", file: path)
        }
        syncDirectory(of: path)
    }

    private static func read(_ handle: FileHandle, at offset: Int, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: UInt64(offset))
        guard count > 0 else { return [] }
        return Array(try handle.read(upToCount: count) ?? Data())
    }

    // MARK: Reading

    /// Splits the file into verified events, deciding where a bad tail starts; a bad line before a good one is an
    /// error.
    private static func scan(_ bytes: [UInt8], firstLine: Int, path: String) throws(ConsentKitError)
        -> (events: [(line: Int?, path: JSONPath, event: ConsentEvent)], goodLength: Int, recovery: Recovery?)
    {
        var events: [(line: Int?, path: JSONPath, event: ConsentEvent)] = []
        var goodLength = 0
        var firstBad: (line: Int, offset: Int, message: String)?
        var lineNumber = firstLine - 1
        var start = 0
        var totalLines = lineNumber
        var completeBadLine = false
        while start < bytes.count {
            lineNumber += 1
            totalLines = lineNumber
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.count
            let line = bytes[start..<end]
            let next = newline.map { $0 + 1 } ?? bytes.count
            var problem: String?
            let blank = line.allSatisfy {
                $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r")
            }
            if newline == nil {
                problem = "the last line has no newline (a write was cut off)"
            } else if !blank {
                let json: [UInt8]?
                switch JournalLine.verify(line) {
                case .corrupt:
                    json = nil
                    problem = "the line's checksum does not match its content (corrupted)"
                case .plain:
                    // A line without a checksum (written by hand or by another tool): kept if it is a valid event.
                    json = Array(line)
                case .verified(let verified):
                    json = verified
                }
                if let json {
                    if let event = Self.event(json, line: lineNumber, path: path) {
                        if let bad = firstBad {
                            // A good line after a bad one: the bad one is not a torn tail but corruption.
                            throw ConsentKitError(
                                code: .malformedJSON,
                                message: "\(bad.message); good lines follow it, so this is corruption, not a torn "
                                    + "write, and the journal was left unchanged",
                                location: InputLocation(file: path, line: bad.line))
                        }
                        events.append((lineNumber, JSONPath(), event))
                    } else {
                        problem = "the line is not a valid event (corrupted, or not a journal line)"
                    }
                }
                if problem != nil { completeBadLine = true }
            }
            if let problem, firstBad == nil {
                firstBad = (lineNumber, start, problem)
            }
            if firstBad == nil { goodLength = next }
            start = next
        }
        if let bad = firstBad, events.isEmpty, firstLine == 1, completeBadLine {
            // Not one valid line: this is not a journal with a torn tail but another file; cutting would destroy it.
            throw ConsentKitError(
                code: .malformedJSON,
                message: "\(bad.message); no line of the file is a valid event, so it is not a ConsentKit journal, "
                    + "and it was left unchanged",
                location: InputLocation(file: path, line: bad.line))
        }
        let recovery = firstBad.map { bad in
            Recovery(
                firstDroppedLine: bad.line, droppedLines: totalLines - bad.line + 1,
                droppedBytes: bytes.count - bad.offset)
        }
        return (events, goodLength, recovery)
    }

    private static func event(_ json: [UInt8], line: Int, path: String) -> ConsentEvent? {
        guard let value = try? JSONParser.parse(json, file: path, line: line) else { return nil }
        var reader = JSONReader(file: path, line: line)
        let event = ConsentEvent.read(value, at: JSONPath(), reader: &reader)
        return reader.hasErrors ? nil : event
    }

    /// Makes a newly created file's directory entry durable too.
    private static func syncDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let handle = FileHandle(forReadingAtPath: directory) {
            try? handle.synchronize()
            try? handle.close()
        }
    }
}
