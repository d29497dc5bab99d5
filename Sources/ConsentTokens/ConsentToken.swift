public import ConsentCore
public import Foundation

/// A signed, purpose-bound statement of consent that travels between services: one grant, or a subject's
/// ``ConsentSnapshot``, with who issued it, for whom, and when it is valid.
///
/// Its text form is `ckt1.` followed by the base64url (unpadded) binary form, documented byte by byte in
/// `Documentation/Tokens.md`, and ends with a truncated HMAC-SHA256 tag. ``TokenKeyRing`` issues and verifies it.
public struct ConsentToken: Sendable, Hashable {
    /// What a token carries.
    public enum Content: Sendable, Hashable {
        /// One grant.
        case grant(ConsentGrant)
        /// A subject's consent as of an instant.
        case snapshot(ConsentSnapshot)
    }

    /// Who issued the token (a service name).
    public var issuer: String
    /// The id of the key it was signed with.
    public var keyID: String
    /// The service it is meant for; verification checks it.
    public var audience: String
    /// When it was issued (whole seconds); it is not valid before.
    public var issuedAt: Date
    /// When it stops being valid (whole seconds).
    public var expiresAt: Date
    /// The grant or snapshot.
    public var content: Content

    /// Creates a token's contents.
    public init(
        issuer: String, keyID: String, audience: String, issuedAt: Date, expiresAt: Date, content: Content
    ) {
        self.issuer = issuer
        self.keyID = keyID
        self.audience = audience
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.content = content
    }

    /// The prefix of a token's text form.
    public static let prefix = "ckt1."
    /// The version byte of the binary form.
    public static let version: UInt8 = 1
    /// The bytes of HMAC-SHA256 kept as the tag (128 bits, as RFC 2104 §5 and NIST SP 800-107 allow).
    public static let tagLength = 16
}
