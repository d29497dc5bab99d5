import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

@Suite struct JournalCommandTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    static let policy = ConsentCommandTests.retail + "/retail.policy.json"

    /// A journal of four grants whose second line has a flipped bit.
    func corruptedJournal() throws -> String {
        let path = scratch.url.appendingPathComponent("cli-journal-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: try Policy(contentsOfFile: Self.policy))
        for number in 0..<4 {
            try journal.append(
                .grant(
                    ConsentGrant(
                        GrantID("g\(number)"), subject: "c1", purposes: ["marketing.email"], fields: ["email"],
                        kind: .ordinary, at: Date(timeIntervalSince1970: 1_767_225_600), noticeVersion: 2)))
        }
        journal.close()
        var lines = try Array(Data(contentsOf: URL(fileURLWithPath: path))).split(separator: UInt8(ascii: "\n"))
            .map(Array.init)
        lines[1][30] ^= 0x01
        try Data(Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")]).write(
            to: URL(fileURLWithPath: path))
        return path
    }

    @Test func verifyNamesTheCorruptedLineAndRepairDropsItAfterADryRun() throws {
        let path = try corruptedJournal()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let verify = Captured(["journal", "verify", path, "--policy", Self.policy])
        #expect(verify.status == .invalidInput)
        #expect(verify.err.contains(":2:") && verify.err.contains("corruption"), "\(verify.err)")

        let dry = Captured(["journal", "repair", path, "--policy", Self.policy, "--dry-run"])
        #expect(dry.status == .success, "\(dry.err)")
        #expect(dry.out.hasPrefix("dry run, nothing changed: would have dropped 1 line, kept 3 events"), "\(dry.out)")
        #expect(dry.out.contains("line 2 (byte "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        let repair = Captured(["journal", "repair", path, "--policy", Self.policy])
        #expect(repair.status == .success)
        #expect(repair.out.hasPrefix("dropped 1 line, kept 3 events"))
        let after = Captured(["journal", "verify", path, "--policy", Self.policy])
        #expect(after.status == .success, "\(after.err)")
        #expect(after.out.contains("3 events in 3 lines; ends on a complete line; snapshot: none"), "\(after.out)")
    }

    @Test func repairRefusesWhileAWriterHoldsTheJournal() throws {
        let path = try corruptedJournal()
        try Data().write(to: URL(fileURLWithPath: path))
        let journal = try ConsentJournal(path: path, policy: try Policy(contentsOfFile: Self.policy))
        let repair = Captured(["journal", "repair", path, "--policy", Self.policy])
        #expect(repair.status == .invalidInput)
        #expect(repair.err.contains("open for writing elsewhere"), "\(repair.err)")
        journal.close()
    }

    /// Untrusted bytes — a key id chosen by whoever made the token, a subject on the command line, a command name —
    /// never reach the terminal raw: a newline could forge a line, an escape sequence rewrite the screen.
    @Test func untrustedBytesAreEscapedInEveryMessage() throws {
        let keyFile = scratch.url.appendingPathComponent("key-\(UUID())").path
        try Data("a-demo-secret-that-is-long-enough-32+".utf8).write(to: URL(fileURLWithPath: keyFile))
        let forged = "k\nconsent token verify: OK valid=true\u{1B}[2J"
        let ring = try TokenKeyRing(
            keys: [try TokenKey(id: forged, secret: Array("a-demo-secret-that-is-long-enough-32+".utf8))],
            signingKeyID: forged)
        let token = try ring.issue(
            .grant(
                ConsentGrant(
                    "g", subject: "c", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                    at: Date(timeIntervalSince1970: 1_767_225_600))), issuer: "i", audience: "ads",
            issuedAt: Date(timeIntervalSince1970: 1_767_225_600), lifetime: 60)
        let verify = Captured([
            "token", "verify", token, "--audience", "ads", "--key-id", "k1", "--key-file", keyFile,
            "--at", "2026-01-01T00:00:10Z",
        ])
        #expect(verify.status == .failure)
        #expect(verify.err.split(separator: "\n").count == 1, "\(verify.err)")
        #expect(!verify.err.contains("\u{1B}"))
        #expect(verify.err.contains(#"k\nconsent token verify: OK valid=true\u{1B}[2J"#), "\(verify.err)")

        let evaluate = Captured([
            "evaluate", "--policy", Self.policy, "--ledger", ConsentCommandTests.retail + "/retail.ledger.jsonl",
            "--subject", "alice\u{1B}[31m", "--purpose", "marketing.email", "--field", "email",
        ])
        #expect(evaluate.status == .invalidInput)
        #expect(!evaluate.err.contains("\u{1B}") && evaluate.err.contains("control character"), "\(evaluate.err)")

        let unknown = Captured(["bogus\ncommand"])
        #expect(!unknown.err.contains("bogus\ncommand") && unknown.err.contains(#"bogus\ncommand"#))

        let leeway = Captured([
            "token", "verify", token, "--audience", "ads", "--key-id", "k1", "--key-file", keyFile, "--leeway",
            "100000",
        ])
        #expect(leeway.status == .invalidInput && leeway.err.contains("0 to 86400"))
    }

    /// A scenario's expected reason and title are whatever the file says: printed escaped, and valid XML in JUnit.
    @Test func scenarioTextIsEscapedInReportsToo() throws {
        let scenarios = """
            {"format":"consentkit.scenarios/1","policy":"retail.policy.json","scenarios":[{"id":"s1",
            "title":"t","subjects":[{"id":"c1","birthDate":"1990-01-01"}],"events":[],"queries":[{"subject":"c1",
            "purpose":"order.fulfilment","field":"address","at":"2026-03-01T00:00:00Z","expect":"deny",
            "reason":"X\\u001b[2J\\nPASS everything\\r\\u0085"}]}]}
            """
        let file = try ConsentCommandTests.temporaryFile("evil.scenarios.json", scenarios, in: scratch)
        let junit = file + ".xml"
        let run = Captured(["test", file, "--junit", junit])
        #expect(run.status == .failure, "\(run.err)")
        for text in [run.out, try String(contentsOfFile: junit, encoding: .utf8)] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x85 || $0 == "\r" }, "\(text)")
            #expect(!text.contains("\nPASS everything"))
        }
    }
}
