internal import Foundation

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
public final class ConsentJournal: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// What opening had to repair, or `nil` when the file was intact.
    public let recovery: Recovery?
    private let handle: FileHandle
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var current: ConsentLedger

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

    /// Opens the journal at `path`, creating it if it does not exist, and replays it into ``ledger``.
    ///
    /// - Throws: ``ConsentKitError`` for a corrupted line that is not at the tail (naming its line), for an event
    ///   the policy refuses, or when the file cannot be opened, read or repaired.
    public init(path: String, policy: Policy) throws(ConsentKitError) {
        self.path = path
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
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw .io("cannot read journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        let (events, goodLength, recovery) = try Self.scan(Array(data), path: path)
        self.recovery = recovery
        if recovery != nil {
            do {
                try handle.truncate(atOffset: UInt64(goodLength))
                try handle.synchronize()
            } catch {
                throw .io("cannot cut the torn tail of `\(path)`: \(error.localizedDescription)", file: path)
            }
        }
        do {
            _ = try handle.seekToEnd()
        } catch {
            throw .io("cannot seek in journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        // Events were appended in order, but a journal may have been written by hand: order as any ledger file.
        current = try ConsentLedger(policy: policy, events: events, file: path)
    }

    deinit { try? handle.close() }

    /// Appends events durably: checked against the ledger, written, and `fsync`ed before the call returns.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event (nothing is written), or an I/O error (the
    ///   ledger is then unchanged; the file may hold a torn line that the next open cuts back).
    public func append(_ events: [ConsentEvent]) throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        var checked = current
        try checked.append(contentsOf: events)
        var text = ""
        for event in events { text += JournalLine.encode(event) + "\n" }
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw .io("cannot append to journal `\(path)`: \(error.localizedDescription)", file: path)
        }
        current = checked
    }

    /// Appends one event durably.
    public func append(_ event: ConsentEvent) throws(ConsentKitError) {
        try append([event])
    }

    // MARK: Reading

    /// Splits the file into verified events, deciding where a bad tail starts; a bad line before a good one is an
    /// error.
    private static func scan(_ bytes: [UInt8], path: String) throws(ConsentKitError)
        -> (events: [(line: Int?, path: JSONPath, event: ConsentEvent)], goodLength: Int, recovery: Recovery?)
    {
        var events: [(line: Int?, path: JSONPath, event: ConsentEvent)] = []
        var goodLength = 0
        var firstBad: (line: Int, offset: Int, message: String)?
        var lineNumber = 0
        var start = 0
        var totalLines = 0
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
                switch JournalLine.verify(line) {
                case .plain, .corrupt:
                    problem = "the line's checksum is missing or does not match (corrupted)"
                case .verified(let json):
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
                        problem = "the line's checksum matches but it is not a valid event"
                    }
                }
            }
            if let problem, firstBad == nil {
                firstBad = (lineNumber, start, problem)
            }
            if firstBad == nil { goodLength = next }
            start = next
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
