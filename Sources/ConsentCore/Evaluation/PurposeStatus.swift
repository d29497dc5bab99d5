public import Foundation

/// The answer to "is purpose P on for this customer at t?" — what a consent SDK's toggle shows, derived from the
/// decisions for every field the purpose declares, so it can never disagree with them.
///
/// A purpose is **on** when it may use at least one of its fields (``isOn``), and **fully on** when it may use every
/// one (``isFullyOn``): a purpose whose sensitive field lacks separate consent is on for the rest.
///
/// ```swift
/// let status = ledger.status(of: "c1", purpose: "marketing.email", at: .now)
/// if status.isOn { send(using: status.allowedFields) }
/// print(status)   // marketing.email: on (allowed.consent, grants g1)
/// ```
public struct PurposeStatus: Sendable, Hashable, CustomStringConvertible {
    /// The purpose.
    public let purpose: PurposeID
    /// The instant.
    public let at: Date
    /// The decision for each field the purpose declares, in the policy's field order.
    public let fields: [FieldStatus]

    /// The reason when there is no field to decide: `denied.unknownPurpose` or `denied.notDeclared`.
    private let reasonWithoutFields: ReasonCode

    /// The grants the allowed fields rest on, each once, most recently given last (in the subject's ledger order;
    /// for a status built with the public initialiser, in field order).
    public let grants: [GrantID]

    /// Creates a status from its fields' decisions; `reasonWithoutFields` is its reason when `fields` is empty.
    public init(purpose: PurposeID, at: Date, fields: [FieldStatus], reasonWithoutFields: ReasonCode = .notDeclared) {
        self.init(
            purpose: purpose, at: at, fields: fields, reasonWithoutFields: reasonWithoutFields, grantOrder: nil)
    }

    /// Creates a status whose grants are sorted by `grantOrder` (the subject's grants in ledger order).
    init(purpose: PurposeID, at: Date, fields: [FieldStatus], reasonWithoutFields: ReasonCode, grantOrder: [GrantID]?) {
        self.purpose = purpose
        self.at = at
        self.fields = fields
        self.reasonWithoutFields = reasonWithoutFields
        var seen: [GrantID] = []
        for field in fields where field.decision.isAllowed {
            for grant in field.decision.grants where !seen.contains(grant) { seen.append(grant) }
        }
        if let grantOrder, seen.count > 1 {
            let position = Dictionary(grantOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            seen.sort { (position[$0] ?? -1) < (position[$1] ?? -1) }
        }
        grants = seen
    }

    /// One field's decision.
    public struct FieldStatus: Sendable, Hashable {
        /// The field.
        public let field: FieldID
        /// Its decision.
        public let decision: Decision

        /// Creates a field's status.
        public init(field: FieldID, decision: Decision) {
            self.field = field
            self.decision = decision
        }
    }

    /// Whether the purpose may use at least one of its fields.
    public var isOn: Bool { fields.contains { $0.decision.isAllowed } }
    /// Whether the purpose may use every field it declares (false for a purpose that declares none the policy has).
    public var isFullyOn: Bool { !fields.isEmpty && fields.allSatisfy { $0.decision.isAllowed } }
    /// The fields the purpose may use.
    public var allowedFields: [FieldID] { fields.filter { $0.decision.isAllowed }.map(\.field) }
    /// The fields it may not use.
    public var deniedFields: [FieldID] { fields.filter { !$0.decision.isAllowed }.map(\.field) }

    /// Why, in one code: for a purpose that is on, the first allowed field's reason; for one that is off, the
    /// first field's denial (an unknown purpose: `denied.unknownPurpose`; one that declares no field the policy has:
    /// `denied.notDeclared`).
    public var reason: ReasonCode {
        if let allowed = fields.first(where: { $0.decision.isAllowed }) { return allowed.decision.reason }
        return fields.first?.decision.reason ?? reasonWithoutFields
    }

    /// `marketing.email: on (allowed.consent, grants g1)`, `health.research: off (denied.noConsent)`.
    public var description: String {
        let state = isFullyOn ? "on" : isOn ? "on for \(allowedFields.count) of \(fields.count) fields" : "off"
        let grantText = grants.isEmpty ? "" : ", grants " + grants.map(\.rawValue).joined(separator: " ")
        return "\(purpose): \(state) (\(reason.rawValue)\(grantText))"
    }
}

extension PurposeStatus {
    /// A purpose's status from `decide`, asked once per field the purpose declares: what the reference evaluator and
    /// the engine share, so that the two statuses can differ only where their decisions do (they never do).
    static func deciding(
        _ purpose: PurposeID, of subject: SubjectID, at instant: Date, in ledger: ConsentLedger,
        _ decide: (ConsentQuestion) -> Decision
    ) -> PurposeStatus {
        let policy = ledger.policy
        guard let declared = policy.purpose(purpose) else {
            return PurposeStatus(purpose: purpose, at: instant, fields: [], reasonWithoutFields: .unknownPurpose)
        }
        let fields = policy.fields.filter { policy.purpose(declared, declares: $0) }.map { field in
            FieldStatus(
                field: field.id,
                decision: decide(ConsentQuestion(subject: subject, purpose: purpose, field: field.id, at: instant)))
        }
        return PurposeStatus(
            purpose: purpose, at: instant, fields: fields, reasonWithoutFields: .notDeclared,
            grantOrder: ledger.record(for: subject)?.grants.map(\.id))
    }
}

extension ReferenceEvaluator {
    /// The status of one purpose for a subject at an instant: a decision per field the purpose declares.
    public func status(of subject: SubjectID, purpose: PurposeID, at instant: Date) -> PurposeStatus {
        PurposeStatus.deciding(purpose, of: subject, at: instant, in: ledger) { decision(for: $0) }
    }

    /// Every purpose's status for a subject at an instant, in the policy's purpose order.
    public func purposes(for subject: SubjectID, at instant: Date) -> [PurposeStatus] {
        policy.purposes.map { status(of: subject, purpose: $0.id, at: instant) }
    }
}

extension ConsentLedger {
    /// The status of one purpose for a subject at an instant (``PurposeStatus``).
    public func status(of subject: SubjectID, purpose: PurposeID, at instant: Date) -> PurposeStatus {
        ReferenceEvaluator(ledger: self).status(of: subject, purpose: purpose, at: instant)
    }

    /// Every purpose's status for a subject at an instant, in the policy's purpose order: which purposes are on.
    public func purposes(for subject: SubjectID, at instant: Date) -> [PurposeStatus] {
        ReferenceEvaluator(ledger: self).purposes(for: subject, at: instant)
    }
}

extension ConsentEngine {
    /// The status of one purpose for a subject at an instant, from compiled decisions (the same as the reference's).
    public func status(of subject: SubjectID, purpose: PurposeID, at instant: Date) -> PurposeStatus {
        PurposeStatus.deciding(purpose, of: subject, at: instant, in: ledger) { decision(for: $0) }
    }

    /// Every purpose's status for a subject at an instant, in the policy's purpose order.
    public func purposes(for subject: SubjectID, at instant: Date) -> [PurposeStatus] {
        compiled.policy.purposes.map { status(of: subject, purpose: $0.id, at: instant) }
    }
}
