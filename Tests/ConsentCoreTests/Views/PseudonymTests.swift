import ConsentKit
import Foundation
import Testing

/// Keyed pseudonyms: stable for one key, purpose and recipient; different for another of each; NFC-normalised; and a
/// key that never shows its secret.
@Suite struct PseudonymTests {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)

    func pseudonym(
        _ value: FieldValue, key id: String = "k1", secret: [UInt8] = Self.secret, purpose: PurposeID = "partner.x",
        recipient: RecipientID? = "acme"
    ) throws -> String {
        try PseudonymKey(id: id, secret: secret).pseudonymiser(purpose: purpose, recipient: recipient)
            .pseudonym(of: value)
    }

    @Test func stableAcrossRunsAndPinned() throws {
        // Pinned: a change here changes every pseudonym a user has ever shared, which must never happen silently.
        let value = try pseudonym(.string("13812345678"))
        #expect(value == PseudonymTests.pinned, "got \(value)")
        #expect(value.hasPrefix("psn:k1:") && value.count == "psn:k1:".count + 22)
        #expect(try pseudonym(.string("13812345678")) == value)
    }

    static let pinned = "psn:k1:" + PseudonymTests.expectedTail

    /// HMAC-SHA-256(key, domain ‖ type ‖ value), the domain being the length-prefixed format tag, key id, purpose and
    /// recipient,, computed independently of the library's SHA-256 (with Python's `hmac`)
    /// when the pin was made; see the test above.
    static let expectedTail = "dWyH2tls7pY6RQ2oyorEaA"

    @Test func rotationChangesEveryPseudonym() throws {
        let old = try pseudonym(.string("13812345678"))
        let sameIDNewSecret = try pseudonym(
            .string("13812345678"), secret: Array("fedcba9876543210fedcba9876543210".utf8))
        let newID = try pseudonym(.string("13812345678"), key: "k2")
        #expect(old != sameIDNewSecret)
        #expect(newID.hasPrefix("psn:k2:"))
        // The key id is hashed in too: the same secret under another id links nothing.
        #expect(newID.dropFirst(7) != old.dropFirst(7))
    }

    @Test func separatedPerPurposeAndRecipient() throws {
        let base = try pseudonym(.string("张三"))
        #expect(try pseudonym(.string("张三"), purpose: "partner.y") != base)
        #expect(try pseudonym(.string("张三"), recipient: "other") != base)
        #expect(try pseudonym(.string("张三"), recipient: nil) != base)
        // The parts are length-prefixed: moving a character between purpose and recipient changes the domain.
        #expect(
            try pseudonym(.string("v"), purpose: "ab", recipient: "c")
                != pseudonym(.string("v"), purpose: "a", recipient: "bc"))
    }

    @Test func canonicallyEqualSpellingsGetOnePseudonym() throws {
        #expect(try pseudonym(.string("Zo\u{00E9}")) == pseudonym(.string("Zoe\u{0301}")))
        #expect(try pseudonym(.string("a")) != pseudonym(.string("A")))
        #expect(
            try pseudonym(.stringList(["ab", "c"])) != pseudonym(.stringList(["a", "bc"])),
            "list items are length-prefixed")
        #expect(try pseudonym(.int(12)) != pseudonym(.string("12")), "the type is hashed with the value")
        let pseudonymiser = try PseudonymKey(id: "k1", secret: Self.secret).pseudonymiser(purpose: "p", recipient: nil)
        #expect(pseudonymiser.pseudonym(ofSubject: "alice") != pseudonymiser.pseudonym(of: .string("subject:alice")))
    }

    @Test func keysRefuseShortSecretsAndOddIDs() {
        #expect(throws: ConsentKitError(code: .invalidValue)) {
            try PseudonymKey(id: "k", secret: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: ConsentKitError(code: .invalidValue)) { try PseudonymKey(id: "", secret: Self.secret) }
        #expect(throws: ConsentKitError(code: .invalidValue)) { try PseudonymKey(id: "k:1", secret: Self.secret) }
        #expect(throws: ConsentKitError(code: .invalidValue)) { try PseudonymKey(id: "k\n", secret: Self.secret) }
    }

    @Test func aKeyNeverPrintsItsSecret() throws {
        let key = try PseudonymKey(id: "k1", secret: Self.secret)
        var dumped = ""
        dump(key, to: &dumped)
        for text in [
            String(describing: key), String(reflecting: key), dumped,
            "\(key.pseudonymiser(purpose: "p", recipient: nil))",
        ] {
            #expect(!text.contains("0123456789abcdef"), "\(text)")
            #expect(text.contains("k1"))
        }
        #expect(Mirror(reflecting: key).children.count == 1)
    }
}
