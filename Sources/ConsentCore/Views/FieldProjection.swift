internal import Foundation

/// The per-record state of a projection: the subject's handle and question, the fields the purpose allows (worked
/// out for all fields at once where the compiled layout can), and what is computed at most once per record — the
/// subject's minority, the local day of the instant, the allow reason.
struct FieldProjection {
    let engine: ConsentEngine
    let view: CompiledView
    let subject: SubjectHandle
    let instant: Date
    var question: CompiledQuestion
    /// Whether `allowed` holds the purpose's allowed fields (a subject in the PIPL layout, asked without a
    /// recipient, destination or channel): then only denied fields need a decision of their own, for the reason.
    private var bulk = false
    private var allowReason: ReasonCode?
    private var minor: Bool?
    private var today: CalendarDate??

    init(engine: ConsentEngine, view: CompiledView, subject: SubjectHandle, at instant: Date) {
        self.engine = engine
        self.view = view
        self.subject = subject
        self.instant = instant
        self.question = view.question
        self.question.at = instant
    }

    /// The reason an opt-out or disclosure view drops the whole record, from one decision: an opt-out, objection,
    /// restriction or erasure denies every field of the purpose alike.
    mutating func wholeRecordDenial() -> ReasonCode? {
        guard let probe = view.probeField else { return nil }
        question.field = probe
        let reason = engine.decision(question, for: subject).reason
        return ConsentEngine.dropsWholeRecord(reason) ? reason : nil
    }

    /// Works out the allowed fields at once when the layout allows it.
    mutating func prepare(into allowed: inout FieldSet) {
        guard question.recipient == CompiledQuestion.none, question.destination == CompiledQuestion.none,
            question.channel == CompiledQuestion.none, engine.isInBulkLayout(subject)
        else { return }
        engine.allowedFields(for: subject, purpose: question.purpose, at: instant, into: &allowed)
        bulk = true
    }

    mutating func isMinor() -> Bool {
        if let minor { return minor }
        let known = engine.isMinor(subject, at: instant)
        minor = known
        return known
    }

    /// The decision's reason for a declared field.
    private mutating func reason(_ index: Int, allowed: FieldSet?) -> ReasonCode {
        if bulk, let allowed, allowed.contains(Int32(index)) {
            // Every allowed field of one purpose and subject rests on the same ground: ask once.
            if let allowReason { return allowReason }
        }
        question.field = Int32(index)
        let reason = engine.decision(question, for: subject).reason
        if bulk, reason.effect == .allow { allowReason = reason }
        return reason
    }

    mutating func outcome(of value: FieldValue, at index: Int, plan: CompiledView.FieldPlan, allowed: FieldSet?)
        -> FieldOutcome
    {
        guard plan.declared else { return .withheld(.denied(.notDeclared)) }
        let reason = reason(index, allowed: allowed)
        guard reason.effect == .allow else { return .withheld(.denied(reason)) }
        switch plan.action {
        case .clear:
            // A de-identifying view never shows a sensitive value in clear: for a minor, that is every field.
            if view.view.kind.deidentifies && (plan.sensitive || isMinor()) { return .withheld(.sensitive) }
            return .clear(value, reason)
        case .withhold: return .withheld(.byView)
        case .pseudonymise:
            guard let pseudonymiser = view.pseudonymiser else { return .withheld(.noPseudonymKey) }
            return .pseudonymised(pseudonymiser.pseudonym(of: value), reason)
        case .transform: return transform(value, view.transforms[index], reason: reason)
        }
    }

    private mutating func transform(_ value: FieldValue, _ transform: FieldTransform, reason: ReasonCode)
        -> FieldOutcome
    {
        switch (transform, value) {
        case (.mask(let pattern), .string(let text)):
            if let masked = pattern.apply(to: text) { return .masked(masked, reason) }
            if pattern.shortValue == .pseudonymise, let pseudonymiser = view.pseudonymiser {
                return .pseudonymised(pseudonymiser.pseudonym(of: value), reason)
            }
            return .masked(pattern.redaction, reason)
        case (.generalise(.ageBand(let bounds)), .date(let birthDate)):
            if today == nil { today = .some(view.policy.localDate(of: instant)) }
            guard let day = today ?? nil, let age = view.policy.age(bornOn: birthDate, on: day) else {
                return .withheld(.notApplicable)
            }
            return .generalised(Generalisation.band(of: age, bounds: bounds), reason)
        case (.generalise(.prefix(let keep)), .string(let text)):
            // As long as the prefix or shorter, the "prefix" would be the whole value.
            guard let end = text.index(text.startIndex, offsetBy: keep, limitedBy: text.endIndex), end < text.endIndex
            else { return .withheld(.notApplicable) }
            return .generalised(String(text[..<end]), reason)
        case (.generalise(.range(let width)), .int(let number)):
            return Generalisation.range(of: number, width: width).map { .generalised($0, reason) }
                ?? .withheld(.notApplicable)
        case (.generalise(.range(let width)), .double(let number)):
            return Generalisation.range(of: number, width: width).map { .generalised($0, reason) }
                ?? .withheld(.notApplicable)
        default: return .withheld(.notApplicable)
        }
    }
}

extension ConsentEngine {
    /// Whether the subject is in the PIPL layout, where ``allowedFields(for:purpose:at:into:)`` answers for every
    /// field at once exactly as ``decision(_:for:)`` does one by one.
    func isInBulkLayout(_ subject: SubjectHandle) -> Bool {
        slots[Int(subject.slot)].flags.isEmpty && !compiled.usesRegimesBeyondPIPL
    }
}
