public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// The keys a service signs and verifies tokens with: one signing key, and any number of keys still accepted for
/// verification (old keys during a rotation, or other issuers' keys).
///
/// ```swift
/// let ring = try TokenKeyRing(keys: [try TokenKey(id: "2026-11", secret: secret)], signingKeyID: "2026-11")
/// let text = try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: .now, lifetime: 3600)
/// let token = try ring.verify(text, audience: "ads", at: .now)   // or a ConsentKitError with a token code
/// ```
public struct TokenKeyRing: Sendable {
    private let keys: [String: TokenKey]
    /// The id of the key new tokens are signed with.
    public let signingKeyID: String

    /// Creates a ring.
    ///
    /// - Throws: ``ConsentKitError/Code/duplicateIdentifier`` for two keys with one id, or
    ///   ``ConsentKitError/Code/unknownIdentifier`` when no key has `signingKeyID`.
    public init(keys: [TokenKey], signingKeyID: String) throws(ConsentKitError) {
        var byID: [String: TokenKey] = [:]
        for key in keys {
            guard byID.updateValue(key, forKey: key.id) == nil else {
                throw ConsentKitError(code: .duplicateIdentifier, message: "two keys have the id `\(key.id)`")
            }
        }
        guard byID[signingKeyID] != nil else {
            throw ConsentKitError(code: .unknownIdentifier, message: "no key has the signing key id `\(signingKeyID)`")
        }
        self.keys = byID
        self.signingKeyID = signingKeyID
    }

    /// The ids of the keys accepted for verification, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Issues a token valid from `issuedAt` (rounded down to the second) for `lifetime` seconds.
    ///
    /// - Throws: ``ConsentKitError`` for a lifetime under a second, an instant before 1970, an empty issuer or
    ///   audience, or content a token cannot carry (an empty id, a negative notice version).
    public func issue(
        _ content: ConsentToken.Content, issuer: String, audience: String, issuedAt: Date, lifetime: TimeInterval
    ) throws(ConsentKitError) -> String {
        let seconds = issuedAt.timeIntervalSince1970.rounded(.down)
        guard lifetime >= 1, lifetime < 1e12 else {
            throw ConsentKitError(code: .invalidValue, message: "a token's lifetime must be at least one second")
        }
        let token = ConsentToken(
            issuer: issuer, keyID: signingKeyID, audience: audience,
            issuedAt: Date(timeIntervalSince1970: seconds),
            expiresAt: Date(timeIntervalSince1970: seconds + lifetime.rounded(.down)), content: content)
        var bytes = try token.encoded()
        bytes.reserveCapacity(bytes.count + ConsentToken.tagLength)
        keys[signingKeyID]!.appendTag(of: bytes[...], to: &bytes)
        return Base64URL.encode(bytes, prefix: "ckt1.")
    }

    /// The largest clock-skew leeway ``verify(_:audience:at:leeway:)`` accepts: one day. Skew is seconds; a larger
    /// leeway would quietly turn expiry off.
    public static let maximumLeeway: TimeInterval = 86_400

    /// Verifies a token's text and returns what it carries.
    ///
    /// The checks, in order, each failing with its ``ConsentKitError/Code``: the text is a token
    /// (`malformedToken`), of a version this library reads (`unsupportedFormat`), signed with a key of this ring
    /// (`unknownSigningKey`) whose tag matches, compared in constant time (`badSignature`); then `instant` lies within
    /// its validity, give or take `leeway` seconds of clock skew (`notYetValid`, `expired`), and it is meant for
    /// `audience` (`wrongAudience`). An instant that is not finite or lies outside years 1–9999, or a leeway outside
    /// 0…``maximumLeeway`` (NaN included), fails closed as `expired`.
    public func verify(_ text: String, audience: String, at instant: Date, leeway: TimeInterval = 0)
        throws(ConsentKitError) -> ConsentToken
    {
        // NaN compares false with everything: an unchecked NaN instant or leeway would pass both validity checks.
        guard RFC3339.isRepresentable(instant), leeway >= 0, leeway <= Self.maximumLeeway else {
            throw ConsentKitError.token(
                .expired,
                "validity cannot be established at instant \(instant.timeIntervalSince1970) with leeway \(leeway) "
                    + "seconds: the instant must be finite within years 1–9999, the leeway 0 to 86400 seconds")
        }
        var text = text
        let prefixLength = ConsentToken.prefix.utf8.count
        let decoded = text.withUTF8 { utf8 -> [UInt8]?? in
            guard utf8.starts(with: ConsentToken.prefix.utf8) else { return .none }
            return .some(Base64URL.decode(UnsafeBufferPointer(rebasing: utf8[prefixLength...])))
        }
        guard let decoded else {
            throw ConsentKitError.token(.malformedToken, "a consent token starts with `\(ConsentToken.prefix)`")
        }
        guard let bytes = decoded else {
            throw ConsentKitError.token(
                .malformedToken, "the text after `\(ConsentToken.prefix)` is not canonical base64url")
        }
        guard bytes.count > 2 + ConsentToken.tagLength else {
            throw ConsentKitError.token(.malformedToken, "\(bytes.count) bytes is too short for a token")
        }
        guard bytes[0] == ConsentToken.version else {
            throw ConsentKitError.token(.unsupportedFormat, "version \(bytes[0]); this library reads version 1")
        }
        let body = Array(bytes[..<(bytes.count - ConsentToken.tagLength)])
        var reader = BinaryReader(body, offset: 2)
        let keyID: String
        do {
            keyID = try reader.string()
        } catch {
            throw ConsentKitError.token(.malformedToken, "the key id is cut off")
        }
        guard let key = keys[keyID] else {
            // The key id is not yet authenticated: escaped, so that it cannot forge a line in a log.
            throw ConsentKitError.token(
                .unknownSigningKey,
                "signed with key `\(keyID.escapingControlCharacters)`, which this ring does not hold")
        }
        guard key.verify(body[...], tag: bytes[(bytes.count - ConsentToken.tagLength)...]) else {
            throw ConsentKitError.token(.badSignature, "the tag does not match the token under key `\(keyID)`")
        }
        let token = try ConsentToken(decoding: body)
        if instant.timeIntervalSince(token.issuedAt) < -leeway {
            throw ConsentKitError.token(
                .notYetValid, "issued at \(RFC3339.format(token.issuedAt)), after \(RFC3339.format(instant))")
        }
        if instant.timeIntervalSince(token.expiresAt) >= leeway {
            throw ConsentKitError.token(.expired, "expired at \(RFC3339.format(token.expiresAt))")
        }
        guard token.audience == audience else {
            throw ConsentKitError.token(.wrongAudience, "meant for `\(token.audience)`, not `\(audience)`")
        }
        return token
    }
}
