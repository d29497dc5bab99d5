/// Collects every problem found in an input, each at its JSON path, instead of stopping at the first, so that
/// validation can report all of them in one error.
///
/// The core's validators (a policy built in Swift) report through it; ConsentInterchange extends it with typed
/// accessors for parsed JSON (`JSONReader`), which return `nil` after recording a diagnostic so that callers carry
/// on and check ``hasErrors`` at the end.
package struct DiagnosticCollector {
    package let file: String?
    package let line: Int?
    package private(set) var diagnostics: [Diagnostic] = []
    /// Regimes a policy defines itself, by id, which a `regimes` list being read may name beside the built-ins.
    package var customRegimes: [String: Regime] = [:]

    package init(file: String?, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    package func location(_ path: JSONPath) -> InputLocation {
        InputLocation(file: file, line: line, path: path.description)
    }

    package mutating func fail(_ code: ConsentKitError.Code, _ message: String, at path: JSONPath) {
        diagnostics.append(Diagnostic(code: code, message: message, location: location(path)))
    }

    package mutating func warn(_ code: ConsentKitError.Code, _ message: String, at path: JSONPath) {
        diagnostics.append(Diagnostic(severity: .warning, code: code, message: message, location: location(path)))
    }

    package mutating func absorb(_ other: [Diagnostic]) { diagnostics += other }

    /// Throws the collected errors, if any.
    package func throwIfErrors() throws(ConsentKitError) {
        if hasErrors { throw ConsentKitError(reporting: diagnostics) }
    }
}
