import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

/// The command line helping a newcomer: versions, exit codes a script can gate on, hints for misspelt names and
/// swapped files, and `check` for every kind of file.
@Suite struct CommandLineHelpTests {
    let scratch = ScratchDirectory()
    static let retail = TestSupport.path("Documentation/Examples/retail")
    static let policy = retail + "/retail.policy.json"
    static let ledger = retail + "/retail.ledger.jsonl"

    func evaluate(_ extra: [String]) -> Captured {
        Captured(
            ["evaluate", "--policy", Self.policy, "--ledger", Self.ledger, "--at", "2026-03-01T00:00:00Z"] + extra)
    }

    @Test func versionIsPrinted() {
        let run = Captured(["--version"])
        #expect(run.status == .success && run.out.hasPrefix("consent ") && run.out.contains("."))
    }

    @Test func exitCodeGatesOnTheDecision() {
        let allow = evaluate(["--subject", "alice", "--purpose", "marketing.email", "--field", "email", "--exit-code"])
        #expect(allow.status == .success, "\(allow.out)")
        let deny = evaluate(["--subject", "nobody", "--purpose", "marketing.email", "--field", "email", "--exit-code"])
        #expect(deny.status == .failure)
        // Without the flag a deny is still a successful run.
        let plain = evaluate(["--subject", "nobody", "--purpose", "marketing.email", "--field", "email"])
        #expect(plain.status == .success)
    }

    @Test func misspeltNamesAreNoted() {
        let run = evaluate(["--subject", "alic", "--purpose", "marketing.emial", "--field", "emal"])
        #expect(run.err.contains("subject `alic` has no events in the ledger (did you mean `alice`?)"), "\(run.err)")
        #expect(run.err.contains("no purpose `marketing.emial` (did you mean `marketing.email`?)"))
        #expect(run.err.contains("no field `emal` (did you mean `email`?)"))
    }

    @Test func swappedFilesAreNamedAsSuch() {
        let run = Captured([
            "evaluate", "--policy", Self.ledger, "--ledger", Self.policy, "--subject", "alice", "--purpose", "p",
            "--field", "f",
        ])
        #expect(run.status == .invalidInput)
        #expect(run.err.contains("looks like a ledger"), "\(run.err)")
        #expect(run.err.contains("swapped"))
    }

    @Test func checkValidatesLedgersAndScenarioFiles() throws {
        let scenarios = Captured(["check", Self.retail + "/retail.scenarios.json"])
        #expect(scenarios.status == .success, "\(scenarios.err)")
        let withoutPolicy = Captured(["check", Self.ledger])
        #expect(withoutPolicy.status == .invalidInput && withoutPolicy.err.contains("--policy"))
        let ledger = Captured(["check", Self.ledger, "--policy", Self.policy])
        #expect(ledger.status == .success, "\(ledger.err)")
        // A grant naming a field its purpose does not declare: valid, with a warning at its line.
        let file = scratch.url.appendingPathComponent("odd.ledger.jsonl")
        try Data(
            (#"{"type":"grant","id":"g1","subject":"c1","purposes":["marketing.email"],"fields":["email","faceTemplate"],"kind":"ordinary","at":"2026-01-01T00:00:00Z"}"#
                + "\n").utf8
        ).write(to: file)
        let odd = Captured(["check", file.path, "--policy", Self.policy])
        #expect(odd.status == .success, "\(odd.err)")
        #expect(odd.out.contains(":1: ") || odd.out.contains("line 1"), "\(odd.out)")
        #expect(odd.out.contains("names field `faceTemplate`, which none of its purposes declares"))
        #expect(odd.out.contains("valid with 1 warning"))
    }

    @Test func anUnwritableReportFailsBeforeAnyWork() {
        let run = Captured(["test", "--junit", "/nonexistent-dir/report.xml", Self.retail + "/retail.scenarios.json"])
        #expect(run.status == .invalidInput)
        #expect(run.err.contains("the directory `/nonexistent-dir` does not exist"), "\(run.err)")
        #expect(!run.out.contains("passed"))
    }
}

/// Lint warnings land on the line of their event, whatever the events' time order.
@Suite struct CheckLineTests {
    let scratch = ScratchDirectory()

    @Test func aWarningIsAtItsEventsLine() throws {
        let file = scratch.url.appendingPathComponent("late.ledger.jsonl")
        let lines = [
            #"{"type":"grant","id":"g1","subject":"c1","purposes":["marketing.email"],"fields":["email"],"kind":"ordinary","at":"2026-03-02T00:00:00Z"}"#,
            #"{"type":"grant","id":"g2","subject":"c1","purposes":["marketing.email"],"fields":["faceTemplate"],"kind":"ordinary","at":"2026-03-01T00:00:00Z"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let run = Captured(["check", file.path, "--policy", CommandLineHelpTests.policy])
        #expect(run.status == .success, "\(run.err)")
        #expect(run.out.contains("late.ledger.jsonl:2:"), "\(run.out)")
        #expect(!run.out.contains("late.ledger.jsonl:1:"))
    }
}
