/// Where one subject's compiled state lives in the engine's flat arrays: 32 bytes.
struct SubjectSlot: Sendable {
    var factsStart: Int32 = 0
    var grantStart: Int32 = 0
    var toggleStart: Int32 = 0
    var referenceStart: Int32 = 0
    /// Where the subject's grant ids start in the engine's `grantIDs`, one per grant in ledger order, so that a
    /// decision names its grant without reading the ledger.
    var grantIDStart: Int32 = 0
    /// 0 means "no facts known" (the shared unknown version).
    var factsCount: UInt16 = 0
    var grantCount: UInt16 = 0
    var toggleCount: UInt16 = 0
    /// The number of grant ids from `grantIDStart`.
    var grantIDCount: UInt16 = 0
    var flags: Flags = []

    /// How a subject is decided.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        /// More than 65,535 facts, grant slots, toggles or references: decided by the reference evaluator instead.
        static let usesReference = Flags(rawValue: 1 << 0)
        /// Reached by the regimes beyond PIPL v1 (Regimes.md): decided by ``RegimeDecider``, with `factsStart`
        /// holding the subject's index in the engine's regime subjects.
        static let regimes = Flags(rawValue: 1 << 1)
    }
}

/// The subject's facts from an instant on, with the instant the subject stops being a minor worked out once.
struct FactsVersion: Sendable {
    var from: Double
    /// The first instant at which the subject is not a minor (+∞ if never); unused without a birth date.
    var majority: Double
    var birthDays: Int32
    var flags: Flags

    /// The facts that are flags.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// `minor: true`: a minor at every instant, whatever the birth date.
        static let minor = Flags(rawValue: 1 << 0)
        /// An adult lacking capacity, under guardianship.
        static let guardianship = Flags(rawValue: 1 << 1)
        /// The birth date is known (``FactsVersion/birthDays`` and ``FactsVersion/majority`` hold it).
        static let birthKnown = Flags(rawValue: 1 << 2)
        /// The zone moves the local midnight at the threshold: ask the policy's calendar instead of comparing.
        static let dynamic = Flags(rawValue: 1 << 3)
    }

    static let unknown = FactsVersion(from: -.infinity, majority: .infinity, birthDays: 0, flags: [])

    var isUnderGuardianship: Bool { flags.contains(.guardianship) }
    var birthIsKnown: Bool { flags.contains(.birthKnown) }
}

/// One grant for one of its purposes, with everything step 6 needs and its lifetime precomputed: 40 bytes.
struct GrantSlot: Sendable {
    /// Instants as seconds since the reference date, compared exactly as `Date` compares.
    var at: Double
    var expiresAt: Double
    /// The earliest withdrawal that reaches this grant for this purpose, or +∞; withdrawn as of t when `<= t`.
    var withdrawnAt: Double
    /// The covered fields when the policy has at most 64; otherwise the offset of the set in the engine's words.
    var fields: UInt64
    /// The grant's position among the subject's grants in the ledger, for naming it.
    var grantOrdinal: UInt16
    var purpose: UInt16
    /// Recipients, then destinations, from the subject's reference start.
    var referenceOffset: UInt16
    /// The number of recipients in the low four bits, of destinations in the high four: a grant naming more than
    /// 15 of either goes to the regimes' layout, which counts them in 16 bits.
    var referenceCounts: UInt8
    /// The grant's kind (``ConsentKind/rank``, 0–2) in the low two bits, then the flags.
    var flags: Flags

    /// The most recipients (or destinations) a slot of this layout holds.
    static let maximumReferences = 15

    var recipientCount: Int { Int(referenceCounts & 0xF) }
    var destinationCount: Int { Int(referenceCounts &>> 4) }

    /// The grant's kind and flags in one byte.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// The bits that hold the kind's rank rather than flags.
        static let kindBits: UInt8 = 0b11
        /// Given by a guardian.
        static let guardian = Flags(rawValue: 1 << 2)
        /// The grant names its recipients: a recipient it does not name is not covered.
        static let namesRecipients = Flags(rawValue: 1 << 3)
        /// The grant names its destinations: a destination it does not name is not covered.
        static let namesDestinations = Flags(rawValue: 1 << 4)
        /// The grant was given under an older notice than this purpose's consent version (step 6's re-consent
        /// check, worked out when the slot is compiled: the policy cannot change under an engine).
        static let staleNotice = Flags(rawValue: 1 << 5)

        /// Flags of a grant of this kind (its rank, 0–2), with no flag set yet.
        init(kindRank: UInt8) { rawValue = kindRank & Self.kindBits }
        init(rawValue: UInt8) { self.rawValue = rawValue }
    }

    var kind: UInt8 { flags.rawValue & Flags.kindBits }
    var isGuardian: Bool { flags.contains(.guardian) }
}

/// A restriction, opt-out, channel opt-out or erasure switching on or off; its instant is kept in a parallel array.
struct Toggle: Sendable {
    /// What `key` names: the purpose's index (restriction), the opt-out's ``OptOutSet`` bit (opt-out), the
    /// channel's index (channel), nothing (erasure).
    var key: UInt16
    var kind: Kind
    var on: Bool

    /// What switched.
    enum Kind: UInt8, Sendable {
        case restriction, optOut, channel, erasure
    }
}

/// Opt-outs in force, one bit per ``OptOutKind``: the set step 4 checks with a mask.
struct OptOutSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let directMarketing = OptOutSet(rawValue: 1 << 0)
    static let thirdPartyDisclosure = OptOutSet(rawValue: 1 << 1)
    static let automatedDecisionMaking = OptOutSet(rawValue: 1 << 2)
    static let sensitiveData = OptOutSet(rawValue: 1 << 3)
    static let saleOrSharing = OptOutSet(rawValue: 1 << 4)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The set holding one kind.
    init(_ kind: OptOutKind) {
        switch kind {
        case .directMarketing: self = .directMarketing
        case .thirdPartyDisclosure: self = .thirdPartyDisclosure
        case .automatedDecisionMaking: self = .automatedDecisionMaking
        case .sensitiveData: self = .sensitiveData
        case .saleOrSharing: self = .saleOrSharing
        }
    }
}
