internal import ConsentKit
internal import Foundation

/// `consent check FILE...`: validates and lints policies, regime overlays, scenario files and (with `--policy`)
/// ledgers, printing every problem with its file, line and JSON path.
enum CheckCommand {
    static let usage = """
        usage: consent check FILE... [--policy POLICY]

        Validates each file and prints every problem with its JSON path, then its lint warnings:
          consentkit.policy/1     a policy (PIPL Art. 16, and the lints of Documentation/Regimes.md)
          consentkit.regime/1     an overlay of a built-in regime
          consentkit.scenarios/1  a scenario file: its policy, ledgers and queries (the queries are not run; use
                                  `consent test`)
          a JSON Lines ledger     checked against --policy POLICY, with a warning for every grant naming a field
                                  or category none of its purposes declares
        Exit status 0 when every file is valid (warnings allowed), 2 when one is not.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: ["policy"], flags: [])
        guard !parsed.positional.isEmpty else { throw .argument("expected at least one file to check") }
        let policy = try parsed.option("policy").map { path throws(ConsentKitError) in try FileKinds.policy(at: path) }
        var status = ExitCode.success
        for path in parsed.positional {
            let diagnostics = try check(path, policy: policy)
            let errors = diagnostics.filter { $0.severity == .error }
            for diagnostic in diagnostics {
                let line = diagnostic.description + "\n"
                if errors.isEmpty { output.out(line) } else { output.err(line) }
            }
            if errors.isEmpty {
                let warnings = diagnostics.count
                output.out(
                    "\(path.escapingControlCharacters): valid"
                        + (warnings > 0 ? " with \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + "\n")
            } else {
                output.err("\(path.escapingControlCharacters): \(errors.count) error\(errors.count == 1 ? "" : "s")\n")
                status = .invalidInput
            }
        }
        return status
    }

    /// Every problem with one file, errors and warnings. The file is read once (so `/dev/stdin` works too).
    private static func check(_ path: String, policy: Policy?) throws(ConsentKitError) -> [Diagnostic] {
        func reported(_ error: ConsentKitError) -> [Diagnostic] {
            error.diagnostics.isEmpty
                ? [Diagnostic(code: error.code, message: error.message, location: error.location)] : error.diagnostics
        }
        let data = try FileInput.read(path)
        switch FileKinds.kind(of: data) {
        case .regimeOverlay:
            do {
                _ = try RegimeOverlay(jsonData: data, file: path)
                return []
            } catch {
                return reported(error)
            }
        case .scenarios:
            do {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                _ = try ScenarioFile(jsonData: data, file: path, baseDirectory: directory)
                return []
            } catch {
                return reported(error)
            }
        case .ledger:
            guard let policy else {
                throw .argument(
                    "`\(path.escapingControlCharacters)` is a ledger: give the policy it is checked against with --policy"
                )
            }
            do {
                let ledger = try ConsentLedger(policy: policy, jsonLines: data, file: path)
                return lints(data, in: ledger, file: path)
            } catch {
                return reported(error)
            }
        case .policy, .unknown:
            return Policy.diagnostics(forJSON: data, file: path)
        }
    }

    /// The ledger's warnings, each at the line of the event it is about.
    private static func lints(_ data: Data, in ledger: ConsentLedger, file: String) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let text = String(decoding: line, as: UTF8.self)
            guard !text.allSatisfy(\.isWhitespace),
                let event = try? ConsentEvent(jsonLine: text, file: file, line: number)
            else { continue }
            for var warning in ledger.lints(for: event) {
                warning.location.file = file
                warning.location.line = number
                warnings.append(warning)
            }
        }
        return warnings
    }
}
