public import Foundation

/// What appending some events would change, worked out before they are appended: every decision about the
/// subjects they concern that differs afterwards, per purpose and field. The "check before updating customer data"
/// step: show the customer what withdrawing will stop, or verify that a new grant really turns a purpose on.
public struct ActionPreview: Sendable, Hashable, CustomStringConvertible {
    /// The instant the decisions are compared at (the latest event's, unless given).
    public let at: Date
    /// Every decision that changes, by subject, purpose and field in policy order.
    public let changes: [Change]

    /// One decision before and after.
    public struct Change: Sendable, Hashable {
        /// The subject.
        public let subject: SubjectID
        /// The purpose.
        public let purpose: PurposeID
        /// The field.
        public let field: FieldID
        /// The decision without the events.
        public let before: Decision
        /// The decision with them.
        public let after: Decision
    }

    /// Purposes of a subject that were on (some field allowed) and would be off.
    public var turnsOff: [PurposeID] { purposes { !$0.isEmpty && $1.isEmpty } }
    /// Purposes of a subject that were off and would be on.
    public var turnsOn: [PurposeID] { purposes { $0.isEmpty && !$1.isEmpty } }

    /// Allowed fields before and after, per subject and purpose, kept only when `keep` holds.
    private func purposes(_ keep: (_ before: Set<FieldID>, _ after: Set<FieldID>) -> Bool) -> [PurposeID] {
        var result: [PurposeID] = []
        var allowed: [String: (before: Set<FieldID>, after: Set<FieldID>, purpose: PurposeID)] = [:]
        var order: [String] = []
        for change in changes {
            let key = "\(change.subject.rawValue)\u{0}\(change.purpose.rawValue)"
            if allowed[key] == nil {
                allowed[key] = ([], [], change.purpose)
                order.append(key)
            }
            if change.before.isAllowed { allowed[key]?.before.insert(change.field) }
            if change.after.isAllowed { allowed[key]?.after.insert(change.field) }
        }
        for key in order {
            guard let entry = allowed[key], !result.contains(entry.purpose) else { continue }
            // Only changed fields are listed, so "on" here means "some changed field allowed": a purpose whose other
            // fields stay allowed is not turned off. The caller's statuses settle that; this is the common case.
            if keep(entry.before, entry.after) { result.append(entry.purpose) }
        }
        return result
    }

    /// `2 decisions change: c1 marketing.email email allow → deny (denied.withdrawn), …`.
    public var description: String {
        guard !changes.isEmpty else { return "no decision changes" }
        let lines = changes.map { change in
            "\(change.subject) \(change.purpose) \(change.field): \(change.before.effect.rawValue) → "
                + "\(change.after.effect.rawValue) (\(change.after.reason.rawValue))"
        }
        return "\(changes.count) decision\(changes.count == 1 ? "" : "s") change: " + lines.joined(separator: "; ")
    }
}

extension ConsentLedger {
    /// What appending `events` would change, without appending them: the decisions about every subject they
    /// concern (and the identities linked with them), per purpose and declared field, at `instant` (default: the
    /// latest event's instant).
    ///
    /// - Throws: the ``ConsentKitError`` appending them would throw; the ledger is never changed.
    public func preview(_ events: [ConsentEvent], at instant: Date? = nil) throws(ConsentKitError) -> ActionPreview {
        var after = self
        var subjects: [SubjectID] = []
        for event in events {
            for subject in try after.appendReportingSubjects(event) where !subjects.contains(subject) {
                subjects.append(subject)
            }
        }
        let at = instant ?? events.map(\.at).max() ?? Date(timeIntervalSinceReferenceDate: 0)
        let before = ReferenceEvaluator(ledger: self)
        let later = ReferenceEvaluator(ledger: after)
        var changes: [ActionPreview.Change] = []
        for subject in subjects {
            for purpose in policy.purposes {
                for field in policy.fields where policy.purpose(purpose, declares: field) {
                    let question = ConsentQuestion(subject: subject, purpose: purpose.id, field: field.id, at: at)
                    let old = before.decision(for: question)
                    let new = later.decision(for: question)
                    if old != new {
                        changes.append(
                            ActionPreview.Change(
                                subject: subject, purpose: purpose.id, field: field.id, before: old, after: new))
                    }
                }
            }
        }
        return ActionPreview(at: at, changes: changes)
    }
}
