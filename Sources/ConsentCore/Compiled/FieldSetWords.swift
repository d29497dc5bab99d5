/// Bitset helpers over flat `[UInt64]` storage: a field set is `wordsPerSet` consecutive words at an offset.
///
/// Sets live in shared flat arrays rather than as values of their own so that a million subjects' grants cost no
/// allocation each, and a membership test is one load and one mask.
@usableFromInline
enum FieldSetWords {
    @inlinable
    static func contains(_ words: UnsafeBufferPointer<UInt64>, at offset: Int, field: Int) -> Bool {
        words[offset &+ (field &>> 6)] & (1 &<< UInt64(field & 63)) != 0
    }

    @inlinable
    static func insert(_ words: inout [UInt64], at offset: Int, field: Int) {
        words[offset + (field >> 6)] |= 1 << UInt64(field & 63)
    }
}
