import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct ConsentJournalTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func temporaryPath() -> String {
        scratch.url.appendingPathComponent("journal-\(UUID()).jsonl").path
    }

    func grant(_ number: Int) -> ConsentEvent {
        .grant(
            ConsentGrant(
                GrantID("g\(number)"), subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                at: Date(timeIntervalSince1970: 1_767_225_600 + Double(number)), noticeVersion: 2))
    }

    func write(_ count: Int, to path: String) throws {
        let journal = try ConsentJournal(path: path, policy: policy)
        for number in 0..<count { try journal.append(grant(number)) }
        journal.close()
    }

    func bytes(_ path: String) throws -> [UInt8] { try Array(Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func appendsAreReadBackInOrder() throws {
        let path = temporaryPath()
        try write(5, to: path)
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil)
        #expect(try journal.ledger.count == 5)
        try journal.append([grant(5), grant(6)])
        journal.close()
        #expect(try ConsentJournal(path: path, policy: policy).ledger.count == 7)
        // A journal is a ledger file too: the checksums are verified and the events read.
        #expect(try ConsentLedger(policy: policy, contentsOfFile: path).count == 7)
    }

    @Test func eachLineCarriesTheChecksumOfItsEvent() throws {
        let line = JournalLine.encode(grant(1))
        #expect(line.hasSuffix("\"}"))
        #expect(line.contains(#","checksum":"crc32:"#))
        guard case .verified(let json) = JournalLine.verify(ArraySlice(line.utf8)) else {
            Issue.record("not verified")
            return
        }
        #expect(String(decoding: json, as: UTF8.self) == grant(1).jsonLine)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)  // the standard check value
    }

    @Test func aRefusedEventWritesNothing() throws {
        let path = temporaryPath()
        try write(2, to: path)
        let before = try bytes(path)
        let journal = try ConsentJournal(path: path, policy: policy)
        // `g0` again, with other content: refused, and `g2` before it in the batch is not written either. (The very
        // same `g0` would be a no-op.)
        let conflicting = ConsentEvent.grant(
            ConsentGrant(
                "g0", subject: "c2", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                at: Date(timeIntervalSince1970: 1_767_225_600), noticeVersion: 2))
        #expect(throws: ConsentKitError(code: .duplicateIdentifier)) { try journal.append([grant(2), conflicting]) }
        #expect(try bytes(path) == before)
        #expect(try journal.ledger.count == 2)
    }

    /// Only bytes after the last newline are a torn write: every cut inside a line is cut back to the line before.
    @Test func everyTruncationKeepsTheCompleteLinesBeforeIt() throws {
        let path = temporaryPath()
        try write(4, to: path)
        let full = try bytes(path)
        let lineEnds = full.indices.filter { full[$0] == UInt8(ascii: "\n") }
        for length in 0...full.count {
            let cut = temporaryPath()
            try Data(full.prefix(length)).write(to: URL(fileURLWithPath: cut))
            let journal = try ConsentJournal(path: cut, policy: policy)
            let complete = lineEnds.filter { $0 < length }.count
            #expect(try journal.ledger.count == complete, "cut at \(length)")
            let atLineEnd = length == (complete == 0 ? 0 : lineEnds[complete - 1] + 1)
            #expect((journal.recovery != nil) == !atLineEnd)
            if let recovery = journal.recovery {
                #expect(recovery.firstDroppedLine == complete + 1 && recovery.droppedLines == 1)
            }
            // The cut tail is gone from the file, so the next append starts on a clean line.
            try journal.append(grant(100))
            journal.close()
            #expect(try ConsentJournal(path: cut, policy: policy).ledger.count == complete + 1)
        }
    }

    /// A complete line that fails its checksum is corruption wherever it is — the last line included, which a crash
    /// cannot produce — so opening refuses, names the line, and changes nothing.
    @Test func aFlippedBitInAnyCompleteLineIsAnErrorThatChangesNothing() throws {
        let path = temporaryPath()
        try write(3, to: path)
        let full = try bytes(path)
        for offset in stride(from: 0, to: full.count - 1, by: 5) {
            for bit in [0, 5] {
                var damaged = full
                damaged[offset] ^= 1 << UInt8(bit)
                if damaged[offset] == UInt8(ascii: "\n") || full[offset] == UInt8(ascii: "\n") { continue }
                let file = temporaryPath()
                try Data(damaged).write(to: URL(fileURLWithPath: file))
                let line = full[..<offset].filter { $0 == UInt8(ascii: "\n") }.count + 1
                let error = expectError(.corruptedData) { _ = try ConsentJournal(path: file, policy: policy) }
                #expect(error?.location.line == line, "flip at \(offset)")
                #expect(try bytes(file) == damaged, "the file must be unchanged")
            }
        }
    }

    /// A withdrawal on the last line with an unknown key: it must not be cut as a torn tail (the grant would read
    /// allowed again).
    @Test func aCompleteLastLineThatIsNotAnEventIsNotCut() throws {
        let path = temporaryPath()
        try write(1, to: path)
        let line = #"{"type":"withdraw","grant":"g0","at":"2026-01-02T00:00:00Z","note":"x"}"# + "\n"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        try handle.close()
        let before = try bytes(path)
        let error = expectError(.corruptedData) { _ = try ConsentJournal(path: path, policy: policy) }
        #expect(error?.location.line == 2)
        #expect(error?.message.contains("not a valid event") == true)
        #expect(try bytes(path) == before)
    }

    @Test func repairDropsOnlyTheBadLinesAndReportsThem() throws {
        let path = temporaryPath()
        try write(4, to: path)
        var lines = try bytes(path).split(separator: UInt8(ascii: "\n")).map(Array.init)
        lines[1][20] ^= 0x01  // line 2: checksum fails
        let damaged = Array(lines.joined(separator: [UInt8(ascii: "\n")])) + Array("\n{\"type\":\u{1B}[2J".utf8)
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let report = try ConsentJournal.repair(path: path, policy: policy)
        #expect(report.droppedLines.map(\.line) == [2, 5])
        #expect(report.droppedLines[0].bytes == lines[1])
        #expect(report.droppedLines[0].reason.contains("checksum"))
        #expect(report.droppedLines[1].reason.contains("incomplete"))
        #expect(report.keptEvents == 3)
        // The report is safe to print: the escape sequence in the dropped bytes is shown, not sent.
        #expect(!report.description.contains("\u{1B}") && report.description.contains("\\u{1B}"))
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(try journal.ledger.grants.map(\.id) == ["g0", "g2", "g3"])
        journal.close()
        // A second repair finds nothing and does not touch the file.
        let again = try ConsentJournal.repair(path: path, policy: policy)
        #expect(again.droppedLines.isEmpty)
    }

    @Test func repairRefusesWhatWouldLeaveAnInvalidLedgerAndWhileAWriterHoldsTheJournal() throws {
        let path = temporaryPath()
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append([
            grant(0), .withdraw(Withdrawal(.grant("g0"), at: Date(timeIntervalSince1970: 1_767_300_000))),
        ])
        expectError(.locked) { _ = try ConsentJournal.repair(path: path, policy: policy) }
        journal.close()
        var lines = try bytes(path).split(separator: UInt8(ascii: "\n")).map(Array.init)
        lines[0][20] ^= 0x01  // the grant: dropping it would leave a withdrawal of nothing
        let damaged = Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")]
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        expectError(.unknownIdentifier) { _ = try ConsentJournal.repair(path: path, policy: policy) }
        #expect(try bytes(path) == damaged)
    }

    @Test func concurrentAppendsFromManyTasksAreAllKept() async throws {
        let path = temporaryPath()
        let journal = try ConsentJournal(path: path, policy: policy)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for number in 0..<25 { try? journal.append(grant(task * 1_000 + number)) }
                }
            }
        }
        #expect(try journal.ledger.count == 200)
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(try reopened.ledger.count == 200)
        #expect(reopened.recovery == nil)
    }

    @Test func aMissingFileIsCreatedAndAnUnwritablePathIsAnError() throws {
        let path = temporaryPath()
        #expect(try ConsentJournal(path: path, policy: policy).ledger.count == 0)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(throws: ConsentKitError(code: .fileNotFound)) {
            _ = try ConsentJournal(path: "/nonexistent/dir/journal.jsonl", policy: policy)
        }
    }

    @Test func aPlainLedgerFileOpensAsAJournalAndAnotherFileIsNeverCut() throws {
        // Lines without checksums (a ledger written by hand or by `jsonLines()`) are events like any other.
        let path = temporaryPath()
        try FileManager.default.copyItem(atPath: TestSupport.retailLedgerPath, toPath: path)
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil)
        #expect(try journal.ledger.count == 19)
        // A file that is not a journal at all (here, the policy) is an error and is left exactly as it was.
        let other = temporaryPath()
        try FileManager.default.copyItem(atPath: TestSupport.retailPolicyPath, toPath: other)
        let before = try bytes(other)
        expectError(.corruptedData) { _ = try ConsentJournal(path: other, policy: policy) }
        #expect(try bytes(other) == before)
    }

    // MARK: One writer

    @Test func aSecondWriterInTheSameProcessIsRefusedUntilTheFirstCloses() throws {
        let path = temporaryPath()
        let first = try ConsentJournal(path: path, policy: policy)
        try first.append(grant(0))
        let error = expectError(.locked) { _ = try ConsentJournal(path: path, policy: policy) }
        #expect(
            error?.message.contains("process \(getpid())") == true, "the holder is named: \(String(describing: error))")
        // The refused writer wrote nothing and the first still appends.
        try first.append(grant(1))
        first.close()
        #expect(throws: ConsentKitError(code: .storageFailure)) { try first.append(grant(2)) }
        let second = try ConsentJournal(path: path, policy: policy)
        #expect(try second.ledger.count == 2)
    }

    /// A spawned child holds this process's descriptors until its `exec`: for that moment a released lock still
    /// looks held. Reopening while another thread spawns processes must not fail (it failed in CI before the lock
    /// retried).
    @Test func spawningProcessesMeanwhileDoesNotMakeAReleasedJournalLookLocked() async throws {
        let path = temporaryPath()
        let spawner = Task.detached {
            for _ in 0..<150 { _ = Self.run("/usr/bin/env", ["true"]) }
        }
        for number in 0..<300 {
            let journal = try ConsentJournal(path: path, policy: policy)
            if number % 50 == 0 { try journal.append(grant(number)) }
            journal.close()
        }
        await spawner.value
        #expect(try ConsentJournal(path: path, policy: policy).ledger.count == 6)
    }

    @Test func releasingAJournalReleasesItsLock() throws {
        let path = temporaryPath()
        do {
            let journal = try ConsentJournal(path: path, policy: policy)
            try journal.append(grant(0))
        }
        #expect(try ConsentJournal(path: path, policy: policy).ledger.count == 1)
    }

    // MARK: Write failures

    func faultyJournal(_ path: String) throws -> (ConsentJournal, FaultyFileOperations) {
        let operations = FaultyFileOperations()
        return (try ConsentJournal(path: path, policy: policy, operations: operations), operations)
    }

    @Test(arguments: [ENOSPC, EIO, EFBIG])
    func aShortWriteIsCutBackAndLeavesNoTrace(errno code: Int32) throws {
        let path = temporaryPath()
        let (journal, faults) = try faultyJournal(path)
        try journal.append(grant(0))
        let good = try bytes(path)
        faults.inject(.shortWrite(bytes: 37, then: code))
        let error = expectError(.storageFailure) { try journal.append([grant(1), grant(2)]) }
        #expect(error?.message.contains("nothing was appended") == true)
        #expect(error?.systemError == code, "the operating system's reason is carried, not only described")
        #expect(try bytes(path) == good, "the fragment of the failed write is gone")
        #expect(try journal.ledger.count == 1)
        // The next append starts on a clean line, and the journal reopens with exactly what was acknowledged.
        try journal.append(grant(3))
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(try reopened.ledger.grants.map(\.id) == ["g0", "g3"])
        #expect(reopened.recovery == nil)
    }

    @Test func aWriteThatFailsOutrightChangesNothing() throws {
        let path = temporaryPath()
        let (journal, faults) = try faultyJournal(path)
        try journal.append(grant(0))
        faults.inject(.failWrite(EIO))
        expectError(.storageFailure) { try journal.append(grant(1)) }
        try journal.append(grant(1))
        #expect(try journal.ledger.count == 2)
    }

    /// The PostgreSQL "fsyncgate" lesson: after a failed `fsync`, a later one that succeeds proves nothing.
    @Test func aFailedFsyncRefusesAppendsUntilReopened() throws {
        let path = temporaryPath()
        let (journal, faults) = try faultyJournal(path)
        try journal.append(grant(0))
        faults.inject(.failSync(EIO))
        let error = expectError(.storageFailure) { try journal.append(grant(1)) }
        #expect(error?.message.contains("until reopened") == true)
        #expect(try journal.ledger.count == 1)
        expectError(.storageFailure) { try journal.append(grant(2)) }
        #expect(journal.failure?.code == .storageFailure)
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(try reopened.ledger.grants.map(\.id) == ["g0"])
        try reopened.append(grant(2))
    }

    @Test func aPartialWriteThatCannotBeCutBackRefusesAppendsAndReopensCleanly() throws {
        let path = temporaryPath()
        let (journal, faults) = try faultyJournal(path)
        try journal.append(grant(0))
        faults.inject(.shortWriteAndFailTruncate(bytes: 50))
        expectError(.storageFailure) { try journal.append(grant(1)) }
        expectError(.storageFailure) { try journal.append(grant(2)) }
        journal.close()
        // The fragment has no newline: reopening cuts it as a torn tail.
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.recovery?.droppedBytes == 50)
        #expect(try reopened.ledger.grants.map(\.id) == ["g0"])
    }

    /// A real full disk, where the machine lets the test mount a small tmpfs (root on Linux); skipped elsewhere.
    @Test func aFullTmpfsLeavesAJournalThatOpensWithEveryAcknowledgedEvent() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tmpfs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory]) == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            return  // not permitted here: the fault-injection tests above cover the same paths
        }
        defer {
            _ = Self.run("/bin/umount", [directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        let path = directory + "/journal.jsonl"
        let journal = try ConsentJournal(path: path, policy: policy)
        var acknowledged: [GrantID] = []
        var failures = 0
        for number in 0..<2_000 where failures == 0 {
            do {
                try journal.append(grant(number))
                acknowledged.append(GrantID("g\(number)"))
            } catch {
                #expect(error.code == .storageFailure, "\(error)")
                failures += 1
            }
        }
        #expect(failures == 1, "the disk never filled")
        #expect(try journal.ledger.grants.map(\.id) == acknowledged)
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.recovery == nil, "a fragment of the failed write was left")
        #expect(try reopened.ledger.grants.map(\.id) == acknowledged)
    }

    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Regressions for what an independent review of the journal found.
extension ConsentJournalTests {
    /// A ledger written by hand whose last line — a withdrawal — has no newline: it is an event, not a torn write.
    @Test func aHandWrittenLastLineWithoutANewlineIsKept() throws {
        let path = temporaryPath()
        let text =
            #"{"type":"grant","id":"g1","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#
            + "\n" + #"{"type":"withdraw","grant":"g1","at":"2026-01-02T00:00:00Z"}"#
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let question = ConsentQuestion(
            subject: "c1", purpose: "marketing.email", field: "email", at: try instant("2026-02-01T00:00:00Z"))
        let reader = try ConsentJournalReader(path: path, policy: policy)
        #expect(ReferenceEvaluator(ledger: reader.ledger).decision(for: question).reason == .withdrawn)
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil)
        #expect(ReferenceEvaluator(ledger: try journal.ledger).decision(for: question).reason == .withdrawn)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text + "\n")
        try journal.append(grant(5))
        #expect(try reader.refresh() == 1)
        #expect(reader.ledger.count == 3)
        #expect(reader.status.incompleteBytes == 0)
    }

    /// A reader that read a batch whose `fsync` then failed (so the writer cut it back) must not keep it.
    @Test func aReaderDropsABatchTheWriterCutBack() throws {
        let path = temporaryPath()
        let (journal, faults) = try faultyJournal(path)
        try journal.append(grant(0))
        let reader = try ConsentJournalReader(path: path, policy: policy)
        faults.beforeFailingSync = { _ = try? reader.refresh() }
        faults.inject(.failSync(EIO))
        expectError(.storageFailure) {
            try journal.append(
                .grant(
                    ConsentGrant(
                        "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                        at: Date(timeIntervalSince1970: 1_767_225_601), noticeVersion: 2)))
        }
        #expect(reader.ledger.count == 2, "the reader saw the batch before it was cut back")
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        try reopened.append(
            .grant(
                ConsentGrant(
                    "g2", subject: "c2", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                    at: Date(timeIntervalSince1970: 1_767_225_601), noticeVersion: 2)))
        try reader.refresh()
        #expect(reader.ledger.entries.map(\.event) == (try reopened.ledger).entries.map(\.event))
        #expect(reader.ledger.grant("g1") == nil)
    }

    @Test func anotherNameForTheSameJournalDoesNotGetASecondWriter() throws {
        let path = temporaryPath()
        let journal = try ConsentJournal(path: path, policy: policy)
        let symbolic = temporaryPath()
        try FileManager.default.createSymbolicLink(atPath: symbolic, withDestinationPath: path)
        expectError(.locked) { _ = try ConsentJournal(path: symbolic, policy: policy) }
        let hard = temporaryPath()
        try FileManager.default.linkItem(atPath: path, toPath: hard)
        expectError(.locked) { _ = try ConsentJournal(path: hard, policy: policy) }
        expectError(.locked) { _ = try ConsentJournal.repair(path: hard, policy: policy) }
        journal.close()
        #expect(try ConsentJournal(path: symbolic, policy: policy).ledger.count == 0)
    }

    /// Rewrites and snapshots keep the journal's permissions: they must not make personal data readable by more
    /// users than the journal is.
    @Test func rewritesAndSnapshotsKeepTheJournalsPermissions() throws {
        let path = temporaryPath()
        try write(2, to: path)
        #expect(chmod(path, 0o600) == 0)
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(
            .subjectFacts(
                "c1", SubjectFactsChange(birthDate: .set(CalendarDate(year: 1990, month: 1, day: 1)!)),
                at: Date(timeIntervalSince1970: 1_767_300_000)))
        try journal.erase("c1", at: Date(timeIntervalSince1970: 1_767_400_000))
        func mode(_ file: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        }
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + ".snapshot") == 0o600)
        journal.close()
        var bytes = try bytes(path)
        bytes += Array("{\"type\":\"\u{1B}[2J\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try ConsentJournal.repair(path: path, policy: policy)
        #expect(report.droppedLines.count == 1)
        #expect(!report.description.contains("\u{1B}"), "\(report.description)")
        #expect(try mode(path) == 0o600)
    }

    @Test func aSnapshotWithImpossibleCountsIsIgnoredNotACrash() throws {
        let path = temporaryPath()
        try write(3, to: path)
        let ledger = try ConsentJournalReader(path: path, policy: policy).ledger
        let journalBytes = try bytes(path)
        var hasher = SHA256()
        hasher.update(journalBytes)
        let forged = JournalSnapshot.encode(
            ledger, coveredLength: journalBytes.count, coveredLines: .max, head: Array(journalBytes.prefix(64)),
            tail: Array(journalBytes.suffix(64)), prefixDigest: hasher.finalize())
        try Data(forged).write(to: URL(fileURLWithPath: path + ".snapshot"))
        #expect(try ConsentJournalReader(path: path, policy: policy).status.snapshot.hasPrefix("not used"))
        let journal = try ConsentJournal(path: path, policy: policy)
        guard case .ignored = journal.snapshotUse else {
            Issue.record("a snapshot claiming Int.max lines was used: \(journal.snapshotUse)")
            return
        }
        #expect(try journal.ledger.count == 3)
    }
}
