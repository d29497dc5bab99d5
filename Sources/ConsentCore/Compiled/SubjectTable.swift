/// An open-addressing hash table from subject id to slot that stores only slot numbers and fingerprints — the ids
/// themselves are kept once, in the engine's `subjectIDs` — so a million subjects cost about 11 bytes each here.
///
/// Each bucket holds the upper half of the id's ``IdentifierHash`` as a fingerprint beside the slot, so a probe
/// that meets another subject's bucket moves on without reading that subject's id; the id is compared only when
/// the fingerprints agree (almost always the subject sought). The hash is keyed by a seed drawn for each table, so
/// ids chosen by an outsider cannot be aimed at one run of buckets. Buckets are placed by multiplying the hash
/// into the table's size (Lemire's reduction) rather than masking, so the table can be sized to its load: at most
/// three quarters full.
struct SubjectTable: Sendable {
    /// Fingerprint in the upper 32 bits, slot in the lower (0 for an empty bucket).
    private var buckets: [UInt64] = Array(repeating: 0, count: 16)
    private(set) var count = 0
    private let seed = UInt64.random(in: .min ... .max)

    var capacityBytes: Int { buckets.capacity * MemoryLayout<UInt64>.stride }

    @inline(__always)
    private func hash(_ subject: SubjectID) -> UInt64 {
        // Canonically equivalent ids hash alike, as `==` below (and the ledger's dictionary) treats them alike.
        IdentifierHash.withCanonicalBytes(of: subject.rawValue, seed: seed) { $1 }
    }

    @inline(__always)
    private static func start(_ hash: UInt64, size: Int) -> Int {
        // (`&>>` binds tighter than `&*`.)
        Int(truncatingIfNeeded: ((hash & 0xFFFF_FFFF) &* UInt64(truncatingIfNeeded: size)) &>> 32)
    }

    @inline(__always)
    func find(_ subject: SubjectID, in ids: UnsafeBufferPointer<SubjectID>) -> Int32? {
        let hash = hash(subject)
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
        return buckets.withUnsafeBufferPointer { buckets in
            let size = buckets.count
            var index = Self.start(hash, size: size)
            while true {
                let entry = buckets[index]
                if entry == 0 { return nil }
                if entry & 0xFFFF_FFFF_0000_0000 == fingerprint {
                    let slot = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
                    if ids[Int(slot)] == subject { return slot }
                }
                index &+= 1
                if index == size { index = 0 }
            }
        }
    }

    /// Inserts a subject known to be absent.
    mutating func insert(_ subject: SubjectID, slot: Int32, ids: [SubjectID]) {
        if (count + 1) * 4 > buckets.count * 3 { rebuild(size: buckets.count * 2, ids: ids) }
        place(hash(subject), slot: slot)
        count += 1
    }

    /// Sizes the table for `capacity` subjects at most three quarters full.
    mutating func reserve(_ capacity: Int, ids: [SubjectID]) {
        let size = max(16, capacity + capacity / 3 + 1)
        if size > buckets.count { rebuild(size: size, ids: ids) }
    }

    private mutating func place(_ hash: UInt64, slot: Int32) {
        let size = buckets.count
        var index = Self.start(hash, size: size)
        while buckets[index] != 0 {
            index += 1
            if index == size { index = 0 }
        }
        buckets[index] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: slot))
    }

    private mutating func rebuild(size: Int, ids: [SubjectID]) {
        let old = buckets
        buckets = Array(repeating: 0, count: size)
        for entry in old where entry != 0 {
            let slot = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            place(hash(ids[Int(slot)]), slot: slot)
        }
    }
}
