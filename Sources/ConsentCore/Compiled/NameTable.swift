/// Maps a policy's ids (purposes, fields, recipients, destinations, channels) to their dense indices, built once
/// when the policy is compiled and read on every question asked by name.
///
/// The names' UTF-8 bytes are kept back to back in one buffer; each bucket holds the upper half of the name's
/// ``IdentifierHash`` as a fingerprint beside its index, so a lookup is one hash of the question's bytes, usually
/// one bucket read, and one byte comparison — no `String` comparison, no bridging, no allocation for ASCII names.
/// Names are compared as Swift compares text (canonically equivalent spellings alike), as the ledger and the
/// reference evaluator compare them; non-ASCII text goes through Normalization Form C to get there. The table is at
/// most half full, so an unknown name ends at an empty bucket after a probe or two.
struct NameTable<ID: ConsentIdentifier>: Sendable {
    /// Every name's bytes, back to back.
    private let bytes: [UInt8]
    /// Where each name's bytes start in `bytes`; one more entry than there are names.
    private let offsets: [Int32]
    /// Fingerprint in the upper 32 bits, index + 1 in the lower (0 for an empty bucket); a power-of-two count.
    private let buckets: [UInt64]

    /// Policies are trusted input: their names need no secret seed.
    private static var seed: UInt64 { 0x436f_6e73_656e_744b }

    init(_ names: [ID]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(names.reduce(0) { $0 + $1.rawValue.utf8.count })
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(names.count + 1)
        var size = 8
        while size < names.count * 2 { size *= 2 }
        var buckets = [UInt64](repeating: 0, count: size)
        for (index, name) in names.enumerated() {
            // Kept and hashed in the form a lookup compares (see `IdentifierHash.withCanonicalBytes`).
            let hash = IdentifierHash.withCanonicalBytes(of: name.rawValue, seed: Self.seed) { canonical, hash in
                bytes.append(contentsOf: canonical)
                return hash
            }
            offsets.append(Int32(bytes.count))
            var bucket = Int(truncatingIfNeeded: hash) & (size - 1)
            while buckets[bucket] != 0 { bucket = (bucket + 1) & (size - 1) }
            buckets[bucket] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
        self.bytes = bytes
        self.offsets = offsets
        self.buckets = buckets
    }

    /// The index of `name`, or `nil`.
    @inline(__always)
    subscript(name: ID) -> Int32? {
        IdentifierHash.withCanonicalBytes(of: name.rawValue, seed: Self.seed) { self.find($0, hash: $1) }
    }

    /// The index of the name whose canonical bytes are `query`, or `nil`.
    @inline(__always)
    private func find(_ query: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
        return buckets.withUnsafeBufferPointer { buckets in
            offsets.withUnsafeBufferPointer { offsets in
                bytes.withUnsafeBytes { names in
                    let mask = buckets.count &- 1
                    var bucket = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let entry = buckets[bucket]
                        if entry == 0 { return nil }
                        if entry & 0xFFFF_FFFF_0000_0000 == fingerprint {
                            let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) &- 1
                            let start = Int(offsets[index])
                            let name = UnsafeRawBufferPointer(rebasing: names[start..<Int(offsets[index &+ 1])])
                            if IdentifierHash.equal(name, query) { return Int32(truncatingIfNeeded: index) }
                        }
                        bucket = (bucket &+ 1) & mask
                    }
                }
            }
        }
    }
}
