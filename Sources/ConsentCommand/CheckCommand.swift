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

    /// Every problem with one file, errors and warnings.
    private static func check(_ path: String, policy: Policy?) throws(ConsentKitError) -> [Diagnostic] {
        func reported(_ error: ConsentKitError) -> [Diagnostic] {
            error.diagnostics.isEmpty
                ? [Diagnostic(code: error.code, message: error.message, location: error.location)] : error.diagnostics
        }
        switch FileKinds.kind(of: path) {
        case .regimeOverlay:
            do {
                _ = try RegimeOverlay(jsonData: try FileInput.read(path), file: path)
                return []
            } catch {
                return reported(error)
            }
        case .scenarios:
            do {
                _ = try ScenarioFile(contentsOfFile: path)
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
                let ledger = try ConsentLedger(policy: policy, contentsOfFile: path)
                return lints(of: ledger, file: path)
            } catch {
                return reported(error)
            }
        case .policy, .unknown:
            return Policy.diagnostics(forJSON: try FileInput.read(path), file: path)
        }
    }

    /// The ledger's warnings, each at the line of its event (events are numbered in line order).
    private static func lints(of ledger: ConsentLedger, file: String) -> [Diagnostic] {
        let lines = ((try? FileInput.read(file)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.allSatisfy(\.isWhitespace) }.map { $0.offset + 1 }
        return ledger.entries.sorted { $0.sequence < $1.sequence }.flatMap { entry in
            ledger.lints(for: entry.event).map { warning in
                var located = warning
                located.location.file = file
                located.location.line = entry.sequence < lines.count ? lines[entry.sequence] : nil
                return located
            }
        }
    }
}
