/// Maps a policy's ids (purposes, fields, recipients, destinations) to their dense indices with an FNV-1a hash of
/// the UTF-8 bytes and open addressing: several times cheaper than `Dictionary`'s seeded SipHash for the short ids
/// policies use, which matters when compiling millions of grants and resolving questions by name.
struct NameTable<ID: ConsentIdentifier>: Sendable {
    private let names: [ID]
    /// Index + 1 into `names`, 0 for empty; a power-of-two size at most half full.
    private let buckets: [Int32]

    init(_ names: [ID]) {
        self.names = names
        var size = 8
        while size < names.count * 2 { size *= 2 }
        var buckets = [Int32](repeating: 0, count: size)
        for (index, name) in names.enumerated() {
            var bucket = Self.hash(name.rawValue) & (size - 1)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & (size - 1) }
            buckets[bucket] = Int32(index + 1)
        }
        self.buckets = buckets
    }

    @inline(__always)
    static func hash(_ text: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The index of `name`, or `nil`.
    @inline(__always)
    subscript(name: ID) -> Int32? {
        let mask = buckets.count &- 1
        var bucket = Self.hash(name.rawValue) & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return nil }
            if names[Int(entry) &- 1] == name { return entry &- 1 }
            bucket = (bucket &+ 1) & mask
        }
    }
}
