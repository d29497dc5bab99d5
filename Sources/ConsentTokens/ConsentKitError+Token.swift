package import ConsentCore

extension ConsentKitError {
    /// A token that was not accepted, with one of the token codes (``Code/malformedToken`` and those after it) or
    /// ``Code/unsupportedFormat`` for a version this library does not read. The message may quote the token's
    /// bytes; ``ConsentKitError/description`` escapes control characters, so it cannot forge a line in a log.
    @inline(never)
    package static func token(_ code: Code, _ message: String) -> ConsentKitError {
        ConsentKitError(code: code, message: message)
    }
}
