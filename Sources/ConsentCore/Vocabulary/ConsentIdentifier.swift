/// A typed identifier: a string with a meaning, so that a purpose id cannot be passed where a field id belongs.
///
/// Purposes, fields and categories are open vocabularies — every business has its own — so they are structs
/// that users extend with `static let` values, like `HTTPField.Name`.
public protocol ConsentIdentifier: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
where RawValue == String {
    /// Creates the identifier from its text.
    init(_ rawValue: String)
}

extension ConsentIdentifier {
    /// Creates the identifier from its text.
    public init(rawValue: String) { self.init(rawValue) }
    /// Creates the identifier from a literal.
    public init(stringLiteral value: String) { self.init(value) }
    /// The identifier's text.
    public var description: String { rawValue }
    /// Orders by text, for stable output.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The one rule for the text of every identifier — subjects, grants, purposes, fields, categories, recipients,
/// destinations, guardians — applied wherever one enters: files, the ledger's checks, the CLI.
package enum IdentifierRule {
    /// The longest identifier accepted, in UTF-8 bytes: ids are keys, not documents.
    package static let maximumLength = 1_024

    /// Why `text` is not a valid identifier, or `nil`: it must not be empty, longer than ``maximumLength`` bytes,
    /// begin or end with white space (`" c1"` and `"c1"` would be two customers that print alike), or hold a control
    /// character (which could forge lines in logs and reports).
    package static func problem(with text: String) -> String? {
        // Most ids are short printable ASCII: no control character, and white space only as a space, which must not
        // begin or end it. Decided on the bytes, without looking up any Unicode property.
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20, utf8.count <= maximumLength,
            utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        {
            return nil
        }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else {
            return "an identifier must not be empty"
        }
        if first.properties.isWhitespace || last.properties.isWhitespace {
            return "`\(text.escapingControlCharacters)` begins or ends with white space"
        }
        if text.utf8.count > maximumLength {
            return "an identifier of \(text.utf8.count) bytes is longer than \(maximumLength)"
        }
        if text.unicodeScalars.contains(where: \.isControlCharacter) {
            return "`\(text.escapingControlCharacters)` holds a control character"
        }
        return nil
    }
}

/// The rule for free text an event records (an objection's rejection grounds, a restriction's ground, an opt-out's
/// source): at most ``maximumLength`` UTF-8 bytes and no control character, so it cannot forge lines in logs.
package enum TextRule {
    /// The longest text accepted, in UTF-8 bytes.
    package static let maximumLength = 4_096

    /// Why `text` is not acceptable, or `nil`.
    package static func problem(with text: String) -> String? {
        if text.utf8.count > maximumLength {
            return "a text of \(text.utf8.count) bytes is longer than \(maximumLength)"
        }
        if text.unicodeScalars.contains(where: \.isControlCharacter) {
            return "`\(text.escapingControlCharacters)` holds a control character"
        }
        return nil
    }
}
