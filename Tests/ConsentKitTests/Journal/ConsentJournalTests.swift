import Foundation
import Testing

@testable import ConsentKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct ConsentJournalTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID()).jsonl").path
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
    }

    @Test func appendsAreReadBackInOrder() throws {
        let path = temporaryPath()
        try write(5, to: path)
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil)
        #expect(journal.ledger.count == 5)
        try journal.append([grant(5), grant(6)])
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
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(throws: ConsentKitError(code: .duplicateIdentifier)) { try journal.append([grant(2), grant(0)]) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(journal.ledger.count == 2)
    }

    @Test func everyTruncationKeepsTheCompleteLinesBeforeIt() throws {
        let path = temporaryPath()
        try write(4, to: path)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let lineEnds = full.indices.filter { full[$0] == UInt8(ascii: "\n") }
        for length in 0...full.count {
            let cut = temporaryPath()
            try full.prefix(length).write(to: URL(fileURLWithPath: cut))
            let journal = try ConsentJournal(path: cut, policy: policy)
            let complete = lineEnds.filter { $0 < length }.count
            #expect(journal.ledger.count == complete, "cut at \(length)")
            #expect((journal.recovery != nil) == (length != (complete == 0 ? 0 : lineEnds[complete - 1] + 1)))
            // The cut tail is gone from the file, so the next append starts on a clean line.
            try journal.append(grant(100))
            #expect(try ConsentJournal(path: cut, policy: policy).ledger.count == complete + 1)
        }
    }

    @Test func aFlippedBitAtTheTailIsCutAndInsideIsAnErrorThatChangesNothing() throws {
        let path = temporaryPath()
        try write(3, to: path)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let lastLineStart = (full.dropLast().lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        for offset in stride(from: 0, to: full.count - 1, by: 7) {
            for bit in [0, 5] {
                var damaged = full
                damaged[offset] ^= 1 << UInt8(bit)
                if damaged[offset] == UInt8(ascii: "\n") || full[offset] == UInt8(ascii: "\n") { continue }
                let file = temporaryPath()
                try damaged.write(to: URL(fileURLWithPath: file))
                if offset >= lastLineStart {
                    let journal = try ConsentJournal(path: file, policy: policy)
                    #expect(journal.ledger.count == 2, "flip at \(offset)")
                    #expect(journal.recovery?.firstDroppedLine == 3)
                } else {
                    let line = full[..<offset].filter { $0 == UInt8(ascii: "\n") }.count + 1
                    do {
                        _ = try ConsentJournal(path: file, policy: policy)
                        Issue.record("a flip at \(offset) inside the journal was accepted")
                    } catch {
                        #expect(error.location.line == line, "flip at \(offset)")
                    }
                    #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == damaged, "the file must be unchanged")
                }
            }
        }
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
        #expect(journal.ledger.count == 200)
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.ledger.count == 200)
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
        #expect(journal.ledger.count == 19)
        // A file that is not a journal at all (here, the policy) is an error and is left exactly as it was.
        let other = temporaryPath()
        try FileManager.default.copyItem(atPath: TestSupport.retailPolicyPath, toPath: other)
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let error = expectError(.malformedJSON) { _ = try ConsentJournal(path: other, policy: policy) }
        #expect(error?.message.contains("not a ConsentKit journal") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
    }

    // MARK: Crash tests

    /// Runs the crash helper, lets it write for `microseconds`, then kills it without warning (`SIGKILL`, possibly
    /// mid-append). Returns whether the kill cut it short, and what it printed.
    static func runHelperUntilKilled(_ arguments: [String], after microseconds: UInt32) throws -> (Bool, String) {
        let process = Process()
        process.executableURL = helper
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(microseconds)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationReason == .uncaughtSignal, printed)
    }

    static let helper: URL = {
        // The test bundle and the helper are built into the same folder.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            bundle, bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let url = candidate.appendingPathComponent("JournalCrashHelper")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                ".build/debug/JournalCrashHelper")
    }()

    @Test(arguments: [1, 7])
    func killingAWriterNeverLosesAnAcknowledgedEvent(batch: Int) throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.helper.path), "helper not found at \(Self.helper.path)")
        var random = SplitMix64(seed: UInt64(batch) &* 7919)
        var start = 0
        let path = temporaryPath()
        var acknowledged: Set<String> = []
        var kills = 0
        for round in 0..<15 {
            let (killed, printed) = try Self.runHelperUntilKilled(
                [path, TestSupport.retailPolicyPath, String(start), "100000", String(batch)],
                after: UInt32(20_000 + random.next() % 150_000))
            if killed { kills += 1 }
            // Every id printed was printed after its append returned: durable.
            let ids = printed.split(separator: "\n").map(String.init)
            acknowledged.formUnion(ids)
            let journal = try ConsentJournal(path: path, policy: policy)
            let present = Set(
                journal.ledger.entries.compactMap { entry -> String? in
                    if case .grant(let grant) = entry.event { grant.id.rawValue } else { nil }
                })
            let lost = acknowledged.subtracting(present)
            #expect(lost.isEmpty, "round \(round): acknowledged but lost: \(lost.sorted().prefix(5))")
            start += 100_000
        }
        #expect(kills >= 10, "the helper should have been killed mid-run most rounds")
        #expect(acknowledged.count > 100)
    }

    @Test func killingAWriterDuringErasureLosesNothingAndLeavesNoErasedData() throws {
        var random = SplitMix64(seed: 4_711)
        var start = 0
        let path = temporaryPath()
        var acknowledged: Set<String> = []
        var erased: Set<SubjectID> = []
        for round in 0..<12 {
            let (_, printed) = try Self.runHelperUntilKilled(
                [path, TestSupport.retailPolicyPath, String(start), "100000", "1", "erase"],
                after: UInt32(20_000 + random.next() % 200_000))
            for line in printed.split(separator: "\n") {
                if line.hasPrefix("erased:") {
                    erased.insert(SubjectID(String(line.dropFirst("erased:".count))))
                } else {
                    acknowledged.insert(String(line))
                }
            }
            // A rewrite cut short must leave a journal that opens: the old file or the new one, never a mix.
            let journal = try ConsentJournal(path: path, policy: policy)
            let ledger = journal.ledger
            let present = Set(
                ledger.entries.compactMap { entry -> String? in
                    if case .grant(let grant) = entry.event { grant.id.rawValue } else { nil }
                })
            #expect(acknowledged.isSubset(of: present), "round \(round): acknowledged grants lost")
            // Every erasure recorded — acknowledged or cut short before its rewrite — has removed the birth date.
            #expect(ledger.erasedSubjectsStillHoldingPersonalData.isEmpty, "round \(round)")
            for subject in erased {
                #expect(
                    ledger.state(of: subject, at: Date(timeIntervalSince1970: 1_767_225_600)).facts.birthDate == nil)
            }
            start += 100_000
        }
        #expect(erased.count > 3, "too few erasures completed to test anything")
        // And the bytes: no erased subject's birth date is left in the journal.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let erasedInFile = Set(
            try ConsentJournal(path: path, policy: policy).ledger.entries.compactMap { entry -> SubjectID? in
                if case .erase(let subject, _) = entry.event { subject } else { nil }
            })
        #expect(erasedInFile.isSuperset(of: erased))
        for line in text.split(separator: "\n") where line.contains("2001-02-03") {
            #expect(!erasedInFile.contains { line.contains("\"subject\":\"\($0)\"") }, "\(line)")
        }
    }
}

/// The snapshot beside a journal: used when valid, ignored (never trusted) otherwise.
@Suite struct JournalSnapshotTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func journal(events: Int) throws -> (path: String, journal: ConsentJournal) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: policy)
        var batch: [ConsentEvent] = []
        let base = Date(timeIntervalSince1970: 1_767_225_600)
        for number in 0..<events {
            let subject = SubjectID("c\(number % 7)")
            let at = base.addingTimeInterval(Double(number * 60))
            switch number % 4 {
            case 0:
                batch.append(
                    .grant(
                        ConsentGrant(
                            GrantID("g\(number)"), subject: subject, purposes: ["marketing.email"],
                            fields: ["email"], categories: ["preference"], kind: .separate, grantor: .guardian,
                            guardianID: "parent-\(number)", at: at, expiresAt: at.addingTimeInterval(86_400),
                            noticeVersion: 2, evidence: ConsentEvidence(channel: "app", touchpoint: "signup"))))
            case 1: batch.append(.optOut(subject, .directMarketing, at: at))
            case 2:
                batch.append(
                    .subjectFacts(
                        subject, SubjectFactsChange(birthDate: .set(CalendarDate(year: 2012, month: 2, day: 29)!)),
                        at: at))
            default: batch.append(.withdraw(Withdrawal(.purposes(subject, ["marketing.email"]), at: at)))
            }
        }
        batch.append(.link(IdentityLink(from: "c1", into: "c2", at: base.addingTimeInterval(Double(events * 60)))))
        try journal.append(batch)
        return (path, journal)
    }

    func snapshotPath(_ path: String) -> String { path + ".snapshot" }

    @Test func reopeningUsesTheSnapshotAndReplaysOnlyLaterLines() throws {
        let (path, journal) = try journal(events: 40)
        try journal.writeSnapshot()
        try journal.append(.restrict("c3", "hq.analytics", at: Date(timeIntervalSince1970: 1_900_000_000)))
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .used(coveredLines: 41))
        #expect(reopened.ledger.entries == journal.ledger.entries)
        for subject in journal.ledger.subjects {
            #expect(reopened.ledger.record(for: subject) == journal.ledger.record(for: subject))
        }
        #expect(reopened.ledger.identities(linkedWith: "c1") == ["c1", "c2"])
        #expect(reopened.ledger.resolution(ofLinkAt: 40) == journal.ledger.resolution(ofLinkAt: 40))
        // Grants are found by id after a snapshot load, so a withdrawal by id is accepted.
        try reopened.append(.withdraw(Withdrawal(.grant("g4"), at: Date(timeIntervalSince1970: 1_900_000_001))))
    }

    @Test func aDamagedSnapshotIsIgnoredNotTrusted() throws {
        let (path, journal) = try journal(events: 20)
        try journal.writeSnapshot()
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: snapshotPath(path))))
        for offset in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
            var damaged = bytes
            damaged[offset] ^= 0x10
            try Data(damaged).write(to: URL(fileURLWithPath: snapshotPath(path)))
            let reopened = try ConsentJournal(path: path, policy: policy)
            guard case .ignored = reopened.snapshotUse else {
                Issue.record("a flip at byte \(offset) was not noticed: \(reopened.snapshotUse)")
                continue
            }
            #expect(reopened.ledger.entries == journal.ledger.entries)
        }
        bytes.removeLast(9)
        try Data(bytes).write(to: URL(fileURLWithPath: snapshotPath(path)))
        #expect(try ConsentJournal(path: path, policy: policy).snapshotUse != .used(coveredLines: 21))
    }

    @Test func aSnapshotForAnotherPolicyOrAnotherJournalIsIgnored() throws {
        let (path, journal) = try journal(events: 12)
        try journal.writeSnapshot()
        let json = String(decoding: policy.jsonData(), as: UTF8.self)
            .replacingOccurrences(
                of: #""consentVersion"\s*:\s*2"#, with: #""consentVersion":3"#, options: .regularExpression)
        let changed = try Policy(jsonData: Data(json.utf8))
        #expect(changed.jsonData() != policy.jsonData())
        guard case .ignored(let reason) = try ConsentJournal(path: path, policy: changed).snapshotUse else {
            Issue.record("a snapshot for another policy was used")
            return
        }
        #expect(reason.contains("different policy"))
        // The journal rewritten under the snapshot (same length, other content): its bytes no longer match.
        let other = try self.journal(events: 12)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: other.path, toPath: path)
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.ledger.entries == other.journal.ledger.entries)
    }

    @Test func aTruncatedJournalInvalidatesItsSnapshot() throws {
        let (path, journal) = try journal(events: 12)
        try journal.writeSnapshot()
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size - 10)
        try handle.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .ignored("the journal no longer holds the bytes it was taken from"))
        #expect(reopened.recovery?.firstDroppedLine == 13)
        #expect(reopened.ledger.count == 12)
    }
}
