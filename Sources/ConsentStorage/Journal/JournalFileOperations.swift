internal import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
internal import Foundation

/// The system calls a journal makes to change its file, behind a protocol so that tests can make them fail the way
/// disks fail — a short write, `ENOSPC`, `EIO`, a failed `fsync` — deterministically, at the call they choose.
///
/// Each method behaves as the POSIX call it names: it returns what the call returns and leaves the reason for a
/// failure in `errno`.
package protocol JournalFileOperations: Sendable {
    /// `write(2)`: how many bytes were written, or -1.
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    /// `fsync(2)`: 0, or -1.
    func synchronize(_ descriptor: Int32) -> Int32
    /// `ftruncate(2)`: 0, or -1.
    func truncate(_ descriptor: Int32, to length: Int) -> Int32
}

/// The real system calls.
package struct SystemFileOperations: JournalFileOperations {
    package init() {}

    package func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        return Foundation.write(descriptor, base, bytes.count)
    }

    package func synchronize(_ descriptor: Int32) -> Int32 { fsync(descriptor) }

    package func truncate(_ descriptor: Int32, to length: Int) -> Int32 { ftruncate(descriptor, off_t(length)) }
}

/// Opening, reading and replacing the files of a journal with POSIX calls, so that the journal controls exactly
/// which bytes reach the disk and when (`O_APPEND`, `fsync`, truncation after a failed write).
enum JournalFile {
    /// The text of `errno`, for messages.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) + " (errno \(code))" }

    /// Opens `path` for appending (every write goes to the end, whatever else has the file open), creating it if
    /// `create`; returns the descriptor or the errno.
    static func openForAppending(_ path: String, create: Bool) -> Result<Int32, SystemError> {
        let flags = O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0)
        let descriptor = open(path, flags, 0o644)
        if descriptor < 0 { return .failure(SystemError(errno)) }
        return .success(descriptor)
    }

    /// Opens `path` read-only; returns the descriptor or the errno.
    static func openForReading(_ path: String) -> Result<Int32, SystemError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { return .failure(SystemError(errno)) }
        return .success(descriptor)
    }

    /// The file's length and identity (device and inode), or `nil`.
    static func status(_ descriptor: Int32) -> (length: Int, identity: FileIdentity)? {
        try? statusOrError(descriptor).get()
    }

    /// `fstat` of an open file: its length and identity, or the `errno` it failed with.
    static func statusOrError(_ descriptor: Int32) -> Result<(length: Int, identity: FileIdentity), SystemError> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(SystemError(errno)) }
        return .success((Int(info.st_size), FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))))
    }

    /// The error for a journal whose length cannot be read (`fstat` failed).
    static func lengthUnreadable(_ path: String, _ error: SystemError) -> ConsentKitError {
        .io("cannot read the length of journal `\(path)`: \(describe(error.code))", file: path, systemError: error.code)
    }

    /// `path` with symbolic links and `.`/`..` resolved — of its directory when the file does not exist yet — so that
    /// two names for one journal take one lock.
    static func canonicalPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        guard let resolved = realpath(directory, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved) + "/" + url.lastPathComponent
    }

    /// Takes an exclusive `flock` without waiting for a holder, but retrying for a quarter of a second: a process
    /// that spawns a child (`posix_spawn`, `fork`) lends the child its descriptors until the child's `exec` closes
    /// them, and for that moment a lock this process released still looks held. Returns 0 or the errno.
    static func exclusiveLock(_ descriptor: Int32) -> Int32 {
        var attempts = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK || code == EAGAIN, attempts < 50 else { return code }
            attempts += 1
            usleep(5_000)
        }
        return 0
    }

    /// Takes an exclusive `flock` on an open journal file: the lock file is per name, this one per file, so a hard
    /// link cannot give a second writer the same file under another name.
    static func lockFile(_ descriptor: Int32, path: String) throws(ConsentKitError) {
        let code = exclusiveLock(descriptor)
        guard code == 0 else {
            guard code == EWOULDBLOCK || code == EAGAIN else {
                throw .storage("cannot lock `\(path)`: \(describe(code))", file: path, systemError: code)
            }
            throw ConsentKitError(
                code: .locked,
                message: "journal `\(path)` is open for writing under another name (a hard link?); one writer per "
                    + "journal", location: InputLocation(file: path))
        }
    }

    /// The identity of the file at `path` now, or `nil` if there is none.
    static func identity(atPath path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The SHA-256 of the first `count` bytes of the file (fewer if it is shorter), read a megabyte at a time: how a
    /// snapshot is checked against the journal it covers.
    static func hashPrefix(of descriptor: Int32, count: Int) -> Result<SHA256, SystemError> {
        var hasher = SHA256()
        var offset = 0
        let chunk = 1 << 20
        while offset < count {
            do {
                let bytes = try JournalFile.read(descriptor, at: offset, count: min(chunk, count - offset))
                guard !bytes.isEmpty else { break }
                hasher.update(bytes)
                offset += bytes.count
            } catch {
                return .failure(error)
            }
        }
        return .success(hasher)
    }

    /// Reads `count` bytes at `offset` (fewer only at the end of the file).
    static func read(_ descriptor: Int32, at offset: Int, count: Int) throws(SystemError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemError(errno)
            }
            if got == 0 { break }
            done += got
        }
        if done < count { bytes.removeLast(count - done) }
        return bytes
    }

    /// Writes all of `bytes` through `operations`, continuing after partial writes; returns the errno of the call
    /// that failed (a write of nothing counts as `ENOSPC`), or `nil`.
    static func writeAll(
        _ bytes: [UInt8], to descriptor: Int32, using operations: some JournalFileOperations
    ) -> Int32? {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let written = operations.write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[done...]))
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return ENOSPC }
                done += written
            }
            return nil
        }
    }

    /// Writes `bytes` to `path` atomically and durably: a temporary file beside it, `fsync`, rename, `fsync` of the
    /// directory. A crash leaves the old file or the new one, and at worst the temporary file, which the journal
    /// removes when it next opens. The new file gets the permission bits of `modeOf` (the journal), so that a
    /// rewrite or a snapshot never makes personal data readable by more users than the journal is.
    static func replace(_ path: String, with bytes: [UInt8], modeOf original: String) throws(ConsentKitError) {
        let temporary = path + ".tmp"
        var info = stat()
        let mode = stat(original, &info) == 0 ? mode_t(info.st_mode) & 0o777 : 0o600
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let failure = errno
            throw .storage("cannot create `\(temporary)`: \(describe(failure))", file: temporary, systemError: failure)
        }
        _ = fchmod(descriptor, mode)
        if let failure = writeAll(bytes, to: descriptor, using: SystemFileOperations()) {
            close(descriptor)
            unlink(temporary)
            throw .storage("cannot write `\(temporary)`: \(describe(failure))", file: temporary, systemError: failure)
        }
        guard fsync(descriptor) == 0 else {
            let failure = errno
            close(descriptor)
            unlink(temporary)
            throw .storage(
                "cannot write `\(temporary)` to disk: \(describe(failure))", file: temporary, systemError: failure)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw .storage(
                "cannot rename `\(temporary)` to `\(path)`: \(describe(failure))", file: path, systemError: failure)
        }
        synchronizeDirectory(of: path)
    }

    /// Removes `path` if it exists, durably; returns whether it existed.
    @discardableResult
    static func remove(_ path: String) -> Bool {
        guard unlink(path) == 0 else { return false }
        synchronizeDirectory(of: path)
        return true
    }

    /// Makes a created, renamed or removed file's directory entry durable too.
    static func synchronizeDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// A failed system call's `errno`.
struct SystemError: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}

/// Which file a path named when it was opened: a rewrite (erasure, repair) puts a new file under the same name.
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
}
