public import ConsentCore
internal import Foundation

/// The secret an access log is sealed with, and the one its verifier needs.
///
/// A log is sealed forward-securely: epoch 0 uses this key, and each checkpoint ends an epoch and moves the writer to
/// the next key, K₊₁ = SHA-256("consentkit.access-log.ratchet/1" ‖ K), erasing the one before. Whoever takes the
/// writer's machine at epoch *e* holds only Kₑ and cannot re-seal anything from an earlier epoch; the verifier, who
/// holds K₀ (this key), derives every epoch's key in order. Keep K₀ away from the machine that writes the log.
public struct AccessLogKey: Sendable {
    /// The secret's bytes: at least 32.
    package let secret: [UInt8]

    /// The shortest secret accepted, in bytes.
    public static let minimumLength = 32

    /// A key from a secret of at least ``minimumLength`` bytes.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidValue`` for a shorter secret.
    public init(secret: some Collection<UInt8>) throws(ConsentKitError) {
        guard secret.count >= Self.minimumLength else {
            throw ConsentKitError(
                code: .invalidValue,
                message: "an access-log key needs at least \(Self.minimumLength) bytes of secret, not \(secret.count)")
        }
        self.secret = Array(secret)
    }

    package init(uncheckedSecret: [UInt8]) { secret = uncheckedSecret }

    /// A new random key (32 bytes from the system's generator).
    public static func random() -> AccessLogKey {
        var generator = SystemRandomNumberGenerator()
        return AccessLogKey(uncheckedSecret: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The key as text: 43 base64url characters for a 32-byte secret (what the command line writes to a key file).
    public var text: String { Base64URL.encode(secret) }

    /// The key written as ``text``.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidValue`` when it is not base64url of at least 32 bytes.
    public init(text: String) throws(ConsentKitError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Base64URL.decode(Array(trimmed.utf8)) else {
            throw ConsentKitError(code: .invalidValue, message: "an access-log key is base64url text")
        }
        try self.init(secret: bytes)
    }

    /// A public name for the key: the first 8 bytes of SHA-256("consentkit.access-log.key-id/1" ‖ K₀), in hex. The
    /// log's header carries it, so verifying with the wrong key says so instead of reporting tampering — and never
    /// passes.
    public var id: String {
        var hasher = SHA256()
        hasher.update(Array("consentkit.access-log.key-id/1".utf8))
        hasher.update(secret)
        return hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The key of epoch `epoch`: K₀ ratcheted `epoch + 1` times. K₀ itself seals only the header, so the writer
    /// never keeps it: from creation on, the sealing state holds an epoch key from which K₀ cannot be recovered.
    package func key(ofEpoch epoch: UInt64) -> [UInt8] {
        var key = Self.ratchet(secret)
        var remaining = epoch
        while remaining > 0 {
            key = Self.ratchet(key)
            remaining -= 1
        }
        return key
    }

    /// The key of the epoch after the one `key` seals.
    package static func ratchet(_ key: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array("consentkit.access-log.ratchet/1".utf8))
        hasher.update(key)
        return hasher.finalize()
    }

    /// The key the log's references (of customers and principals) are computed with: derived from K₀ once, and kept
    /// by the writer for the log's life (references must stay comparable across epochs).
    package var referenceKey: [UInt8] {
        var hasher = SHA256()
        hasher.update(Array("consentkit.access-log.references/1".utf8))
        hasher.update(secret)
        return hasher.finalize()
    }
}
