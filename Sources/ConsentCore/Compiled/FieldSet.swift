/// A set of fields by index, reusable across record views.
public struct FieldSet: Sendable, Hashable {
    /// The bits, 64 fields a word.
    public package(set) var words: [UInt64]

    /// An empty set with room for `fieldCount` fields.
    public init(fieldCount: Int = 64) { words = Array(repeating: 0, count: max(1, (fieldCount + 63) / 64)) }

    /// Empties the set, resized to `wordCount` words (keeping its storage when it has that many).
    mutating func reset(wordCount: Int) {
        if words.count != wordCount { words = Array(repeating: 0, count: wordCount) }
        for index in words.indices { words[index] = 0 }
    }

    /// Whether the field with this index is in the set.
    public func contains(_ field: Int32) -> Bool {
        let word = Int(field) >> 6
        return field >= 0 && word < words.count && words[word] & (1 << UInt64(field & 63)) != 0
    }

    /// The number of fields in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The indices in the set, ascending.
    public var indices: [Int32] { (0..<Int32(words.count * 64)).filter { contains($0) } }
}
