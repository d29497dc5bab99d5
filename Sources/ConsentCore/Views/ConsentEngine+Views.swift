public import Foundation

extension ConsentEngine {
    /// A record as `view` shows it at `instant`: every present field clear, transformed or withheld with its reason.
    ///
    /// Each field starts from the decision for the record's subject, the view's purpose (and recipient, destination
    /// and channel), the field and the instant — exactly ``decision(for:)`` — and only a field the decision allows
    /// reaches the view's transform; a denied field is withheld with the decision's reason, never masked. An
    /// opt-out or disclosure view drops the whole record (``RecordView/dropped``) when the subject opted out of,
    /// objected to or restricted the use, was erased, or when the purpose may use none of the record's fields: a
    /// recipient never learns that a customer who did not agree exists.
    public func view(of record: PersonalRecord, as view: CompiledView, at instant: Date) -> RecordView {
        var result = RecordView(schema: view.schema)
        self.view(of: record, as: view, at: instant, into: &result)
        return result
    }

    /// The policy's view `id` of a record (compiling the view for this one call; compile it once with
    /// ``CompiledPolicy/view(_:key:)`` to project many).
    ///
    /// - Throws: ``ConsentKitError`` `unknownIdentifier` for a view the policy does not declare.
    public func view(of record: PersonalRecord, as id: String, at instant: Date, key: PseudonymKey? = nil)
        throws(ConsentKitError) -> RecordView
    {
        view(of: record, as: try compiled.view(id, key: key), at: instant)
    }

    /// Projects into `result`, reusing its storage: no allocation for fields shown clear or withheld once `result`
    /// has held a record of the same policy.
    public func view(of record: PersonalRecord, as view: CompiledView, at instant: Date, into result: inout RecordView) {
        // A record laid out for another policy is re-laid by field id first; fields this one lacks are unknown.
        guard record.schema === view.schema || record.schema == view.schema else {
            project(relaid(record, for: view.schema), as: view, at: instant, into: &result)
            return
        }
        project(record, as: view, at: instant, into: &result)
    }

    private func relaid(_ record: PersonalRecord, for schema: RecordSchema) -> PersonalRecord {
        var copy = PersonalRecord(subject: record.subject, schema: schema)
        for (index, value) in record.values.enumerated() {
            guard let value, let position = schema.position(of: record.schema.fields[index].id),
                schema.fields[position].type == value.type
            else { continue }
            copy.setChecked(value, at: position)
        }
        return copy
    }

    private func project(_ record: PersonalRecord, as view: CompiledView, at instant: Date, into result: inout RecordView)
    {
        if result.schema !== view.schema { result = RecordView(schema: view.schema) }
        result.subject = record.subject
        switch view.view.kind {
        case .anonymised: result.shownSubject = nil
        case .disclosure:
            result.shownSubject = view.pseudonymiser.map { $0.pseudonym(of: .string("subject:" + record.subject.rawValue)) }
        case .standard, .personalData, .optOut: result.shownSubject = record.subject.rawValue
        }
        if result.view != view.view.id { result.view = view.view.id }
        result.dropped = nil
        result.omitsWithheld = view.view.withheldFields == .omitted
        let handle = handle(for: record.subject)
        var question = view.question
        question.at = instant
        let dropsRecords = view.view.kind.dropsRecords
        if dropsRecords, let probe = view.probeField {
            // One decision settles an opt-out or objection: it denies every field of the purpose alike.
            question.field = probe
            let reason = decision(question, for: handle).reason
            if Self.dropsWholeRecord(reason) {
                drop(&result, reason: reason)
                return
            }
        }
        var minor: Bool?
        func minorNow() -> Bool {
            if let minor { return minor }
            let known = isMinor(handle, at: instant)
            minor = known
            return known
        }
        // The customer id in clear identifies the record whatever its fields show.
        var identified = !view.view.kind.deidentifies
        var pseudonyms = false
        var anyAllowed = false
        var firstDenial: ReasonCode?
        let plans = view.plans
        record.values.withUnsafeBufferPointer { values in
            result.outcomes.withUnsafeMutableBufferPointer { outcomes in
                for index in 0..<values.count {
                    guard let value = values[index] else {
                        outcomes[index] = nil
                        continue
                    }
                    let plan = plans[index]
                    guard plan.declared else {
                        outcomes[index] = .withheld(.denied(.notDeclared))
                        if firstDenial == nil { firstDenial = .notDeclared }
                        continue
                    }
                    question.field = Int32(index)
                    let reason = decision(question, for: handle).reason
                    guard reason.effect == .allow else {
                        outcomes[index] = .withheld(.denied(reason))
                        if firstDenial == nil { firstDenial = reason }
                        continue
                    }
                    anyAllowed = true
                    let outcome = Self.transform(
                        value, plan: plan, reason: reason, view: view, at: instant, minor: minorNow)
                    switch outcome {
                    case .clear:
                        if plan.directIdentifier || plan.sensitive || minorNow() { identified = true }
                    case .masked:
                        if plan.directIdentifier { identified = true }
                    case .pseudonymised: pseudonyms = true
                    case .generalised, .withheld: break
                    }
                    outcomes[index] = outcome
                }
            }
        }
        if dropsRecords && !anyAllowed {
            drop(&result, reason: firstDenial ?? .notDeclared)
            return
        }
        _ = pseudonyms
        result.label = identified ? .identified : .deidentified
    }

    private func drop(_ result: inout RecordView, reason: ReasonCode) {
        result.dropped = reason
        result.label = .deidentified
        result.outcomes.withUnsafeMutableBufferPointer { outcomes in
            for index in outcomes.indices { outcomes[index] = nil }
        }
    }

    /// Denials that say the subject refused the use as a whole — an opt-out, objection, restriction or erasure —
    /// rather than something about one field.
    package static func dropsWholeRecord(_ reason: ReasonCode) -> Bool {
        switch reason {
        case .optedOutOfDirectMarketing, .optedOutOfThirdPartyDisclosure, .optedOutOfAutomatedDecisionMaking,
            .optedOutOfSensitiveData, .optedOutOfSaleOrSharing, .objectedOnParticularSituation, .objectedToResearch,
            .restricted, .erased:
            true
        default: false
        }
    }

    /// What an allowed field shows under its plan.
    static func transform(
        _ value: FieldValue, plan: CompiledView.FieldPlan, reason: ReasonCode, view: CompiledView, at instant: Date,
        minor: () -> Bool
    ) -> FieldOutcome {
        switch plan.transform {
        case .clear:
            // A de-identifying view never shows a sensitive value in clear: for a minor, that is every field.
            if view.view.kind.deidentifies && (plan.sensitive || minor()) { return .withheld(.sensitive) }
            return .clear(value, reason)
        case .withhold: return .withheld(.byView)
        case .pseudonymise:
            guard let pseudonymiser = view.pseudonymiser else { return .withheld(.noPseudonymKey) }
            return .pseudonymised(pseudonymiser.pseudonym(of: value), reason)
        case .mask(let pattern):
            guard case .string(let text) = value else { return .withheld(.notApplicable) }
            if let masked = pattern.apply(to: text) { return .masked(masked, reason) }
            if pattern.shortValue == .pseudonymise, let pseudonymiser = view.pseudonymiser {
                return .pseudonymised(pseudonymiser.pseudonym(of: value), reason)
            }
            return .masked(pattern.redaction, reason)
        case .generalise(let generalisation):
            switch (generalisation, value) {
            case (.ageBand(let bounds), .date(let birthDate)):
                guard let today = view.policy.localDate(of: instant),
                    let age = view.policy.age(bornOn: birthDate, on: today)
                else { return .withheld(.notApplicable) }
                return .generalised(Generalisation.band(of: age, bounds: bounds), reason)
            case (.prefix(let keep), .string(let text)):
                var kept = ""
                var count = 0
                for character in text {
                    if count == keep { return .generalised(kept, reason) }
                    kept.append(character)
                    count += 1
                }
                // As long as the prefix or shorter: the "prefix" would be the whole value.
                return .withheld(.notApplicable)
            case (.range(let width), .int(let number)):
                return Generalisation.range(of: Double(number), width: width).map { .generalised($0, reason) }
                    ?? .withheld(.notApplicable)
            case (.range(let width), .double(let number)):
                return Generalisation.range(of: number, width: width).map { .generalised($0, reason) }
                    ?? .withheld(.notApplicable)
            default: return .withheld(.notApplicable)
            }
        }
    }

    /// Whether the subject is a minor at `instant` under the policy's own age rule.
    package func isMinor(_ handle: SubjectHandle, at instant: Date) -> Bool {
        let slot = slots[Int(handle.slot)]
        if slot.flags.isEmpty {
            let time = instant.timeIntervalSinceReferenceDate
            return withEvaluation { $0.isMinor($0.facts(slot, at: time), at: time) }
        }
        guard let record = ledger.record(for: subjectIDs[Int(handle.slot)]) else { return false }
        return compiled.policy.isMinor(record.state(at: instant).facts, at: instant)
    }
}
