import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

/// `consent log` end to end on the retail example: record, verify (0 intact, 1 tampered naming the line and kind, 2
/// unreadable or the wrong key), checkpoint notes against forks, receipts, and questions naming undeclared things
/// refused with nothing written.
@Suite struct LogCommandTests {
    let scratch = ScratchDirectory()
    static let retail = TestSupport.path("Documentation/Examples/retail")

    func record(_ log: String, queries: String = retail + "/retail.queries.jsonl", _ extra: [String] = []) -> Captured {
        Captured(
            [
                "log", "record", "--log", log, "--policy", Self.retail + "/retail.policy.json", "--ledger",
                Self.retail + "/retail.ledger.jsonl", "--queries", queries, "--actor", "crm/agent-li",
            ] + extra)
    }

    func path(_ name: String = "access.log") -> String {
        scratch.url.appendingPathComponent("\(UUID())-\(name)").path
    }

    @Test func recordThenVerify() throws {
        let log = path()
        let run = record(log)
        #expect(run.status == .success, "\(run.err)")
        #expect(run.out.contains("recorded 64 decisions"))
        #expect(run.err.contains("created a new verification key in \(log).key"))
        #expect(FileManager.default.fileExists(atPath: log + ".key"))
        let verify = Captured(["log", "verify", log])
        #expect(verify.status == .success, "\(verify.out)\(verify.err)")
        #expect(verify.out.contains("intact: 64 entries"))
        // Recording again appends to the same log, under the same key.
        #expect(record(log).status == .success)
        #expect(Captured(["log", "verify", log]).out.contains("intact: 128 entries"))
        // No customer id from the ledger is in the log.
        let text = try String(contentsOfFile: log, encoding: .utf8)
        for subject in ["alice", "bob", "chen", "dana", "agent-li"] { #expect(!text.contains("\"\(subject)\"")) }
    }

    @Test func tamperedLogsExitOneNamingTheLineAndKind() throws {
        let log = path()
        #expect(record(log).status == .success)
        let original = try String(contentsOfFile: log, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        lines.remove(at: 10)
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: false, encoding: .utf8)
        let deleted = Captured(["log", "verify", log])
        #expect(deleted.status == .failure)
        #expect(deleted.out.contains("TAMPERED: line 11 (entry 9): deleted"), "\(deleted.out)")
        let json = Captured(["log", "verify", log, "--json"])
        #expect(json.status == .failure)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect((object["failure"] as? [String: Any])?["kind"] as? String == "deleted")
        // A flipped byte in an entry.
        try original.replacingOccurrences(of: #""effect":"deny""#, with: #""effect":"allw""#)
            .write(toFile: log, atomically: false, encoding: .utf8)
        #expect(Captured(["log", "verify", log]).out.contains("modified"))
        // Cut off.
        try String(original.dropLast(30)).write(toFile: log, atomically: false, encoding: .utf8)
        let cut = Captured(["log", "verify", log])
        #expect(cut.status == .failure)
        #expect(cut.out.contains("truncated"))
    }

    @Test func unreadableInputOrTheWrongKeyExitTwo() throws {
        let log = path()
        #expect(Captured(["log", "verify", log]).status == .invalidInput)
        #expect(record(log).status == .success)
        let wrong = path("wrong.key")
        try AccessLogKey.random().text.write(toFile: wrong, atomically: true, encoding: .utf8)
        let run = Captured(["log", "verify", log, "--key-file", wrong])
        #expect(run.status == .invalidInput)
        #expect(run.err.contains("not with the key given"), "\(run.err)")
        let notALog = path("not.log")
        try "hello\n".write(toFile: notALog, atomically: true, encoding: .utf8)
        #expect(Captured(["log", "verify", notALog, "--key-file", log + ".key"]).status == .invalidInput)
        #expect(Captured(["log", "verify", log, "--key", "x"]).status == .invalidInput)
    }

    @Test func aCheckpointKeptElsewhereExposesAFork() throws {
        let log = path()
        #expect(record(log).status == .success)
        let fork = path("fork.log")
        for suffix in ["", ".seal", ".subjects", ".key"] {
            try FileManager.default.copyItem(atPath: log + suffix, toPath: fork + suffix)
        }
        #expect(record(log).status == .success)
        // The fork records other questions: its history parts from the log's after the shared prefix.
        let other = path("other.jsonl")
        let questions = try String(contentsOfFile: Self.retail + "/retail.queries.jsonl", encoding: .utf8)
        try (questions.split(separator: "\n").suffix(20).joined(separator: "\n") + "\n")
            .write(toFile: other, atomically: true, encoding: .utf8)
        #expect(record(fork, queries: other).status == .success)
        let note = Captured(["log", "checkpoint", log])
        #expect(note.status == .success)
        #expect(note.out.hasPrefix("consentkit.access-log/"))
        let notePath = path("note.txt")
        try note.out.write(toFile: notePath, atomically: true, encoding: .utf8)
        #expect(Captured(["log", "verify", log, "--checkpoint", notePath]).status == .success)
        let forked = Captured(["log", "verify", fork, "--checkpoint", notePath])
        #expect(forked.status == .failure)
        #expect(forked.out.contains("forked"), "\(forked.out)")
    }

    @Test func aReceiptProvesACustomersEntries() throws {
        let log = path()
        #expect(record(log).status == .success)
        let run = Captured(["log", "receipt", log, "--subject", "alice"])
        #expect(run.status == .success, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.count == 8)
        let receipt = try AccessLogVerifier.receipt(
            for: "alice", path: log,
            key: try LogCommand.decodeKey(Array(try Data(contentsOf: URL(fileURLWithPath: log + ".key")).dropLast())))
        #expect(receipt.items.count == 8)
        #expect(receipt.verify())
        #expect(!run.out.contains("\"alice\""))
        #expect(Captured(["log", "receipt", log, "--subject", "nobody"]).status == .invalidInput)
    }

    @Test func questionsNamingUndeclaredThingsAreRefusedBeforeAnythingIsWritten() throws {
        let queries = path("queries.jsonl")
        try """
        {"subject":"alice","purpose":"marketing.email","field":"email","at":"2026-03-01T00:00:00Z"}
        {"subject":"alice","purpose":"no.such","field":"13800138000","at":"2026-03-01T00:00:00Z"}
        {"subject":"alice","purpose":"marketing.email","field":"email","at":"yesterday"}

        """.write(toFile: queries, atomically: true, encoding: .utf8)
        let log = path()
        let run = record(log, queries: queries)
        #expect(run.status == .invalidInput)
        #expect(run.err.contains("queries.jsonl:3:"), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: log))
        try """
        {"subject":"alice","purpose":"no.such","field":"13800138000","at":"2026-03-01T00:00:00Z"}

        """.write(toFile: queries, atomically: true, encoding: .utf8)
        let undeclared = record(log, queries: queries)
        #expect(undeclared.status == .invalidInput)
        #expect(undeclared.err.contains("no purpose `no.such`") && undeclared.err.contains("no field `13800138000`"))
        #expect(!FileManager.default.fileExists(atPath: log))
        #expect(record(log, ["--actor", "bad role"]).status == .invalidInput)
    }

    /// What the attack on the command found, closed: appending on top of a log that does not verify, a key that is
    /// not the log's, a changed header beside its sealing state, swapped customer keys, an unknown view.
    @Test func recordRefusesAChangedLogAndVerifyNamesChangedSideFiles() throws {
        let log = path()
        #expect(record(log).status == .success)
        let original = try String(contentsOfFile: log, encoding: .utf8)
        // A seal changed in the sealed part, same length: recording refuses to build on it.
        var lines = original.split(separator: "\n").map(String.init)
        let mac = try #require(lines[5].range(of: #""mac":""#))
        let at = lines[5].index(mac.upperBound, offsetBy: 0)
        lines[5].replaceSubrange(at...at, with: lines[5][at] == "A" ? "B" : "A")
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: false, encoding: .utf8)
        let refused = record(log)
        #expect(refused.status == .failure, "\(refused.err)")
        #expect(refused.out.contains("TAMPERED"))
        try original.write(toFile: log, atomically: false, encoding: .utf8)
        // Another log's key on an existing log.
        let other = path("other.key")
        try AccessLogKey.random().text.write(toFile: other, atomically: true, encoding: .utf8)
        #expect(record(log, ["--key-file", other]).status == .invalidInput)
        // A changed header beside the sealing state is tampering, not unreadable input.
        try original.replacingOccurrences(of: #"{"accessLog":1,"#, with: #"{"accessLog":2,"#)
            .write(toFile: log, atomically: false, encoding: .utf8)
        let header = Captured(["log", "verify", log])
        #expect(header.status == .failure, "\(header.out)\(header.err)")
        #expect(header.out.contains("line 1: modified"))
        try original.write(toFile: log, atomically: false, encoding: .utf8)
        // Two customers' keys swapped: the key file's seals no longer match, and a receipt is refused.
        let subjects = try String(contentsOfFile: log + ".subjects", encoding: .utf8).split(separator: "\n")
        func key(_ line: Substring) -> String {
            String(line.split(separator: "\"")[7])
        }
        let swapped =
            [
                subjects[0].replacingOccurrences(of: key(subjects[0]), with: key(subjects[1])),
                subjects[1].replacingOccurrences(of: key(subjects[1]), with: key(subjects[0])),
            ] + subjects.dropFirst(2).map(String.init)
        try (swapped.joined(separator: "\n") + "\n").write(
            toFile: log + ".subjects", atomically: false, encoding: .utf8)
        let receipt = Captured(["log", "receipt", log, "--subject", "alice"])
        #expect(receipt.status == .invalidInput)
        #expect(receipt.err.contains("was changed"), "\(receipt.err)")
        // An unknown view: refused before a key or a log is created.
        let fresh = path()
        #expect(record(fresh, ["--view", "no.such.view"]).status == .invalidInput)
        #expect(
            !FileManager.default.fileExists(atPath: fresh) && !FileManager.default.fileExists(atPath: fresh + ".key"))
    }
}
