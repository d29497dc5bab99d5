public import ConsentCore
internal import ConsentInterchange
internal import Foundation

extension ConsentJournal {
    /// What ``repair(path:policy:dryRun:)`` dropped from a journal.
    public struct RepairReport: Sendable, Hashable, CustomStringConvertible {
        /// One line dropped.
        public struct DroppedLine: Sendable, Hashable {
            /// The line's 1-based number in the file before the repair.
            public let line: Int
            /// Where the line started in the file before the repair.
            public let byteOffset: Int
            /// The line's bytes, without its newline: what an operator keeps as evidence or re-enters by hand.
            public let bytes: [UInt8]
            /// Why it was dropped.
            public let reason: String
        }

        /// Every line dropped, in file order; empty when the journal needed no repair (and was not rewritten).
        public let droppedLines: [DroppedLine]
        /// How many events the repaired journal holds.
        public let keptEvents: Int

        /// One line per dropped line, with its bytes escaped so that nothing in them can forge a line of a log.
        public var description: String {
            guard !droppedLines.isEmpty else { return "nothing to repair: \(keptEvents) events, every line intact" }
            // (The count and lines are the same for a dry run; the caller says whether the file was changed.)
            var text =
                "dropped \(droppedLines.count) line\(droppedLines.count == 1 ? "" : "s"), kept \(keptEvents) events"
            for dropped in droppedLines {
                let content = String(decoding: dropped.bytes, as: UTF8.self).escapingControlCharacters
                text += "\nline \(dropped.line) (byte \(dropped.byteOffset), \(dropped.bytes.count) bytes): "
                text += "\(dropped.reason.escapingControlCharacters): \(content)"
            }
            return text
        }
    }

    /// Repairs a journal that will not open because of corrupted lines: drops every complete line that fails its
    /// checksum or is not an event, and an incomplete final line (unless it is a whole event without a checksum, the
    /// last line of a ledger written by hand, which is kept), keeps every other line byte for byte, and reports
    /// exactly what it dropped. It is an operator's explicit choice, never automatic: a dropped line may have been a
    /// withdrawal, so read the report (each line's bytes are in it).
    ///
    /// The journal must not be open for writing (repair takes the writer lock). The file is replaced atomically and
    /// its snapshot removed. When the remaining lines do not form a valid ledger (a withdrawal whose grant was on a
    /// dropped line), nothing is changed and the error names the first problem.
    ///
    /// - Parameters:
    ///   - path: the journal file.
    ///   - policy: the policy its events are checked against.
    ///   - dryRun: report what would be dropped, and change nothing.
    /// - Returns: the report; its ``RepairReport/droppedLines`` is empty when there was nothing to repair, and then
    ///   the file was not touched.
    /// - Throws: ``ConsentKitError`` — `locked` when a writer has the journal open; the ledger's error when what
    ///   remains is not a valid ledger; `fileNotFound` when there is no such file, `io` when it cannot be read, `storageFailure`
    ///   when the repaired file cannot be written.
    public static func repair(path: String, policy: Policy, dryRun: Bool = false) throws(ConsentKitError)
        -> RepairReport
    {
        let writerLock = try JournalLock(journal: path)
        defer { writerLock.release() }
        let bytes: [UInt8]
        switch JournalFile.openForReading(path) {
        case .success(let descriptor):
            defer { Foundation.close(descriptor) }
            try JournalFile.lockFile(descriptor, path: path)
            do {
                bytes = try JournalFile.read(descriptor, at: 0, count: JournalFile.status(descriptor)?.length ?? 0)
            } catch {
                throw .io(
                    "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                    systemError: error.code)
            }
        case .failure(let code):
            throw .io(
                "cannot open journal `\(path)`: \(JournalFile.describe(code.code))", file: path, systemError: code.code)
        }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var events: [JournalScan.Event] = []
        var dropped: [RepairReport.DroppedLine] = []
        var end = 0
        var lastLine = 0
        var refusal: String?
        JournalScan.forEachLine(bytes, firstLine: 1, path: path, regimes: policy.customRegimeTable) {
            number, range, line in
            switch line {
            case .unreadable(let why):
                // Intact, but this policy does not accept it: the wrong policy, not damage. Dropping it would lose
                // an acknowledged event.
                refusal = why
                return false
            case .bad(let why):
                dropped.append(
                    RepairReport.DroppedLine(
                        line: number, byteOffset: range.lowerBound, bytes: Array(bytes[range]), reason: why))
            case .event(let event):
                events.append((number, JSONPath(), event))
                kept += bytes[range.lowerBound...range.upperBound]
            case .blank:
                kept += bytes[range.lowerBound...range.upperBound]
            }
            end = range.upperBound + 1
            lastLine = number
            return true
        }
        if let refusal {
            throw ConsentKitError(
                code: .inconsistentLedger,
                message:
                    "will not repair `\(path.escapingControlCharacters)`: \(refusal); repair with the journal's own policy"
            )
        }
        if let event = JournalScan.handWrittenTail(bytes, from: end, line: lastLine + 1, path: path) {
            // The last line of a ledger written by hand, without its newline: an event, kept, newline added.
            events.append((lastLine + 1, JSONPath(), event))
            kept += bytes[end...]
            kept.append(UInt8(ascii: "\n"))
        } else if end < bytes.count {
            dropped.append(
                RepairReport.DroppedLine(
                    line: lastLine + 1, byteOffset: end, bytes: Array(bytes[end...]),
                    reason: "the final line is incomplete (a write a crash interrupted)"))
        }
        let ledger = try ConsentLedger(policy: policy, events: events, file: path)
        if !dropped.isEmpty && !dryRun {
            try JournalFile.replace(path, with: kept, modeOf: path)
            JournalFile.remove(JournalSnapshot.path(for: path))
        }
        return RepairReport(droppedLines: dropped, keptEvents: ledger.count)
    }
}
