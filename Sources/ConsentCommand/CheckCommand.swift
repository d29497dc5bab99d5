internal import ConsentKit
internal import Foundation

/// `consent check POLICY`: validates and lints a policy, printing every problem with its JSON path.
enum CheckCommand {
    static let usage = """
        usage: consent check POLICY

        Validates a consentkit.policy/1 file and prints every problem with its JSON path, then lints it
        (PIPL Art. 16). Exit status 0 when the policy is valid (lint warnings allowed), 2 when it is not.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: [], flags: [])
        guard parsed.positional.count == 1, let path = parsed.positional.first else {
            throw .argument("expected exactly one policy file")
        }
        let diagnostics = Policy.diagnostics(forJSON: try FileInput.read(path), file: path)
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
            return .success
        }
        output.err("\(path.escapingControlCharacters): \(errors.count) error\(errors.count == 1 ? "" : "s")\n")
        return .invalidInput
    }
}
