public import Foundation

/// A ``Policy`` compiled once into dense integer ids and bitsets for the compiled evaluator: immutable, `Sendable`,
/// and shared by any number of threads with no lock.
///
/// Purposes and fields get the indices they have in ``Policy/purposes`` and ``Policy/fields``. Per purpose it keeps
/// the declared fields as a bitset, the recipients, destinations and channels as small index lists, and the basis
/// and flags; per purpose and field the consent strength step 6 requires of an adult (a minor's is at least
/// separate). Every prefix of every field's category maps to the set of fields it covers, so a grant's categories
/// compile to a bitset with no string work at decision time.
///
/// - Complexity: compiling is O(*P* · *F* + *C*) for *P* purposes, *F* fields and *C* category prefixes.
public struct CompiledPolicy: Sendable {
    /// The source policy.
    public let policy: Policy
    /// The number of fields.
    public let fieldCount: Int
    /// 64-bit words per field set.
    public let wordsPerSet: Int
    /// Whether the policy reaches beyond PIPL v1 (``Policy/usesRegimesBeyondPIPL``): its subjects are then decided
    /// by the reference evaluator.
    public let usesRegimesBeyondPIPL: Bool

    let purposeIndex: NameTable<PurposeID>
    let fieldIndex: NameTable<FieldID>
    let recipientIndex: NameTable<RecipientID>
    let destinationIndex: NameTable<Destination>
    /// ``Channel/knownChannels`` by name.
    let channelIndex = NameTable(Channel.knownChannels)
    /// Names by index, to turn a resolved question back into names.
    let recipientNames: [RecipientID]
    let destinationNames: [Destination]
    /// The decision-time tables.
    let tables: CompiledTables
    /// For every category prefix of a field's category: the fields it covers (offset into `coverageWords`).
    let categoryCoverage: [CategoryID: Int32]
    let coverageWords: [UInt64]

    /// Compiles a policy.
    public init(_ policy: Policy) {
        self.policy = policy
        usesRegimesBeyondPIPL = policy.usesRegimesBeyondPIPL
        fieldCount = policy.fields.count
        wordsPerSet = max(1, (fieldCount + 63) / 64)
        fieldIndex = NameTable(policy.fields.map(\.id))
        purposeIndex = NameTable(policy.purposes.map(\.id))

        var recipients: [RecipientID: Int32] = [:]
        var destinations: [Destination: Int32] = [:]
        for purpose in policy.purposes {
            for recipient in purpose.thirdParty?.recipients ?? [] where recipients[recipient] == nil {
                recipients[recipient] = Int32(recipients.count)
            }
            for destination in purpose.crossBorder?.destinations ?? [] where destinations[destination] == nil {
                destinations[destination] = Int32(destinations.count)
            }
        }
        recipientNames = recipients.sorted { $0.value < $1.value }.map(\.key)
        destinationNames = destinations.sorted { $0.value < $1.value }.map(\.key)
        recipientIndex = NameTable(recipientNames)
        destinationIndex = NameTable(destinationNames)

        let words = wordsPerSet
        var coverage: [CategoryID: Int32] = [:]
        var coverageWords: [UInt64] = []
        var sensitive = [UInt64](repeating: 0, count: words)
        var writtenByField = [Bool](repeating: false, count: fieldCount)
        for (offset, field) in policy.fields.enumerated() {
            for prefix in field.category.lineage {
                let start: Int
                if let existing = coverage[prefix] {
                    start = Int(existing)
                } else {
                    start = coverageWords.count
                    coverage[prefix] = Int32(start)
                    coverageWords.append(contentsOf: repeatElement(0, count: words))
                }
                FieldSetWords.insert(&coverageWords, at: start, field: offset)
            }
            let resolution = policy.catalog.resolve(field.category)
            if resolution?.sensitivity.isSensitive == true { FieldSetWords.insert(&sensitive, at: 0, field: offset) }
            writtenByField[offset] = resolution?.writtenConsent ?? false
        }
        categoryCoverage = coverage
        self.coverageWords = coverageWords

        var compiled: [CompiledPurpose] = []
        var declared: [UInt64] = []
        var references: [Int32] = []
        var required: [UInt8] = []
        required.reserveCapacity(policy.purposes.count * fieldCount)
        for purpose in policy.purposes {
            let declaredOffset = declared.count
            declared.append(contentsOf: repeatElement(0, count: words))
            // By the purpose's own lists, not by testing every field: O(declared), not O(fields × declared).
            for field in purpose.fields {
                if let index = fieldIndex[field] {
                    FieldSetWords.insert(&declared, at: declaredOffset, field: Int(index))
                }
            }
            for category in purpose.categories {
                guard let start = coverage[category] else { continue }
                for word in 0..<words { declared[declaredOffset + word] |= coverageWords[Int(start) + word] }
            }
            let recipientStart = references.count
            references.append(contentsOf: (purpose.thirdParty?.recipients ?? []).compactMap { recipients[$0] })
            let destinationStart = references.count
            references.append(contentsOf: (purpose.crossBorder?.destinations ?? []).compactMap { destinations[$0] })
            var channelMask: UInt8 = 0
            for channel in purpose.channels {
                if let bit = Channel.knownChannels.firstIndex(of: channel) { channelMask |= 1 << UInt8(bit) }
            }
            let needsSeparate =
                purpose.thirdParty != nil || purpose.publicDisclosure || purpose.crossBorder != nil
                || purpose.surveillanceImages
            for offset in 0..<fieldCount {
                let isSensitive = sensitive[offset >> 6] & (1 << UInt64(offset & 63)) != 0
                let kind: ConsentKind =
                    purpose.writtenConsent || writtenByField[offset]
                    ? .written : (isSensitive || needsSeparate ? .separate : .ordinary)
                required.append(kind.rank)
            }
            compiled.append(
                CompiledPurpose(
                    basis: purpose.basis, declaredOffset: Int32(declaredOffset),
                    recipientStart: Int32(recipientStart), recipientEnd: Int32(destinationStart),
                    destinationEnd: Int32(references.count), channelMask: channelMask,
                    consentVersion: Int32(clamping: purpose.consentVersion), marketing: purpose.marketing,
                    automatedDecision: purpose.automatedDecision, providesToOthers: purpose.providesToOthers,
                    hasThirdParty: purpose.thirdParty != nil, hasCrossBorder: purpose.crossBorder != nil))
        }
        var strength = [UInt64](repeating: 0, count: policy.purposes.count * 6 * words)
        for purposeOffset in policy.purposes.indices {
            for field in 0..<fieldCount {
                let adult = required[purposeOffset * fieldCount + field]
                for minor in 0..<2 {
                    let needed = minor == 1 ? max(adult, 1) : adult
                    for kind in Int(needed)...2 {
                        FieldSetWords.insert(
                            &strength, at: ((purposeOffset * 2 + minor) * 3 + kind) * words, field: field)
                    }
                }
            }
        }
        tables = CompiledTables(
            policy: policy, fieldCount: fieldCount, wordsPerSet: words, purposes: compiled, declaredWords: declared,
            sensitiveWords: sensitive, requiredStrength: required, strengthWords: strength,
            purposeReferences: references)
    }

    /// The dense index of a purpose, or `nil`.
    public func index(ofPurpose purpose: PurposeID) -> Int32? { purposeIndex[purpose] }

    /// The dense index of a field, or `nil`.
    public func index(ofField field: FieldID) -> Int32? { fieldIndex[field] }

    /// Resolves a question's names to indices once, so that it can be asked of many subjects or many times.
    public func compile(_ question: ConsentQuestion) -> CompiledQuestion {
        compile(
            purpose: question.purpose, field: question.field, at: question.instant, recipient: question.recipient,
            destination: question.destination, channel: question.channel)
    }

    /// Resolves a question's names, given one by one, to indices: each name is one hash of its UTF-8 bytes and,
    /// typically, one comparison of bytes in the tables built when the policy was compiled.
    @inline(__always)
    public func compile(
        purpose: PurposeID, field: FieldID, at instant: Date, recipient: RecipientID? = nil,
        destination: Destination? = nil, channel: Channel? = nil
    ) -> CompiledQuestion {
        CompiledQuestion(
            purpose: purposeIndex[purpose] ?? CompiledQuestion.unknown,
            field: fieldIndex[field] ?? CompiledQuestion.unknown, at: instant,
            recipient: recipient.map { recipientIndex[$0] ?? CompiledQuestion.unknown } ?? CompiledQuestion.none,
            destination: destination.map { destinationIndex[$0] ?? CompiledQuestion.unknown }
                ?? CompiledQuestion.none,
            channel: channel.map { channelIndex[$0] ?? CompiledQuestion.unknown } ?? CompiledQuestion.none)
    }

    /// The fields a grant covers, by field and by category: the set itself when the policy has at most 64 fields,
    /// otherwise the offset in `words` of the set appended there.
    func fieldSet(of grant: ConsentGrant, appendingTo words: inout [UInt64]) -> UInt64 {
        var fields: UInt64 = 0
        var wideOffset = 0
        if wordsPerSet > 1 {
            wideOffset = words.count
            words.append(contentsOf: repeatElement(0, count: wordsPerSet))
            fields = UInt64(wideOffset)
        }
        for field in grant.fields {
            guard let index = fieldIndex[field] else { continue }
            if wordsPerSet > 1 {
                FieldSetWords.insert(&words, at: wideOffset, field: Int(index))
            } else {
                fields |= 1 << UInt64(index)
            }
        }
        for category in grant.categories {
            guard let coverage = coverage(of: category) else { continue }
            for word in 0..<wordsPerSet {
                if wordsPerSet > 1 {
                    words[wideOffset + word] |= coverageWords[coverage + word]
                } else {
                    fields |= coverageWords[coverage]
                }
            }
        }
        return fields
    }

    /// The first word of a category prefix's coverage set, or `nil` when it covers no field of the policy.
    func coverage(of category: CategoryID) -> Int? { categoryCoverage[category].map(Int.init) }
}

/// A purpose in compiled form: its basis and flags, and where its declared fields and references are.
struct CompiledPurpose: Sendable {
    var basis: LegalBasis
    var declaredOffset: Int32
    var recipientStart: Int32
    var recipientEnd: Int32
    var destinationEnd: Int32
    var channelMask: UInt8
    var consentVersion: Int32
    var marketing: Bool
    var automatedDecision: Bool
    var providesToOthers: Bool
    var hasThirdParty: Bool
    var hasCrossBorder: Bool
}

/// A question with its names resolved to the dense indices of a ``CompiledPolicy``.
public struct CompiledQuestion: Sendable, Hashable {
    /// Marks a name the policy does not know.
    public static let unknown: Int32 = -1
    /// Marks an optional part the question does not have.
    public static let none: Int32 = -2

    /// The purpose's index, or ``unknown``.
    public var purpose: Int32
    /// The field's index, or ``unknown``.
    public var field: Int32
    /// The instant.
    public var at: Date
    /// The recipient's index, ``unknown``, or ``none``.
    public var recipient: Int32
    /// The destination's index, ``unknown``, or ``none``.
    public var destination: Int32
    /// The channel's index in ``Channel/knownChannels``, ``unknown``, or ``none``.
    public var channel: Int32

    /// Creates a resolved question.
    public init(
        purpose: Int32, field: Int32, at: Date, recipient: Int32 = none, destination: Int32 = none,
        channel: Int32 = none
    ) {
        self.purpose = purpose
        self.field = field
        self.at = at
        self.recipient = recipient
        self.destination = destination
        self.channel = channel
    }
}
