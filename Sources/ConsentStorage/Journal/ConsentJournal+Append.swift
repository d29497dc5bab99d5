public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
internal import Foundation

extension ConsentJournal {
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
        // Grants recorded identically already are not written again: a batch appended twice changes nothing.
        let positions = current.unrecordedPositions(of: events)
        let batchCount = events.count
        let events = positions.map { events[$0] }
        guard !events.isEmpty else { return [] }
        let first = current.count
        // Appended in place and taken back if refused: a copy would duplicate every record per batch.
        let (changed, undo) = try current.appendAtomically(events, positions: positions, batchCount: batchCount)
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
    func checkWritable() throws(ConsentKitError) {
        if closed { throw .storage("journal `\(path)` is closed", file: path) }
        if let failure = integrityFailure ?? appendFailure { throw failure }
    }

    /// Writes lines and `fsync`s them; on failure the file is cut back to its last good length, and a failure that
    /// leaves the file in doubt refuses appends until reopened. Called with `lock` held.
    func write(_ events: [ConsentEvent]) throws(ConsentKitError) {
        var bytes: [UInt8] = []
        for event in events {
            bytes += JournalLine.encode(event).utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        do {
            try file.append(bytes)
        } catch {
            let failure = Self.describe(error, path: path)
            if case .notWritten = error { throw failure }
            appendFailure = failure
            throw failure
        }
        lines += events.count
        digest?.update(bytes)
    }

    /// The error an append failure is reported as.
    static func describe(_ failure: DurableFile.AppendFailure, path: String) -> ConsentKitError {
        let message = "cannot append to journal `\(path)`"
        switch failure {
        case .notWritten(let code):
            return .storage(
                "\(message): \(JournalFile.describe(code)); nothing was appended", file: path, systemError: code)
        case .partlyWritten(let code, let cutBack):
            return .storage(
                "\(message): \(JournalFile.describe(code)); nothing was appended, but the partial write could not be "
                    + "cut back (\(JournalFile.describe(cutBack))): the journal refuses appends until reopened",
                file: path, systemError: code)
        case .notSynchronized(let code):
            return .storage(
                "cannot write journal `\(path)` to disk (fsync: \(JournalFile.describe(code))); the batch was not "
                    + "appended, and the journal refuses appends until reopened", file: path, systemError: code)
        }
    }
}
