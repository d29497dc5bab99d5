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

    /// The purposes some grant counts for at ``at`` — a decision about a field it covers rests on it, or would if it
    /// were the only grant — in id order. Exactly the purposes the evaluator allows on consent by some grant.
    public var purposesInForce: [PurposeID] { Set(grants.flatMap(\.inForce)).sorted() }
}

extension ConsentState: CustomStringConvertible {
    /// `c1 at 2026-03-01T00:00:00Z: in force marketing.email; opted out directMarketing; erased`.
    public var description: String {
        var parts = [
            "in force "
                + (purposesInForce.isEmpty ? "nothing" : purposesInForce.map(\.rawValue).joined(separator: ", "))
        ]
        if !optedOut.isEmpty { parts.append("opted out " + optedOut.map(\.rawValue).joined(separator: ", ")) }
        if !channelsOptedOut.isEmpty {
            parts.append("channels refused " + channelsOptedOut.map(\.rawValue).joined(separator: ", "))
        }
        if !restricted.isEmpty { parts.append("restricted " + restricted.map(\.rawValue).joined(separator: ", ")) }
        if erased { parts.append("erased") }
        return "\(subject) at \(RFC3339.format(at)): " + parts.joined(separator: "; ")
    }
}

/// One grant as it stands at an instant.
public struct GrantStanding: Sendable, Hashable {
    /// The grant (for a grant carried over by an ``IdentityLink``: the carried copy, effective from the link).
    public let grant: ConsentGrant
    /// The purposes it counts for: active, and a decision about some field it covers rests on it (or would, were it
    /// the subject's only grant). Derived by the evaluator, so a dashboard built on it agrees with decisions.
    public let inForce: [PurposeID]
    /// The purposes it still covers — not withdrawn, the grant not expired — whether or not it counts for them.
    public let active: [PurposeID]
    /// The active purposes it does not count for, each with why: the decision it would get alone (for example
    /// `denied.erased`, `denied.guardianConsentRequired`, `denied.optedOut.directMarketing`, or the allow of the
    /// basis the purpose rests on instead, such as `allowed.legalBasis.contract`).
    public let notCounting: [NotCounting]
    /// The purposes withdrawn from it, with when.
    public let withdrawn: [Withdrawn]
    /// Whether it had expired.
    public let expired: Bool
    /// Why the ledger holds it, when it was carried over by a link.
    public let derivation: Derivation?

    /// An active purpose a grant does not count for, and why.
    public struct NotCounting: Sendable, Hashable {
        /// The purpose.
        public let purpose: PurposeID
        /// The decision the grant would get on its own for the first field of the purpose it covers.
        public let reason: ReasonCode

        /// Creates the entry.
        public init(purpose: PurposeID, reason: ReasonCode) {
            self.purpose = purpose
            self.reason = reason
        }
    }

    /// A purpose withdrawn from a grant.
    public struct Withdrawn: Sendable, Hashable {
        /// The purpose.
        public let purpose: PurposeID
        /// When it was withdrawn.
        public let at: Date
    }
}

extension ConsentLedger {
    /// A subject's consent state as of `instant`, from the events at or before it, with each grant's standing
    /// derived by the reference evaluator. A subject the ledger knows nothing of has an empty state.
    ///
    /// - Complexity: up to two reference decisions per active grant, purpose and covered field; stops at the first
    ///   field a grant counts for.
    public func state(of subject: SubjectID, at instant: Date) -> ConsentState {
        guard let record = record(for: subject) else {
            return ConsentState(
                subject: subject, at: instant, facts: SubjectFacts(), grants: [], optedOut: [], channelsOptedOut: [],
                restricted: [], erased: false)
        }
        return record.consentState(at: instant, in: self)
    }
}

extension SubjectRecord {
    /// The record's consent state at `instant`, judging each grant with `ledger`'s evaluator (or, with `judging`
    /// false, only by withdrawal and expiry: `inForce` is then `active`, for callers that need no more).
    package func consentState(at instant: Date, in ledger: ConsentLedger, judging: Bool = true) -> ConsentState {
        let state = state(at: instant)
        let evaluator = ReferenceEvaluator(ledger: ledger)
        // One pass over the withdrawals, not one per grant and purpose: a subject may hold very many grants.
        let withdrawals = withdrawals(asOf: instant)
        var grants: [GrantStanding] = []
        // The full decision per purpose and field is the same for every grant: made once per state.
        var decisions: [FieldQuestion: Decision] = [:]
        for entry in entries {
            guard entry.event.at <= instant else { break }
            guard case .grant(let grant) = entry.event else { continue }
            let expired = grant.expiresAt.map { $0 <= instant } ?? false
            var active: [PurposeID] = []
            var withdrawn: [GrantStanding.Withdrawn] = []
            for purpose in grant.purposes {
                if let at = withdrawals.withdrawal(of: grant, for: purpose) {
                    withdrawn.append(GrantStanding.Withdrawn(purpose: purpose, at: at))
                } else if !expired {
                    active.append(purpose)
                }
            }
            var inForce: [PurposeID] = []
            var notCounting: [GrantStanding.NotCounting] = []
            for purpose in active {
                guard judging else {
                    inForce.append(purpose)
                    continue
                }
                switch evaluator.standing(of: grant, for: purpose, of: subject, at: instant, decisions: &decisions) {
                case nil: inForce.append(purpose)
                case let reason?: notCounting.append(GrantStanding.NotCounting(purpose: purpose, reason: reason))
                }
            }
            grants.append(
                GrantStanding(
                    grant: grant, inForce: inForce, active: active, notCounting: notCounting, withdrawn: withdrawn,
                    expired: expired, derivation: entry.derivation))
        }
        return ConsentState(
            subject: subject, at: instant, facts: state.facts, grants: grants,
            optedOut: OptOutKind.allCases.filter(state.optedOut.contains),
            channelsOptedOut: state.channelsOptedOut.sorted(),
            restricted: state.restricted.sorted(), erased: state.erased)
    }
}

extension ReferenceEvaluator {
    /// Whether an active grant counts for a purpose at an instant: `nil` when a decision about some field the grant
    /// covers and the purpose declares rests on it (or would, were it the subject's only grant); otherwise the
    /// decision it would get alone for the first such field, in the policy's field order.
    package func standing(
        of grant: ConsentGrant, for purpose: PurposeID, of subject: SubjectID, at instant: Date,
        decisions: inout [FieldQuestion: Decision]
    ) -> ReasonCode? {
        guard let declared = policy.purpose(purpose) else { return .unknownPurpose }
        var first: ReasonCode?
        for field in policy.fields where policy.purpose(declared, declares: field) && grant.covers(field) {
            let question = ConsentQuestion(subject: subject, purpose: purpose, field: field.id, at: instant)
            let key = FieldQuestion(purpose: purpose, field: field.id)
            let full = decisions[key] ?? decision(for: question)
            decisions[key] = full
            if full.grants.contains(grant.id) { return nil }
            let alone = decision(for: question, consideringOnly: grant.id)
            if alone.reason == .allowedByConsent { return nil }
            if first == nil { first = alone.reason }
        }
        return first ?? .notDeclared
    }
}

/// A purpose and field, the key of the decisions one state computes once.
package struct FieldQuestion: Hashable {
    let purpose: PurposeID
    let field: FieldID
}
