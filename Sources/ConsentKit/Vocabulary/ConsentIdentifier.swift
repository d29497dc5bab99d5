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
