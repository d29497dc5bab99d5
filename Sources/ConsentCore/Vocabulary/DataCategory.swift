/// A category of personal data in the dotted hierarchy, as the built-in catalogue or a policy declares it.
///
/// `contact` is the parent of `contact.email`; a grant or purpose that names a category covers every field whose
/// category is that category or a descendant. A descendant inherits `sensitive` and `writtenConsent` from every
/// ancestor, and cannot undo them.
public struct DataCategory: Sendable, Hashable {
    /// The category's dotted id.
    public var id: CategoryID
    /// `true` or `false` when declared; `nil` to inherit from the ancestors (not sensitive if none is).
    public var sensitive: Bool?
    /// Whether a law requires written consent for this category (PIPL Art. 29); `nil` to inherit.
    public var writtenConsent: Bool?

    /// Declares a category.
    public init(_ id: CategoryID, sensitive: Bool? = nil, writtenConsent: Bool? = nil) {
        self.id = id
        self.sensitive = sensitive
        self.writtenConsent = writtenConsent
    }
}

extension CategoryID {
    /// The ids of this category's ancestors and itself, outermost first: `a`, `a.b`, `a.b.c`.
    public var lineage: [CategoryID] {
        var result: [CategoryID] = []
        var prefix = ""
        for segment in rawValue.split(separator: ".", omittingEmptySubsequences: false) {
            prefix = prefix.isEmpty ? String(segment) : prefix + "." + segment
            result.append(CategoryID(prefix))
        }
        return result
    }

    /// Whether `self` is `other` or one of its ancestors, by whole dotted segments.
    public func covers(_ other: CategoryID) -> Bool {
        other.rawValue == rawValue
            || (other.rawValue.hasPrefix(rawValue)
                && other.rawValue.utf8.dropFirst(rawValue.utf8.count).first == UInt8(ascii: "."))
    }

    /// Whether the id is well-formed: dot-separated segments, none empty, no white space.
    public var isWellFormed: Bool {
        !rawValue.isEmpty
            && rawValue.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { segment in
                !segment.isEmpty && !segment.contains { $0.isWhitespace }
            }
    }
}
