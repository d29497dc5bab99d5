internal import ConsentCore
/// Why a token was not accepted.
internal import ConsentInterchange
public struct TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure, stable for callers to switch on.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// Not a token: wrong prefix, bad base64url, truncated or inconsistent bytes.
        case malformed
        /// A version this library does not read.
        case unsupportedVersion
        /// Signed with a key id the key ring does not hold.
        case unknownKey
        /// The tag does not match: tampered, or signed with another secret.
        case badSignature
        /// Past its expiry.
        case expired
        /// Issued in the future.
        case notYetValid
        /// Meant for another service.
        case wrongAudience
    }

    /// The kind of failure.
    public let reason: Reason
    /// What exactly was wrong, for logs.
    public let message: String

    /// Creates an error.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `reason: message`, on one line with control characters escaped (a message may quote the token's bytes).
    public var description: String { "\(reason.rawValue): \(message.escapingControlCharacters)" }
}
