import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

/// Runs the command in-process and captures what it prints.
final class Captured {
    var out = ""
    var err = ""
    var status = ExitCode.success

    init(_ arguments: [String], environment: [String: String] = [:]) {
        let output = CommandOutput(
            out: { [unowned self] in out += $0 }, err: { [unowned self] in err += $0 }, environment: environment)
        status = ConsentCommand.run(arguments, output: output)
    }
}

@Suite struct ConsentCommandTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    static func path(_ relative: String) -> String { TestSupport.path(relative) }
    static let retail = path("Documentation/Examples/retail")

    func temporaryFile(_ name: String, _ contents: String) throws -> String {
        try Self.temporaryFile(name, contents, in: scratch)
    }

    /// `contents` as a file `name` beside a copy of the retail policy, in a directory of its own under `scratch`.
    static func temporaryFile(_ name: String, _ contents: String, in scratch: ScratchDirectory) throws -> String {
        let directory = scratch.url.appendingPathComponent("consent-tests-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.retail + "/retail.policy.json",
            toPath: directory.appendingPathComponent("retail.policy.json").path)
        let file = directory.appendingPathComponent(name)
        try Data(contents.utf8).write(to: file)
        return file.path
    }

    @Test func demoRunsOnTheEmbeddedExample() {
        let run = Captured(["demo"])
        #expect(run.status == .success)
        #expect(run.out.contains("denied.guardianConsentRequired"))
        #expect(run.out.contains("denied.writtenConsentRequired"))
        #expect(run.out.contains("allowed.consent (grant bob-rx-written)"))
        #expect(run.out.contains("denied.recipientNotCovered"))
        #expect(run.out.contains("denied.withdrawn"))
        #expect(run.out.contains("PIPL Art. 29"))
        #expect(run.err.isEmpty)
    }

    @Test func demoJSONIsOneObjectPerLine() throws {
        let lines = Captured(["demo", "--json"]).out.split(separator: "\n")
        #expect(lines.count >= 12)
        for line in lines { #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any]) }
    }

    @Test func testPassesTheRetailScenarios() {
        let run = Captured(["test", Self.retail + "/retail.scenarios.json"])
        #expect(run.status == .success)
        #expect(run.out.hasSuffix(" passed, 0 failed\n"))
    }

    static let failing = """
        {"format":"consentkit.scenarios/1","policy":"retail.policy.json","scenarios":[{"id":"s","queries":[
          {"subject":"c1","purpose":"order.fulfilment","field":"address","at":"2026-01-01T00:00:00Z","expect":"allow"},
          {"subject":"c1","purpose":"marketing.email","field":"email","at":"2026-01-01T00:00:00Z","expect":"allow"}]}]}
        """

    @Test func testReportsFailuresAndExitsOne() throws {
        let run = Captured(["test", try temporaryFile("f.scenarios.json", Self.failing)])
        #expect(run.status == .failure)
        #expect(run.out.contains("› s › query 1: expected allow, got deny denied.noConsent"))
        #expect(run.out.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func testJSONPrintsOneObjectPerExpectationThenTheTally() throws {
        let run = Captured(["test", "--json", try temporaryFile("f.scenarios.json", Self.failing)])
        let lines = run.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(first["query"] as? Int == 1)
        #expect(first["reason"] as? String == "denied.noConsent")
        #expect(first["pass"] as? Bool == false)
        #expect(first["grant"] is NSNull)
        #expect(first["grants"] as? [String] == [])
        #expect(first["regime"] as? String == "PIPL")
        #expect(lines[2] == "1 passed, 1 failed")
    }

    @Test func testWritesAJUnitReport() throws {
        let scenarios = try temporaryFile("f.scenarios.json", Self.failing)
        let report = URL(fileURLWithPath: scenarios).deletingLastPathComponent().appendingPathComponent("junit.xml")
            .path
        #expect(Captured(["test", "--junit", report, scenarios]).status == .failure)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"tests="2" failures="1""#))
        #expect(xml.contains("<failure message=\"expected allow, got deny denied.noConsent\">"))
    }

    @Test func anInvalidFileExitsTwoWithNoTally() throws {
        let file = try temporaryFile(
            "bad.scenarios.json",
            #"{"format":"consentkit.scenarios/1","policy":"retail.policy.json","scenarios":[{"id":"s","queries":[{"expect":"allow"}]}]}"#
        )
        let run = Captured(["test", Self.retail + "/retail.scenarios.json", file])
        #expect(run.status == .invalidInput)
        #expect(!run.out.contains("passed"))
        #expect(run.err.contains("scenarios[0].queries[0].subject: missing required key `subject`"))
    }

    @Test func checkValidatesAndLints() throws {
        let good = Captured(["check", Self.retail + "/retail.policy.json"])
        #expect(good.status == .success)
        #expect(good.out.hasSuffix("valid\n"))
        let linted = Captured([
            "check",
            try temporaryFile(
                "p.json",
                #"{"format":"consentkit.policy/1","regime":"PIPL","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"m","basis":"contract","marketing":true,"fields":["e"]}]}"#
            ),
        ])
        #expect(linted.status == .success)
        #expect(linted.out.contains("purposes[0].basis: warning:"))
        let bad = Captured([
            "check",
            try temporaryFile(
                "p.json",
                #"{"format":"consentkit.policy/1","regime":"PIPL","fields":[],"purposes":[{"id":"m","basis":"nope","fields":["e"]}]}"#
            ),
        ])
        #expect(bad.status == .invalidInput)
        #expect(bad.err.contains("purposes[0].basis: `nope` is not one of"))
    }

    @Test func evaluateAnswersOneQuestion() throws {
        let run = Captured([
            "evaluate", "--policy", Self.retail + "/retail.policy.json", "--ledger",
            Self.retail + "/retail.ledger.jsonl",
            "--subject", "alice", "--purpose", "partner.coalition", "--field", "loyaltyTier",
            "--at=2026-05-01T00:00:00Z", "--recipient", "star-airlines", "--json",
        ])
        #expect(run.status == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["effect"] as? String == "allow")
        #expect(object["reason"] as? String == "allowed.consent")
        #expect(object["grant"] as? String == "alice-coalition")
        #expect(object["grants"] as? [String] == ["alice-coalition"])
        #expect(object["regime"] as? String == "PIPL")
    }

    @Test(arguments: [
        (["evaluate", "--policy"], "`--policy` needs a value"),
        (["evaluate", "--colour", "red"], "unknown option `--colour`"),
        (["check"], "expected at least one file to check"),
        (["check", "/nonexistent.json"], "no such file `/nonexistent.json`"),
        (["test"], "expected at least one scenario file"),
        (["frobnicate"], "unknown command `frobnicate`"),
        (["evalute"], "unknown command `evalute` (did you mean `evaluate`?)"),
        (["evaluate", "--polcy", "x"], "unknown option `--polcy` (did you mean `--policy`?)"),
        (["evaluate"], "missing required options `--policy`, `--ledger`, `--subject`, `--purpose`, `--field`"),
        ([], "usage: consent"),
    ])
    func badUsageExitsTwoWithAMessage(arguments: [String], message: String) {
        let run = Captured(arguments)
        #expect(run.status == .invalidInput)
        #expect(run.err.contains(message), "\(run.err)")
    }

    @Test func evaluateRejectsABadInstant() {
        let run = Captured([
            "evaluate", "--policy", Self.retail + "/retail.policy.json", "--ledger",
            Self.retail + "/retail.ledger.jsonl",
            "--subject", "a", "--purpose", "p", "--field", "f", "--at", "2026-02-30T00:00:00Z",
        ])
        #expect(run.status == .invalidInput)
        #expect(run.err.contains("`--at`"))
    }

    @Test(arguments: ["demo", "test", "check", "evaluate"])
    func everyCommandHasHelp(command: String) {
        let run = Captured([command, "--help"])
        #expect(run.status == .success)
        #expect(run.out.hasPrefix("usage: consent \(command)"))
        #expect(Captured(["help", command]).out == run.out)
    }
}

@Suite struct BenchCommandTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    @Test func benchReportsEveryFigureAsOneJSONLine() throws {
        let run = Captured(["bench", "--subjects", "300", "--queries", "3000", "--seed", "7", "--json"])
        #expect(run.status == .success, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        for key in [
            "subjects", "queries", "seed", "hotNsPerDecision", "coldNsPerDecision", "recordViewNsPer40Fields",
            "ledgerCompileNsPerSubject", "policyCompileMs", "bytesPerSubject", "allocationsPerDecision", "allowed",
            "denied", "checksum", "byNameNsPerDecision", "byNameFullNsPerDecision", "byNameAllocationsPerDecision",
            "peakResidentBytes", "agreement", "sampled", "fields",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["subjects"] as? Int == 300)
        #expect((object["allowed"] as? Int ?? 0) + (object["denied"] as? Int ?? 0) == 3000)
        #expect((object["checksum"] as? String)?.count == 16)
        #expect(run.out.split(separator: "\n").count == 1)
    }

    @Test func theSameSeedGivesTheSameChecksum() throws {
        func checksum(_ seed: String) throws -> String? {
            let run = Captured(["bench", "--subjects", "200", "--queries", "2000", "--seed", seed, "--json"])
            return (try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])?["checksum"]
                as? String
        }
        #expect(try checksum("3") == checksum("3"))
        #expect(try checksum("3") != checksum("4"))
    }

    @Test func theExportReplaysToTheSameDecisions() throws {
        let directory = scratch.url.appendingPathComponent("bench-\(UUID())").path
        let run = Captured(["bench", "--subjects", "150", "--queries", "1500", "--export", directory, "--json"])
        #expect(run.status == .success, "\(run.err)")
        let policy = try Policy(contentsOfFile: directory + "/policy.json")
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: directory + "/ledger.jsonl")
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let queries = try String(contentsOfFile: directory + "/queries.jsonl", encoding: .utf8).split(separator: "\n")
        let decisions = try String(contentsOfFile: directory + "/decisions.jsonl", encoding: .utf8).split(
            separator: "\n")
        #expect(queries.count == 1500 && decisions.count == 1500)
        for (query, decision) in zip(queries, decisions).prefix(300) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(query.utf8)) as? [String: String])
            let question = ConsentQuestion(
                subject: SubjectID(object["subject"]!), purpose: PurposeID(object["purpose"]!),
                field: FieldID(object["field"]!), at: try RFC3339.parseInstant(object["at"]!),
                recipient: object["recipient"].map(RecipientID.init),
                destination: object["destination"].map(Destination.init),
                channel: object["channel"].map(Channel.init))
            let expected = evaluator.decision(for: question)
            let exported = try #require(try JSONSerialization.jsonObject(with: Data(decision.utf8)) as? [String: Any])
            #expect(exported["reason"] as? String == expected.reason.rawValue)
            #expect(exported["grant"] as? String == expected.grant?.rawValue)
        }
    }

    /// The exported workload read back with `--workload`: the same decisions (checksum), every figure, agreement 1;
    /// then the workload's files broken one at a time.
    @Test func aWorkloadOfYourOwnIsMeasuredWithTheSameFigures() throws {
        let directory = scratch.url.appendingPathComponent("workload-\(UUID())").path
        let exported = Captured(["bench", "--subjects", "120", "--queries", "1200", "--export", directory, "--json"])
        #expect(exported.status == .success, "\(exported.err)")
        let original = try #require(try JSONSerialization.jsonObject(with: Data(exported.out.utf8)) as? [String: Any])
        let run = Captured(["bench", "--workload", directory, "--json"])
        #expect(run.status == .success, "\(run.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["checksum"] as? String == original["checksum"] as? String)
        #expect(object["agreement"] as? Double == 1 && object["sampled"] as? Int == 1200)
        #expect(object["workload"] as? String == directory && object["seed"] == nil)
        for key in ["byNameNsPerDecision", "byNameFullNsPerDecision", "hotNsPerDecision", "coldNsPerDecision"] {
            #expect((object[key] as? Double ?? 0) > 0, "\(key)")
        }
        let text = Captured(["bench", "--workload", directory])
        #expect(text.status == .success && text.out.contains("by name → Decision"))

        // Options that belong to the generated workload, or to another measurement, are refused.
        for extra in [["--seed", "3"], ["--export", directory], ["--views"], ["--log"], ["--tokens"]] {
            #expect(Captured(["bench", "--workload", directory] + extra).status == .invalidInput, "\(extra)")
        }
        #expect(Captured(["bench", "--workload", ""]).status == .invalidInput)
        #expect(Captured(["bench", "--workload", directory + "/nowhere"]).status == .invalidInput)

        // A bad line in the question file is named with its line; an empty one is refused.
        let queries = directory + "/queries.jsonl"
        let lines = try String(contentsOfFile: queries, encoding: .utf8)
        try (lines + "{\"subject\": \"c1\", \"purpose\": 7}\n").write(
            toFile: queries, atomically: true, encoding: .utf8)
        let bad = Captured(["bench", "--workload", directory])
        #expect(bad.status == .invalidInput)
        #expect(bad.err.contains("queries.jsonl") && bad.err.contains("1201"), "\(bad.err)")
        try "".write(toFile: queries, atomically: true, encoding: .utf8)
        #expect(Captured(["bench", "--workload", directory]).status == .invalidInput)

        // A named pipe nobody writes to reads as empty instead of blocking for ever.
        try FileManager.default.removeItem(atPath: queries)
        #expect(mkfifo(queries, 0o600) == 0)
        #expect(Captured(["bench", "--workload", directory]).status == .invalidInput)
    }

    @Test(arguments: [["--subjects", "0"], ["--queries", "many"], ["--seed", "-1"], ["extra"]])
    func badArgumentsExitTwo(arguments: [String]) {
        #expect(Captured(["bench"] + arguments).status == .invalidInput)
    }
}
