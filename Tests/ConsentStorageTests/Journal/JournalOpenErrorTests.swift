import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// What opening a journal (or any input file) reports when the operating system refuses: `fileNotFound` only when
/// the file or a directory on its path does not exist, otherwise `io`; both carry the OS error number.
@Suite struct JournalOpenErrorTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    func policy() throws -> Policy {
        try Policy(
            fields: [FieldDefinition("email", category: .contactEmail, type: .string)],
            purposes: [Purpose("newsletter", basis: .consent, fields: ["email"])])
    }

    @Test func aMissingDirectoryIsFileNotFoundWithENOENT() throws {
        let policy = try policy()
        let path = scratch.path("no-such-directory/journal.jsonl")
        let writer = expectError(.fileNotFound) { _ = try ConsentJournal(path: path, policy: policy) }
        #expect(writer?.systemError == ENOENT)
        #expect(writer?.message.contains("No such file or directory") == true, "the OS reason is in the message")
        let reader = expectError(.fileNotFound) { _ = try ConsentJournalReader(path: path, policy: policy) }
        #expect(reader?.systemError == ENOENT)
        let repair = expectError(.fileNotFound) { _ = try ConsentJournal.repair(path: path, policy: policy) }
        #expect(repair?.systemError == ENOENT)
    }

    @Test func aDirectoryWhereTheJournalBelongsIsAnIOErrorWithEISDIR() throws {
        let policy = try policy()
        let directory = scratch.path("a-directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let writer = expectError(.io) { _ = try ConsentJournal(path: directory, policy: policy) }
        #expect(writer?.systemError == EISDIR)
        let input = expectError(.io) { _ = try Policy(contentsOfFile: directory) }
        #expect(input?.systemError == EISDIR)
    }

    @Test func aFileUsedAsADirectoryIsFileNotFoundWithENOTDIR() throws {
        let file = scratch.path("plain-file")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: file))
        let error = expectError(.fileNotFound) { _ = try Policy(contentsOfFile: file + "/policy.json") }
        #expect(error?.systemError == ENOTDIR)
    }
}
