public import Foundation

/// What appending some events would change, worked out before they are appended: every decision about the
/// subjects they concern that differs afterwards, per purpose and field, and the purposes switched on or off. (The
/// events are appended to a copy of the ledger: fine for a privacy centre's one action, not for bulk imports.) The "check before updating customer data"
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

    /// Every subject's purpose that would be switched on or off: on means some declared field allowed, judged over
    /// all its fields, not only those whose decision changes.
    public let purposeChanges: [PurposeChange]

    /// A purpose switched on or off for a subject.
    public struct PurposeChange: Sendable, Hashable {
        /// The subject.
        public let subject: SubjectID
        /// The purpose.
        public let purpose: PurposeID
        /// Whether it was on before the events.
        public let wasOn: Bool
        /// Whether it would be on after them.
        public let isOn: Bool
    }

    /// Purposes that were on and would be off, each once, for any subject the events concern.
    public var turnsOff: [PurposeID] { unique(purposeChanges.filter { $0.wasOn && !$0.isOn }.map(\.purpose)) }
    /// Purposes that were off and would be on.
    public var turnsOn: [PurposeID] { unique(purposeChanges.filter { !$0.wasOn && $0.isOn }.map(\.purpose)) }

    private func unique(_ purposes: [PurposeID]) -> [PurposeID] {
        var seen: [PurposeID] = []
        for purpose in purposes where !seen.contains(purpose) { seen.append(purpose) }
        return seen
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
        var purposeChanges: [ActionPreview.PurposeChange] = []
        for subject in subjects {
            for purpose in policy.purposes {
                var wasOn = false
                var isOn = false
                for field in policy.fields where policy.purpose(purpose, declares: field) {
                    let question = ConsentQuestion(subject: subject, purpose: purpose.id, field: field.id, at: at)
                    let old = before.decision(for: question)
                    let new = later.decision(for: question)
                    wasOn = wasOn || old.isAllowed
                    isOn = isOn || new.isAllowed
                    if old != new {
                        changes.append(
                            ActionPreview.Change(
                                subject: subject, purpose: purpose.id, field: field.id, before: old, after: new))
                    }
                }
                if wasOn != isOn {
                    purposeChanges.append(
                        ActionPreview.PurposeChange(subject: subject, purpose: purpose.id, wasOn: wasOn, isOn: isOn))
                }
            }
        }
        return ActionPreview(at: at, changes: changes, purposeChanges: purposeChanges)
    }
}
