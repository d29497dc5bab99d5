/// One customer's record: typed values for fields of a policy, keyed by the policy's fields.
///
/// ```swift
/// var record = PersonalRecord(subject: "alice", schema: policy.recordSchema)
/// try record.set(CustomerFields.name, to: "欧阳娜娜")
/// try record.set(CustomerFields.birthDate, to: CalendarDate(year: 2013, month: 5, day: 1)!)
/// let name = record[CustomerFields.name]  // "欧阳娜娜"
/// ```
///
/// A record only holds values of the type its policy declares for the field, so a view never meets a date where it
/// expects a name. Records read from JSON Lines go through the same checks (`PersonalRecord.records(jsonLines:…)`).
public struct PersonalRecord: Sendable, Hashable {
    /// Whose record it is.
    public let subject: SubjectID
    /// The policy layout the values follow.
    public let schema: RecordSchema
    /// One slot per field of the schema, `nil` where the record has no value.
    package private(set) var values: [FieldValue?]

    /// An empty record of `subject` for the fields of `schema`.
    public init(subject: SubjectID, schema: RecordSchema) {
        self.subject = subject
        self.schema = schema
        self.values = Array(repeating: nil, count: schema.fields.count)
    }

    /// The value of a typed field, or `nil` when the record has none (or the policy declares the field with
    /// another type or not at all).
    public subscript<Value: PersonalDataValue>(field: PersonalDataField<Value>) -> Value? {
        self[field.id].flatMap { $0.value(as: Value.self) }
    }

    /// The value of a field by id, or `nil` when the record has none.
    public subscript(field: FieldID) -> FieldValue? {
        schema.position(of: field).flatMap { values[$0] }
    }

    /// Sets (or with `nil` removes) the value of a typed field.
    ///
    /// - Throws: ``ConsentKitError`` `unknownIdentifier` for a field the policy does not declare, `wrongType` when
    ///   the policy declares it with another type, `invalidValue` for a number that is not finite or an instant
    ///   outside years 1–9999.
    public mutating func set<Value: PersonalDataValue>(_ field: PersonalDataField<Value>, to value: Value?)
        throws(ConsentKitError)
    {
        try set(field.id, to: value.map { FieldValue($0) })
    }

    /// Sets (or with `nil` removes) the value of a field by id, checked as ``set(_:to:)-(PersonalDataField<Value>,_)``.
    public mutating func set(_ field: FieldID, to value: FieldValue?) throws(ConsentKitError) {
        let path = JSONPath("fields") + field.rawValue
        guard let position = schema.position(of: field) else {
            throw ConsentKitError(
                code: .unknownIdentifier, message: "the policy declares no field `\(field)`",
                location: InputLocation(path: path.description))
        }
        if let value {
            let declared = schema.fields[position].type
            guard value.type == declared else {
                throw ConsentKitError(
                    code: .wrongType,
                    message: "field `\(field)` holds `\(declared.rawValue)` values, not `\(value.type.rawValue)`",
                    location: InputLocation(path: path.description))
            }
            if let problem = value.problem {
                throw ConsentKitError(
                    code: .invalidValue, message: "field `\(field)`: \(problem)",
                    location: InputLocation(path: path.description))
            }
        }
        values[position] = value
    }

    /// The fields that have a value, in the policy's order.
    public var presentFields: [FieldID] {
        values.indices.compactMap { values[$0] == nil ? nil : schema.fields[$0].id }
    }

    /// Sets a value already checked against the schema (the JSON reader's path).
    package mutating func setChecked(_ value: FieldValue, at position: Int) { values[position] = value }
}
