/// The decisions for the fields of one record, for one purpose at one instant.
public struct RecordDecision: Sendable, Hashable {
    /// The fields asked about, in order.
    public let fields: [FieldID]
    /// The decision for each field, in the same order.
    public let decisions: [Decision]

    /// Creates a record decision.
    public init(fields: [FieldID], decisions: [Decision]) {
        precondition(fields.count == decisions.count, "one decision per field")
        self.fields = fields
        self.decisions = decisions
    }

    /// The fields the purpose may use.
    public var allowedFields: [FieldID] {
        zip(fields, decisions).filter { $0.1.isAllowed }.map(\.0)
    }

    /// The decision for a field, or `nil` when it was not asked about.
    public subscript(field: FieldID) -> Decision? {
        fields.firstIndex(of: field).map { decisions[$0] }
    }
}
