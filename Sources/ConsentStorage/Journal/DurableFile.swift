internal import Foundation

/// An open file that grows only by whole, durable batches: a batch counts once it is written and `fsync`ed, and a
/// batch that fails is cut back off, so the file never keeps half of one. The journal's file, and what its write
/// path promises (nothing acknowledged is lost; nothing unacknowledged is kept) in one place.
///
/// Not thread-safe: its owner serialises calls (the journal holds its lock).
struct DurableFile {
    /// Why an append did not count.
    enum AppendFailure: Error {
        /// The write failed with this `errno` and was cut back: the file is as it was, and appending again is safe.
        case notWritten(Int32)
        /// The write failed (`write`) and cutting it back failed too (`cutBack`): the file may end in part of the
        /// batch. Nothing more may be appended until the file is reopened and scanned.
        case partlyWritten(write: Int32, cutBack: Int32)
        /// `fsync` failed with this `errno`. The kernel may have dropped pages it failed to write and will not report
        /// that again, so a later `fsync` that succeeds proves nothing: nothing more may be appended until reopened.
        case notSynchronized(Int32)
    }

    /// The open descriptor (`O_APPEND`).
    private(set) var descriptor: Int32
    /// The length of what the file durably holds: every byte before it was written and `fsync`ed.
    private(set) var length: Int
    /// The system calls that change the file (tests inject failures through them).
    let operations: any JournalFileOperations

    init(descriptor: Int32, length: Int, operations: any JournalFileOperations) {
        self.descriptor = descriptor
        self.length = length
        self.operations = operations
    }

    /// Appends `bytes` and `fsync`s them; on failure cuts the file back to ``length``.
    mutating func append(_ bytes: [UInt8]) throws(AppendFailure) {
        if let code = JournalFile.writeAll(bytes, to: descriptor, using: operations) {
            // Part of the batch may be in the file: cut it, so the next append does not start mid-line and the batch
            // stays all or nothing.
            if operations.truncate(descriptor, to: length) != 0 || operations.synchronize(descriptor) != 0 {
                throw .partlyWritten(write: code, cutBack: errno)
            }
            throw .notWritten(code)
        }
        guard operations.synchronize(descriptor) == 0 else {
            let code = errno
            _ = operations.truncate(descriptor, to: length)
            throw .notSynchronized(code)
        }
        length += bytes.count
    }

    /// Reads `count` bytes at `offset` (fewer only at the end of the file).
    func read(at offset: Int, count: Int) throws(SystemError) -> [UInt8] {
        try JournalFile.read(descriptor, at: offset, count: count)
    }

    /// Takes a new descriptor for the file, holding `length` bytes (after the file was rewritten and reopened),
    /// closing the old one.
    mutating func replace(with descriptor: Int32, length: Int) {
        Foundation.close(self.descriptor)
        self.descriptor = descriptor
        self.length = length
    }

    /// Closes the descriptor.
    func close() { Foundation.close(descriptor) }
}
