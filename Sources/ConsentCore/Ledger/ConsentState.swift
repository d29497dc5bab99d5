public import Foundation

/// A subject's consent state at one instant: what is granted, withdrawn, expired, opted out and restricted, and
/// the facts known — the answer to "what had this person agreed to at t?".
public struct ConsentState: Sendable, Hashable {
    /// The subject.
    public let subject: SubjectID
    /// The instant the state holds at.
    public let at: Date
    /// The facts known at ``at``.
    public let facts: SubjectFacts
    /// Every grant given at or before ``at``, in ledger order, with what it still covers.
    public let grants: [GrantStanding]
    /// The objections in force (PIPL Arts. 15, 24, 44), in the order step 4 of the decision model checks them.
    public let optedOut: [OptOutKind]
    /// The channels the subject refuses contact over, in id order.
    public let channelsOptedOut: [Channel]
    /// The purposes the subject restricted (Art. 44), in id order.
    public let restricted: [PurposeID]
    /// Whether the subject's data was erased (Art. 47).
    public let erased: Bool

    /// The purposes some grant covers at ``at``, in id order.
    public var purposesInForce: [PurposeID] { Set(grants.flatMap(\.inForce)).sorted() }
}

/// One grant as it stands at an instant.
public struct GrantStanding: Sendable, Hashable {
    /// The grant (for a grant carried over by an ``IdentityLink``: the carried copy, effective from the link).
    public let grant: ConsentGrant
    /// The purposes it still covers: not withdrawn, and the grant not expired.
    public let inForce: [PurposeID]
    /// The purposes withdrawn from it, with when.
    public let withdrawn: [Withdrawn]
    /// Whether it had expired.
    public let expired: Bool
    /// Why the ledger holds it, when it was carried over by a link.
    public let derivation: Derivation?

    /// A purpose withdrawn from a grant.
    public struct Withdrawn: Sendable, Hashable {
        /// The purpose.
        public let purpose: PurposeID
        /// When it was withdrawn.
        public let at: Date
    }
}

extension ConsentLedger {
    /// A subject's consent state as of `instant`, from the events at or before it. A subject the ledger knows
    /// nothing about has an empty state.
    public func state(of subject: SubjectID, at instant: Date) -> ConsentState {
        guard let record = record(for: subject) else {
            return ConsentState(
                subject: subject, at: instant, facts: SubjectFacts(), grants: [], optedOut: [], channelsOptedOut: [],
                restricted: [], erased: false)
        }
        return record.consentState(at: instant)
    }
}

extension SubjectRecord {
    package func consentState(at instant: Date) -> ConsentState {
        let state = state(at: instant)
        // One pass over the withdrawals, not one per grant and purpose: a subject may hold very many grants.
        let withdrawals = withdrawals(asOf: instant)
        var grants: [GrantStanding] = []
        for entry in entries {
            guard entry.event.at <= instant else { break }
            guard case .grant(let grant) = entry.event else { continue }
            let expired = grant.expiresAt.map { $0 <= instant } ?? false
            var inForce: [PurposeID] = []
            var withdrawn: [GrantStanding.Withdrawn] = []
            for purpose in grant.purposes {
                if let at = withdrawals.withdrawal(of: grant, for: purpose) {
                    withdrawn.append(GrantStanding.Withdrawn(purpose: purpose, at: at))
                } else if !expired {
                    inForce.append(purpose)
                }
            }
            grants.append(
                GrantStanding(
                    grant: grant, inForce: inForce, withdrawn: withdrawn, expired: expired,
                    derivation: entry.derivation))
        }
        return ConsentState(
            subject: subject, at: instant, facts: state.facts, grants: grants,
            optedOut: OptOutKind.allCases.filter(state.optedOut.contains),
            channelsOptedOut: state.channelsOptedOut.sorted(),
            restricted: state.restricted.sorted(), erased: state.erased)
    }
}
