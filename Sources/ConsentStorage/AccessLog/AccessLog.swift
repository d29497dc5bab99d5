public import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// A tamper-evident, append-only log of who reached which personal data, for which purpose, and what was decided —
/// holding no personal data itself (``AccessEntry``).
///
/// - **Integrity.** Every entry is a leaf of an RFC 6962 Merkle tree and a link of a hash chain, and carries a seal
///   (an HMAC of its chain link) under the current epoch's key. A checkpoint every ``Options/checkpointEntries``
///   entries or ``Options/checkpointInterval`` (whichever comes first) seals the tree's size and root and the chain,
///   counts what was dropped, and moves the writer to the next epoch's key, erasing the old one: a thief of the
///   writer's machine cannot re-seal the past. ``AccessLogVerifier`` checks it all; ``LogCheckpoint/note(signers:)``
///   exports a checkpoint to keep elsewhere.
/// - **Two ways in.** ``record(_:)`` is for the decision path: it checks the entry, copies it into a buffer and
///   returns — it never waits for the disk; a writer thread encodes, seals and writes behind it. `append(_:)` and
///   ``flush()`` wait until the entries are on disk (`fsync`ed): acknowledged means durable, and many callers waiting
///   at once share one `fsync` (group commit: one per ``Options/groupCommitEntries`` entries or
///   ``Options/groupCommitInterval``).
/// - **Drops are counted, never silent.** Sampling (``Options/sampleOneIn``) and a full buffer can leave entries out,
///   but never a deny, a sensitive field, a minor, a privileged view or a disclosure (``AccessFlags/neverDropped``)
///   short of the buffer's hard limit; each entry left out is counted by reason in the next checkpoint.
/// - **Crashes.** A line a crash cut short is cut on the next open (``recovery``); everything acknowledged is there.
///   A write or `fsync` that fails puts the log in a failed state (``failure``): reopen it to go on.
/// - **One writer**: opening takes `<path>.lock` as the journal does. Beside the log: `<path>.seal` (the writer's
///   epoch key and state, mode 0600) and `<path>.subjects` (each customer's reference key: the only place customer
///   ids are kept; ``forget(_:)`` crypto-shreds one).
///
/// The writer thread keeps the log alive until ``close()``: always close it.
public final class AccessLog: @unchecked Sendable {
    /// How the log checkpoints, commits, samples and buffers.
    public struct Options: Sendable, Hashable {
        /// The most entries between two checkpoints.
        public var checkpointEntries: Int = 10_000
        /// The longest time, in seconds, an entry waits for a checkpoint (while entries keep coming).
        public var checkpointInterval: Double = 1
        /// How many buffered entries make the writer write at once.
        public var groupCommitEntries: Int = 1_024
        /// The longest time, in seconds, a buffered entry waits to be written.
        public var groupCommitInterval: Double = 0.005
        /// Keep one in this many entries that may be dropped (1 keeps all).
        public var sampleOneIn: Int = 1
        /// How many entries the buffer holds before droppable ones are dropped; entries that are never dropped may
        /// fill sixteen times as many.
        public var bufferCapacity: Int = 65_536

        /// The defaults.
        public init() {}
    }

    /// What opening cut from the end of the log: a line a crash interrupted.
    public struct Recovery: Sendable, Hashable {
        /// The bytes cut.
        public let droppedBytes: Int
    }

    /// The log's path.
    public let path: String
    /// The policy entries are checked against.
    public let policy: Policy
    /// The options it was opened with.
    public let options: Options
    /// The log's id.
    public let logID: String
    /// What opening cut, or `nil`.
    public let recovery: Recovery?

    private let classifier: AccessClassifier
    private let writerLock: JournalLock

    // Guarded by `queue`.
    private let queue = NSCondition()
    private var pending: [PendingEntry] = []
    private var spare: [PendingEntry] = []
    private var enqueued: UInt64 = 0
    private var persisted: UInt64 = 0
    private var drops = LogDropCounts()
    private var sampleCounter: UInt64 = 0
    private var waiters = 0
    /// Checkpoint requests made, and the last one a written batch served (a request made while a batch was being
    /// written is served by the next batch, not that one).
    private var checkpointRequests = 0
    private var checkpointRequestsServed = 0
    private var checkpointsWritten = 0
    private var closing = false
    private var finished = false
    private var failureState: ConsentKitError?

    // The writer's: touched by the writer thread, or under `writing` by ``forget(_:)`` and ``close()``.
    private let writing = NSLock()
    private var encoder: AccessLogEncoder
    private var file: DurableFile
    private var subjectsDescriptor: Int32
    private var fileClosed = false
    private var references: SubjectReferences
    private let referenceKey: [UInt8]
    private var principals: [String: String] = [:]
    private var epochDrops = LogDropCounts()
    private var lastCheckpoint = ProcessInfo.processInfo.systemUptime
    private let operations: any JournalFileOperations

    private struct PendingEntry {
        var entry: AccessEntry
        var flags: AccessFlags
    }

    /// Opens the log at `path`, creating it with `key` when it does not exist.
    ///
    /// - Parameters:
    ///   - key: the verification key K₀ of a new log (keep a copy away from this machine: the verifier needs it);
    ///     ignored for an existing log except that it must be that log's.
    /// - Throws: ``ConsentKitError`` — `locked` when another writer holds it; `invalidValue` for a new log without a
    ///   key, or a key that is not the log's; `corruptedData` when the lines after the last checkpoint do not verify
    ///   or the log is shorter than its sealing state (run ``AccessLogVerifier``); `io`/`storageFailure` from the
    ///   file system.
    public convenience init(
        path: String, policy: Policy, creatingWith key: AccessLogKey? = nil, options: Options = Options()
    ) throws(ConsentKitError) {
        try self.init(path: path, policy: policy, key: key, options: options, operations: SystemFileOperations())
    }

    package init(
        path: String, policy: Policy, key: AccessLogKey?, options: Options, operations: some JournalFileOperations
    ) throws(ConsentKitError) {
        guard (1...10_000_000).contains(options.checkpointEntries),
            (0.001...86_400).contains(options.checkpointInterval), (1...1_000_000).contains(options.groupCommitEntries),
            (0.000_1...1).contains(options.groupCommitInterval), (1...1_000_000).contains(options.sampleOneIn),
            (1...100_000_000).contains(options.bufferCapacity)
        else {
            throw ConsentKitError(
                code: .invalidValue,
                message: "access-log options out of range: checkpointEntries 1–10,000,000, checkpointInterval "
                    + "0.001–86,400 s, groupCommitEntries 1–1,000,000, groupCommitInterval 0.0001–1 s, sampleOneIn "
                    + "1–1,000,000, bufferCapacity 1–100,000,000; given \(options)")
        }
        self.path = path
        self.policy = policy
        self.options = options
        self.operations = operations
        classifier = AccessClassifier(policy: policy)
        writerLock = try JournalLock(journal: path)
        let policyHash = LogHash.of(Array(policy.jsonData())).hex.prefix(16)
        let opened = try Self.openOrCreate(path: path, key: key, options: options, operations: operations)
        var state = opened.state
        logID = state.logID
        referenceKey = state.referenceKey
        var encoder = AccessLogEncoder(
            logID: state.logID, policyHash: String(policyHash), epoch: state.epoch, key: state.key,
            chain: state.chain, frontier: state.frontier)
        // The entries after the last checkpoint, verified under the epoch key, continue the chain and the tree.
        do throws(ConsentKitError) {
            let tail = try Self.catchUp(
                path: path, descriptor: opened.descriptor, length: opened.length, state: &state, encoder: &encoder)
            if tail.sealedCheckpoint { try state.write(log: path) }
            recovery = tail.cut > 0 ? Recovery(droppedBytes: tail.cut) : nil
            file = DurableFile(descriptor: opened.descriptor, length: opened.length - tail.cut, operations: operations)
            // Entries without the file that links them to customers: refuse rather than start a second, unlinked
            // reference for each customer seen again.
            if encoder.frontier.size > 0 && !FileManager.default.fileExists(atPath: SubjectReferences.path(for: path)) {
                throw ConsentKitError(
                    code: .corruptedData,
                    message: "access log `\(path)` holds entries but its customers' key file "
                        + "`\(SubjectReferences.path(for: path))` is missing; restore it (or start a new log)",
                    location: InputLocation(file: path))
            }
            references = try SubjectReferences(log: path, logID: state.logID, referenceKey: state.referenceKey)
        } catch {
            Foundation.close(opened.descriptor)
            throw error
        }
        self.encoder = encoder
        // Created readable by its owner only (it is the one file that names customers), durably; a last line a crash
        // cut short is cut, so that the next customer's line does not continue it.
        let subjectsPath = SubjectReferences.path(for: path)
        let subjectsExisted = FileManager.default.fileExists(atPath: subjectsPath)
        let descriptor = open(subjectsPath, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            Foundation.close(opened.descriptor)
            throw .io("cannot open `\(subjectsPath)`: \(JournalFile.describe(code))", file: path, systemError: code)
        }
        if !subjectsExisted { JournalFile.synchronizeDirectory(of: subjectsPath) }
        if case .success(let status) = JournalFile.statusOrError(descriptor), status.length > references.completeLength
        {
            guard ftruncate(descriptor, off_t(references.completeLength)) == 0, fsync(descriptor) == 0 else {
                let code = errno
                Foundation.close(descriptor)
                Foundation.close(opened.descriptor)
                throw .storage(
                    "cannot cut the incomplete last line of `\(subjectsPath)`: \(JournalFile.describe(code))",
                    file: path, systemError: code)
            }
        }
        subjectsDescriptor = descriptor
        let thread = Thread { [self] in run() }
        thread.name = "ConsentKit access log writer"
        thread.start()
    }

    // MARK: Opening

    private struct Opened {
        var descriptor: Int32
        var length: Int
        var state: SealingState
    }

    private static func openOrCreate(
        path: String, key: AccessLogKey?, options: Options, operations: some JournalFileOperations
    ) throws(ConsentKitError) -> Opened {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard let key else {
                throw ConsentKitError(
                    code: .invalidValue,
                    message: "there is no access log at `\(path)`; creating one needs its key (`creatingWith:`)",
                    location: InputLocation(file: path))
            }
            var generator = SystemRandomNumberGenerator()
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
                .joined()
            let header = AccessLogEncoder.header(
                logID: id, created: Date(), keyID: key.id, checkpointEntries: options.checkpointEntries,
                checkpointMilliseconds: Int((options.checkpointInterval * 1000).rounded()), key: key.secret)
            let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let code = errno
                throw .io(
                    "cannot create access log `\(path)`: \(JournalFile.describe(code))", file: path, systemError: code)
            }
            var file = DurableFile(descriptor: descriptor, length: 0, operations: operations)
            do {
                try file.append(header.line)
            } catch {
                Foundation.close(descriptor)
                unlink(path)
                throw AccessLog.describe(error, path: path)
            }
            JournalFile.synchronizeDirectory(of: path)
            let state = SealingState(
                logID: id, epoch: 0, key: key.key(ofEpoch: 0), referenceKey: key.referenceKey,
                length: header.line.count,
                chain: header.genesis, frontier: MerkleFrontier())
            JournalFile.remove(SubjectReferences.path(for: path))
            do {
                try state.write(log: path)
            } catch {
                Foundation.close(descriptor)
                unlink(path)
                throw error
            }
            return Opened(descriptor: descriptor, length: header.line.count, state: state)
        }
        if try SealingState.read(log: path) == nil, let key,
            let recovered = Self.stateOfBareHeader(path: path, key: key)
        {
            // A crash between writing the header and the first sealing state: the log holds nothing but its header,
            // and the creator's key rebuilds the state.
            try recovered.write(log: path)
        }
        guard let state = try SealingState.read(log: path) else {
            throw ConsentKitError(
                code: .corruptedData,
                message: "access log `\(path)` has no sealing state (`\(SealingState.path(for: path))`): it cannot "
                    + "be continued; verify it with its key, and start a new log",
                location: InputLocation(file: path))
        }
        let descriptor: Int32
        switch JournalFile.openForAppending(path, create: false) {
        case .success(let opened): descriptor = opened
        case .failure(let error):
            throw .io(
                "cannot open access log `\(path)`: \(JournalFile.describe(error.code))", file: path,
                systemError: error.code)
        }
        guard case .success(let status) = JournalFile.statusOrError(descriptor) else {
            Foundation.close(descriptor)
            throw .io("cannot read the length of access log `\(path)`", file: path)
        }
        if let key, let header = try? JournalFile.read(descriptor, at: 0, count: 512),
            let end = header.firstIndex(of: 0x0A),
            let fields = header[..<end].withUnsafeBytes({ LogWalk.header($0) }), fields.keyID != key.id
        {
            Foundation.close(descriptor)
            throw ConsentKitError(
                code: .invalidValue,
                message: "access log `\(path)` is sealed with key \(fields.keyID), not with the key given (\(key.id))",
                location: InputLocation(file: path))
        }
        guard status.length >= state.length else {
            Foundation.close(descriptor)
            throw ConsentKitError(
                code: .corruptedData,
                message: "access log `\(path)` holds \(status.length) bytes, fewer than the \(state.length) its last "
                    + "checkpoint sealed: it was cut; verify it with its key",
                location: InputLocation(file: path))
        }
        return Opened(descriptor: descriptor, length: status.length, state: state)
    }

    /// The sealing state of a log that holds only a header sealed with `key`, or `nil`.
    private static func stateOfBareHeader(path: String, key: AccessLogKey) -> SealingState? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 4_096,
            data.last == 0x0A, data.firstIndex(of: 0x0A) == data.count - 1
        else { return nil }
        let line = Array(data.dropLast())
        return line.withUnsafeBytes { text -> SealingState? in
            guard let header = LogWalk.header(text),
                LogWalk.checkSeal(text, suffix: AccessLogEncoder.sealSuffixLength, key: key.secret)
            else { return nil }
            var genesis = SHA256()
            genesis.update(UnsafeRawBufferPointer(rebasing: text[0..<(text.count - AccessLogEncoder.sealSuffixLength)]))
            genesis.update(byte: UInt8(ascii: "}"))
            return SealingState(
                logID: header.id, epoch: 0, key: key.key(ofEpoch: 0), referenceKey: key.referenceKey,
                length: data.count, chain: LogHash(&genesis), frontier: MerkleFrontier())
        }
    }

    /// Reads the lines after the sealing state's checkpoint: entries of the current epoch (each seal checked with
    /// the epoch key), and checkpoints a crash wrote before the state was updated; cuts an incomplete last line.
    private static func catchUp(
        path: String, descriptor: Int32, length: Int, state: inout SealingState, encoder: inout AccessLogEncoder
    ) throws(ConsentKitError) -> (sealedCheckpoint: Bool, cut: Int) {
        let bytes: [UInt8]
        do {
            bytes = try JournalFile.read(descriptor, at: state.length, count: length - state.length)
        } catch {
            throw .io("cannot read access log `\(path)`: \(JournalFile.describe(error.code))", file: path)
        }
        let base = state.length
        var sealedCheckpoint = false
        var position = 0
        var cut = 0
        func refuse(_ message: String) -> ConsentKitError {
            ConsentKitError(
                code: .corruptedData,
                message: "access log `\(path)`: \(message) after the last checkpoint; it was changed — verify it with "
                    + "its key, and start a new log",
                location: InputLocation(file: path))
        }
        let scanned = bytes.withUnsafeBytes { buffer -> ConsentKitError? in
            while position < buffer.count {
                guard let end = LogWalk.lineEnd(buffer, from: position) else {
                    cut = buffer.count - position
                    break
                }
                let text = UnsafeRawBufferPointer(rebasing: buffer[position..<end])
                if LogWalk.starts(text, with: #"{"seq":"#) {
                    guard encoder.restore(line: text) else { return refuse("an entry that does not verify") }
                } else if LogWalk.starts(text, with: #"{"checkpoint":"#) {
                    guard encoder.restoreCheckpoint(line: text) else {
                        return refuse("a checkpoint that does not verify")
                    }
                    state.epoch = encoder.epoch
                    state.key = encoder.epochKey
                    state.length = base + end + 1
                    state.chain = encoder.chain
                    state.frontier = encoder.frontier
                    sealedCheckpoint = true
                } else {
                    return refuse("a line the log does not write")
                }
                position = end + 1
            }
            return nil
        }
        if let scanned { throw scanned }
        if cut > 0 {
            guard ftruncate(descriptor, off_t(length - cut)) == 0, fsync(descriptor) == 0 else {
                let code = errno
                throw .storage(
                    "cannot cut the incomplete last line of `\(path)`: \(JournalFile.describe(code))", file: path,
                    systemError: code)
            }
        }
        return (sealedCheckpoint, cut)
    }

    // MARK: Recording

    /// Records an access without waiting for the disk: checks it, copies it into the buffer and returns. For the
    /// decision path. Returns `false` when it was left out (sampled away or the buffer full), which is counted.
    ///
    /// - Throws: ``ConsentKitError`` naming every problem of an entry the log cannot hold (an undeclared purpose,
    ///   field or view, a bad role, an instant out of range); ``failure`` once the log has failed; `storageFailure`
    ///   after ``close()``.
    @discardableResult
    public func record(_ entry: AccessEntry) throws(ConsentKitError) -> Bool {
        let flags = try classifier.flags(of: entry)
        queue.lock()
        defer { queue.unlock() }
        try checkOpen()
        let neverDropped = !flags.isDisjoint(with: .neverDropped)
        if !neverDropped && options.sampleOneIn > 1 {
            sampleCounter &+= 1
            if sampleCounter % UInt64(options.sampleOneIn) != 0 {
                drops.sampled += 1
                return false
            }
        }
        if pending.count >= options.bufferCapacity {
            if !neverDropped {
                drops.overflow += 1
                return false
            }
            if pending.count >= options.bufferCapacity * 16 {
                drops.overflowNeverDropped += 1
                return false
            }
        }
        pending.append(PendingEntry(entry: entry, flags: flags))
        enqueued += 1
        if pending.count == options.groupCommitEntries { queue.broadcast() }
        return true
    }

    /// Appends entries and returns once they are on disk (`fsync`ed), never sampled or dropped. Callers waiting at
    /// once share a write and an `fsync`.
    ///
    /// - Throws: as ``record(_:)`` — for several entries, every problem of every entry, with its index; nothing is
    ///   written then. `storageFailure` when the write or `fsync` fails (the log then refuses further entries).
    public func append(_ entries: [AccessEntry]) throws(ConsentKitError) {
        var flags: [AccessFlags] = []
        var problems: [Diagnostic] = []
        for (index, entry) in entries.enumerated() {
            do {
                flags.append(
                    try classifier.flags(of: entry, path: entries.count == 1 ? JSONPath() : JSONPath() + index))
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw ConsentKitError(reporting: problems) }
        queue.lock()
        defer { queue.unlock() }
        try checkOpen()
        for (entry, flags) in zip(entries, flags) { pending.append(PendingEntry(entry: entry, flags: flags)) }
        enqueued += UInt64(entries.count)
        try waitUntilPersisted(enqueued)
    }

    /// Appends one entry and returns once it is on disk.
    public func append(_ entry: AccessEntry) throws(ConsentKitError) { try append([entry]) }

    /// Returns once every entry recorded before the call is on disk.
    public func flush() throws(ConsentKitError) {
        queue.lock()
        defer { queue.unlock() }
        try checkOpen()
        try waitUntilPersisted(enqueued)
    }

    /// Writes a checkpoint now for everything recorded before the call (if anything happened since the last one),
    /// and returns once it is on disk.
    @discardableResult
    public func checkpoint() throws(ConsentKitError) -> LogCheckpoint? {
        queue.lock()
        defer { queue.unlock() }
        try checkOpen()
        checkpointRequests += 1
        let request = checkpointRequests
        let written = checkpointsWritten
        try waitUntilPersisted(enqueued)
        while checkpointRequestsServed < request && failureState == nil { queue.wait() }
        if let failureState { throw failureState }
        return checkpointsWritten > written ? lastWrittenCheckpoint : nil
    }

    /// The last checkpoint written, if any since opening.
    public var lastCheckpointWritten: LogCheckpoint? {
        queue.lock()
        defer { queue.unlock() }
        return lastWrittenCheckpoint
    }

    private var lastWrittenCheckpoint: LogCheckpoint?

    /// Why the log refuses entries, or `nil`: a write or `fsync` that failed. Reopen the log to go on.
    public var failure: ConsentKitError? {
        queue.lock()
        defer { queue.unlock() }
        return failureState
    }

    /// How many entries were left out since opening, by reason (including those not yet counted in a checkpoint).
    public var droppedSinceOpening: LogDropCounts {
        queue.lock()
        defer { queue.unlock() }
        return totalDrops + drops
    }

    private var totalDrops = LogDropCounts()

    /// Called with `queue` held.
    private func checkOpen() throws(ConsentKitError) {
        if let failureState { throw failureState }
        if closing { throw .storage("access log `\(path)` is closed", file: path) }
    }

    /// Waits, with `queue` held, until the entries up to `ticket` are durable.
    private func waitUntilPersisted(_ ticket: UInt64) throws(ConsentKitError) {
        waiters += 1
        queue.broadcast()
        while persisted < ticket && failureState == nil { queue.wait() }
        waiters -= 1
        if persisted < ticket, let failureState { throw failureState }
    }

    /// The customer's reference in this log, or `nil` if the log has no key for them (never seen, or forgotten).
    public func reference(of subject: SubjectID) -> String? {
        writing.lock()
        defer { writing.unlock() }
        return references.entries[subject]?.reference
    }

    /// Forgets a customer: removes their reference key, so that no one can tell which entries were theirs any more
    /// (for an erasure, PIPL Art. 47); the entries, the chain and the tree are untouched. Returns whether the log
    /// knew them.
    ///
    /// - Throws: `storageFailure` when the key file cannot be rewritten (the key is then still there).
    @discardableResult
    public func forget(_ subject: SubjectID) throws(ConsentKitError) -> Bool {
        // Entries already buffered still name the customer: write them first.
        try flush()
        writing.lock()
        defer { writing.unlock() }
        guard try references.forget(subject) else { return false }
        // The file was replaced: append to the new one.
        Foundation.close(subjectsDescriptor)
        subjectsDescriptor = -1
        switch JournalFile.openForAppending(SubjectReferences.path(for: path), create: true) {
        case .success(let descriptor): subjectsDescriptor = descriptor
        case .failure(let error):
            let failure = ConsentKitError.storage(
                "cannot reopen `\(SubjectReferences.path(for: path))`: \(JournalFile.describe(error.code))", file: path,
                systemError: error.code)
            queue.lock()
            failureState = failure
            queue.broadcast()
            queue.unlock()
            throw failure
        }
        return true
    }

    /// Writes what is buffered and a last checkpoint, stops the writer, closes the files and releases the lock.
    /// Entries after closing throw.
    public func close() {
        queue.lock()
        if !closing {
            closing = true
            queue.broadcast()
        }
        while !finished { queue.wait() }
        queue.unlock()
        writing.lock()
        if !fileClosed {
            fileClosed = true
            file.close()
            if subjectsDescriptor >= 0 { Foundation.close(subjectsDescriptor) }
            subjectsDescriptor = -1
        }
        writing.unlock()
        writerLock.release()
    }

    // MARK: The writer

    private func run() {
        queue.lock()
        while true {
            if failureState != nil {
                // Nothing more is written; what is buffered was never acknowledged.
                pending.removeAll()
                if closing { break }
                queue.wait()
                continue
            }
            let due = ProcessInfo.processInfo.systemUptime - lastCheckpoint >= options.checkpointInterval
            if pending.count < options.groupCommitEntries && waiters == 0 && !closing
                && checkpointRequests == checkpointRequestsServed
                && !(due && (encoder.entriesInEpoch > 0 || epochDrops.total + drops.total > 0))
            {
                _ = queue.wait(until: Date(timeIntervalSinceNow: options.groupCommitInterval))
            }
            var batch = pending
            pending = spare
            spare = []
            let ticket = enqueued
            let newDrops = drops
            drops = LogDropCounts()
            let closingNow = closing
            let requests = checkpointRequests
            let forced = requests > checkpointRequestsServed || closingNow
            queue.unlock()
            writing.lock()
            let result = write(batch, drops: newDrops, forceCheckpoint: forced)
            writing.unlock()
            batch.removeAll(keepingCapacity: true)
            queue.lock()
            spare = batch
            switch result {
            case .success(let checkpoint):
                persisted = ticket
                totalDrops = totalDrops + newDrops
                if let checkpoint {
                    checkpointsWritten += 1
                    lastWrittenCheckpoint = checkpoint
                }
                checkpointRequestsServed = requests
            case .failure(let error):
                failureState = error
            }
            queue.broadcast()
            if closingNow && pending.isEmpty { break }
        }
        finished = true
        queue.broadcast()
        queue.unlock()
    }

    /// Encodes and seals a batch, checkpoints when due, writes it all and `fsync`s; after a checkpoint, records the
    /// new epoch in the sealing state. Called by the writer with `writing` held.
    private func write(_ batch: [PendingEntry], drops: LogDropCounts, forceCheckpoint: Bool) -> Result<
        LogCheckpoint?, ConsentKitError
    > {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.count * 320)
        var newSubjects: [UInt8] = []
        var sealed: (checkpoint: LogCheckpoint, length: Int, state: SealingState)?
        func checkpoint() {
            let checkpoint = encoder.appendCheckpoint(at: Date(), dropped: epochDrops, into: &bytes)
            epochDrops = LogDropCounts()
            lastCheckpoint = ProcessInfo.processInfo.systemUptime
            let state = SealingState(
                logID: logID, epoch: encoder.epoch, key: encoder.epochKey, referenceKey: referenceKey,
                length: file.length + bytes.count, chain: encoder.chain, frontier: encoder.frontier)
            sealed = (checkpoint, file.length + bytes.count, state)
        }
        for item in batch {
            let entry = item.entry
            let subject = references.reference(of: entry.subject, newLines: &newSubjects)
            let principal = entry.actor.principal.map(principalReference)
            encoder.append(
                entry, classifier: classifier, flags: item.flags, subjectReference: subject,
                principalReference: principal,
                grantReference: entry.grant.flatMap { references.grantReference($0, of: entry.subject) }, into: &bytes)
            if encoder.entriesInEpoch >= options.checkpointEntries { checkpoint() }
        }
        epochDrops = epochDrops + drops
        let due = ProcessInfo.processInfo.systemUptime - lastCheckpoint >= options.checkpointInterval
        if (encoder.entriesInEpoch > 0 || epochDrops.total > 0) && (forceCheckpoint || due) { checkpoint() }
        guard !bytes.isEmpty else { return .success(nil) }
        // The customers' keys first: an entry on disk is never without the key that links it.
        if !newSubjects.isEmpty {
            guard subjectsDescriptor >= 0 else {
                return .failure(
                    .storage(
                        "`\(SubjectReferences.path(for: path))` is not open; the log refuses entries until reopened",
                        file: path))
            }
            if let code = JournalFile.writeAll(newSubjects, to: subjectsDescriptor, using: operations) {
                return .failure(
                    .storage(
                        "cannot write `\(SubjectReferences.path(for: path))`: \(JournalFile.describe(code)); the log "
                            + "refuses entries until reopened", file: path, systemError: code))
            }
            guard operations.synchronize(subjectsDescriptor) == 0 else {
                let code = errno
                return .failure(
                    .storage(
                        "cannot write `\(SubjectReferences.path(for: path))` to disk (fsync: "
                            + "\(JournalFile.describe(code))); the log refuses entries until reopened", file: path,
                        systemError: code))
            }
        }
        do {
            try file.append(bytes)
        } catch {
            // The encoder has moved on past what is on disk: only reopening (which reads the file) can go on.
            return .failure(Self.describe(error, path: path))
        }
        guard let sealed else { return .success(nil) }
        do {
            try sealed.state.write(log: path)
        } catch {
            return .failure(
                ConsentKitError(
                    code: error.code,
                    message:
                        "the checkpoint is on disk, but the sealing state could not be updated (\(error.message)); "
                        + "the log refuses entries until reopened", location: error.location,
                    systemError: error.systemError))
        }
        return .success(sealed.checkpoint)
    }

    /// The keyed reference of a principal: the first 16 bytes of HMAC(reference key,
    /// "consentkit.access-log.principal/1" ‖ principal), cached.
    private func principalReference(_ principal: String) -> String {
        if let known = principals[principal] { return known }
        let message = Array("consentkit.access-log.principal/1".utf8) + [0] + Array(principal.utf8)
        let reference = Base64URL.encode(
            Array(HMACSHA256.authenticationCode(for: message, key: referenceKey).prefix(16)))
        if principals.count < 100_000 { principals[principal] = reference }
        return reference
    }

    /// The error a failed write is reported as.
    static func describe(_ failure: DurableFile.AppendFailure, path: String) -> ConsentKitError {
        switch failure {
        case .notWritten(let code), .partlyWritten(let code, _):
            return .storage(
                "cannot append to access log `\(path)`: \(JournalFile.describe(code)); the entries were not "
                    + "acknowledged, and the log refuses entries until reopened", file: path, systemError: code)
        case .notSynchronized(let code):
            return .storage(
                "cannot write access log `\(path)` to disk (fsync: \(JournalFile.describe(code))); the entries were "
                    + "not acknowledged, and the log refuses entries until reopened", file: path, systemError: code)
        }
    }
}
