import ConsentKit
import ConsentKitTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File operations that fail the way disks do, at the call a test chooses: the journal's writes go through the real
/// system calls until a scripted fault — a short write followed by `ENOSPC`, `EIO`, a failed `fsync`, a failed
/// truncation — and then carry on normally.
final class FaultyFileOperations: JournalFileOperations, @unchecked Sendable {
    enum Fault {
        /// The next write writes only this many bytes, and the call after it fails with this errno.
        case shortWrite(bytes: Int, then: Int32)
        /// The next write fails with this errno, writing nothing.
        case failWrite(Int32)
        /// The next `fsync` fails with this errno (after the write went through).
        case failSync(Int32)
        /// The next write is cut short and fails, and so does the truncation that should undo it.
        case shortWriteAndFailTruncate(bytes: Int)
    }

    private let lock = NSLock()
    private var faults: [Fault] = []
    /// Called when a scripted `fsync` failure is about to be reported: what another process might do meanwhile.
    var beforeFailingSync: (@Sendable () -> Void)?
    private var failNextWrite: Int32?
    private var failNextTruncate = false
    private let system = SystemFileOperations()

    func inject(_ fault: Fault) {
        lock.lock()
        defer { lock.unlock() }
        faults.append(fault)
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let code = failNextWrite {
            failNextWrite = nil
            errno = code
            return -1
        }
        guard let fault = faults.first else { return system.write(descriptor, bytes) }
        switch fault {
        case .shortWrite(let count, let code):
            faults.removeFirst()
            failNextWrite = code
            return system.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        case .shortWriteAndFailTruncate(let count):
            faults.removeFirst()
            failNextWrite = ENOSPC
            failNextTruncate = true
            return system.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        case .failWrite(let code):
            faults.removeFirst()
            errno = code
            return -1
        case .failSync:
            return system.write(descriptor, bytes)
        }
    }

    func synchronize(_ descriptor: Int32) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if case .failSync(let code) = faults.first {
            faults.removeFirst()
            beforeFailingSync?()
            errno = code
            return -1
        }
        return system.synchronize(descriptor)
    }

    func truncate(_ descriptor: Int32, to length: Int) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if failNextTruncate {
            failNextTruncate = false
            errno = EIO
            return -1
        }
        return system.truncate(descriptor, to: length)
    }
}
