import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tests that spawn real writer processes (`JournalCrashHelper`) and kill them, run two at once, or let them run
/// into a file-size limit. Kills happen at points defined by the writer's progress — after its k-th
/// acknowledgement — not by the clock, so the tests mean the same on a loaded machine and under sanitizers.
@Suite struct JournalProcessTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func temporaryPath() -> String {
        scratch.url.appendingPathComponent("journal-\(UUID()).jsonl").path
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
        return TestSupport.repositoryRoot.appendingPathComponent(".build/debug/JournalCrashHelper")
    }()

    /// A running helper whose output is read line by line as it comes.
    final class Writer {
        let process = Process()
        private let output = Pipe()
        private var buffer: [UInt8] = []
        private(set) var lines: [String] = []

        init(_ arguments: [String]) throws {
            process.executableURL = JournalProcessTests.helper
            process.arguments = arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// Reads until `count` lines have arrived or the helper closed its output; returns whether they arrived.
        func waitForLines(_ count: Int) -> Bool {
            while lines.count < count {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return false }
                take(data)
            }
            return true
        }

        /// Kills the helper without warning (`SIGKILL`, possibly mid-append), then reads what it had printed; whether
        /// the kill ended it.
        @discardableResult
        func kill() -> Bool {
            Foundation.kill(process.processIdentifier, SIGKILL)
            return finish()
        }

        /// Waits for the helper to end and reads the rest of its output; whether a signal ended it.
        @discardableResult
        func finish() -> Bool {
            process.waitUntilExit()
            take(output.fileHandleForReading.readDataToEndOfFile())
            return process.terminationReason == .uncaughtSignal
        }

        private func take(_ data: Data) {
            buffer += data
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeSubrange(...newline)
            }
        }
    }

    func grantIDs(_ ledger: ConsentLedger) -> Set<String> {
        Set(ledger.grants.map(\.id.rawValue))
    }

    @Test(arguments: [1, 7])
    func killingAWriterNeverLosesAnAcknowledgedEvent(batch: Int) throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.helper.path), "helper not found at \(Self.helper.path)")
        var random = SplitMix64(seed: UInt64(batch) &* 7919)
        let path = temporaryPath()
        var acknowledged: Set<String> = []
        var kills = 0
        for round in 0..<12 {
            let writer = try Writer(
                [path, TestSupport.retailPolicyPath, String(round * 100_000), "100000", String(batch)])
            // Kill after the k-th acknowledgement, k random: a point in the writer's progress, not in time.
            let target = 1 + Int(random.next() % 40) * batch
            #expect(writer.waitForLines(target), "round \(round): the writer stopped early")
            if writer.kill() { kills += 1 }
            acknowledged.formUnion(writer.lines)
            let journal = try ConsentJournalReader(path: path, policy: policy)
            let lost = acknowledged.subtracting(grantIDs(journal.ledger))
            #expect(lost.isEmpty, "round \(round): acknowledged but lost: \(lost.sorted().prefix(5))")
        }
        #expect(kills == 12, "the writer should have been killed mid-run every round")
        #expect(acknowledged.count >= 12)
        // The writer that opens next cuts whatever torn line the last kill left, and keeps everything acknowledged.
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(acknowledged.isSubset(of: grantIDs(try journal.ledger)))
    }

    /// The audit's case: two processes appending 300 events each to one journal. One writer at a time holds it; the
    /// other is refused (exit status 3) and acknowledges nothing, so nothing acknowledged is lost and the journal opens.
    @Test func twoWriterProcessesNeverShareAJournal() throws {
        let path = temporaryPath()
        try ConsentJournal(path: path, policy: policy).close()
        var refused = 0
        var acknowledged: Set<String> = []
        for round in 0..<4 {
            let writers = try [0, 1].map { index in
                try Writer([path, TestSupport.retailPolicyPath, String(round * 10_000 + index * 1_000), "300", "1"])
            }
            for writer in writers {
                writer.finish()
                acknowledged.formUnion(writer.lines)
                if writer.process.terminationStatus == 3 { refused += 1 }
                #expect([0, 3].contains(writer.process.terminationStatus))
            }
        }
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil)
        #expect(grantIDs(try journal.ledger) == acknowledged)
        #expect(acknowledged.count == (8 - refused) * 300)
    }

    /// A file-size limit makes a real kernel cut a write short (`EFBIG`), as a full disk does with `ENOSPC`: the
    /// fragment must be cut back, so that the next append is not glued onto it.
    @Test func aWriteCutShortByTheKernelLeavesNoFragment() throws {
        let path = temporaryPath()
        try ConsentJournal(path: path, policy: policy).close()
        let writer = try Writer([path, TestSupport.retailPolicyPath, "0", "60", "1", "fill"])
        writer.finish()
        #expect(writer.process.terminationStatus == 0)
        #expect(
            writer.lines.contains { $0.hasPrefix("full:") }, "the limit was never reached: \(writer.lines.suffix(3))")
        let acknowledged = Set(writer.lines.filter { !$0.hasPrefix("full:") })
        let journal = try ConsentJournal(path: path, policy: policy)
        #expect(journal.recovery == nil, "a fragment was left: \(String(describing: journal.recovery))")
        #expect(grantIDs(try journal.ledger) == acknowledged)
        #expect(acknowledged.count == 60)
    }

    /// Kills a writer in the middle of erasing, at random points of its progress, and then checks every file beside
    /// the journal — journal, snapshot, temporary files — for the birth date of any subject whose erasure was
    /// recorded.
    @Test func killingAWriterDuringErasureLosesNothingAndLeavesNoErasedDataInAnyFile() throws {
        var random = SplitMix64(seed: 4_711)
        let directory = scratch.url.appendingPathComponent("erase-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("journal.jsonl").path
        var acknowledged: Set<String> = []
        var erased: Set<SubjectID> = []
        for round in 0..<10 {
            let writer = try Writer([path, TestSupport.retailPolicyPath, String(round * 1_000), "1000", "1", "erase"])
            _ = writer.waitForLines(1 + Int(random.next() % 30))
            writer.kill()
            for line in writer.lines {
                if line.hasPrefix("erased:") {
                    erased.insert(SubjectID(String(line.dropFirst("erased:".count))))
                } else {
                    acknowledged.insert(line)
                }
            }
            // Before anyone reopens it: whatever the kill left, the next open must finish the erasure everywhere.
            let journal = try ConsentJournal(path: path, policy: policy)
            let ledger = try journal.ledger
            #expect(acknowledged.isSubset(of: grantIDs(ledger)), "round \(round): acknowledged grants lost")
            #expect(ledger.erasedSubjectsStillHoldingPersonalData.isEmpty, "round \(round)")
            let recorded = Set(
                ledger.entries.compactMap { entry -> SubjectID? in
                    if case .erase(let subject, _) = entry.event { subject } else { nil }
                })
            #expect(recorded.isSuperset(of: erased))
            try expectNoBirthDate(of: recorded, in: directory, round: round)
            journal.close()
        }
        #expect(erased.count > 3, "too few erasures completed to test anything")
    }

    /// No file in `directory` holds the birth date of `subjects`: text files are searched for the date, snapshot
    /// files decoded.
    func expectNoBirthDate(of subjects: Set<SubjectID>, in directory: URL, round: Int) throws {
        let numbers = subjects.compactMap { Int($0.rawValue.dropFirst()) }
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) {
            let bytes = try Array(Data(contentsOf: file))
            if bytes.starts(with: JournalSnapshot.magic) {
                // Decoded past its header directly: a leftover temporary snapshot matches no journal's bytes.
                var reader = BinaryReader(bytes, offset: JournalSnapshot.magic.count)
                _ = try reader.uint64()
                _ = try reader.varint()
                _ = try reader.varint()
                _ = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
                _ = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
                for _ in 0..<32 { _ = try reader.byte() }
                let ledger = try ConsentLedger(policy: policy, snapshot: &reader)
                for subject in subjects {
                    #expect(
                        ledger.record(for: subject)?.initialFacts.birthDate == nil
                            && ledger.events(for: subject).allSatisfy { $0.withoutPersonalData == nil },
                        "round \(round): \(file.lastPathComponent) holds the birth date of erased \(subject)")
                }
            } else {
                let text = String(decoding: bytes, as: UTF8.self)
                for line in text.split(separator: "\n") where line.contains("\"birthDate\"") {
                    for number in numbers where line.contains("\"subject\":\"e\(number)\"") {
                        Issue.record("round \(round): \(file.lastPathComponent) holds an erased birth date: \(line)")
                    }
                }
            }
        }
    }
}
