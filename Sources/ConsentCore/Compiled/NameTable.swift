/// Maps a policy's ids (purposes, fields, recipients, destinations, channels) to their dense indices, built once
/// when the policy is compiled and read on every question asked by name.
///
/// The names' UTF-8 bytes are kept back to back in one buffer; each bucket holds the upper half of the name's
/// ``IdentifierHash`` as a fingerprint beside its index, so a lookup is one hash of the question's bytes, usually
/// one bucket read, and one byte comparison — no `String` comparison, no bridging, no allocation for ASCII names.
/// Names are compared as Swift compares text (canonically equivalent spellings alike), as the ledger and the
/// reference evaluator compare them; non-ASCII text goes through Normalization Form C to get there.
struct NameTable<ID: ConsentIdentifier>: Sendable {
    /// The table's buffers, allocated once and never written after `init`.
    private let storage: Storage

    /// Policies are trusted input: their names need no secret seed.
    private static var seed: UInt64 { 0x436f_6e73_656e_744b }

    /// Raw buffers rather than arrays: a lookup reads them through plain pointers taken before it hashes, so the
    /// closure that sees the question's bytes captures no reference-counted value.
    private final class Storage: @unchecked Sendable {
        /// Every name's canonical bytes, back to back.
        let bytes: UnsafeMutableRawBufferPointer
        /// Where each name's bytes start in `bytes`; one more entry than there are names.
        let offsets: UnsafeMutableBufferPointer<Int32>
        /// Fingerprint in the upper 32 bits, index + 1 in the lower (0 for an empty bucket); a power-of-two count.
        let buckets: UnsafeMutableBufferPointer<UInt64>

        init(bytes: [UInt8], offsets: [Int32], buckets: [UInt64]) {
            self.bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 8)
            self.bytes.copyBytes(from: bytes)
            self.offsets = UnsafeMutableBufferPointer.allocate(capacity: offsets.count)
            _ = self.offsets.initialize(from: offsets)
            self.buckets = UnsafeMutableBufferPointer.allocate(capacity: buckets.count)
            _ = self.buckets.initialize(from: buckets)
        }

        deinit {
            bytes.deallocate()
            offsets.deallocate()
            buckets.deallocate()
        }
    }

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
        storage = Storage(bytes: bytes, offsets: offsets, buckets: buckets)
    }

    /// The index of `name`, or `nil`.
    @inline(__always)
    subscript(name: ID) -> Int32? {
        // The pointers stay valid for the call: `self` holds `storage`.
        let names = UnsafeRawBufferPointer(storage.bytes)
        let offsets = UnsafeBufferPointer(storage.offsets)
        let buckets = UnsafeBufferPointer(storage.buckets)
        return IdentifierHash.withCanonicalBytes(of: name.rawValue, seed: Self.seed) { query, hash in
            Self.find(query, hash: hash, buckets: buckets, offsets: offsets, names: names)
        }
    }

    /// The index of the name whose canonical bytes are `query`, or `nil`.
    @inline(__always)
    private static func find(
        _ query: UnsafeRawBufferPointer, hash: UInt64, buckets: UnsafeBufferPointer<UInt64>,
        offsets: UnsafeBufferPointer<Int32>, names: UnsafeRawBufferPointer
    ) -> Int32? {
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
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
