internal import ConsentKit

// The command line's own error code: an argument is the command's business, not the library's, so the code lives
// here rather than among ``ConsentKitError/Code``'s public members.
extension ConsentKitError.Code {
    /// A command-line argument is missing or malformed (exit status 2).
    static let invalidArgument = ConsentKitError.Code("invalidArgument")
}

extension ConsentKitError {
    /// A missing or malformed command-line argument.
    @inline(never)
    static func argument(_ message: String) -> ConsentKitError {
        ConsentKitError(code: .invalidArgument, message: message)
    }
}
