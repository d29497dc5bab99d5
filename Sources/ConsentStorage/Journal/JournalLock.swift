internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// The exclusive right to write a journal: an advisory `flock` on `<journal>.lock`, held from open to close.
///
/// Why a file of its own: erasure and repair replace the journal file by renaming a new one over it, and a lock on
/// the old file would not stop a process that opens the new one. Why `flock` rather than `fcntl` locks: `flock`
/// belongs to the open file description, so a second `ConsentJournal` on the same path *in the same process* is
/// refused as well, and closing some unrelated descriptor of the file does not drop it.
///
/// The lock file also records who holds it (process id and host), so the error a second writer gets names the holder.
/// The lock is released when the holder closes the journal or exits, however it exits.
final class JournalLock: @unchecked Sendable {
    let path: String
    /// Closed on release; guarded by `mutex`.
    private var descriptor: Int32
    private let mutex = NSLock()

    static func path(for journal: String) -> String { journal + ".lock" }

    /// Takes the lock for `journal`, or throws ``ConsentKitError/Code/locked`` naming the holder.
    init(journal: String) throws(ConsentKitError) {
        // One lock per file, whatever name it was opened by: a symbolic link must not give a second lock file.
        path = Self.path(for: JournalFile.canonicalPath(journal))
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw .io(
                "cannot open the lock file `\(path)`: \(JournalFile.describe(code))", file: journal, systemError: code)
        }
        let code = JournalFile.exclusiveLock(descriptor)
        guard code == 0 else {
            let holder = (try? JournalFile.read(descriptor, at: 0, count: 200)).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            close(descriptor)
            guard code == EWOULDBLOCK || code == EAGAIN else {
                throw .storage("cannot lock `\(path)`: \(JournalFile.describe(code))", file: journal, systemError: code)
            }
            let who = holder.flatMap { $0.isEmpty ? nil : $0 }.map { "; it is held by \(Self.printable($0))" } ?? ""
            throw ConsentKitError(
                code: .locked,
                message: "journal `\(journal)` is open for writing elsewhere\(who); one writer per journal — open "
                    + "it with ConsentJournalReader to read it, or close the other writer first",
                location: InputLocation(file: journal))
        }
        self.descriptor = descriptor
        // Who holds it, for the error another writer gets; failing to record it does not weaken the lock.
        var host = [UInt8](repeating: 0, count: 256)
        let hostName =
            gethostname(&host, host.count - 1) == 0
            ? String(decoding: host.prefix { $0 != 0 }, as: UTF8.self) : "unknown host"
        let note = Array("process \(getpid()) on \(hostName)\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = note.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
    }

    /// Whether the lock is still held by this object.
    var isHeld: Bool {
        mutex.lock()
        defer { mutex.unlock() }
        return descriptor >= 0
    }

    /// Releases the lock (the lock file stays: removing it would let two writers lock two different files).
    func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// `text` with control characters escaped, so a lock file written by anyone cannot forge lines in a log.
    private static func printable(_ text: String) -> String { text.escapingControlCharacters }
}
