public import ConsentCore
public import Foundation

/// A subject's consent as of one instant, as a token carries it: the grants in force (each reduced to the purposes
/// it still covers), objections, channel preferences, restrictions, erasure, and whether the subject is a minor or
/// under guardianship — but no birth date, so a token carries no more personal data than a decision needs.
///
/// ``ledger(policy:)`` turns a verified snapshot into a ledger for ``ReferenceEvaluator`` or ``ConsentEngine``. For
/// questions at or after ``at`` it gives the issuer's decisions, with one difference: a snapshot carries what is in
/// force, so a purpose whose consent was withdrawn or had expired reads `denied.noConsent` rather than
/// `denied.withdrawn` or `denied.expired` (the effect is the same).
public struct ConsentSnapshot: Sendable, Hashable {
    /// The subject.
    public var subject: SubjectID
    /// The instant the snapshot holds at.
    public var at: Date
    /// Whether the subject was a minor at ``at`` (by birth date or flag, on the issuer's policy).
    public var minor: Bool
    /// Whether the subject is under guardianship.
    public var guardianship: Bool
    /// Whether the subject's data was erased.
    public var erased: Bool
    /// The grants in force at ``at``, each naming only the purposes it still covers.
    public var grants: [ConsentGrant]
    /// The objections in force.
    public var optedOut: [OptOutKind]
    /// The channels refused.
    public var channelsOptedOut: [Channel]
    /// The purposes restricted.
    public var restricted: [PurposeID]

    /// Creates a snapshot from its parts.
    public init(
        subject: SubjectID, at: Date, minor: Bool = false, guardianship: Bool = false, erased: Bool = false,
        grants: [ConsentGrant] = [], optedOut: [OptOutKind] = [], channelsOptedOut: [Channel] = [],
        restricted: [PurposeID] = []
    ) {
        self.subject = subject
        self.at = at
        self.minor = minor
        self.guardianship = guardianship
        self.erased = erased
        self.grants = grants
        self.optedOut = optedOut
        self.channelsOptedOut = channelsOptedOut
        self.restricted = restricted
    }

    /// The snapshot of `subject` in `ledger` as of `instant`.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when the ledger holds nothing about `subject`,
    ///   ``ConsentKitError/Code/invalidDate`` for an instant that is not finite or lies outside years 1–9999.
    public init(_ subject: SubjectID, from ledger: ConsentLedger, at instant: Date) throws(ConsentKitError) {
        guard ledger.record(for: subject) != nil else {
            throw .unknownSubject(subject)
        }
        if let problem = RFC3339.problem(with: instant) { throw ConsentKitError(code: .invalidDate, message: problem) }
        // A snapshot carries PIPL v1's state. What the other regimes read (their facts, objections, soft opt-in
        // evidence, who lifted an opt-out) it cannot carry yet, and leaving it out could turn a deny into an allow.
        let record = ledger.record(for: subject)
        let facts = record?.initialFacts ?? SubjectFacts()
        if ledger.policy.usesRegimesBeyondPIPL || facts.regimes != nil || facts.ageRange != nil
            || facts.emancipated != nil || (record?.entries.contains { $0.event.needsRegimes } ?? false)
        {
            throw ConsentKitError(
                code: .invalidValue,
                message:
                    "`\(subject)` is judged under regimes beyond PIPL, whose state a snapshot token cannot carry yet; "
                    + "issue a grant token or ask the issuer")
        }
        let state = ledger.state(of: subject, at: instant)
        var grants: [ConsentGrant] = []
        for standing in state.grants where !standing.inForce.isEmpty {
            var grant = standing.grant
            grant.purposes = standing.inForce
            grant.subject = subject
            grants.append(grant)
        }
        self.init(
            subject: subject, at: instant, minor: ledger.policy.isMinor(state.facts, at: instant),
            guardianship: state.facts.isUnderGuardianship, erased: state.erased, grants: grants,
            optedOut: state.optedOut, channelsOptedOut: state.channelsOptedOut, restricted: state.restricted)
    }

    /// The snapshot as a ledger of `policy`: its facts from the beginning of time, its grants as given, and its
    /// objections, restrictions and erasure at ``at``.
    ///
    /// - Throws: ``ConsentKitError`` when `policy` does not know a purpose, field or category the snapshot names.
    public func ledger(policy: Policy) throws(ConsentKitError) -> ConsentLedger {
        var ledger = ConsentLedger(policy: policy)
        if minor || guardianship {
            try ledger.declare(
                subject, facts: SubjectFacts(minor: minor ? true : nil, guardianship: guardianship ? true : nil))
        }
        try ledger.append(contentsOf: grants.map(ConsentEvent.grant))
        try ledger.append(contentsOf: optedOut.map { ConsentEvent.optOut(subject, $0, at: at) })
        try ledger.append(contentsOf: channelsOptedOut.map { ConsentEvent.channelOptOut(subject, $0, at: at) })
        try ledger.append(contentsOf: restricted.map { ConsentEvent.restrict(subject, $0, at: at) })
        if erased { try ledger.append(.erase(subject, at: at)) }
        return ledger
    }
}
