internal import Foundation

/// The per-record state of a projection: the subject's handle and question, the fields the purpose allows (worked
/// out for all fields at once where the compiled layout can), and what is computed at most once per record — the
/// subject's minority, the local day of the instant, the allow reason.
///
/// It holds no reference to the engine or the view (copying either would retain every array they hold, once per
/// record): both are passed to each call.
struct FieldProjection {
    let subject: SubjectHandle
    let instant: Date
    var question: CompiledQuestion
    /// The view's kind hides sensitive values (read once: going through the declaration per field copies it).
    let deidentifies: Bool
    /// Whether `allowed` holds the purpose's allowed fields (a subject in the PIPL layout, asked without a
    /// recipient, destination or channel): then only denied fields need a decision of their own, for the reason.
    private var bulk = false
    private var allowReason: ReasonCode?
    private var minor: Bool?
    var today: CalendarDate??

    init(view: CompiledView, subject: SubjectHandle, at instant: Date) {
        self.subject = subject
        self.instant = instant
        self.question = view.question
        self.question.at = instant
        self.deidentifies = view.kind.deidentifies
    }

    /// The reason an opt-out or disclosure view drops the whole record, from one decision: an opt-out, objection,
    /// restriction or erasure denies every field of the purpose alike.
    mutating func wholeRecordDenial(_ engine: borrowing ConsentEngine, _ view: borrowing CompiledView) -> ReasonCode? {
        guard let probe = view.probeField else { return nil }
        question.field = probe
        let reason = engine.decision(question, for: subject).reason
        return ConsentEngine.dropsWholeRecord(reason) ? reason : nil
    }

    /// Works out the allowed fields at once when the layout allows it.
    mutating func prepare(_ engine: borrowing ConsentEngine, into allowed: inout FieldSet) {
        guard question.recipient == CompiledQuestion.none, question.destination == CompiledQuestion.none,
            question.channel == CompiledQuestion.none, engine.isInBulkLayout(subject)
        else { return }
        engine.allowedFields(for: subject, purpose: question.purpose, at: instant, into: &allowed)
        bulk = true
    }

    /// Whether the subject is a minor at the instant: by the ledger's facts, or by a birth date in the record
    /// itself (a customer the ledger knows nothing about is not thereby an adult).
    mutating func isMinor(
        _ engine: borrowing ConsentEngine, _ view: borrowing CompiledView, _ values: UnsafeBufferPointer<FieldValue?>
    ) -> Bool {
        if let minor { return minor }
        var known = engine.isMinor(subject, at: instant)
        if !known, !view.birthDateFields.isEmpty, let day = localDay(view) {
            for index in view.birthDateFields {
                if case .date(let birthDate)? = values[index],
                    let age = view.policy.age(bornOn: birthDate, on: day), age < view.policy.minorAge
                {
                    known = true
                }
            }
        }
        minor = known
        return known
    }

    /// The local day of the instant in the policy's zone, worked out once.
    mutating func localDay(_ view: borrowing CompiledView) -> CalendarDate? {
        if today == nil { today = .some(view.policy.localDate(of: instant)) }
        return today ?? nil
    }

    /// The decision's reason for a declared field.
    private mutating func reason(_ engine: borrowing ConsentEngine, _ index: Int, allowed: FieldSet?) -> ReasonCode {
        if bulk, let allowed, allowed.contains(Int32(index)) {
            // Every allowed field of one purpose and subject rests on the same ground: ask once.
            if let allowReason { return allowReason }
        }
        question.field = Int32(index)
        let reason = engine.decision(question, for: subject).reason
        if bulk, reason.effect == .allow { allowReason = reason }
        return reason
    }

    /// The code of the field at `index` (present in `values`), appending a transformed text to `texts`.
    mutating func code(
        _ engine: borrowing ConsentEngine, _ view: borrowing CompiledView, values: UnsafeBufferPointer<FieldValue?>,
        at index: Int, plan: CompiledView.FieldPlan, allowed: FieldSet?, texts: inout [String]
    ) -> FieldCode {
        guard plan.declared else { return FieldCode(.denied, .notDeclared) }
        let reason = reason(engine, index, allowed: allowed)
        guard reason.effect == .allow else { return FieldCode(.denied, reason) }
        switch plan.action {
        case .clear:
            // A de-identifying view never shows a sensitive value in clear: for a minor, that is every field.
            if deidentifies && (plan.sensitive || isMinor(engine, view, values)) { return FieldCode(.sensitive) }
            return FieldCode(.clear, reason)
        case .withhold: return FieldCode(.byView)
        case .pseudonymise:
            guard let pseudonymiser = view.pseudonymiser, let value = values[index] else {
                return FieldCode(.noPseudonymKey)
            }
            texts.append(pseudonymiser.pseudonym(of: value))
            return FieldCode(.pseudonymised, reason, text: texts.count - 1)
        case .transform:
            guard let value = values[index] else { return FieldCode(.absent) }
            return transform(view, value, view.transforms[index], plan: plan, reason: reason, texts: &texts)
        }
    }

    private mutating func transform(
        _ view: borrowing CompiledView, _ value: FieldValue, _ transform: FieldTransform, plan: CompiledView.FieldPlan,
        reason: ReasonCode, texts: inout [String]
    ) -> FieldCode {
        func shown(_ kind: FieldCode.Kind, _ text: String) -> FieldCode {
            texts.append(text)
            return FieldCode(kind, reason, text: texts.count - 1)
        }
        switch (transform, value) {
        case (.mask(let pattern), .string(let text)):
            if let masked = pattern.apply(to: text) { return shown(.masked, masked) }
            // An anonymised view holds no pseudonym, whatever a pattern asks for.
            if pattern.shortValue == .pseudonymise, view.kind != .anonymised,
                let pseudonymiser = view.pseudonymiser
            {
                return shown(.pseudonymised, pseudonymiser.pseudonym(of: value))
            }
            return shown(.masked, pattern.redaction)
        case (.generalise(.ageBand(let bounds)), .date(let birthDate)):
            guard let day = localDay(view), let age = view.policy.age(bornOn: birthDate, on: day) else {
                return FieldCode(.notApplicable)
            }
            return shown(.generalised, Generalisation.band(of: age, bounds: bounds))
        case (.generalise(.prefix(let keep)), .string(let text)):
            // As long as the prefix or shorter, the "prefix" would be the whole value.
            guard let end = text.index(text.startIndex, offsetBy: keep, limitedBy: text.endIndex), end < text.endIndex
            else { return FieldCode(.notApplicable) }
            // In a view that hides the customer, a prefix of an identifier or a sensitive value shows at most half
            // of it: 17 characters of an 18-character ID number are the ID number.
            if deidentifies && (plan.directIdentifier || plan.sensitive) && keep * 2 > text.count {
                return FieldCode(.notApplicable)
            }
            return shown(.generalised, String(text[..<end]))
        case (.generalise(.range(let width)), .int(let number)):
            return Generalisation.range(of: number, width: width).map { shown(.generalised, $0) }
                ?? FieldCode(.notApplicable)
        case (.generalise(.range(let width)), .double(let number)):
            return Generalisation.range(of: number, width: width).map { shown(.generalised, $0) }
                ?? FieldCode(.notApplicable)
        default: return FieldCode(.notApplicable)
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
