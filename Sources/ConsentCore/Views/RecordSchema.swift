/// The layout of a policy's records: its fields in policy order, so that a ``PersonalRecord`` keeps a value per
/// field in an array and a view reads it by position, with no lookup by name on the projection path.
///
/// Every ``Policy`` has one (``Policy/recordSchema``); records made from the same policy share it.
public final class RecordSchema: Sendable {
    /// The fields, in the policy's order.
    public let fields: [FieldDefinition]
    private let index: [FieldID: Int]

    package init(fields: [FieldDefinition]) {
        self.fields = fields
        self.index = Dictionary(fields.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The position of a field, or `nil` for a field the policy does not declare.
    public func position(of field: FieldID) -> Int? { index[field] }
}

extension RecordSchema: Hashable {
    /// Two schemas are equal when they list the same fields in the same order.
    public static func == (lhs: RecordSchema, rhs: RecordSchema) -> Bool {
        lhs === rhs || lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }
}
