package import ConsentCore
internal import Foundation

extension ConsentKitError {
    /// A file that could not be opened or read: ``Code/fileNotFound`` when the operating system says it does not
    /// exist (`ENOENT`, `ENOTDIR`), otherwise ``Code/io``.
    @inline(never)
    package static func io(_ message: String, file: String, systemError: Int32? = nil) -> ConsentKitError {
        let missing = systemError.map { $0 == ENOENT || $0 == ENOTDIR } ?? false
        return ConsentKitError(
            code: missing ? .fileNotFound : .io, message: message, location: InputLocation(file: file),
            systemError: systemError)
    }
}
