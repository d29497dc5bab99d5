/// The compiled policy's decision-time tables in raw, immutable buffers, so that a decision reads them with plain
/// pointer arithmetic: no copy of the policy, no reference counting, no bounds-checked array per access.
///
/// Allocated once when the policy is compiled and freed with it; never written after `init`, hence `Sendable`.
final class CompiledTables: @unchecked Sendable {
    let fieldCount: Int
    let wordsPerSet: Int
    let purposes: UnsafeMutableBufferPointer<CompiledPurpose>
    /// Declared fields per purpose, `wordsPerSet` words each.
    let declaredWords: UnsafeMutableBufferPointer<UInt64>
    /// Sensitive fields by category.
    let sensitiveWords: UnsafeMutableBufferPointer<UInt64>
    /// Required strength for an adult, `purposes × fields`, as ``ConsentKind`` ranks.
    let requiredStrength: UnsafeMutableBufferPointer<UInt8>
    /// Per purpose, adult and minor, each kind: the fields that kind is strong enough for.
    let strengthWords: UnsafeMutableBufferPointer<UInt64>
    /// Recipient and destination indices of the purposes.
    let purposeReferences: UnsafeMutableBufferPointer<Int32>
    /// The policy, for the rare question only its calendar can answer (a zone changing offset at midnight).
    let policy: Policy

    init(
        policy: Policy, fieldCount: Int, wordsPerSet: Int, purposes: [CompiledPurpose], declaredWords: [UInt64],
        sensitiveWords: [UInt64], requiredStrength: [UInt8], strengthWords: [UInt64], purposeReferences: [Int32]
    ) {
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        self.policy = policy
        self.fieldCount = fieldCount
        self.wordsPerSet = wordsPerSet
        self.purposes = copy(purposes)
        self.declaredWords = copy(declaredWords)
        self.sensitiveWords = copy(sensitiveWords)
        self.requiredStrength = copy(requiredStrength)
        self.strengthWords = copy(strengthWords)
        self.purposeReferences = copy(purposeReferences)
    }

    deinit {
        for buffer in [declaredWords, sensitiveWords, strengthWords] { buffer.baseAddress?.deallocate() }
        purposes.baseAddress?.deallocate()
        requiredStrength.baseAddress?.deallocate()
        purposeReferences.baseAddress?.deallocate()
    }

    /// Word `word` of the fields a grant of `kind` is strong enough for under `purpose`.
    @inline(__always)
    func strengthMask(purpose: Int, kind: UInt8, minor: Bool, word: Int) -> UInt64 {
        strengthWords[((purpose &* 2 &+ (minor ? 1 : 0)) &* 3 &+ Int(kind)) &* wordsPerSet &+ word]
    }

    @inline(__always)
    func isDeclared(purpose: CompiledPurpose, field: Int) -> Bool {
        declaredWords[Int(purpose.declaredOffset) &+ (field &>> 6)] & (1 &<< UInt64(field & 63)) != 0
    }

    /// Whether a purpose's recipients (or destinations) in `start..<end` include `value`.
    @inline(__always)
    func references(from start: Int32, to end: Int32, contain value: Int32) -> Bool {
        var index = Int(start)
        while index < Int(end) {
            if purposeReferences[index] == value { return true }
            index &+= 1
        }
        return false
    }

    @inline(__always)
    func isSensitive(field: Int) -> Bool {
        sensitiveWords[field &>> 6] & (1 &<< UInt64(field & 63)) != 0
    }
}
