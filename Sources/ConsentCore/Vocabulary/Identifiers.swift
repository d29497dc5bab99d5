// The typed identifiers are one-line wrappers; ConsentIdentifier gives them their behaviour, so they share a file.

/// Identifies a data subject: a customer, a device before registration, an employee.
public struct SubjectID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a consent grant in a ledger; unique within it.
public struct GrantID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a purpose of processing, such as `marketing.email`.
public struct PurposeID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a personal-data field of the logical data model, such as `email`.
public struct FieldID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a data category. Ids are dotted: `contact` is the parent of `contact.email`.
public struct CategoryID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// Identifies another personal-information processor that a purpose provides data to (PIPL Art. 23).
public struct RecipientID: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A place outside the mainland that data is transferred to (PIPL Art. 38–39), such as a country code `SG`.
public struct Destination: ConsentIdentifier {
    /// The identifier's text.
    public let rawValue: String
    /// Creates the identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
