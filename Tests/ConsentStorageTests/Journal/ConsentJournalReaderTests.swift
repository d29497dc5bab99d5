import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct ConsentJournalReaderTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func temporaryPath() -> String {
        scratch.url.appendingPathComponent("reader-\(UUID()).jsonl").path
    }

    func grant(_ number: Int, subject: SubjectID = "c1") -> ConsentEvent {
        .grant(
            ConsentGrant(
                GrantID("g\(number)"), subject: subject, purposes: ["marketing.email"], fields: ["email"],
                kind: .ordinary, at: Date(timeIntervalSince1970: 1_767_225_600 + Double(number)), noticeVersion: 2))
    }

    func append(_ bytes: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes.utf8))
        try handle.close()
    }

    @Test func aReaderFollowsAWriterWithoutWritingOrLocking() throws {
        let path = temporaryPath()
        let writer = try ConsentJournal(path: path, policy: policy)
        try writer.append([grant(0), grant(1)])
        let reader = try ConsentJournalReader(path: path, policy: policy)
        #expect(reader.ledger.count == 2)
        try writer.append(grant(2))
        #expect(try reader.refresh() == 1)
        #expect(reader.ledger.count == 3)
        #expect(try reader.refresh() == 0)
        // A second reader at the same time, while the writer still holds the journal.
        #expect(try ConsentJournalReader(path: path, policy: policy).ledger.count == 3)
    }

    @Test func aLineBeingWrittenIsLeftForLaterNeverReadHalf() throws {
        let path = temporaryPath()
        let writer = try ConsentJournal(path: path, policy: policy)
        try writer.append(grant(0))
        writer.close()
        let line = JournalLine.encode(grant(1)) + "\n"
        let (head, tail) = (String(line.prefix(40)), String(line.dropFirst(40)))
        try append(head, to: path)
        let reader = try ConsentJournalReader(path: path, policy: policy)
        #expect(reader.ledger.count == 1)
        #expect(reader.status.incompleteBytes == 40)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try reader.refresh() == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a reader never cuts")
        try append(tail, to: path)
        #expect(try reader.refresh() == 1)
        #expect(reader.status.incompleteBytes == 0)
    }

    @Test func aRewrittenJournalIsReadAgainFromTheStart() throws {
        let path = temporaryPath()
        let writer = try ConsentJournal(path: path, policy: policy)
        try writer.append([
            .subjectFacts(
                "c1", SubjectFactsChange(birthDate: .set(CalendarDate(year: 1980, month: 1, day: 2)!)),
                at: Date(timeIntervalSince1970: 1_767_225_600)),
            grant(0),
        ])
        let reader = try ConsentJournalReader(path: path, policy: policy)
        let at = Date(timeIntervalSince1970: 1_767_300_000)
        #expect(reader.ledger.state(of: "c1", at: at).facts.birthDate != nil)
        try writer.erase("c1", at: at)
        #expect(try reader.refresh() == 3)
        #expect(reader.ledger.state(of: "c1", at: at).facts.birthDate == nil)
        #expect(reader.ledger.state(of: "c1", at: at).erased)
    }

    @Test func corruptionIsAnErrorAndAMissingFileIsNotCreated() throws {
        let path = temporaryPath()
        expectError(.fileNotFound) { _ = try ConsentJournalReader(path: path, policy: policy) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let writer = try ConsentJournal(path: path, policy: policy)
        try writer.append(grant(0))
        let reader = try ConsentJournalReader(path: path, policy: policy)
        try append(#"{"type":"grant","id":"g1"}"# + "\n", to: path)
        let error = expectError(.corruptedData) { try reader.refresh() }
        #expect(error?.location.line == 2)
        #expect(reader.ledger.count == 1)
    }

    @Test func aSnapshotIsUsedOnlyAfterItsDigestIsChecked() throws {
        let path = temporaryPath()
        let writer = try ConsentJournal(path: path, policy: policy)
        try writer.append((0..<10).map { grant($0) })
        try writer.writeSnapshot()
        try writer.append(grant(10))
        #expect(try ConsentJournalReader(path: path, policy: policy).status.snapshot == "used (10 lines, verified)")
        writer.close()
        // The same ends, other lines inside: swap two lines of equal length in the middle.
        var lines = try Array(Data(contentsOf: URL(fileURLWithPath: path))).split(separator: UInt8(ascii: "\n"))
            .map(Array.init)
        lines.swapAt(3, 5)
        try Data(Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")]).write(
            to: URL(fileURLWithPath: path))
        let reader = try ConsentJournalReader(path: path, policy: policy)
        #expect(reader.status.snapshot.contains("does not match"), "\(reader.status.snapshot)")
        #expect(reader.ledger.count == 11)
    }
}
