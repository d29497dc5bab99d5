public import ConsentCore

/// A named HMAC-SHA256 secret. The key schedule (the hash states after the padded key) is computed once, so signing
/// or verifying a token hashes only the token.
public struct TokenKey: Sendable {
    /// The key id tokens name, so that a ring can hold old and new keys while they rotate.
    public let id: String
    private let inner: SHA256
    private let outer: SHA256

    /// The shortest secret accepted: 32 bytes, the hash's output length (RFC 2104 §3).
    public static let minimumSecretLength = 32

    /// Creates a key.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidValue`` for an empty or over-long id, or a secret shorter than
    ///   ``minimumSecretLength`` bytes.
    public init(id: String, secret: some Collection<UInt8>) throws(ConsentKitError) {
        guard !id.isEmpty, id.utf8.count <= 255 else {
            throw ConsentKitError(code: .invalidValue, message: "a key id has 1 to 255 bytes; got `\(id)`")
        }
        guard secret.count >= Self.minimumSecretLength else {
            throw ConsentKitError(
                code: .invalidValue,
                message: "key `\(id)` has a \(secret.count)-byte secret; at least \(Self.minimumSecretLength) bytes "
                    + "are needed")
        }
        self.id = id
        let schedule = HMACKeySchedule(secret: secret)
        self.inner = schedule.inner
        self.outer = schedule.outer
    }

    /// A new random secret of ``minimumSecretLength`` bytes from the system's cryptographically secure generator
    /// (`getrandom` on Linux, `arc4random` on Apple platforms), for a key you then store in your secret manager:
    /// the secret is returned so that it can be kept; a `TokenKey` never reveals it.
    ///
    /// ```swift
    /// let secret = TokenKey.generateSecret()
    /// let key = try TokenKey(id: "2026-12", secret: secret)
    /// ```
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<minimumSecretLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// HMAC-SHA256 of `message`, truncated to ``ConsentToken/tagLength`` bytes.
    package func tag(_ message: ArraySlice<UInt8>) -> [UInt8] {
        var tagged: [UInt8] = []
        appendTag(of: message, to: &tagged)
        return tagged
    }

    /// Appends the tag of `message` to `bytes` (`message` may be all of `bytes`).
    func appendTag(of message: ArraySlice<UInt8>, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: code(message)) { bytes.append(contentsOf: $0.prefix(ConsentToken.tagLength)) }
    }

    /// Whether `tag` is the tag of `message`, compared in constant time, without allocating.
    func verify(_ message: ArraySlice<UInt8>, tag expected: ArraySlice<UInt8>) -> Bool {
        withUnsafeBytes(of: code(message)) {
            HMACSHA256.constantTimeEquals($0.prefix(ConsentToken.tagLength), expected)
        }
    }

    /// The full HMAC-SHA256 of `message`, from the precomputed key schedule.
    private func code(_ message: ArraySlice<UInt8>) -> SHA256.State {
        var inner = self.inner
        message.withUnsafeBytes { inner.update($0) }
        var outer = self.outer
        withUnsafeBytes(of: inner.finalizeWords()) { outer.update($0) }
        return outer.finalizeWords()
    }
}
