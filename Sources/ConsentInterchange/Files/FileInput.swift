package import ConsentCore
package import Foundation

/// Reads input files, turning every failure into an error that names the file and the operating system's reason.
package enum FileInput {
    /// The most an input file may hold by default: 2 GiB (a device that never ends, such as `/dev/zero`, stops here).
    package static let defaultMaximumBytes = 1 << 31

    /// The whole file at `path`, at most `maximumBytes` of it.
    ///
    /// - Throws: ``ConsentKitError/Code/fileNotFound`` when it (or a directory on its path) does not exist;
    ///   ``ConsentKitError/Code/io`` when it cannot be opened or read for another reason (a directory, no
    ///   permission, an I/O error), with ``ConsentKitError/systemError`` set; ``ConsentKitError/Code/invalidValue``
    ///   when it holds more than `maximumBytes`.
    package static func read(_ path: String, maximumBytes: Int = defaultMaximumBytes) throws(ConsentKitError) -> Data {
        // Opened without blocking: a named pipe no process writes to would otherwise block `open` for ever.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw failure("cannot open", path, errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read", path, errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            throw .io("`\(path)` is a directory, not a file", file: path, systemError: EISDIR)
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        if info.st_mode & S_IFMT == S_IFIFO {
            data = try awaitWriter(descriptor, path, &buffer)
            guard data.count <= maximumBytes else {
                throw ConsentKitError(
                    code: .invalidValue, message: "`\(path)` holds more than \(maximumBytes) bytes",
                    location: InputLocation(file: path))
            }
        }
        // Reads block again, so a pipe whose writer is slow is read whole.
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw failure("cannot read", path, errno)
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path, errno)
            }
            if count == 0 { return data }
            guard data.count + count <= maximumBytes else {
                throw ConsentKitError(
                    code: .invalidValue, message: "`\(path)` holds more than \(maximumBytes) bytes",
                    location: InputLocation(file: path))
            }
            data.append(contentsOf: buffer[..<count])
        }
    }

    /// How long a named pipe may go without a writer before it is refused.
    static let pipeWriterWait = 3.0

    /// Waits, up to ``pipeWriterWait`` seconds, for a process to write to a named pipe opened without blocking,
    /// returning what the first read got. A pipe no process opens for writing is refused rather than read as empty:
    /// an empty ledger is a valid ledger, and answers from it would be silently wrong.
    private static func awaitWriter(
        _ descriptor: Int32, _ path: String, _ buffer: inout [UInt8]
    ) throws(ConsentKitError) -> Data {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(pipeWriterWait * 1e9)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[..<count]) }
            if count < 0 {
                // A writer is there, with nothing written yet: read on, blocking.
                if errno == EAGAIN || errno == EWOULDBLOCK { return Data() }
                if errno == EINTR { continue }
                throw failure("cannot read", path, errno)
            }
            // No writer (yet): a pipe read without one ends at once.
            guard DispatchTime.now().uptimeNanoseconds < deadline else {
                throw .io(
                    "`\(path)` is a named pipe that no process wrote to within \(Int(pipeWriterWait)) seconds",
                    file: path, systemError: EPIPE)
            }
            usleep(10_000)
        }
    }

    private static func failure(_ what: String, _ path: String, _ code: Int32) -> ConsentKitError {
        let reason = String(cString: strerror(code))
        if code == ENOENT || code == ENOTDIR {
            return .io("no such file `\(path)` (\(reason))", file: path, systemError: code)
        }
        return .io("\(what) `\(path)`: \(reason) (errno \(code))", file: path, systemError: code)
    }
}
