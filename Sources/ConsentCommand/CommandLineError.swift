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

extension ConsentKitError {
    /// Checks, before any work is done, that an output can be written: a file's directory exists and is writable,
    /// or a directory exists (or can be made in a writable parent). A report that could not be written after a long
    /// run would waste the run.
    static func checkWritable(_ path: String, what: String, isDirectory: Bool = false) throws(ConsentKitError) {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: path)
        var folder: ObjCBool = false
        if isDirectory && manager.fileExists(atPath: path, isDirectory: &folder) {
            guard folder.boolValue, manager.isWritableFile(atPath: path) else {
                throw .storage("cannot write \(what) to `\(path)`: not a writable directory", file: path)
            }
            return
        }
        let parent = url.deletingLastPathComponent().path
        guard manager.fileExists(atPath: parent, isDirectory: &folder), folder.boolValue else {
            throw .storage("cannot write \(what) `\(path)`: the directory `\(parent)` does not exist", file: path)
        }
        guard manager.isWritableFile(atPath: parent) else {
            throw .storage("cannot write \(what) `\(path)`: the directory `\(parent)` is not writable", file: path)
        }
        if !isDirectory && manager.fileExists(atPath: path, isDirectory: &folder)
            && (folder.boolValue || !manager.isWritableFile(atPath: path))
        {
            throw .storage("cannot write \(what) `\(path)`: it exists and cannot be overwritten", file: path)
        }
    }
}
