/// A personal-data field that carries its Swift value type, so the compiler keeps values and fields together.
///
/// ```swift
/// enum CustomerFields {
///     static let email = PersonalDataField<String>("email", category: .contactEmail)
///     static let birthDate = PersonalDataField<CalendarDate>("birthDate", category: .demographicBirthDate)
/// }
/// let policy = try Policy(fields: [CustomerFields.email.definition, CustomerFields.birthDate.definition], ...)
/// ```
public struct PersonalDataField<Value: PersonalDataValue>: Sendable, Hashable {
    /// The field's id in the policy.
    public let id: FieldID
    /// The field's data category.
    public let category: CategoryID

    /// Declares a field.
    public init(_ id: FieldID, category: CategoryID) {
        self.id = id
        self.category = category
    }

    /// The interchange type of `Value`.
    public var type: FieldType { Value.fieldType }

    /// The field as a policy declares it.
    public var definition: FieldDefinition { FieldDefinition(id, category: category, type: Value.fieldType) }

    /// The field's sensitivity under the built-in PIPL categories alone. A policy may mark further categories
    /// sensitive, and any field of a minor under 14 is sensitive: ask ``Policy/sensitivity(of:)`` for the
    /// policy's answer.
    public var sensitivity: Sensitivity { CategoryCatalog.builtIn.sensitivity(of: category) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id && lhs.category == rhs.category }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// A field of the logical data model as a policy declares it: id, category and value type.
public struct FieldDefinition: Sendable, Hashable {
    /// The field's id.
    public var id: FieldID
    /// The field's category (built-in, policy-defined, or a dotted descendant of one of them).
    public var category: CategoryID
    /// The field's value type.
    public var type: FieldType

    /// Declares a field.
    public init(_ id: FieldID, category: CategoryID, type: FieldType) {
        self.id = id
        self.category = category
        self.type = type
    }
}
