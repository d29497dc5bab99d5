public import Foundation

/// The reference evaluator: DecisionModel.md implemented step by step over a policy and a ledger, written for
/// being obviously right rather than fast. Faster evaluators are tested against it.
///
/// It fails closed: an unknown purpose, field or subject never reads as consent, and a subject with no events
/// simply has none.
///
/// ```swift
/// let evaluator = ReferenceEvaluator(ledger: ledger)
/// let question = ConsentQuestion(subject: "c1", purpose: "marketing.email", field: "email", at: .now)
/// let decision = evaluator.decision(for: question)
/// if decision.isAllowed { send() }
/// print(evaluator.explanation(for: question))   // rendered only when asked
/// ```
///
/// - Complexity: O(*e* + *g* · *w*) per decision, for *e* events of the subject, *g* of them grants and *w*
///   withdrawals.
public struct ReferenceEvaluator: Sendable {
    /// The policy.
    public var policy: Policy { ledger.policy }
    /// The ledger.
    public let ledger: ConsentLedger

    /// Creates an evaluator over a ledger and the policy it was checked against.
    public init(ledger: ConsentLedger) { self.ledger = ledger }

    /// The decision for one question.
    public func decision(for question: ConsentQuestion) -> Decision {
        evaluate(question, explaining: false).decision
    }

    /// The decision for one question, asked with a typed field.
    public func decision<Value>(
        subject: SubjectID, purpose: PurposeID, field: PersonalDataField<Value>, at instant: Date,
        recipient: RecipientID? = nil, destination: Destination? = nil, channel: Channel? = nil
    ) -> Decision {
        decision(
            for: ConsentQuestion(
                subject: subject, purpose: purpose, field: field.id, at: instant, recipient: recipient,
                destination: destination, channel: channel))
    }

    /// The decisions for every field of a record, for one purpose at one instant: which fields may this purpose
    /// see?
    public func decisions(
        for subject: SubjectID, purpose: PurposeID, fields: [FieldID], at instant: Date
    ) -> RecordDecision {
        RecordDecision(
            fields: fields,
            decisions: fields.map { field in
                decision(for: ConsentQuestion(subject: subject, purpose: purpose, field: field, at: instant))
            })
    }

    /// The decision with the rule it rests on, the article it cites, and how each candidate grant fared.
    public func explanation(for question: ConsentQuestion) -> Explanation {
        let trace = evaluate(question, explaining: true)
        return Explanation(question: question, decision: trace.decision, details: trace.notes)
    }

    // MARK: Steps 1–2, then each regime, then the conjunction

    private struct Trace {
        var decision: Decision
        var notes: [String]
    }

    /// The decision if `grant` were the subject's only grant: whether it counts on its own, and if not, why (the
    /// same steps, with the consent checks given that one candidate).
    package func decision(for question: ConsentQuestion, consideringOnly grant: GrantID) -> Decision {
        evaluate(question, explaining: false, onlyGrant: grant).decision
    }

    private func evaluate(_ question: ConsentQuestion, explaining: Bool, onlyGrant: GrantID? = nil) -> Trace {
        let instant = question.instant
        let record = ledger.record(for: question.subject)
        let state: SubjectState? =
            RFC3339.isRepresentable(instant)
            ? (record?.state(at: instant) ?? SubjectState(facts: SubjectFacts())) : nil
        // The regimes that apply: a subject without the fact (or with an empty list, which no input can give) is
        // judged under the policy's regime alone.
        let regimes = state?.facts.regimes.flatMap { $0.isEmpty ? nil : $0 } ?? policy.regimeAlone
        func deny(_ reason: ReasonCode, _ note: @autoclosure () -> String) -> Trace {
            // A step every regime shares: the first the subject is under reports it (ties follow `regimes`).
            Trace(decision: Decision(reason, regime: regimes[0]), notes: explaining ? [note()] : [])
        }
        // 1. Known names.
        guard let purpose = policy.purpose(question.purpose) else {
            return deny(.unknownPurpose, "purpose `\(question.purpose)` is not in the policy")
        }
        guard let field = policy.field(question.field) else {
            return deny(.unknownField, "field `\(question.field)` is not in the policy")
        }
        guard RFC3339.isRepresentable(instant) else {
            return deny(
                .noConsent, "\(RFC3339.problem(with: instant) ?? "the instant"): nothing can be shown to hold then")
        }
        // 2. Declared data, recipients, destinations and channels (PIPL Arts. 6, 17, 23, 39; GDPR Art. 5(1)(b), 13).
        guard policy.purpose(purpose, declares: field) else {
            return deny(
                .notDeclared, "`\(purpose.id)` declares neither `\(field.id)` nor its category `\(field.category)`")
        }
        if let recipient = question.recipient, !(purpose.thirdParty?.recipients.contains(recipient) ?? false) {
            return deny(.recipientNotDeclared, "`\(purpose.id)` does not declare recipient `\(recipient)`")
        }
        if let destination = question.destination,
            !(purpose.crossBorder?.destinations.contains(destination) ?? false)
        {
            return deny(.destinationNotDeclared, "`\(purpose.id)` does not declare destination `\(destination)`")
        }
        if let channel = question.channel, !purpose.channels.contains(channel) {
            return deny(.channelNotPermitted, "`\(purpose.id)` does not declare channel `\(channel)`")
        }

        let context = QuestionContext(
            policy: policy, question: question, purpose: purpose, field: field, record: record,
            state: state ?? SubjectState(facts: SubjectFacts()),
            explaining: explaining, originalInstants: ledger.grantSubjects, onlyGrant: onlyGrant)
        if regimes.count == 1 {
            // One regime (every subject without a `regimes` fact): its outcome is the decision, with its grants
            // listed once each, most recently given last, as the conjunction lists them.
            let outcome = RegimeEvaluation(regime: regimes[0], context: context).outcome()
            guard outcome.grants.count > 1 else {
                return Trace(
                    decision: Decision(outcome.reason, grant: outcome.grants.first?.id, regime: regimes[0]),
                    notes: outcome.notes)
            }
            return conjunction([outcome], regimes: regimes, record: record, explaining: explaining)
        }
        let outcomes = regimes.map { RegimeEvaluation(regime: $0, context: context).outcome() }
        return conjunction(outcomes, regimes: regimes, record: record, explaining: explaining)
    }

    /// Regimes.md §12: allow only if every regime allows; otherwise the deny of the earliest step, ties broken by
    /// the order of the subject's `regimes`.
    private func conjunction(
        _ outcomes: [RegimeOutcome], regimes: [Regime], record: SubjectRecord?, explaining: Bool
    ) -> Trace {
        var notes: [String] = []
        if explaining {
            if outcomes.count == 1 {
                notes = outcomes[0].notes
            } else {
                for (regime, outcome) in zip(regimes, outcomes) {
                    notes.append("\(regime): \(outcome.reason) [\(outcome.reason.citation(under: regime))]")
                    notes += outcome.notes.map { "  " + $0 }
                }
            }
        }
        if let denial = zip(regimes, outcomes).filter({ !$0.1.reason.isAllowedCode }).min(by: {
            $0.1.step < $1.1.step
        }) {
            if explaining && outcomes.count > 1 && outcomes.contains(where: { $0.reason.isAllowedCode }) {
                notes.append(
                    "\(denial.0) denies at an earlier or equal step; the other regimes' allows do not outweigh it")
            }
            return Trace(decision: Decision(denial.1.reason, regime: denial.0), notes: notes)
        }
        let consentIndex = outcomes.firstIndex { $0.reason == .allowedByConsent }
        let index = consentIndex ?? 0
        var relied: [GrantID] = []
        for outcome in outcomes {
            for grant in outcome.grants where !relied.contains(grant.id) { relied.append(grant.id) }
        }
        if relied.count > 1 {
            // Most recently given last: ledger order.
            let order = record?.grants.map(\.id) ?? []
            relied.sort { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }
        }
        return Trace(
            decision: Decision(outcomes[index].reason, grants: relied, regime: regimes[index]), notes: notes)
    }
}

extension ReasonCode {
    /// Whether the code allows.
    var isAllowedCode: Bool { effect == .allow }
}
