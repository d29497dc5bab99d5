internal import ConsentKit
internal import Foundation

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

extension ConsentKitError {
    /// An output file the command could not write (a report, an export): ``Code/storageFailure``, with the
    /// operating system's error number when Foundation passed it on.
    static func cannotWrite(_ path: String, what: String = "", _ error: any Error) -> ConsentKitError {
        let reported = error as NSError
        let underlying = reported.userInfo[NSUnderlyingErrorKey] as? NSError
        let posix = [reported, underlying].compactMap { $0 }.first { $0.domain == NSPOSIXErrorDomain }
        return .storage(
            "cannot write \(what.isEmpty ? "" : what + " ")`\(path)`: \(error.localizedDescription)", file: path,
            systemError: posix.map { Int32(truncatingIfNeeded: $0.code) })
    }
}
