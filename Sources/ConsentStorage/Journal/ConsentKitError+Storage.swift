package import ConsentCore

extension ConsentKitError {
    /// A storage failure (``Code/storageFailure``): what was being written was not acknowledged.
    @inline(never)
    package static func storage(_ message: String, file: String, systemError: Int32? = nil) -> ConsentKitError {
        ConsentKitError(
            code: .storageFailure, message: message, location: InputLocation(file: file), systemError: systemError)
    }
}
