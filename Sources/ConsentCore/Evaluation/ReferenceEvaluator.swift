public import Foundation

/// The reference evaluator: DecisionModel.md implemented step by step over a policy and a ledger, written for
/// being obviously right rather than fast. Faster evaluators are tested against it.
///
/// It fails closed: an unknown purpose, field or subject never reads as consent, and a subject with no events
/// simply has none.
///
/// ```swift
/// let evaluator = ReferenceEvaluator(ledger: ledger)
/// let decision = evaluator.decision(for: ConsentQuestion(
///     subject: "c1", purpose: "marketing.email", field: "email", at: .now))
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
        return Explanation(question: question, decision: trace.decision, details: trace.notes.lines)
    }

    // MARK: The steps of DecisionModel.md

    private struct Trace {
        var decision: Decision
        var notes: Notes
    }

    /// The details of an explanation, written only when one was asked for: a decision alone (the engine's fallback
    /// path, every differential check) builds no text.
    private struct Notes {
        let enabled: Bool
        /// The regime the decision is made under.
        let regime: Regime
        private(set) var lines: [String] = []

        init(enabled: Bool, regime: Regime) {
            self.enabled = enabled
            self.regime = regime
        }

        mutating func add(_ line: @autoclosure () -> String) {
            if enabled { lines.append(line()) }
        }

        /// The decision, with a last note.
        func trace(_ reason: ReasonCode, grant: GrantID? = nil, _ last: @autoclosure () -> String? = nil) -> Trace {
            var notes = self
            if enabled, let line = last() { notes.lines.append(line) }
            return Trace(decision: Decision(reason, grant: grant, regime: regime), notes: notes)
        }
    }

    /// How far a candidate grant got through the checks of step 6; a higher level got further.
    private enum CandidateCheck: Int, Comparable {
        case grantor = 1, notice, scope, strength, passed
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private func evaluate(_ question: ConsentQuestion, explaining: Bool) -> Trace {
        let instant = question.instant
        var notes = Notes(enabled: explaining, regime: policy.regime)
        // 1. Known names.
        guard let purpose = policy.purpose(question.purpose) else {
            return notes.trace(.unknownPurpose, "purpose `\(question.purpose)` is not in the policy")
        }
        guard let field = policy.field(question.field) else {
            return notes.trace(.unknownField, "field `\(question.field)` is not in the policy")
        }
        guard RFC3339.isRepresentable(instant) else {
            return notes.trace(
                .noConsent, "\(RFC3339.problem(with: instant) ?? "the instant"): nothing can be shown to hold then")
        }
        // 2. Declared data, recipients, destinations and channels (Arts. 6, 17, 23, 39).
        guard policy.purpose(purpose, declares: field) else {
            return notes.trace(
                .notDeclared, "`\(purpose.id)` declares neither `\(field.id)` nor its category `\(field.category)`")
        }
        if let recipient = question.recipient, !(purpose.thirdParty?.recipients.contains(recipient) ?? false) {
            return notes.trace(.recipientNotDeclared, "`\(purpose.id)` does not declare recipient `\(recipient)`")
        }
        if let destination = question.destination,
            !(purpose.crossBorder?.destinations.contains(destination) ?? false)
        {
            return notes.trace(.destinationNotDeclared, "`\(purpose.id)` does not declare destination `\(destination)`")
        }
        if let channel = question.channel, !purpose.channels.contains(channel) {
            return notes.trace(.channelNotPermitted, "`\(purpose.id)` does not declare channel `\(channel)`")
        }

        let record = ledger.record(for: question.subject)
        let state = record?.state(at: instant) ?? SubjectState(facts: SubjectFacts())
        // 3. Erasure (Art. 47): only retention required by law survives it.
        if state.erased && purpose.basis != .legalObligation {
            return notes.trace(.erased, "subject `\(question.subject)` was erased at or before this instant")
        }
        // A minor's contract, employment or publicly-disclosed question is judged as consent-based (Art. 31;
        // Children's Provisions Art. 9).
        let minorNow = policy.isMinor(state.facts, at: instant)
        var basis = purpose.basis
        if minorNow, [.contract, .employment, .publiclyDisclosed].contains(basis) {
            basis = .consent
            notes.add(
                "subject is a minor at this instant: `\(purpose.basis.rawValue)` needs the guardian's consent (Art. 31)"
            )
        }
        let categorySensitivity = policy.catalog.sensitivity(of: field.category)
        let sensitive = minorNow || categorySensitivity.isSensitive

        if !purpose.basis.isMandatory {
            // 4. Objections: restriction, opt-outs, channel opt-outs (Arts. 15, 24, 44).
            if state.restricted.contains(purpose.id) {
                return notes.trace(.restricted, "subject restricted `\(purpose.id)`")
            }
            let consentLike = basis == .consent || basis == .publiclyDisclosed
            for kind in OptOutKind.allCases where state.optedOut.contains(kind) {
                let basisApplies =
                    consentLike
                    || (kind == .automatedDecisionMaking && (basis == .contract || basis == .employment))
                let purposeMatches: Bool
                switch kind {
                case .directMarketing: purposeMatches = purpose.marketing
                case .thirdPartyDisclosure: purposeMatches = purpose.providesToOthers
                case .automatedDecisionMaking: purposeMatches = purpose.automatedDecision
                case .sensitiveData: purposeMatches = sensitive
                }
                if basisApplies && purposeMatches {
                    return notes.trace(.optedOut(of: kind), "subject opted out of `\(kind.rawValue)`")
                }
            }
            if let channel = question.channel, consentLike, state.channelsOptedOut.contains(channel) {
                return notes.trace(.channelNotPermitted, "subject opted out of channel `\(channel)`")
            }
        }
        // 5. A non-consent basis needs no consent (Art. 13 para. 2), sensitive fields and provision included.
        if basis != .consent {
            return notes.trace(.allowed(by: basis))
        }
        // 6. Consent (Arts. 13(1), 14, 29, 31).
        let required: ConsentKind
        if purpose.writtenConsent || policy.requiresWrittenConsent(field.id) {
            required = .written
            notes.add(
                "required strength: written (\(purpose.writtenConsent ? "the purpose" : "the field's category") requires it, Art. 29)"
            )
        } else if sensitive || purpose.thirdParty != nil || purpose.publicDisclosure || purpose.crossBorder != nil
            || purpose.surveillanceImages
        {
            required = .separate
            if explaining {
                var why: [String] = []
                if minorNow { why.append("the subject is a minor under \(policy.minorAge), Art. 28, 31") }
                if categorySensitivity.isSensitive { why.append("`\(field.id)` is \(categorySensitivity)") }
                if purpose.thirdParty != nil { why.append("provision to another processor, Art. 23") }
                if purpose.publicDisclosure { why.append("public disclosure, Art. 25") }
                if purpose.crossBorder != nil { why.append("transfer abroad, Art. 39") }
                if purpose.surveillanceImages { why.append("public-place surveillance images, Art. 26") }
                notes.add("required strength: separate (" + why.joined(separator: "; ") + ")")
            }
        } else {
            required = .ordinary
            notes.add("required strength: ordinary")
        }

        let candidates = (record?.grants ?? []).filter { grant in
            grant.at <= instant && grant.purposes.contains(purpose.id) && grant.covers(field)
        }
        guard let latest = candidates.last else {
            return notes.trace(
                .noConsent, "no grant given by this instant names `\(purpose.id)` and covers `\(field.id)`")
        }
        let active = candidates.filter { grant in
            record?.withdrawal(of: grant, for: purpose.id, asOf: instant) == nil
                && (grant.expiresAt.map { $0 > instant } ?? true)
        }
        if active.isEmpty {
            if let withdrawnAt = record?.withdrawal(of: latest, for: purpose.id, asOf: instant) {
                return notes.trace(.withdrawn, "grant `\(latest.id)` was withdrawn at \(RFC3339.format(withdrawnAt))")
            }
            return notes.trace(
                .expired, "grant `\(latest.id)` expired at \(latest.expiresAt.map(RFC3339.format) ?? "?")")
        }

        var best: (check: CandidateCheck, reason: ReasonCode, grant: ConsentGrant)?
        for grant in active {
            let (check, reason, note) = self.check(
                grant, purpose: purpose, question: question, facts: state.facts, required: required,
                explaining: explaining)
            notes.add(
                "grant `\(grant.id)` (\(Self.strengthText(of: grant)), given \(RFC3339.format(grant.at)) by \(grant.grantor == .guardian ? "a guardian" : "the subject")): \(note ?? "")"
            )
            // Later candidates come later in ledger order, so `>=` keeps the most recently given among equals.
            if check >= (best?.check ?? .grantor) { best = (check, reason, grant) }
        }
        guard let best else { return notes.trace(.noConsent) }
        return notes.trace(best.reason, grant: best.check == .passed ? best.grant.id : nil)
    }

    /// A grant's kind, and when it records attributes, those and the strength they give it: `ordinary recorded
    /// [separate], counting as separate`.
    private static func strengthText(of grant: ConsentGrant) -> String {
        guard !grant.attributes.isEmpty else { return grant.kind.rawValue }
        return "\(grant.kind.rawValue) recorded \(grant.attributes), counting as \(grant.strength.rawValue)"
    }

    /// Step 6's checks of one active candidate, in order; the first it fails is its reason, with a note on it when
    /// `explaining`.
    private func check(
        _ grant: ConsentGrant, purpose: Purpose, question: ConsentQuestion, facts: SubjectFacts, required: ConsentKind,
        explaining: Bool
    ) -> (CandidateCheck, ReasonCode, String?) {
        func note(_ text: @autoclosure () -> String) -> String? { explaining ? text() : nil }
        let minorAtGrant = policy.isMinor(facts, at: grant.at)
        switch grant.grantor {
        case .individual where minorAtGrant || facts.isUnderGuardianship:
            let who = minorAtGrant ? "a minor when it was given" : "under guardianship"
            return (.grantor, .guardianConsentRequired, note("given by the subject, who was \(who) (Art. 31)"))
        case .guardian where facts.birthDate != nil && !minorAtGrant && !facts.isUnderGuardianship:
            return (
                .grantor, .grantorNotAuthorized,
                note("given by a guardian for a subject known to be a capable adult then")
            )
        default:
            break
        }
        if grant.noticeVersion < purpose.consentVersion {
            return (
                .notice, .reconsentRequired,
                note("notice version \(grant.noticeVersion) is below the purpose's \(purpose.consentVersion) (Art. 14)")
            )
        }
        if let recipient = question.recipient, !grant.recipients.isEmpty, !grant.recipients.contains(recipient) {
            return (.scope, .recipientNotCovered, note("names recipients that exclude `\(recipient)` (Art. 23)"))
        }
        if let destination = question.destination, !grant.destinations.isEmpty,
            !grant.destinations.contains(destination)
        {
            return (.scope, .destinationNotCovered, note("names destinations that exclude `\(destination)` (Art. 39)"))
        }
        if let missing = grant.effectiveAttributes.firstMissing(of: required.attributes) {
            // PIPL's requirements are the attribute sets of its three kinds, so the first attribute a grant can lack
            // is `written` (for written consent) or `separate` (for separate consent).
            let reason: ReasonCode = missing == .written ? .writtenConsentRequired : .separateConsentRequired
            let recorded = grant.attributes.isEmpty ? "" : " recorded \(grant.attributes)"
            return (
                .strength, reason,
                note(
                    "\(grant.kind.rawValue) consent\(recorded) lacks `\(missing.rawValue)`, which \(required.rawValue) consent requires"
                )
            )
        }
        return (.passed, .allowedByConsent, note("active and sufficient"))
    }
}
