public import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// Verifies an access log from its first byte to its last: the header's seal, every entry's place in the sequence
/// and its seal under its epoch's key, every checkpoint's counts, root, chain and seal, then the end of the log
/// against the writer's sealing state and, when given, a checkpoint kept elsewhere.
///
/// It names the first bad line and the kind of change (``LogFailure/Kind``), and never reports a log intact whose
/// last entries no checkpoint covers. The key is K₀, from which it derives each epoch's key in order; a line that
/// verifies only under a *later* epoch's key is reported as re-sealed, not accepted (the lesson of systemd's
/// CVE-2023-31439), and a key that is not the log's is refused outright rather than reported as tampering — or,
/// worse, as a pass (systemd #11524).
public enum AccessLogVerifier {
    /// Verifies the log at `path` with its verification key.
    ///
    /// - Parameters:
    ///   - anchor: a checkpoint kept elsewhere (``LogCheckpoint/init(note:)``): the log must contain it — same root
    ///     at its size — or it was truncated or forked.
    ///   - useSealingState: whether to check the log's end against `<path>.seal` when it is there.
    /// - Returns: what was found; ``AccessLogVerification/failure`` names a tampered log.
    /// - Throws: ``ConsentKitError`` when the log cannot be read or is not an access log (`io`, `fileNotFound`,
    ///   `unsupportedFormat`), when `key` is not the log's key (`badSignature`), or when `anchor` is not a checkpoint
    ///   of this log sealed with this key (`badSignature`).
    public static func verify(
        path: String, key: AccessLogKey, anchor: LogCheckpoint? = nil, useSealingState: Bool = true
    ) throws(ConsentKitError) -> AccessLogVerification {
        try verify(
            path: path, key: key, anchor: anchor, useSealingState: useSealingState, sealedPartOnly: false,
            keepLeaves: false
        ) { _, _ in }.verification
    }

    /// Verifies the log and hands each entry a checkpoint seals to `body`, in order — what reports read: entries are
    /// only ever read from a log as it is verified, and only once a checkpoint covers them.
    ///
    /// - Parameter sealedPartOnly: verify up to the last checkpoint and report the entries after it in
    ///   ``AccessLogVerification/unsealedEntries`` instead of failing as `unanchored` (a log being written always
    ///   has some); a line cut short at the very end (a write in progress) is then among them. Everything up to the
    ///   last checkpoint is verified as strictly as ever.
    public static func verify(
        path: String, key: AccessLogKey, anchor: LogCheckpoint? = nil, useSealingState: Bool = true,
        sealedPartOnly: Bool = false, forEach body: (LoggedEntry) -> Void
    ) throws(ConsentKitError) -> AccessLogVerification {
        try verify(
            path: path, key: key, anchor: anchor, useSealingState: useSealingState, sealedPartOnly: sealedPartOnly,
            keepLeaves: false
        ) { _, line in
            if let entry = LoggedEntry(line: line) { body(entry) }
        }.verification
    }

    /// Verifies and hands each entry that verified to `visit` (its sequence number and its line's bytes, without
    /// the newline), in order; keeps the leaf hashes when asked (for proofs).
    package static func verify(
        path: String, key: AccessLogKey, anchor: LogCheckpoint?, useSealingState: Bool, sealedPartOnly: Bool,
        keepLeaves: Bool, visit: (UInt64, UnsafeRawBufferPointer) -> Void
    ) throws(ConsentKitError) -> (verification: AccessLogVerification, leaves: [LogHash]) {
        // The sealing state first: the writer updates it only after the log holds what it says, so a log read after
        // it holds at least that much, even while a writer appends. The log is read, not mapped: a writer cutting a
        // failed write back must not pull pages from under the verifier.
        let state = useSealingState ? try SealingState.read(log: path) : nil
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw ConsentKitError(
                    code: .fileNotFound, message: "no access log at `\(path)`", location: InputLocation(file: path))
            }
            if isDirectory.boolValue {
                throw .io("`\(path)` is a directory, not an access log", file: path)
            }
            throw .io("cannot read access log `\(path)`: \(error.localizedDescription)", file: path)
        }
        let result = data.withUnsafeBytes { bytes -> Result<(AccessLogVerification, [LogHash]), ConsentKitError> in
            do throws(ConsentKitError) {
                var walk: LogWalk
                do throws(ConsentKitError) {
                    walk = try LogWalk(bytes: bytes, path: path, key: key, keepLeaves: keepLeaves)
                } catch {
                    // A header that does not read, or names another key, beside a sealing state this key derives:
                    // the log is this key's, and its header was changed — tampering, not unreadable input.
                    guard let state, error.code == .unsupportedFormat || error.code == .badSignature,
                        state.epoch < 1 << 20,
                        HMACSHA256.constantTimeEquals(key.key(ofEpoch: state.epoch), state.key)
                    else { throw error }
                    return .success(
                        (
                            AccessLogVerification(
                                logID: state.logID, keyID: key.id, created: Date(timeIntervalSince1970: 0), entries: 0,
                                checkpoints: 0, lastCheckpoint: nil, dropped: LogDropCounts(),
                                failure: LogFailure(
                                    .modified, line: 1,
                                    "the header is not the one this log was created with (\(error.message))"),
                                unsealedEntries: 0), []
                        ))
                }
                walk.sealedPartOnly = sealedPartOnly
                walk.run(visit: visit)
                if walk.failure == nil {
                    if useSealingState && state == nil && anchor == nil {
                        walk.failure = LogFailure(
                            .truncated, line: walk.line - 1,
                            "the writer's sealing state `\(SealingState.path(for: path))` is missing, and no checkpoint "
                                + "kept elsewhere was given: a log cut back to an earlier checkpoint would look intact. "
                                + "Verify with a checkpoint note (--checkpoint), or restore the sealing state")
                    } else {
                        walk.checkEnd(state: state)
                    }
                }
                if walk.failure == nil, let anchor { try walk.check(anchor: anchor) }
                return .success((walk.verification, walk.leaves))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// One pass over a log's bytes, line by line, keeping what verification needs.
struct LogWalk {
    let bytes: UnsafeRawBufferPointer
    let path: String
    let rootKey: [UInt8]
    let logID: String
    let keyID: String
    let created: Date
    var epoch: UInt64 = 0
    var epochKey: [UInt8]
    var schedule: HMACKeySchedule
    var chain: LogHash
    var frontier = MerkleFrontier()
    var leaves: [LogHash] = []
    let keepLeaves: Bool
    var checkpoints: [LogCheckpoint] = []
    var dropped = LogDropCounts()
    var failure: LogFailure?
    /// Where the next line starts, and its 1-based number.
    var offset: Int
    var line = 2
    /// Whether the file ends inside a line.
    var tornTail = false
    /// Whether to verify up to the last checkpoint only, counting what follows as unsealed.
    var sealedPartOnly = false
    /// Entries verified since the last checkpoint (sequence, byte range): handed on once a checkpoint seals them.
    var awaitingCheckpoint: [(UInt64, Range<Int>)] = []
    /// The line of the first entry no checkpoint has sealed yet.
    var firstUnsealedLine = 0

    init(bytes: UnsafeRawBufferPointer, path: String, key: AccessLogKey, keepLeaves: Bool) throws(ConsentKitError) {
        self.bytes = bytes
        self.path = path
        self.keepLeaves = keepLeaves
        rootKey = key.secret
        guard let end = Self.lineEnd(bytes, from: 0) else {
            throw ConsentKitError(
                code: .unsupportedFormat, message: "`\(path)` is not an access log: it has no complete first line",
                location: InputLocation(file: path, line: 1))
        }
        let header = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        guard let fields = Self.header(header) else {
            throw ConsentKitError(
                code: .unsupportedFormat,
                message: "`\(path)` is not an access log: its first line is not an access-log header",
                location: InputLocation(file: path, line: 1))
        }
        logID = fields.id
        keyID = fields.keyID
        created = fields.created
        guard Self.checkSeal(header, suffix: AccessLogEncoder.sealSuffixLength, key: rootKey) else {
            if fields.keyID != key.id {
                throw ConsentKitError(
                    code: .badSignature,
                    message: "`\(path)` is sealed with key \(fields.keyID.escapingControlCharacters), not with the "
                        + "key given (\(key.id)): nothing can be verified with it",
                    location: InputLocation(file: path, line: 1))
            }
            // The right key, and the header's seal fails: the header was changed.
            epochKey = rootKey
            schedule = HMACKeySchedule(secret: rootKey)
            chain = MerkleHash.empty
            offset = bytes.count
            failure = LogFailure(.modified, line: 1, "the header's seal does not match its bytes")
            return
        }
        epochKey = key.key(ofEpoch: 0)
        schedule = HMACKeySchedule(secret: epochKey)
        var genesis = SHA256()
        genesis.update(UnsafeRawBufferPointer(rebasing: header[0..<(header.count - AccessLogEncoder.sealSuffixLength)]))
        genesis.update(byte: UInt8(ascii: "}"))
        chain = LogHash(&genesis)
        offset = end + 1
    }

    var verification: AccessLogVerification {
        AccessLogVerification(
            logID: logID, keyID: keyID, created: created, entries: frontier.size, checkpoints: checkpoints.count,
            lastCheckpoint: checkpoints.last, dropped: dropped, failure: failure,
            unsealedEntries: frontier.size - (checkpoints.last?.size ?? 0))
    }

    // MARK: Lines

    mutating func run(visit: (UInt64, UnsafeRawBufferPointer) -> Void) {
        while failure == nil, offset < bytes.count {
            guard let end = Self.lineEnd(bytes, from: offset) else {
                tornTail = true
                if sealedPartOnly { return }
                failure = LogFailure(
                    .truncated, line: line, sequence: frontier.size,
                    "the log ends inside line \(line) (\(bytes.count - offset) bytes without a newline): cut short")
                return
            }
            let text = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
            if Self.starts(text, with: #"{"seq":"#) {
                entry(text, visit: visit)
            } else if Self.starts(text, with: #"{"checkpoint":"#) {
                checkpoint(text, visit: visit)
            } else {
                failure = LogFailure(
                    .modified, line: line, sequence: frontier.size, "not a line an access log writes")
            }
            offset = end + 1
            line += 1
        }
    }

    private mutating func entry(_ text: UnsafeRawBufferPointer, visit: (UInt64, UnsafeRawBufferPointer) -> Void) {
        let expected = frontier.size
        var cursor = LineCursor(bytes: text)
        guard cursor.expect(#"{"seq":"#), let sequence = cursor.number(), cursor.expect(","),
            text.count > AccessLogEncoder.entrySuffixLength + 10,
            Self.starts(
                UnsafeRawBufferPointer(rebasing: text[(text.count - AccessLogEncoder.entrySuffixLength)...]),
                with: #","mac":""#), text[text.count - 2] == UInt8(ascii: "\""),
            text[text.count - 1] == UInt8(ascii: "}"),
            let stored = Self.entrySeal(text)
        else {
            failure = LogFailure(.modified, line: line, sequence: expected, "not an entry line as the log writes it")
            return
        }
        var hasher = SHA256()
        hasher.update(byte: 0)
        hasher.update(UnsafeRawBufferPointer(rebasing: text[0..<(text.count - AccessLogEncoder.entrySuffixLength)]))
        hasher.update(byte: UInt8(ascii: "}"))
        let leafHash = LogHash(&hasher)
        let link = AccessLogEncoder.link(chain, leafHash)
        let code = AccessLogEncoder.code(of: link, schedule: schedule)
        guard code.prefix16Equals(stored), sequence == expected else {
            if sequence != expected {
                failure = sequenceFailure(found: sequence, expected: expected)
                return
            }
            failure = sealFailure(kind: "entry", sequence: expected) { schedule in
                AccessLogEncoder.code(of: link, schedule: schedule).prefix16Equals(stored)
            }
            return
        }
        chain = link
        frontier.append(leafHash)
        if keepLeaves { leaves.append(leafHash) }
        let start = text.baseAddress! - bytes.baseAddress!
        if awaitingCheckpoint.isEmpty { firstUnsealedLine = line }
        awaitingCheckpoint.append((sequence, start..<(start + text.count)))
    }

    private mutating func checkpoint(_ text: UnsafeRawBufferPointer, visit: (UInt64, UnsafeRawBufferPointer) -> Void) {
        guard let parsed = Self.checkpointFields(text, logID: logID) else {
            failure = LogFailure(
                .modified, line: line, sequence: frontier.size, "not a checkpoint line as the log writes it")
            return
        }
        let canonical = Array(text[0..<(text.count - AccessLogEncoder.sealSuffixLength)]) + [UInt8(ascii: "}")]
        func sealed(with key: [UInt8]) -> Bool {
            LogHash(bytes: HMACSHA256.authenticationCode(for: canonical, key: key)) == parsed.mac
        }
        guard sealed(with: epochKey), parsed.epoch == epoch else {
            failure = checkpointSealFailure(claimed: parsed.epoch, sealed: sealed)
            return
        }
        guard parsed.size == frontier.size else {
            failure =
                parsed.size > frontier.size
                ? LogFailure(
                    .deleted, line: line, sequence: frontier.size,
                    "the checkpoint seals \(parsed.size) entries but only \(frontier.size) precede it: entries "
                        + "\(frontier.size)–\(parsed.size - 1) are missing")
                : LogFailure(
                    .modified, line: line, sequence: parsed.size,
                    "the checkpoint seals \(parsed.size) entries but \(frontier.size) precede it")
            return
        }
        guard parsed.root == frontier.root, parsed.chain == chain else {
            failure = LogFailure(
                .modified, line: line, sequence: nil,
                "the entries before this checkpoint are not the ones it sealed (root or chain differs)")
            return
        }
        let checkpoint = LogCheckpoint(
            logID: logID, epoch: parsed.epoch, size: parsed.size, root: parsed.root, chain: parsed.chain,
            instant: parsed.instant, dropped: parsed.dropped, mac: parsed.mac)
        checkpoints.append(checkpoint)
        dropped = dropped + parsed.dropped
        for (sequence, range) in awaitingCheckpoint { visit(sequence, UnsafeRawBufferPointer(rebasing: bytes[range])) }
        awaitingCheckpoint.removeAll(keepingCapacity: true)
        epoch += 1
        epochKey = AccessLogKey.ratchet(epochKey)
        schedule = HMACKeySchedule(secret: epochKey)
    }

    /// Why a checkpoint's seal failed: sealed by the key of the epoch it claims, ahead of this one (checkpoints
    /// were deleted) or behind it (repeated or moved); by a later key than its own (re-sealed); or by none (changed).
    private func checkpointSealFailure(claimed: UInt64, sealed: ([UInt8]) -> Bool) -> LogFailure {
        if claimed != epoch, claimed < epoch + 1 << 20 {
            var key = AccessLogKey.ratchet(rootKey)
            for _ in 0..<claimed { key = AccessLogKey.ratchet(key) }
            if sealed(key) {
                return claimed > epoch
                    ? LogFailure(
                        .deleted, line: line, sequence: frontier.size,
                        "checkpoint of epoch \(claimed) where epoch \(epoch)'s was due: checkpoints are missing")
                    : LogFailure(
                        .reordered, line: line, sequence: frontier.size,
                        "checkpoint of epoch \(claimed) after epoch \(epoch) began: repeated or moved")
            }
        }
        var key = epochKey
        for later in 1...64 {
            key = AccessLogKey.ratchet(key)
            if sealed(key) {
                return LogFailure(
                    .resealed, line: line,
                    "the checkpoint ending epoch \(epoch) is sealed with the key of epoch \(epoch + UInt64(later))")
            }
        }
        return LogFailure(.modified, line: line, "this checkpoint's seal does not match its bytes")
    }

    /// Why an entry's sequence number is not the expected one: a later entry holding the expected number means
    /// the lines were reordered, none means entries were deleted.
    private func sequenceFailure(found: UInt64, expected: UInt64) -> LogFailure {
        if found < expected {
            return LogFailure(
                .reordered, line: line, sequence: found,
                "entry \(found) where entry \(expected) was due: entries repeated or out of order")
        }
        let needle = Array(#"{"seq":\#(expected),"#.utf8)
        let same = Array(#"{"seq":\#(found),"#.utf8)
        var position = Self.lineEnd(bytes, from: offset).map { $0 + 1 } ?? bytes.count
        var expectedLater = false
        while position < bytes.count, let end = Self.lineEnd(bytes, from: position) {
            let text = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
            if Self.starts(text, with: same) {
                // The number this line claims is another line's too: this line's number was changed.
                return LogFailure(
                    .modified, line: line, sequence: expected,
                    "entry \(expected) is numbered \(found), which a later entry also is: its bytes were changed")
            }
            if Self.starts(text, with: needle) { expectedLater = true }
            position = end + 1
        }
        if expectedLater {
            return LogFailure(
                .reordered, line: line, sequence: expected,
                "entry \(found) where entry \(expected) was due; entry \(expected) comes later: out of order")
        }
        return LogFailure(
            .deleted, line: line, sequence: expected,
            "entry \(found) where entry \(expected) was due: "
                + (found - expected == 1
                    ? "entry \(expected) is missing" : "entries \(expected)–\(found - 1) are missing"))
    }

    /// Why a seal failed: a later epoch's key that makes it match means the line was re-sealed, or — when the next
    /// checkpoint in the file belongs to a later epoch too — that checkpoints were deleted; else it was modified.
    private func sealFailure(kind: String, sequence: UInt64?, matches: (HMACKeySchedule) -> Bool) -> LogFailure {
        var key = epochKey
        for later in 1...64 {
            key = AccessLogKey.ratchet(key)
            guard matches(HMACKeySchedule(secret: key)) else { continue }
            let laterEpoch = epoch + UInt64(later)
            if let next = nextCheckpointEpoch(), next >= laterEpoch {
                return LogFailure(
                    .deleted, line: line, sequence: sequence,
                    "this \(kind) belongs to epoch \(laterEpoch) but the checkpoint ending epoch \(epoch) is missing")
            }
            return LogFailure(
                .resealed, line: line, sequence: sequence,
                "this \(kind) of epoch \(epoch) is sealed with the key of epoch \(laterEpoch): re-sealed after the "
                    + "fact")
        }
        return LogFailure(.modified, line: line, sequence: sequence, "this \(kind)'s seal does not match its bytes")
    }

    /// The epoch of the next checkpoint line after the current one, if any.
    private func nextCheckpointEpoch() -> UInt64? {
        var position = offset
        while position < bytes.count, let end = Self.lineEnd(bytes, from: position) {
            let text = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
            if position != offset, Self.starts(text, with: #"{"checkpoint":"#) {
                var cursor = LineCursor(bytes: text)
                _ = cursor.expect(#"{"checkpoint":"#)
                return cursor.number()
            }
            position = end + 1
        }
        return nil
    }

    // MARK: The end

    /// The end of the log: entries after the last checkpoint are unanchored; the writer's sealing state must not
    /// have sealed more than the file holds, and must hold the key of the epoch it claims.
    mutating func checkEnd(state: SealingState?) {
        let unanchored = frontier.size - (checkpoints.last?.size ?? 0)
        if let state {
            guard HMACSHA256.constantTimeEquals(state.referenceKey, AccessLogKey(uncheckedSecret: rootKey).referenceKey)
            else {
                failure = LogFailure(
                    .modified, line: line - 1,
                    "the sealing state's reference key is not this log's: the state was changed")
                return
            }
            guard state.logID == logID else {
                failure = LogFailure(
                    .modified, line: line - 1, "the sealing state beside the log belongs to another log")
                return
            }
            var expectedKey = AccessLogKey.ratchet(rootKey)
            for _ in 0..<min(state.epoch, 1 << 20) { expectedKey = AccessLogKey.ratchet(expectedKey) }
            guard state.epoch < 1 << 20, HMACSHA256.constantTimeEquals(expectedKey, state.key) else {
                failure = LogFailure(
                    .resealed, line: line - 1,
                    "the writer's sealing state holds a key that is not epoch \(state.epoch)'s")
                return
            }
            let sealedEpochs = UInt64(checkpoints.count)
            if state.epoch > sealedEpochs {
                failure = LogFailure(
                    .truncated, line: line - 1, sequence: frontier.size,
                    "the writer sealed \(state.epoch) epochs (\(state.frontier.size) entries) but the log holds "
                        + "\(sealedEpochs) checkpoints and \(frontier.size) entries: its end was cut off")
                return
            }
            if state.epoch > 0 {
                let sealed = checkpoints[Int(state.epoch) - 1]
                guard sealed.size == state.frontier.size, sealed.chain == state.chain else {
                    failure = LogFailure(
                        .forked, line: line - 1,
                        "checkpoint \(state.epoch - 1) in the log differs from the one the writer sealed")
                    return
                }
            }
        }
        if tornTail || sealedPartOnly { return }
        if unanchored > 0 {
            failure = LogFailure(
                .unanchored, line: firstUnsealedLine, sequence: checkpoints.last?.size ?? 0,
                "\(unanchored) entries after the last checkpoint are not sealed by one yet (a writer still running, "
                    + "a crash, or a cut): verify again after the next checkpoint")
        }
    }

    /// Checks a checkpoint kept elsewhere against the log.
    mutating func check(anchor: LogCheckpoint) throws(ConsentKitError) {
        guard anchor.logID == logID else {
            throw ConsentKitError(
                code: .badSignature,
                message: "the checkpoint is of log \(anchor.logID.escapingControlCharacters), not of `\(path)` "
                    + "(\(logID))")
        }
        var key = AccessLogKey.ratchet(rootKey)
        for _ in 0..<min(anchor.epoch, 1 << 20) { key = AccessLogKey.ratchet(key) }
        let code = LogHash(bytes: HMACSHA256.authenticationCode(for: anchor.canonicalLine, key: key))
        guard anchor.epoch < 1 << 20, code == anchor.mac else {
            throw ConsentKitError(
                code: .badSignature,
                message: "the checkpoint's seal does not verify with this key: it was not written by this log's "
                    + "writer, or it was changed")
        }
        if anchor.epoch >= UInt64(checkpoints.count) {
            failure = LogFailure(
                .truncated, line: line - 1, sequence: frontier.size,
                "a checkpoint kept elsewhere seals \(anchor.size) entries through epoch \(anchor.epoch); the log "
                    + "holds \(frontier.size) entries and \(checkpoints.count) checkpoints: its end was cut off")
            return
        }
        let own = checkpoints[Int(anchor.epoch)]
        guard own.size == anchor.size, own.root == anchor.root, own.chain == anchor.chain else {
            failure = LogFailure(
                .forked, line: line - 1, sequence: min(own.size, anchor.size),
                "the checkpoint kept elsewhere for epoch \(anchor.epoch) (size \(anchor.size), root "
                    + "\(anchor.root.hex.prefix(16))…) differs from the log's (size \(own.size), root "
                    + "\(own.root.hex.prefix(16))…): two histories were written")
            return
        }
    }

    // MARK: Bytes

    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    static func starts(_ text: UnsafeRawBufferPointer, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard text.count >= count, let base = text.baseAddress else { return false }
        return memcmp(base, prefix.utf8Start, count) == 0
    }

    static func starts(_ text: UnsafeRawBufferPointer, with prefix: [UInt8]) -> Bool {
        guard text.count >= prefix.count, let base = text.baseAddress else { return false }
        return prefix.withUnsafeBytes { memcmp(base, $0.baseAddress!, prefix.count) == 0 }
    }

    /// The 16-byte seal at the end of an entry line (22 base64url characters before `"}`), in a hash's first half.
    static func entrySeal(_ text: UnsafeRawBufferPointer) -> LogHash? {
        guard text.count > 24 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let decoded = withUnsafeMutableBytes(of: &words) { output in
            Base64URL.decode16(
                UnsafeRawBufferPointer(rebasing: text[(text.count - 24)..<(text.count - 2)]), into: output)
        }
        guard decoded else { return nil }
        var hash = MerkleHash.empty
        hash.words = words
        return hash
    }

    /// Whether a header or checkpoint line's full seal is HMAC(`key`, the line without it).
    static func checkSeal(_ text: UnsafeRawBufferPointer, suffix: Int, key: [UInt8]) -> Bool {
        guard text.count > suffix,
            starts(UnsafeRawBufferPointer(rebasing: text[(text.count - suffix)...]), with: #","mac":""#),
            let stored = Base64URL.decode(
                UnsafeRawBufferPointer(rebasing: text[(text.count - 45)..<(text.count - 2)]).bindMemory(to: UInt8.self))
        else { return false }
        let canonical = Array(text[0..<(text.count - suffix)]) + [UInt8(ascii: "}")]
        return HMACSHA256.constantTimeEquals(HMACSHA256.authenticationCode(for: canonical, key: key), stored)
    }

    static func header(_ text: UnsafeRawBufferPointer) -> (id: String, keyID: String, created: Date)? {
        var cursor = LineCursor(bytes: text)
        guard cursor.expect(#"{"accessLog":1,"id":"#), let id = cursor.string(), cursor.expect(#","created":"#),
            let createdText = cursor.string(), let created = try? Date(rfc3339: createdText),
            cursor.expect(#","keyId":"#), let keyID = cursor.string(), cursor.expect(#","checkpointEntries":"#),
            cursor.number() != nil, cursor.expect(#","checkpointMilliseconds":"#), cursor.number() != nil,
            cursor.expect(#","mac":"#), cursor.string() != nil, cursor.expect("}"), cursor.atEnd
        else { return nil }
        return (id, keyID, created)
    }

    static func checkpointFields(_ text: UnsafeRawBufferPointer, logID: String) -> (
        epoch: UInt64, size: UInt64, root: LogHash, chain: LogHash, instant: Date, dropped: LogDropCounts,
        mac: LogHash
    )? {
        var cursor = LineCursor(bytes: text)
        guard cursor.expect(#"{"checkpoint":"#), let epoch = cursor.number(), cursor.expect(#","size":"#),
            let size = cursor.number(), cursor.expect(#","root":"#),
            let root = cursor.string().flatMap(LogHash.init(base64URL:)),
            cursor.expect(#","chain":"#), let chain = cursor.string().flatMap(LogHash.init(base64URL:)),
            cursor.expect(#","at":"#), let at = cursor.string(), let instant = try? Date(rfc3339: at),
            cursor.expect(#","dropped":{"sampled":"#), let sampled = cursor.number(),
            cursor.expect(#","overflow":"#), let overflow = cursor.number(),
            cursor.expect(#","overflowNeverDropped":"#), let never = cursor.number(), cursor.expect("}"),
            cursor.expect(#","mac":"#), let mac = cursor.string().flatMap(LogHash.init(base64URL:)), cursor.expect("}"),
            cursor.atEnd
        else { return nil }
        return (
            epoch, size, root, chain, instant,
            LogDropCounts(sampled: sampled, overflow: overflow, overflowNeverDropped: never), mac
        )
    }
}
