public import ConsentKit

/// Builds a policy for a test field by field and purpose by purpose, then validates it like any other policy.
///
/// ```swift
/// var fixture = PolicyFixture()
/// fixture.field("email", category: .contactEmail)
/// fixture.field("face", category: .biometricFace, type: .bytes)
/// fixture.purpose("facepay", basis: .consent, fields: ["face"])
/// let policy = try fixture.build()
/// ```
public struct PolicyFixture: Sendable {
    /// The regime; PIPL by default.
    public var regime: Regime = .pipl
    /// The time zone for ages, or `nil` for the regime's default.
    public var timeZone: String?
    /// The minor age, or `nil` for the regime's default.
    public var minorAge: Int?
    /// When an age is reached, or `nil` for the regime's default.
    public var ageReachedOn: AgeBoundary?
    /// Categories the policy declares.
    public var categories: [DataCategory] = []
    /// Fields declared so far.
    public var fields: [FieldDefinition] = []
    /// Purposes declared so far.
    public var purposes: [Purpose] = []

    /// Starts an empty policy.
    public init() {}

    /// Declares a category (to mark it sensitive or requiring written consent).
    public mutating func category(_ id: CategoryID, sensitive: Bool? = nil, writtenConsent: Bool? = nil) {
        categories.append(DataCategory(id, sensitive: sensitive, writtenConsent: writtenConsent))
    }

    /// Declares a field.
    public mutating func field(_ id: FieldID, category: CategoryID, type: FieldType = .string) {
        fields.append(FieldDefinition(id, category: category, type: type))
    }

    /// Declares a typed field.
    public mutating func field<Value>(_ field: PersonalDataField<Value>) {
        fields.append(field.definition)
    }

    /// Declares a purpose.
    public mutating func purpose(_ purpose: Purpose) {
        purposes.append(purpose)
    }

    /// Declares a purpose from its most used parts.
    public mutating func purpose(
        _ id: PurposeID, basis: LegalBasis, fields: [FieldID] = [], categories: [CategoryID] = []
    ) {
        purposes.append(Purpose(id, basis: basis, fields: fields, categories: categories))
    }

    /// The validated policy.
    ///
    /// - Throws: ``ConsentKitError`` with every problem, as ``Policy/init(regime:timeZone:minorAge:ageReachedOn:categories:fields:purposes:)``.
    public func build() throws(ConsentKitError) -> Policy {
        try Policy(
            regime: regime, timeZone: timeZone, minorAge: minorAge, ageReachedOn: ageReachedOn, categories: categories,
            fields: fields, purposes: purposes)
    }
}
