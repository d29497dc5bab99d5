public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
public import Foundation

extension ConsentJournal {
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
    func redactFile(identities: Set<SubjectID>) throws(ConsentKitError) {
        let bytes: [UInt8]
        do {
            bytes = try file.read(at: 0, count: file.length)
        } catch {
            throw .io(
                "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                systemError: error.code)
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
                case .event(let event) = JournalScan.read(
                    line, line: 0, path: path, regimes: policy.customRegimeTable),
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
            file.replace(with: reopened, length: output.count)
            // The new file is this writer's too (no one can have opened it by this name without the lock file).
            do {
                try JournalFile.lockFile(reopened, path: path)
            } catch {
                appendFailure = .storage(
                    "cannot lock journal `\(path)` after erasure (\(error.message)); it refuses appends until reopened",
                    file: path, systemError: error.systemError)
            }
        case .failure(let code):
            // The redacted file is in place; this handle still names the old one, which must not take appends.
            appendFailure = .storage(
                "cannot reopen journal `\(path)` after erasure: \(JournalFile.describe(code.code)); the journal "
                    + "refuses appends until reopened", file: path, systemError: code.code)
            throw appendFailure!
        }
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

    static func contains(_ line: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count else { return false }
        var index = line.startIndex
        while index <= line.endIndex - needle.count {
            if line[index] == needle[0], line[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
