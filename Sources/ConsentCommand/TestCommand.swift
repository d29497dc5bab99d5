internal import ConsentKit
internal import Foundation

/// `consent test FILE...`: runs scenario files and ends with `N passed, N failed`.
enum TestCommand {
    static let usage = """
        usage: consent test [--json] [--junit PATH] FILE...

        Runs consentkit.scenarios/1 files. Prints each failing expectation (scenario, query index, expected and
        actual decision, explanation) and ends with `N passed, N failed`. --json prints one JSON object per
        expectation instead; --junit PATH also writes a JUnit XML report.
        Exit status 0 when every expectation passes, 1 when any fails, 2 when a file is invalid.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: ["junit"], flags: ["json"])
        if let junit = parsed.option("junit") { try ConsentKitError.checkWritable(junit, what: "JUnit report") }
        guard !parsed.positional.isEmpty else { throw .argument("expected at least one scenario file") }
        // Every file is read and checked before anything runs: an invalid file prints its errors and no tally.
        var files: [ScenarioFile] = []
        var invalid = false
        for path in parsed.positional {
            do {
                files.append(try ScenarioFile(contentsOfFile: path))
            } catch {
                output.err(error.description + "\n")
                invalid = true
            }
        }
        if invalid { return .invalidInput }

        let json = parsed.flag("json")
        var passed = 0
        var failed = 0
        var results: [(file: String, outcomes: [ScenarioOutcome])] = []
        for (path, file) in zip(parsed.positional, files) {
            let outcomes = file.run()
            results.append((path, outcomes))
            for outcome in outcomes {
                if outcome.passed { passed += 1 } else { failed += 1 }
                if json {
                    output.out(jsonLine(outcome, file: path) + "\n")
                } else if !outcome.passed {
                    output.out(failureText(outcome, file: path))
                }
            }
        }
        if let junit = parsed.option("junit") {
            let xml = JUnitReport.xml(results)
            do {
                try Data(xml.utf8).write(to: URL(fileURLWithPath: junit))
            } catch {
                throw .cannotWrite(junit, what: "JUnit report", error)
            }
        }
        output.out("\(passed) passed, \(failed) failed\n")
        return failed == 0 ? .success : .failure
    }

    static func failureText(_ outcome: ScenarioOutcome, file: String) -> String {
        let explanation = outcome.explanation.description.split(separator: "\n").map {
            "    " + String($0).escapingControlCharacters
        }
        // The file name and the scenario's name are whatever the user wrote: printed with controls escaped.
        return "FAIL \(file.escapingControlCharacters) › \(outcome.scenario.escapingControlCharacters) › query "
            + "\(outcome.query.index): expected "
            + "\(outcome.expectedDescription.escapingControlCharacters), got \(outcome.actualDescription)\n"
            + explanation.joined(separator: "\n") + "\n"
    }

    static func jsonLine(_ outcome: ScenarioOutcome, file: String) -> String {
        let object: JSONObject = [
            "file": .string(file), "scenario": .string(outcome.scenario), "query": .number(String(outcome.query.index)),
            "expect": .string(outcome.query.expect.rawValue),
            "expectedReason": outcome.query.reason.map { .string($0) } ?? .null,
            "effect": .string(outcome.decision.effect.rawValue), "reason": .string(outcome.decision.reason.rawValue),
            "grant": outcome.decision.grant.map { .string($0.rawValue) } ?? .null,
            "grants": .array(outcome.decision.grants.map { .string($0.rawValue) }),
            "regime": .string(outcome.decision.regime.name), "pass": .bool(outcome.passed),
        ]
        return JSONValue.object(object).serialized()
    }
}
