/// An open-addressing hash table from subject id to slot that stores only slot numbers — the ids themselves are
/// kept once, in the engine's `subjectIDs` — so a million subjects cost 8 bytes each here instead of a
/// dictionary's 30-odd.
struct SubjectTable: Sendable {
    /// Slot numbers, 0 for empty; the capacity is a power of two, at most half full.
    private var buckets: [Int32] = Array(repeating: 0, count: 16)
    private(set) var count = 0

    var capacityBytes: Int { buckets.capacity * MemoryLayout<Int32>.stride }

    @inline(__always)
    func find(_ subject: SubjectID, in ids: UnsafeBufferPointer<SubjectID>) -> Int32? {
        let mask = buckets.count &- 1
        var index = subject.hashValue & mask
        while true {
            let slot = buckets[index]
            if slot == 0 { return nil }
            if ids[Int(slot)] == subject { return slot }
            index = (index &+ 1) & mask
        }
    }

    /// Inserts a subject known to be absent.
    mutating func insert(_ subject: SubjectID, slot: Int32, ids: [SubjectID]) {
        if (count + 1) * 2 > buckets.count { grow(ids: ids) }
        place(subject, slot: slot)
        count += 1
    }

    mutating func reserve(_ capacity: Int, ids: [SubjectID]) {
        var size = buckets.count
        while size < capacity * 2 { size *= 2 }
        if size != buckets.count { rebuild(size: size, ids: ids) }
    }

    private mutating func place(_ subject: SubjectID, slot: Int32) {
        let mask = buckets.count - 1
        var index = subject.hashValue & mask
        while buckets[index] != 0 { index = (index + 1) & mask }
        buckets[index] = slot
    }

    private mutating func grow(ids: [SubjectID]) { rebuild(size: buckets.count * 2, ids: ids) }

    private mutating func rebuild(size: Int, ids: [SubjectID]) {
        let old = buckets
        buckets = Array(repeating: 0, count: size)
        for slot in old where slot != 0 { place(ids[Int(slot)], slot: slot) }
    }
}
