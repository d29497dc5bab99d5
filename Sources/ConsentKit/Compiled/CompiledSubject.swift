internal import Foundation

/// Where one subject's compiled state lives in the engine's flat arrays.
struct SubjectSlot: Sendable {
    /// The first erasure, or +∞.
    var erasedAt: Date
    var factsStart: Int32
    var factsCount: Int32
    var grantStart: Int32
    var grantCount: Int32
    var toggleStart: Int32
    var toggleCount: Int32

    static let empty = SubjectSlot(
        erasedAt: .infinity, factsStart: 0, factsCount: 1, grantStart: 0, grantCount: 0, toggleStart: 0,
        toggleCount: 0)
}

/// The subject's facts from an instant on, with the instant the subject stops being a minor precomputed.
struct FactsVersion: Sendable {
    var from: Date
    /// The first instant at which a subject with this birth date is not a minor (+∞ if never, unknown birth: unused).
    var majority: Date
    var birthDays: Int32
    var flags: UInt8

    static let minorFlag: UInt8 = 1
    static let guardianship: UInt8 = 2
    static let birthKnown: UInt8 = 4
    /// The time zone moves the local midnight around the threshold: ask the policy instead of comparing.
    static let dynamic: UInt8 = 8

    static let unknown = FactsVersion(from: -.infinity, majority: .infinity, birthDays: 0, flags: 0)

    var isUnderGuardianship: Bool { flags & Self.guardianship != 0 }
    var birthIsKnown: Bool { flags & Self.birthKnown != 0 }
}

/// One grant for one of its purposes, with everything step 6 needs and its lifetime precomputed.
struct GrantSlot: Sendable {
    var at: Date
    var expiresAt: Date
    /// The earliest withdrawal that reaches this grant for this purpose, or +∞; withdrawn as of t when `<= t`.
    var withdrawnAt: Date
    var fieldsOffset: Int32
    var purpose: Int32
    var noticeVersion: Int32
    var grantReference: Int32
    var referenceStart: Int32
    var recipientCount: Int16
    var destinationCount: Int16
    var kind: UInt8
    var guardian: Bool
    var namesRecipients: Bool
    var namesDestinations: Bool
}

/// A restriction, opt-out or channel opt-out switching on or off at an instant.
struct Toggle: Sendable {
    var at: Date
    var key: Int32
    var kind: UInt8
    var on: Bool

    static let restriction: UInt8 = 0
    static let optOut: UInt8 = 1
    static let channel: UInt8 = 2
}

extension Date {
    static let infinity = Date(timeIntervalSinceReferenceDate: .infinity)
    static prefix func - (date: Date) -> Date {
        Date(timeIntervalSinceReferenceDate: -date.timeIntervalSinceReferenceDate)
    }
}
