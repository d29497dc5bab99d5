public import Foundation

/// One entry of a consent ledger: something a subject (or the processor on the subject's behalf) did at an instant.
public enum ConsentEvent: Sendable, Hashable {
    /// Consent given.
    case grant(ConsentGrant)
    /// Consent withdrawn.
    case withdraw(Withdrawal)
    /// An objection raised (PIPL Arts. 15, 24, 44), with where it came from (`gpc`, `link`, `unsubscribe`, …) and
    /// whom it binds.
    case optOut(SubjectID, OptOutKind, at: Date, source: String? = nil, scope: OptOutScope = .subject)
    /// An objection lifted. A later grant alone never lifts an opt-out; this event does.
    case optIn(SubjectID, OptOutKind, at: Date, initiatedBy: OptInInitiator = .subject)
    /// The subject refuses contact over a channel.
    case channelOptOut(SubjectID, Channel, at: Date)
    /// The subject accepts contact over a channel again.
    case channelOptIn(SubjectID, Channel, at: Date)
    /// The subject restricts or refuses processing for a purpose (Art. 44).
    case restrict(SubjectID, PurposeID, at: Date, ground: String? = nil)
    /// The restriction is lifted.
    case unrestrict(SubjectID, PurposeID, at: Date)
    /// The subject's data is erased (Art. 47): only `legalObligation` purposes may still process it.
    case erase(SubjectID, at: Date)
    /// The subject's facts change.
    case subjectFacts(SubjectID, SubjectFactsChange, at: Date)
    /// Two identities of one person are linked (progressive identity); see ``IdentityLink``.
    case link(IdentityLink)
    /// An objection to some purposes (GDPR Art. 21; PDPA Sec. 32).
    case objection(Objection)
    /// The controller's compelling grounds against earlier objections.
    case objectionRejected(ObjectionRejection)
    /// Evidence of a customer relationship, for the soft opt-in.
    case customer(CustomerRelationship)
    /// A request for human review; recorded, never changes a decision.
    case reviewRequested(ReviewRequest)

    /// When the event happened.
    public var at: Date {
        switch self {
        case .grant(let grant): grant.at
        case .withdraw(let withdrawal): withdrawal.at
        case .link(let link): link.at
        case .objection(let objection): objection.at
        case .objectionRejected(let rejection): rejection.at
        case .customer(let customer): customer.at
        case .reviewRequested(let request): request.at
        case .optOut(_, _, let at, _, _), .optIn(_, _, let at, _), .channelOptOut(_, _, let at),
            .channelOptIn(_, _, let at), .restrict(_, _, let at, _), .unrestrict(_, _, let at), .erase(_, let at),
            .subjectFacts(_, _, let at):
            at
        }
    }

    /// The subject the event names, or `nil` for a withdrawal by grant id (the grant names the subject). A link names the
    /// identity it links into.
    public var namedSubject: SubjectID? {
        switch self {
        case .grant(let grant): grant.subject
        case .withdraw(let withdrawal):
            if case .purposes(let subject, _) = withdrawal.target { subject } else { nil }
        case .link(let link): link.into
        case .objection(let objection): objection.subject
        case .objectionRejected(let rejection): rejection.subject
        case .customer(let customer): customer.subject
        case .reviewRequested(let request): request.subject
        case .optOut(let subject, _, _, _, _), .optIn(let subject, _, _, _), .channelOptOut(let subject, _, _),
            .channelOptIn(let subject, _, _), .restrict(let subject, _, _, _), .unrestrict(let subject, _, _),
            .erase(let subject, _), .subjectFacts(let subject, _, _):
            subject
        }
    }

    /// The event's `type` in files.
    public var typeName: String {
        switch self {
        case .grant: "grant"
        case .withdraw: "withdraw"
        case .optOut: "optOut"
        case .optIn: "optIn"
        case .channelOptOut: "channelOptOut"
        case .channelOptIn: "channelOptIn"
        case .restrict: "restrict"
        case .unrestrict: "unrestrict"
        case .erase: "erase"
        case .subjectFacts: "subject"
        case .link: "link"
        case .objection: "objection"
        case .objectionRejected: "objectionRejected"
        case .customer: "customer"
        case .reviewRequested: "reviewRequested"
        }
    }
}

extension ConsentEvent {
    /// The identifiers the event carries, with their keys in the event's file form: what the ledger checks by the
    /// identifier rule.
    var identifiers: [(path: String, id: String)] {
        switch self {
        case .grant(let grant):
            var ids = [("id", grant.id.rawValue), ("subject", grant.subject.rawValue)]
            if let guardian = grant.guardianID { ids.append(("guardianId", guardian)) }
            ids += grant.recipients.enumerated().map { ("recipients[\($0.offset)]", $0.element.rawValue) }
            ids += grant.destinations.enumerated().map { ("destinations[\($0.offset)]", $0.element.rawValue) }
            return ids
        case .withdraw(let withdrawal):
            switch withdrawal.target {
            case .grant(let id): return [("grant", id.rawValue)]
            case .purposes(let subject, _): return [("subject", subject.rawValue)]
            }
        case .link(let link): return [("from", link.from.rawValue), ("into", link.into.rawValue)]
        case .optOut, .optIn, .channelOptOut, .channelOptIn, .restrict, .unrestrict, .erase, .subjectFacts,
            .objection, .objectionRejected, .customer, .reviewRequested:
            return [("subject", namedSubject?.rawValue ?? "")]
        }
    }

    /// Whether the event is one the regimes beyond PIPL added (or carries something they added), which the compiled
    /// engine leaves to the reference evaluator.
    package var needsRegimes: Bool {
        switch self {
        case .objection, .objectionRejected, .customer, .reviewRequested: true
        case .optOut(_, let kind, _, _, let scope): kind == .saleOrSharing || scope != .subject
        case .optIn(_, let kind, _, let initiatedBy): kind == .saleOrSharing || initiatedBy != .subject
        case .subjectFacts(_, let change, _): !change.touchesOnlyAgeAndCapacity
        case .grant, .withdraw, .channelOptOut, .channelOptIn, .restrict, .unrestrict, .erase, .link: false
        }
    }

    /// The instants the event carries, with their keys.
    var instants: [(path: String, instant: Date)] {
        if case .grant(let grant) = self, let expiry = grant.expiresAt { return [("at", at), ("expiresAt", expiry)] }
        return [("at", at)]
    }
}
