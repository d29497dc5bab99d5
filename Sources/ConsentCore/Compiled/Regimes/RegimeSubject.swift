internal import Foundation

/// One subject's record compiled for the regime evaluator: its standing after each instant at which it changed,
/// and its grants one slot per purpose. Built once per change of the subject, read by any number of threads.
final class RegimeSubject: Sendable {
    /// The subject's standing from each instant on, in time order; the first holds from the beginning of time.
    let versions: [RegimeStateVersion]
    /// One slot per grant and purpose it names that the policy knows, in ledger order.
    let grants: [RegimeGrantSlot]
    /// Recipients, then destinations, of the grants that name them (indices of the compiled policy).
    let references: [Int32]
    /// Field sets of grants, for policies of more than 64 fields.
    let words: [UInt64]
    /// The subject's grant ids by ordinal (their position among the subject's grants in the ledger).
    let grantIDs: [GrantID]

    init(
        versions: [RegimeStateVersion], grants: [RegimeGrantSlot], references: [Int32], words: [UInt64],
        grantIDs: [GrantID]
    ) {
        self.versions = versions
        self.grants = grants
        self.references = references
        self.words = words
        self.grantIDs = grantIDs
    }

    /// A subject no slot refers to any more (its slot moved back to the PIPL layout).
    static let vacant = RegimeSubject(versions: [], grants: [], references: [], words: [], grantIDs: [])

    /// Bytes held, roughly: the arrays' elements and each standing's own arrays.
    var bytes: Int {
        var total = 64 + grants.capacity * MemoryLayout<RegimeGrantSlot>.stride
        total += references.capacity * 4 + words.capacity * 8 + grantIDs.capacity * MemoryLayout<GrantID>.stride
        for version in versions {
            total += MemoryLayout<RegimeStateVersion>.stride + version.restrictions.capacity * 16
            total += version.optOuts.capacity + version.openObjections.capacity * 8
            for age in version.regimes {
                total += MemoryLayout<RegimeAgeState>.stride + age.reach.capacity * MemoryLayout<AgeThreshold>.stride
            }
        }
        return total
    }

    /// The standing at `instant`: the last version from at or before it (a binary search).
    @inline(__always)
    func version(at instant: Double) -> Int {
        var low = 0
        var high = versions.count
        while high - low > 1 {
            let middle = (low &+ high) &>> 1
            if versions[middle].from <= instant { low = middle } else { high = middle }
        }
        return low
    }
}

/// A subject's standing from one instant on, as the regime evaluator reads it: ``SubjectState`` with the names
/// resolved to the compiled policy's indices and every reading that does not depend on the instant made once.
struct RegimeStateVersion: Sendable {
    var from: Double
    /// The regimes that apply, in the order the subject's `regimes` fact lists them, each with the subject's age
    /// as that regime counts it.
    var regimes: [RegimeAgeState]
    /// The facts, for the rare age question only the regime's calendar can answer.
    var facts: SubjectFacts
    var guardianship: Bool
    var erased: Bool
    /// Restricted purposes, with when each restriction was recorded.
    var restrictions: [(purpose: Int32, since: Double)]
    /// The opt-outs in force, one reading per wait rule of the engine's regimes (``CompiledRegime/waitSlot``).
    var optOuts: [OptOutSet]
    /// Channels (bits of ``Channel/knownChannels``) opted out of, and with soft opt-in evidence.
    var channelsOptedOut: UInt8
    var softOptInChannels: UInt8
    /// Purposes with objections no rejection has answered: the kinds (bits in ``ObjectionKind`` order).
    var openObjections: [(purpose: Int32, kinds: UInt8)]

    @inline(__always)
    func restriction(of purpose: Int32) -> Double? {
        for entry in restrictions where entry.purpose == purpose { return entry.since }
        return nil
    }

    @inline(__always)
    func openObjectionKinds(to purpose: Int32) -> UInt8 {
        for entry in openObjections where entry.purpose == purpose { return entry.kinds }
        return 0
    }
}

/// What is known of a subject's age, as ``RegimeAge/Known`` without the number.
enum AgeKnowledge: UInt8, Sendable {
    case unknown, youngest, emancipated, years
}

/// A subject's age under one regime: what is known, and per limit of the regime the instant from which the
/// subject is at least that old.
struct RegimeAgeState: Sendable {
    /// The regime's index in the engine's regime table.
    var regime: UInt8
    /// Counting emancipation where the regime recognises it.
    var known: AgeKnowledge
    /// Not counting emancipation (for the bans keyed on age).
    var knownIgnoringEmancipation: AgeKnowledge
    /// Per ``CompiledRegime/limits``: when the subject is at least that old.
    var reach: [AgeThreshold]
    /// The regime's clock cannot be reduced to thresholds here (a zone changing offset near a threshold, a date
    /// near year 9999): ask ``RegimeAge`` at decision time.
    var dynamic: Bool
}

/// The local midnight at which a subject reaches an age, in the terms ``RegimeAge/years(of:at:)`` computes with, so
/// the comparison rounds exactly as the reference's does: at instant *t* the subject is that old when
/// `t.timeIntervalSince1970 + offset >= midnight`.
struct AgeThreshold: Sendable {
    /// The day the age is reached, as seconds since 1970 at its UTC midnight; -∞ always, +∞ never.
    var midnight: Double
    /// The zone's offset from UTC, constant for two days either side.
    var offset: Double

    static let always = AgeThreshold(midnight: -.infinity, offset: 0)
    static let never = AgeThreshold(midnight: .infinity, offset: 0)

    @inline(__always)
    func isReached(at instant: Double) -> Bool {
        (instant + Date.timeIntervalBetween1970AndReferenceDate) + offset >= midnight
    }
}

/// One grant for one of its purposes, with everything the regime evaluator's consent step needs.
struct RegimeGrantSlot: Sendable {
    var at: Double
    /// When the person really gave it: a grant an identity link carried is dated at the link, but age bands and the
    /// GDPR Art. 18(2) lift judge it by this.
    var givenAt: Double
    var expiresAt: Double
    /// The earliest withdrawal that reaches this grant for this purpose, or +∞.
    var withdrawnAt: Double
    /// The covered fields when the policy has at most 64; otherwise the offset of the set in the subject's words.
    var fields: UInt64
    var noticeVersion: Int32
    var referenceOffset: Int32
    var ordinal: UInt16
    var purpose: UInt16
    var recipientCount: UInt16
    var destinationCount: UInt16
    var attributes: ConsentAttributes
    var guardian: Bool
    var namesRecipients: Bool
    var namesDestinations: Bool
}
