package import ConsentCore
package import Foundation

/// Reads input files, turning every failure into an error that names the file.
package enum FileInput {
    package static func read(_ path: String) throws(ConsentKitError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound("no such file `\(path)`", file: path)
        }
        guard !isDirectory.boolValue else {
            throw .io("`\(path)` is a directory, not a file", file: path, systemError: EISDIR)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("cannot read `\(path)`", file: path)
        }
        return data
    }
}
