public import Foundation

/// What a customer-facing privacy page shows one customer at one instant: per purpose its title and description in
/// the customer's language, whether it is on and why, the data it uses, since when and by whose grant, its history,
/// and the actions the customer can take — all derived from the same decisions the services make, so the page
/// never tells the customer something the evaluator would not do.
///
/// ```swift
/// let centre = ledger.privacyCentre(for: "c1", at: .now, languages: ["zh", "en"])
/// for entry in centre.purposes {
///     print(entry.title, entry.status.isOn ? "on" : "off", entry.actions)
/// }
/// ```
public struct PrivacyCentre: Sendable, Hashable {
    /// The customer.
    public let subject: SubjectID
    /// The instant.
    public let at: Date
    /// The languages asked for, most preferred first.
    public let languages: [String]
    /// One entry per purpose of the policy, in policy order.
    public let purposes: [Entry]
    /// The customer's consent state (grants with their standing, opt-outs, restrictions, erasure).
    public let state: ConsentState

    /// One purpose as the page shows it.
    public struct Entry: Sendable, Hashable {
        /// The purpose.
        public let purpose: PurposeID
        /// Its title in the first language it has of those asked for, or its id.
        public let title: String
        /// Its description, if the policy gives one.
        public let description: String?
        /// The purpose's basis under the policy's regime.
        public let basis: LegalBasis
        /// Whether it is on, per field, and why.
        public let status: PurposeStatus
        /// The grant the status rests on (the most recently given), with its standing: since when, by whom.
        public let grant: GrantStanding?
        /// The customer's events that concern the purpose, in ledger order, up to the instant.
        public let history: [LedgerEntry]
        /// What the customer can do about it.
        public let actions: [PrivacyAction]

        /// Whether the purpose may use some of its fields.
        public var isOn: Bool { status.isOn }
        /// When the grant it rests on was given.
        public var since: Date? { grant?.grant.at }
    }
}

extension ConsentLedger {
    /// The privacy centre of a customer at an instant, in the first of `languages` each text has.
    ///
    /// - Complexity: a reference decision per purpose and declared field, plus the grants' standings.
    public func privacyCentre(for subject: SubjectID, at instant: Date, languages: [String] = ["en"])
        -> PrivacyCentre
    {
        let evaluator = ReferenceEvaluator(ledger: self)
        let state = state(of: subject, at: instant)
        let record = record(for: subject)
        let facts = state.facts
        let needsGuardian = policy.isMinor(facts, at: instant) || facts.isUnderGuardianship
        var entries: [PrivacyCentre.Entry] = []
        for purpose in policy.purposes {
            entries.append(
                entry(
                    purpose, subject: subject, at: instant, languages: languages, evaluator: evaluator, state: state,
                    record: record, needsGuardian: needsGuardian))
        }
        return PrivacyCentre(subject: subject, at: instant, languages: languages, purposes: entries, state: state)
    }

    /// One purpose's entry of the privacy centre. (A method of its own, and channel actions built without a
    /// conditional expression: Swift 6.3.1's optimiser crashed on the inline closure this replaced.)
    private func entry(
        _ purpose: Purpose, subject: SubjectID, at instant: Date, languages: [String], evaluator: ReferenceEvaluator,
        state: ConsentState, record: SubjectRecord?, needsGuardian: Bool
    ) -> PrivacyCentre.Entry {
        let facts = state.facts
        let status = evaluator.status(of: subject, purpose: purpose.id, at: instant)
        let relied = status.grants.last
        let grant = relied.flatMap { id in state.grants.last { $0.grant.id == id } }
        let counting = state.grants.contains { $0.inForce.contains(purpose.id) }
        let declared = policy.fields.filter { policy.purpose(purpose, declares: $0) }
        var actions: [PrivacyAction] = []
        if counting {
            actions.append(.withdraw(purpose.id))
        } else if status.fields.contains(where: { $0.decision.reason.isConsentStepDenial }) {
            actions.append(
                .give(
                    purpose.id, fields: declared.map(\.id),
                    kind: requiredKind(of: purpose, fields: declared, minor: policy.isMinor(facts, at: instant)),
                    grantor: needsGuardian ? .guardian : .individual, noticeVersion: purpose.consentVersion))
        }
        for kind in optOutKinds(of: purpose, fields: declared) {
            actions.append(state.optedOut.contains(kind) ? .optIn(kind) : .optOut(kind))
        }
        for channel in purpose.channels {
            if state.channelsOptedOut.contains(channel) {
                actions.append(.channelOptIn(channel))
            } else {
                actions.append(.channelOptOut(channel))
            }
        }
        let history = (record?.entries ?? []).filter { $0.event.at <= instant && concerns($0.event, purpose) }
        return PrivacyCentre.Entry(
            purpose: purpose.id, title: purpose.title?.text(for: languages) ?? purpose.id.rawValue,
            description: purpose.description?.text(for: languages), basis: purpose.basis, status: status,
            grant: grant, history: history, actions: actions)
    }

    /// The kind of consent a purpose's fields need under PIPL: written where a law or the category requires it,
    /// separate for sensitive data — every field of a minor's (Art. 28) — and for provision, disclosure or transfer
    /// (Arts. 23, 25, 29, 39), else ordinary.
    private func requiredKind(of purpose: Purpose, fields: [FieldDefinition], minor: Bool) -> ConsentKind {
        if purpose.writtenConsent || fields.contains(where: { policy.requiresWrittenConsent($0.id) }) {
            return .written
        }
        let sensitive = fields.contains { policy.catalog.sensitivity(of: $0.category).isSensitive }
        if sensitive || minor || purpose.thirdParty != nil || purpose.publicDisclosure || purpose.crossBorder != nil
            || purpose.surveillanceImages
        {
            return .separate
        }
        return .ordinary
    }

    /// The opt-outs that can stop a purpose, in ``OptOutKind`` order.
    private func optOutKinds(of purpose: Purpose, fields: [FieldDefinition]) -> [OptOutKind] {
        OptOutKind.allCases.filter { kind in
            switch kind {
            case .directMarketing: purpose.marketing
            case .thirdPartyDisclosure: purpose.providesToOthers
            case .automatedDecisionMaking: purpose.automatedDecision
            case .sensitiveData: fields.contains { policy.catalog.sensitivity(of: $0.category).isSensitive }
            case .saleOrSharing: purpose.sellsOrShares
            }
        }
    }

    /// Whether an event concerns a purpose: names it, withdraws or objects to it, erases the subject, or is an
    /// opt-out or channel change that can stop it.
    private func concerns(_ event: ConsentEvent, _ purpose: Purpose) -> Bool {
        switch event {
        case .grant(let grant): return grant.purposes.contains(purpose.id)
        case .withdraw(let withdrawal):
            switch withdrawal.target {
            case .grant(let id): return grantSubjects[id] != nil && (grant(id)?.purposes.contains(purpose.id) ?? false)
            case .purposes(_, let purposes): return purposes.contains(purpose.id)
            }
        case .restrict(_, let id, _, _), .unrestrict(_, let id, _): return id == purpose.id
        case .objection(let objection): return objection.purposes.contains(purpose.id)
        case .objectionRejected(let rejection): return rejection.purposes.contains(purpose.id)
        case .erase: return true
        case .optOut(_, let kind, _, _, _), .optIn(_, let kind, _, _):
            let declared = policy.fields.filter { policy.purpose(purpose, declares: $0) }
            return optOutKinds(of: purpose, fields: declared).contains(kind)
        case .channelOptOut(_, let channel, _), .channelOptIn(_, let channel, _):
            return purpose.channels.contains(channel)
        case .subjectFacts, .link, .customer, .reviewRequested: return false
        }
    }
}

extension ReasonCode {
    /// Whether the code is a denial of the consent step: something a new grant could fix.
    var isConsentStepDenial: Bool {
        switch self {
        case .noConsent, .withdrawn, .expired, .guardianConsentRequired, .grantorNotAuthorized, .reconsentRequired,
            .recipientNotCovered, .destinationNotCovered, .writtenConsentRequired, .separateConsentRequired,
            .jointConsentRequired:
            true
        default:
            ConsentAttribute.allCases.contains { .missing($0) == self }
        }
    }
}
