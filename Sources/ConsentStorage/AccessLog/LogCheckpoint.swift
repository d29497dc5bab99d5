public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// A checkpoint: the state of an access log at the end of one epoch, sealed with that epoch's key. It commits to
/// every entry before it twice — by the Merkle root (for proofs) and by the hash chain's last link — and says how
/// many entries were left out of the log, and why, since the checkpoint before it.
public struct LogCheckpoint: Sendable, Hashable {
    /// The log it belongs to (its header's id).
    public var logID: String
    /// The epoch it ends: the first checkpoint ends epoch 0, each next one the epoch after.
    public var epoch: UInt64
    /// How many entries the log held: the Merkle tree's size.
    public var size: UInt64
    /// The Merkle tree's root over those entries (RFC 6962).
    public var root: LogHash
    /// The hash chain's last link.
    public var chain: LogHash
    /// When it was written.
    public var instant: Date
    /// Entries left out of the log during the epoch, by reason.
    public var dropped: LogDropCounts
    /// HMAC-SHA-256 of the checkpoint's line without it, under the epoch's key.
    public var mac: LogHash

    /// Creates a checkpoint from its parts.
    public init(
        logID: String, epoch: UInt64, size: UInt64, root: LogHash, chain: LogHash, instant: Date,
        dropped: LogDropCounts, mac: LogHash
    ) {
        self.logID = logID
        self.epoch = epoch
        self.size = size
        self.root = root
        self.chain = chain
        self.instant = instant
        self.dropped = dropped
        self.mac = mac
    }

    /// The line the mac covers: the checkpoint's line without its `mac` member.
    package var canonicalLine: [UInt8] {
        var line = #"{"checkpoint":\#(epoch),"size":\#(size),"root":"\#(root.base64URL)","#
        line += #""chain":"\#(chain.base64URL)","at":"\#(RFC3339.format(instant))","#
        line += #""dropped":{"sampled":\#(dropped.sampled),"overflow":\#(dropped.overflow),"#
        line += #""overflowNeverDropped":\#(dropped.overflowNeverDropped)}}"#
        return Array(line.utf8)
    }

    /// The checkpoint as a text note to keep somewhere the log's writer cannot reach — a separate store, a mail to
    /// the privacy officer, a witness — in the shape of C2SP's `tlog-checkpoint`: the origin, the size, the root in
    /// base64, extension lines, a blank line, and one signature line per signer (`— NAME BASE64`), the first by
    /// the log's own epoch key.
    ///
    /// - Parameter signers: further signers (public-key signatures from an integration), each adding a line.
    /// - Throws: what a signer throws.
    public func note(signers: [any CheckpointSigner] = []) throws -> String {
        let body = noteBody
        var text = body + "\n"
        text += "— consentkit-epoch-\(epoch) \(Data(mac.bytes).base64EncodedString())\n"
        for signer in signers {
            let signature = try signer.signature(for: Array(body.utf8))
            text += "— \(signer.name) \(Data(signature).base64EncodedString())\n"
        }
        return text
    }

    /// The signed part of the note: origin, size, root, then `epoch`, `chain`, `at`, `dropped` and `mac`
    /// extension lines, ending in a newline.
    public var noteBody: String {
        """
        consentkit.access-log/\(logID)
        \(size)
        \(root.base64)
        epoch \(epoch)
        chain \(chain.base64URL)
        at \(RFC3339.format(instant))
        dropped \(dropped.sampled) \(dropped.overflow) \(dropped.overflowNeverDropped)

        """
    }

    /// Reads a note ``note(signers:)`` wrote; the epoch key's signature line gives ``mac``. Further signature lines
    /// (a ``CheckpointSigner``'s) are the caller's to check with a ``CheckpointSignatureVerifier``.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidValue`` naming the line that is not what a note holds.
    public init(note: String) throws(ConsentKitError) {
        func bad(_ line: Int, _ message: String) -> ConsentKitError {
            ConsentKitError(
                code: .invalidValue, message: "not a ConsentKit checkpoint note: line \(line): \(message)",
                location: InputLocation(line: line))
        }
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 9 else { throw bad(lines.count, "a note has at least 9 lines") }
        guard lines[0].hasPrefix("consentkit.access-log/") else { throw bad(1, "expected the origin") }
        let logID = String(lines[0].dropFirst("consentkit.access-log/".count))
        guard let size = UInt64(lines[1]) else { throw bad(2, "expected the tree size") }
        guard let root = LogHash(base64: lines[2]) else { throw bad(3, "expected the root in base64") }
        func field(_ index: Int, _ name: String) throws(ConsentKitError) -> [Substring] {
            let parts = lines[index].split(separator: " ")
            guard parts.first.map(String.init) == name, parts.count >= 2 else {
                throw bad(index + 1, "expected `\(name) …`")
            }
            return Array(parts.dropFirst())
        }
        guard let epoch = UInt64(try field(3, "epoch")[0]) else { throw bad(4, "expected the epoch") }
        guard let chain = LogHash(base64URL: try field(4, "chain")[0]) else { throw bad(5, "expected the chain") }
        let at = try field(5, "at")[0]
        guard let instant = try? Date(rfc3339: String(at)) else { throw bad(6, "expected an instant") }
        let counts = try field(6, "dropped").compactMap { UInt64($0) }
        guard counts.count == 3 else { throw bad(7, "expected three drop counts") }
        guard lines[7].isEmpty else { throw bad(8, "expected a blank line") }
        let signature = lines[8].split(separator: " ")
        guard signature.count == 3, signature[0] == "—", signature[1] == "consentkit-epoch-\(epoch)",
            let macBytes = Data(base64Encoded: String(signature[2])), let mac = LogHash(bytes: macBytes)
        else { throw bad(9, "expected the epoch key's signature line `— consentkit-epoch-\(epoch) BASE64`") }
        self.init(
            logID: logID, epoch: epoch, size: size, root: root, chain: chain, instant: instant,
            dropped: LogDropCounts(sampled: counts[0], overflow: counts[1], overflowNeverDropped: counts[2]),
            mac: mac)
    }
}

extension LogCheckpoint {
    /// Checks a note's further signatures: each verifier's line must be present and valid over the note's body.
    ///
    /// - Throws: ``ConsentKitError/Code/badSignature`` naming the first signer whose line is missing or does not
    ///   verify; ``ConsentKitError/Code/invalidValue`` for text that is not a note.
    public static func verifySignatures(
        of note: String, with verifiers: [any CheckpointSignatureVerifier]
    ) throws(ConsentKitError) {
        let checkpoint = try LogCheckpoint(note: note)
        let body = Array(checkpoint.noteBody.utf8)
        guard note.utf8.starts(with: body) else {
            throw ConsentKitError(code: .invalidValue, message: "the note's body is not as ConsentKit writes it")
        }
        let lines = note.split(separator: "\n").dropFirst(8)
        for verifier in verifiers {
            let signature = lines.lazy.compactMap { line -> [UInt8]? in
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[0] == "—", parts[1] == verifier.name,
                    let bytes = Data(base64Encoded: String(parts[2]))
                else { return nil }
                return Array(bytes)
            }.first
            guard let signature, verifier.isValid(signature, for: body) else {
                throw ConsentKitError(
                    code: .badSignature,
                    message:
                        "the checkpoint note has no valid signature of `\(verifier.name.escapingControlCharacters)`")
            }
        }
    }
}

/// Entries left out of a log, by reason. Reports add them up to state how complete the log is.
public struct LogDropCounts: Sendable, Hashable {
    /// Left out by sampling (only classes that may be dropped: allowed, ordinary, adult, standard views).
    public var sampled: UInt64
    /// Left out because the writer fell behind and the buffer was full (classes that may be dropped).
    public var overflow: UInt64
    /// Left out because the buffer was full even beyond the room kept for entries that are never dropped: the log is
    /// then incomplete for them, and reports say so.
    public var overflowNeverDropped: UInt64

    /// Creates counts.
    public init(sampled: UInt64 = 0, overflow: UInt64 = 0, overflowNeverDropped: UInt64 = 0) {
        self.sampled = sampled
        self.overflow = overflow
        self.overflowNeverDropped = overflowNeverDropped
    }

    /// The total.
    public var total: UInt64 { sampled + overflow + overflowNeverDropped }

    /// Adds another count.
    public static func + (lhs: LogDropCounts, rhs: LogDropCounts) -> LogDropCounts {
        LogDropCounts(
            sampled: lhs.sampled + rhs.sampled, overflow: lhs.overflow + rhs.overflow,
            overflowNeverDropped: lhs.overflowNeverDropped + rhs.overflowNeverDropped)
    }
}

/// Signs checkpoint notes with a key of its own — typically a public-key signature (Ed25519 from swift-crypto in an
/// integration package), which Foundation alone cannot make on Linux. The log's own epoch-key HMAC is always there;
/// a signer adds a line anyone holding the public key can check without being able to forge.
public protocol CheckpointSigner: Sendable {
    /// The name on the note's signature line (no spaces).
    var name: String { get }
    /// The signature of a note's body (``LogCheckpoint/noteBody``, as UTF-8).
    func signature(for body: [UInt8]) throws -> [UInt8]
}

/// Checks a signature a ``CheckpointSigner`` made.
public protocol CheckpointSignatureVerifier: Sendable {
    /// The signer's name, as on the note's line.
    var name: String { get }
    /// Whether `signature` is this signer's over `body`.
    func isValid(_ signature: [UInt8], for body: [UInt8]) -> Bool
}
