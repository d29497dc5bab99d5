public import ConsentCore
internal import ConsentInterchange
internal import ConsentTokens
internal import Foundation

extension ConsentJournal {
    /// Writes the snapshot of the ledger so far beside the journal (atomically: a temporary file, `fsync`, rename),
    /// so that the next open replays only the lines appended after now.
    ///
    /// - Throws: `storageFailure` if it cannot be written, or while the snapshot the journal opened from is still
    ///   being verified (``waitForSnapshotVerification()``); ``failure`` once set.
    public func writeSnapshot() throws(ConsentKitError) {
        lock.lock()
        defer { lock.unlock() }
        try checkWritable()
        try writeSnapshotLocked()
    }

    func writeSnapshotLocked() throws(ConsentKitError) {
        guard let parts = try snapshotParts() else {
            throw .storage(
                "the snapshot journal `\(path)` opened from is still being verified; no new one is written until then",
                file: path)
        }
        snapshotFileLock.lock()
        defer { snapshotFileLock.unlock() }
        try JournalFile.replace(JournalSnapshot.path(for: path), with: parts.encode(), modeOf: path)
        snapshotLines = lines
    }

    /// What a snapshot of the ledger now is made of, or `nil` while the journal's digest is not known; encoding it
    /// can happen without the lock. Called with `lock` held.
    func snapshotParts() throws(ConsentKitError) -> SnapshotParts? {
        guard var digest else { return nil }
        let guardLength = min(JournalSnapshot.guardLength, file.length)
        do {
            return SnapshotParts(
                ledger: current, length: file.length, lines: lines,
                head: try file.read(at: 0, count: guardLength),
                tail: try file.read(at: file.length - guardLength, count: guardLength),
                digest: digest.finalize())
        } catch {
            throw .io(
                "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                systemError: error.code)
        }
    }

    struct SnapshotParts: Sendable {
        let ledger: ConsentLedger
        let length: Int
        let lines: Int
        let head: [UInt8]
        let tail: [UInt8]
        let digest: [UInt8]

        func encode() -> [UInt8] {
            JournalSnapshot.encode(
                ledger, coveredLength: length, coveredLines: lines, head: head, tail: tail, prefixDigest: digest)
        }
    }

    /// Encodes and writes a snapshot on another thread, so the append that triggered it does not wait. Called with
    /// `lock` held.
    func snapshotInBackground() {
        guard let parts = try? snapshotParts() else { return }
        snapshotInFlight = true
        snapshotFileLock.lock()
        let generation = snapshotGeneration
        snapshotFileLock.unlock()
        background.enter()
        DispatchQueue.global(qos: .utility).async { [weak self, background] in
            defer { background.leave() }
            let bytes = parts.encode()
            // Held weakly while encoding: a journal released meanwhile writes nothing (its lock is gone).
            guard let self else { return }
            lock.lock()
            let isClosed = closed
            lock.unlock()
            snapshotFileLock.lock()
            // An erasure since the snapshot was taken: its data must not be written back. A closed journal writes
            // nothing: `close()` waits for this task, and then the next writer owns the files.
            let written =
                !isClosed && generation == snapshotGeneration
                && (try? JournalFile.replace(JournalSnapshot.path(for: path), with: bytes, modeOf: path)) != nil
            snapshotFileLock.unlock()
            lock.lock()
            snapshotInFlight = false
            if written { snapshotLines = max(snapshotLines, parts.lines) }
            lock.unlock()
        }
    }

    /// Hashes the region the snapshot covers on another thread and compares it with the snapshot's digest.
    func verifySnapshotInBackground() {
        guard let (covered, _) = unverified else { return }
        let reader = dup(file.descriptor)
        guard reader >= 0 else { return }
        background.enter()
        DispatchQueue.global(qos: .utility).async { [weak self, background, path] in
            defer { background.leave() }
            defer { Foundation.close(reader) }
            let hash = JournalFile.hashPrefix(of: reader, count: covered)
            guard let self else { return }
            lock.lock()
            defer { lock.unlock() }
            switch hash {
            case .success(let hasher): settle(hasher, covered: covered)
            case .failure(let code):
                fail(
                    .io(
                        "cannot read journal `\(path)` to verify its snapshot: \(JournalFile.describe(code.code))",
                        file: path, systemError: code.code))
            }
        }
    }

    /// Waits until the snapshot the journal opened from has been checked against the whole region it covers.
    ///
    /// - Throws: ``failure`` when it did not match.
    public func waitForSnapshotVerification() throws(ConsentKitError) {
        while true {
            lock.lock()
            let pending = unverified != nil && integrityFailure == nil && !closed
            let failure = integrityFailure
            lock.unlock()
            if let failure { throw failure }
            if !pending { return }
            usleep(1_000)
        }
    }

    /// Checks a pending snapshot against the journal's bytes, already read. Called with `lock` held.
    func verifyPendingSnapshot(against bytes: [UInt8]) throws(ConsentKitError) {
        guard let (covered, _) = unverified else { return }
        var hasher = SHA256()
        hasher.update(bytes[..<min(covered, bytes.count)])
        settle(hasher, covered: covered)
        if let integrityFailure { throw integrityFailure }
    }

    /// Given the hash of the covered region, either adopts the snapshot (and brings the running digest up to date)
    /// or fails closed. Called with `lock` held.
    func settle(_ hasher: SHA256, covered: Int) {
        guard let (_, expected) = unverified, integrityFailure == nil, !closed else { return }
        var prefix = hasher
        guard prefix.finalize() == expected else {
            fail(
                ConsentKitError(
                    code: .corruptedData,
                    message: "the snapshot journal `\(path)` opened from does not match the journal's first "
                        + "\(covered) bytes (another journal's snapshot, or bytes changed since): decisions from it "
                        + "are not trusted; the snapshot was removed, reopen the journal to replay it in full",
                    location: InputLocation(file: JournalSnapshot.path(for: path))))
            return
        }
        var running = hasher
        do {
            running.update(try file.read(at: covered, count: file.length - covered))
        } catch {
            fail(
                .io(
                    "cannot read journal `\(path)`: \(JournalFile.describe(error.code))", file: path,
                    systemError: error.code))
            return
        }
        digest = running
        unverified = nil
    }

    /// Fails closed: the ledger and appends throw, followers are told, and the untrusted snapshot is removed. Called
    /// with `lock` held.
    func fail(_ error: ConsentKitError) {
        guard integrityFailure == nil else { return }
        integrityFailure = error
        unverified = nil
        snapshotFileLock.lock()
        snapshotGeneration += 1
        JournalFile.remove(JournalSnapshot.path(for: path))
        snapshotFileLock.unlock()
        changeFeed.fail(error)
    }
}
