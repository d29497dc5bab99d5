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
    /// The state the regimes beyond PIPL read; `nil` for a subject judged under PIPL v1 alone (such tokens are
    /// byte for byte as before).
    public var regimeState: RegimeState?

    /// What a snapshot carries for the regimes beyond PIPL — no birth date: the age in whole years at the snapshot's
    /// instant, as the applicable regime that counts it youngest does, which stays that age for later questions (so
    /// later decisions can only be stricter than the issuer's).
    public struct RegimeState: Sendable, Hashable {
        /// The ids of the regimes that applied (empty: the verifier's policy regime).
        public var regimes: [String]
        /// The age in whole years at the snapshot's instant (`min` = `max`), or the subject's own range; `nil` when
        /// unknown.
        public var ageRange: AgeRange?
        /// Whether the subject was emancipated.
        public var emancipated: Bool
        /// The objections no rejection has answered.
        public var objections: [Objection]
        /// The channels with soft opt-in evidence.
        public var softOptInChannels: [Channel]

        /// Creates the state.
        public init(
            regimes: [String] = [], ageRange: AgeRange? = nil, emancipated: Bool = false, objections: [Objection] = [],
            softOptInChannels: [Channel] = []
        ) {
            self.regimes = regimes
            self.ageRange = ageRange
            self.emancipated = emancipated
            self.objections = objections
            self.softOptInChannels = softOptInChannels
        }
    }

    /// Creates a snapshot from its parts.
    public init(
        subject: SubjectID, at: Date, minor: Bool = false, guardianship: Bool = false, erased: Bool = false,
        grants: [ConsentGrant] = [], optedOut: [OptOutKind] = [], channelsOptedOut: [Channel] = [],
        restricted: [PurposeID] = [], regimeState: RegimeState? = nil
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
        self.regimeState = regimeState
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
        let record = ledger.record(for: subject)
        // The active grants, as the verifier's evaluator will judge them itself: not only those that count now.
        let state =
            record?.consentState(at: instant, in: ledger, judging: false) ?? ledger.state(of: subject, at: instant)
        let inner = record?.state(at: instant)
        var grants: [ConsentGrant] = []
        for standing in state.grants where !standing.active.isEmpty {
            var grant = standing.grant
            grant.purposes = standing.active
            grant.subject = subject
            grants.append(grant)
        }
        // What the other regimes read, when any applies: their facts, open objections, soft opt-in evidence, and the
        // opt-outs in force under the strictest lifting rule (a business's early opt-in does not lift one).
        var regimeState: RegimeState?
        var optedOut = state.optedOut
        let needsRegimes =
            ledger.policy.usesRegimesBeyondPIPL || state.facts.regimes != nil || state.facts.ageRange != nil
            || state.facts.emancipated != nil || (record?.entries.contains { $0.event.needsRegimes } ?? false)
        if needsRegimes, let inner {
            let regimes = state.facts.regimes ?? [ledger.policy.regime]
            let ages = regimes.compactMap { regime -> Int? in
                let age = RegimeAge(regime: regime, policy: ledger.policy, facts: state.facts)
                if case .years(let years) = age.known(at: instant, countingEmancipation: false) { return years }
                return nil
            }
            let youngest = ages.min()
            optedOut = OptOutKind.allCases.filter { inner.isOptedOut($0, businessOptInWaitMonths: 12) }
            regimeState = RegimeState(
                regimes: state.facts.regimes?.map(\.name) ?? [],
                ageRange: youngest.flatMap { AgeRange(min: $0, max: $0) }, emancipated: state.facts.emancipated == true,
                objections: inner.objections.compactMap { objection in
                    let open = objection.purposes.filter { purpose in
                        !inner.rejections.contains { $0.at >= objection.at && $0.purposes.contains(purpose) }
                    }
                    return open.isEmpty
                        ? nil : Objection(subject: subject, kind: objection.kind, purposes: open, at: instant)
                }, softOptInChannels: Channel.knownChannels.filter(inner.softOptInChannels.contains))
        }
        self.init(
            subject: subject, at: instant, minor: ledger.policy.isMinor(state.facts, at: instant),
            guardianship: state.facts.isUnderGuardianship, erased: state.erased, grants: grants,
            optedOut: optedOut, channelsOptedOut: state.channelsOptedOut, restricted: state.restricted,
            regimeState: regimeState)
    }

    /// The snapshot as a ledger of `policy`: its facts from the beginning of time, its grants as given, and its
    /// objections, restrictions and erasure at ``at``.
    ///
    /// - Throws: ``ConsentKitError`` when `policy` does not know a purpose, field or category the snapshot names.
    public func ledger(policy: Policy) throws(ConsentKitError) -> ConsentLedger {
        var ledger = ConsentLedger(policy: policy)
        var facts = SubjectFacts(minor: minor ? true : nil, guardianship: guardianship ? true : nil)
        if let regimeState {
            var regimes: [Regime] = []
            for name in regimeState.regimes {
                guard let regime = policy.regime(named: name) else {
                    throw ConsentKitError(
                        code: .unknownIdentifier,
                        message:
                            "the snapshot names regime `\(name.escapingControlCharacters)`, which the policy does not know"
                    )
                }
                regimes.append(regime)
            }
            facts.regimes = regimes.isEmpty ? nil : regimes
            facts.ageRange = regimeState.ageRange
            facts.emancipated = regimeState.emancipated ? true : nil
        }
        if facts != SubjectFacts() { try ledger.declare(subject, facts: facts) }
        try ledger.append(contentsOf: grants.map(ConsentEvent.grant))
        try ledger.append(contentsOf: optedOut.map { ConsentEvent.optOut(subject, $0, at: at) })
        try ledger.append(contentsOf: channelsOptedOut.map { ConsentEvent.channelOptOut(subject, $0, at: at) })
        try ledger.append(contentsOf: restricted.map { ConsentEvent.restrict(subject, $0, at: at) })
        if let regimeState {
            try ledger.append(
                contentsOf: regimeState.objections.map { objection in
                    var objection = objection
                    objection.subject = subject
                    return ConsentEvent.objection(objection)
                })
            if !regimeState.softOptInChannels.isEmpty {
                try ledger.append(
                    .customer(
                        CustomerRelationship(
                            subject: subject, channels: regimeState.softOptInChannels, objectionOffered: true, at: at)))
            }
        }
        if erased { try ledger.append(.erase(subject, at: at)) }
        return ledger
    }
}
