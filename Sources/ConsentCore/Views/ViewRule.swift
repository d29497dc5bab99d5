/// One rule of a view: a transform for a field, or for every field of a category.
public struct ViewRule: Sendable, Hashable {
    /// What the rule applies to.
    public enum Target: Sendable, Hashable {
        /// One field.
        case field(FieldID)
        /// Every field whose category this one covers (itself and its dotted descendants).
        case category(CategoryID)
    }

    /// What it applies to.
    public let target: Target
    /// What it does.
    public let transform: FieldTransform

    /// A rule for one field.
    public init(field: FieldID, _ transform: FieldTransform) {
        self.target = .field(field)
        self.transform = transform
    }

    /// A rule for every field of a category.
    public init(category: CategoryID, _ transform: FieldTransform) {
        self.target = .category(category)
        self.transform = transform
    }

    /// Whether the rule applies to `field`.
    public func applies(to field: FieldDefinition) -> Bool {
        switch target {
        case .field(let id): id == field.id
        case .category(let category): category.covers(field.category)
        }
    }
}
