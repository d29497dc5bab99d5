internal import ConsentKit
internal import Foundation

/// `consent check FILE`: validates and lints a policy (or a regime overlay), printing every problem with its JSON
/// path.
enum CheckCommand {
    static let usage = """
        usage: consent check FILE

        Validates a consentkit.policy/1 file and prints every problem with its JSON path, then lints it
        (PIPL Art. 16, and the lints of Documentation/Regimes.md for the other regimes). A consentkit.regime/1
        file (an overlay of a built-in regime) is validated as such. Exit status 0 when the file is valid (lint
        warnings allowed), 2 when it is not.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: [], flags: [])
        guard parsed.positional.count == 1, let path = parsed.positional.first else {
            throw .argument("expected exactly one policy file")
        }
        let data = try FileInput.read(path)
        let diagnostics: [Diagnostic]
        if Self.isRegimeDocument(data) {
            do {
                _ = try RegimeOverlay(jsonData: data, file: path)
                diagnostics = []
            } catch {
                diagnostics =
                    error.diagnostics.isEmpty
                    ? [Diagnostic(code: error.code, message: error.message, location: error.location)]
                    : error.diagnostics
            }
        } else {
            diagnostics = Policy.diagnostics(forJSON: data, file: path)
        }
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

    /// Whether the document says it is a regime overlay (a cheap look for its format tag; anything else is read as a
    /// policy, whose errors then say what is wrong).
    private static func isRegimeDocument(_ data: Data) -> Bool {
        guard case .object(let object)? = try? JSONParser.parse(Array(data)),
            case .string(let format)? = object["format"]
        else { return false }
        return format == RegimeOverlay.format
    }
}
