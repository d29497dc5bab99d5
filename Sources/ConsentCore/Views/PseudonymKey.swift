/// A secret for keyed pseudonyms: HMAC-SHA-256 (RFC 2104) of a value under this key, separated per purpose and
/// recipient, so the same phone number gets one surrogate in one disclosure and an unrelated one in another.
///
/// A pseudonym is never an unkeyed hash: without the key, inverting one means guessing the key, not the 10¹⁰ possible
/// mobile numbers. Pseudonymised data is still personal information — it is *de-identified* (PIPL Art. 73(3)): the
/// key is the "additional information" that links it back, and is kept apart from the data (GB/T 35273 §6.2).
///
/// The key is never serialised: it has no `Codable` conformance, and its description and mirror show only its
/// ``id``. Each pseudonym carries the key id (`psn:2026-12:…`), so after a **rotation** (a new id and secret) the
/// outputs of the old and new keys are told apart, and every pseudonym changes.
public struct PseudonymKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// The key's id, written into every pseudonym: 1–32 ASCII letters, digits, `-` or `_`.
    public let id: String
    private let inner: SHA256
    private let outer: SHA256

    /// The shortest secret accepted: 32 bytes (RFC 2104 §3: not shorter than the hash's output).
    public static let minimumSecretLength = 32

    /// Creates a key from a secret of at least ``minimumSecretLength`` bytes.
    ///
    /// - Throws: ``ConsentKitError`` `invalidValue` for an id outside the rule or a short secret.
    public init(id: String, secret: some Collection<UInt8>) throws(ConsentKitError) {
        let allowed = id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F
        }
        guard (1...32).contains(id.utf8.count), allowed else {
            throw ConsentKitError(
                code: .invalidValue,
                message:
                    "a pseudonym key id has 1 to 32 ASCII letters, digits, `-` or `_`; got `\(id.escapingControlCharacters)`"
            )
        }
        guard secret.count >= Self.minimumSecretLength else {
            throw ConsentKitError(
                code: .invalidValue,
                message:
                    "pseudonym key `\(id)` has a \(secret.count)-byte secret; at least \(Self.minimumSecretLength) "
                    + "bytes are needed")
        }
        self.id = id
        let schedule = HMACKeySchedule(secret: secret)
        self.inner = schedule.inner
        self.outer = schedule.outer
    }

    /// `PseudonymKey(id)`: never the secret.
    public var description: String { "PseudonymKey(\(id))" }

    /// Only the id, so that `dump` and debuggers do not print the key schedule (which is as good as the secret).
    public var customMirror: Mirror { Mirror(self, children: ["id": id]) }

    /// The pseudonym function for one purpose and recipient (`nil` for none): the domain is hashed in once.
    public func pseudonymiser(purpose: PurposeID, recipient: RecipientID?) -> Pseudonymiser {
        var domain = inner
        // Length-prefixed parts, so that no purpose/recipient pair can be spelt as another.
        // The key id is hashed in too: the same secret under another id gives unrelated pseudonyms.
        for part in ["consentkit.pseudonym/1", id, purpose.rawValue, recipient?.rawValue ?? ""] {
            let bytes = Array(part.utf8)
            domain.update(Array(String(bytes.count).utf8) + [0x3A] + bytes)
        }
        return Pseudonymiser(keyID: id, inner: domain, outer: outer)
    }
}

/// Keyed pseudonyms for one purpose and recipient (``PseudonymKey/pseudonymiser(purpose:recipient:)``).
public struct Pseudonymiser: Sendable, CustomStringConvertible {
    /// The id of the key.
    public let keyID: String
    private let inner: SHA256
    private let outer: SHA256
    /// `psn:<key id>:`, in UTF-8.
    private let prefix: [UInt8]

    init(keyID: String, inner: SHA256, outer: SHA256) {
        self.keyID = keyID
        self.inner = inner
        self.outer = outer
        self.prefix = Array("psn:\(keyID):".utf8)
    }

    /// `Pseudonymiser(key id)`: never the key schedule.
    public var description: String { "Pseudonymiser(\(keyID))" }

    /// The pseudonym of a value: `psn:<key id>:` and the first 128 bits of the HMAC in base64url (22 characters).
    /// The value's type is hashed with it (the string `"5"` and the number `5` differ), and strings are
    /// normalised to NFC first, so equal-looking spellings get one pseudonym.
    public func pseudonym(of value: FieldValue) -> String {
        guard case .string(let text) = value else {
            return pseudonym { hash in value.canonicalBytes.withUnsafeBytes { hash.update($0) } }
        }
        // The common case hashes the string's own bytes: no copy, no allocation but the result's.
        var normalized = FieldValue.normalized(text)
        return pseudonym { hash in
            Self.stringTag.withUnsafeBytes { hash.update($0) }
            normalized.withUTF8 { hash.update(UnsafeRawBufferPointer($0)) }
        }
    }

    /// The pseudonym of a customer id: hashed under its own type, so no field value can equal it.
    public func pseudonym(ofSubject subject: SubjectID) -> String {
        var normalized = FieldValue.normalized(subject.rawValue)
        return pseudonym { hash in
            Self.subjectTag.withUnsafeBytes { hash.update($0) }
            normalized.withUTF8 { hash.update(UnsafeRawBufferPointer($0)) }
        }
    }

    /// `string:` and `subject:`, the type tags hashed before a value (the value's canonical bytes spell the
    /// others).
    private static let stringTag = Array("string:".utf8)
    private static let subjectTag = Array("subject:".utf8)

    private func pseudonym(_ message: (inout SHA256) -> Void) -> String {
        var hash = inner
        message(&hash)
        let innerDigest = hash.finalizeWords()
        var mac = outer
        withUnsafeBytes(of: innerDigest) { mac.update($0) }
        let digest = mac.finalizeWords()
        // `psn:<key id>:` and 16 bytes in base64url without padding (22 characters), written in place.
        return withUnsafeBytes(of: digest) { raw in
            String(unsafeUninitializedCapacity: prefix.count + Base64URL.encodedLength(of: 16)) { output in
                for (index, byte) in prefix.enumerated() { output[index] = byte }
                return Base64URL.write(UnsafeRawBufferPointer(rebasing: raw.prefix(16)), into: output, at: prefix.count)
            }
        }
    }
}
