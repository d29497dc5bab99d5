public import ConsentKit
public import Foundation

/// Builds a ledger for a test in a few lines, with instants written as RFC 3339 strings.
///
/// ```swift
/// var fixture = LedgerFixture(policy: policy)
/// try fixture.subject("c1", birthDate: "2013-05-01")
/// try fixture.grant("g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"],
///                   kind: .separate, grantor: .guardian, at: "2026-01-01T00:00:00Z")
/// let evaluator = ReferenceEvaluator(ledger: fixture.ledger)
/// ```
///
/// Every method throws the ledger's own error for a bad event, so a fixture cannot hide a mistake.
public struct LedgerFixture: Sendable {
    /// The ledger built so far.
    public private(set) var ledger: ConsentLedger

    /// Starts an empty ledger for `policy`.
    public init(policy: Policy) { ledger = ConsentLedger(policy: policy) }

    /// Parses an RFC 3339 instant, throwing a ``ConsentKitError`` that quotes it when it is malformed.
    public static func instant(_ text: String) throws(ConsentKitError) -> Date {
        do {
            return try RFC3339.parseInstant(text)
        } catch {
            throw ConsentKitError(code: .invalidDate, message: error.message)
        }
    }

    /// Declares a subject's facts from the beginning of time.
    public mutating func subject(
        _ id: SubjectID, birthDate: String? = nil, minor: Bool? = nil, guardianship: Bool? = nil
    ) throws(ConsentKitError) {
        var date: CalendarDate?
        if let birthDate {
            do { date = try CalendarDate(parsing: birthDate) } catch {
                throw ConsentKitError(code: .invalidDate, message: error.message)
            }
        }
        try ledger.declare(id, facts: SubjectFacts(birthDate: date, minor: minor, guardianship: guardianship))
    }

    /// Appends a grant.
    public mutating func grant(
        _ id: GrantID, subject: SubjectID, purposes: [PurposeID], fields: [FieldID] = [],
        categories: [CategoryID] = [], kind: ConsentKind = .ordinary, attributes: ConsentAttributes = [],
        grantor: Grantor = .individual, at: String, expiresAt: String? = nil, noticeVersion: Int = 0,
        recipients: [RecipientID] = [], destinations: [Destination] = []
    ) throws(ConsentKitError) {
        let expiry: Date? = if let expiresAt { try Self.instant(expiresAt) } else { nil }
        try ledger.append(
            .grant(
                ConsentGrant(
                    id, subject: subject, purposes: purposes, fields: fields, categories: categories, kind: kind,
                    attributes: attributes, grantor: grantor, at: try Self.instant(at), expiresAt: expiry,
                    noticeVersion: noticeVersion,
                    recipients: recipients, destinations: destinations)))
    }

    /// Withdraws a grant.
    public mutating func withdraw(_ grant: GrantID, at: String) throws(ConsentKitError) {
        try ledger.append(.withdraw(Withdrawal(.grant(grant), at: try Self.instant(at))))
    }

    /// Withdraws a subject's grants for purposes.
    public mutating func withdraw(subject: SubjectID, purposes: [PurposeID], at: String) throws(ConsentKitError) {
        try ledger.append(.withdraw(Withdrawal(.purposes(subject, purposes), at: try Self.instant(at))))
    }

    /// Appends any event, given its instant as text.
    public mutating func append(_ event: (Date) -> ConsentEvent, at: String) throws(ConsentKitError) {
        try ledger.append(event(try Self.instant(at)))
    }
}
