/// One problem found in an input: an error that makes it unusable, or a warning (a lint) that does not.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Whether a problem makes the input unusable.
    public enum Severity: String, Sendable, Hashable {
        /// The input cannot be used.
        case error
        /// The input is usable but breaks a rule worth fixing.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// The kind of problem.
    public var code: ConsentKitError.Code
    /// A one-line description with user input in backticks.
    public var message: String
    /// Where it is.
    public var location: InputLocation

    /// Creates a diagnostic.
    public init(
        severity: Severity = .error, code: ConsentKitError.Code, message: String, location: InputLocation
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line: path: warning: message`, with the parts that are known: always one line, with control characters
    /// (which input quoted in a message may carry) escaped, so that it cannot forge another line of a log.
    public var description: String {
        let place = location.description.escapingControlCharacters
        let prefix = severity == .warning ? "warning: " : ""
        let message = message.escapingControlCharacters
        return place.isEmpty ? prefix + message : "\(place): \(prefix)\(message)"
    }
}
