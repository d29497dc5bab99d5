/// Where one subject's compiled state lives in the engine's flat arrays: 24 bytes.
struct SubjectSlot: Sendable {
    var factsStart: Int32 = 0
    var grantStart: Int32 = 0
    var toggleStart: Int32 = 0
    var referenceStart: Int32 = 0
    /// 0 means "no facts known" (the shared unknown version).
    var factsCount: UInt16 = 0
    var grantCount: UInt16 = 0
    var toggleCount: UInt16 = 0
    /// ``SubjectSlot/usesReference`` when the subject outgrows the compact layout.
    var flags: UInt16 = 0

    /// More than 65,535 facts, grant slots, toggles or references: decided by the reference evaluator instead.
    static let usesReference: UInt16 = 1
}

/// The subject's facts from an instant on, with the instant the subject stops being a minor worked out once.
struct FactsVersion: Sendable {
    var from: Double
    /// The first instant at which the subject is not a minor (+∞ if never); unused without a birth date.
    var majority: Double
    var birthDays: Int32
    var flags: UInt8

    static let minorFlag: UInt8 = 1
    static let guardianship: UInt8 = 2
    static let birthKnown: UInt8 = 4
    /// The zone moves the local midnight at the threshold: ask the policy's calendar instead of comparing.
    static let dynamic: UInt8 = 8

    static let unknown = FactsVersion(from: -.infinity, majority: .infinity, birthDays: 0, flags: 0)

    var isUnderGuardianship: Bool { flags & Self.guardianship != 0 }
    var birthIsKnown: Bool { flags & Self.birthKnown != 0 }
}

/// One grant for one of its purposes, with everything step 6 needs and its lifetime precomputed: 48 bytes.
struct GrantSlot: Sendable {
    /// Instants as seconds since the reference date, compared exactly as `Date` compares.
    var at: Double
    var expiresAt: Double
    /// The earliest withdrawal that reaches this grant for this purpose, or +∞; withdrawn as of t when `<= t`.
    var withdrawnAt: Double
    /// The covered fields when the policy has at most 64; otherwise the offset of the set in the engine's words.
    var fields: UInt64
    var noticeVersion: Int32
    /// The grant's position among the subject's grants in the ledger, for naming it lazily.
    var grantOrdinal: UInt16
    var purpose: UInt16
    /// Recipients, then destinations, from the subject's reference start.
    var referenceOffset: UInt16
    var recipientCount: UInt8
    var destinationCount: UInt8
    var flags: UInt8

    static let kindMask: UInt8 = 3
    static let guardian: UInt8 = 4
    static let namesRecipients: UInt8 = 8
    static let namesDestinations: UInt8 = 16

    var kind: UInt8 { flags & Self.kindMask }
    var isGuardian: Bool { flags & Self.guardian != 0 }
}

/// A restriction, opt-out, channel opt-out or erasure switching on or off; its instant is kept in a parallel array.
struct Toggle: Sendable {
    var key: UInt16
    var kind: UInt8
    var on: Bool

    static let restriction: UInt8 = 0
    static let optOut: UInt8 = 1
    static let channel: UInt8 = 2
    static let erasure: UInt8 = 3
}
