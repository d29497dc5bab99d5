public import Foundation

extension ConsentEngine {
    /// A record as `view` shows it at `instant`: every present field clear, transformed or withheld with its reason.
    ///
    /// Each field starts from the decision for the record's subject, the view's purpose (and recipient, destination
    /// and channel), the field and the instant — exactly ``decision(for:)`` — and only a field the decision allows
    /// reaches the view's transform; a denied field is withheld with the decision's reason, never masked. An
    /// opt-out, disclosure or anonymised view drops the whole record (``RecordView/dropped``) when the subject
    /// opted out of or objected to the use or was erased, or when the purpose may use none of the record's
    /// declared fields: a recipient never learns that a customer who did not agree exists.
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
    public func view(of record: PersonalRecord, as view: CompiledView, at instant: Date, into result: inout RecordView)
    {
        // A record laid out for another policy is re-laid by field id first; fields this policy lacks are left out.
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

    private func project(
        _ record: PersonalRecord, as view: CompiledView, at instant: Date, into result: inout RecordView
    ) {
        if result.schema !== view.schema { result = RecordView(schema: view.schema) }
        result.subject = record.subject
        switch view.kind {
        case .anonymised: result.shownSubject = nil
        case .disclosure:
            result.shownSubject = view.pseudonymiser.map { $0.pseudonym(ofSubject: record.subject) }
        case .standard, .personalData, .optOut: result.shownSubject = record.subject.rawValue
        }
        if result.view != view.id { result.view = view.id }
        result.dropped = nil
        // Anonymised output never says why a field is missing: a reason code can single a customer out
        // (`denied.erased`, `view.sensitive` for a child).
        result.omitsWithheld = view.omitsWithheld
        var fields = FieldProjection(view: view, subject: handle(for: record.subject), at: instant)
        if view.kind.dropsRecords, let reason = fields.wholeRecordDenial(self, view) {
            drop(&result, reason: reason)
            return
        }
        fields.prepare(self, into: &result.allowed)
        if let cache = result.dayCache, cache.instant == instant { fields.today = .some(cache.day) }
        let allowed = result.allowed
        var texts: [String] = []
        swap(&texts, &result.texts)
        texts.removeAll(keepingCapacity: true)
        result.source = record
        // The customer id in clear identifies the record whatever its fields show.
        var tally = FieldTally(identified: !view.kind.deidentifies)
        result.codes.withUnsafeMutableBufferPointer { codes in
            record.values.withUnsafeBufferPointer { values in
                view.plans.withUnsafeBufferPointer { plans in
                    projectFields(
                        values, plans: plans, into: codes, fields: &fields, view: view, allowed: allowed,
                        texts: &texts, tally: &tally)
                }
            }
        }
        if let today = fields.today { result.dayCache = (instant, today) }
        let identified = tally.identified
        let anyAllowed = tally.anyAllowed
        let firstDenial = tally.firstDenial
        swap(&texts, &result.texts)
        if view.kind.dropsRecords && !anyAllowed {
            drop(&result, reason: firstDenial ?? .notDeclared)
            return
        }
        result.label = identified ? .identified : .deidentified
    }

    /// What the field loop learns for the record's label and drop.
    struct FieldTally {
        var identified: Bool
        var anyAllowed = false
        var firstDenial: ReasonCode?
    }

    /// The field loop, out of the closures so that it compiles to a plain loop over buffers.
    private func projectFields(
        _ values: UnsafeBufferPointer<FieldValue?>, plans: UnsafeBufferPointer<CompiledView.FieldPlan>,
        into codes: UnsafeMutableBufferPointer<FieldCode>, fields: inout FieldProjection, view: CompiledView,
        allowed: FieldSet, texts: inout [String], tally: inout FieldTally
    ) {
        var index = 0
        let count = min(values.count, codes.count, plans.count)
        while index < count {
            defer { index += 1 }
            guard case .some = values[index] else {
                codes[index] = FieldCode(.absent)
                continue
            }
            let plan = plans[index]
            let code = fields.code(self, view, values: values, at: index, plan: plan, allowed: allowed, texts: &texts)
            switch code.kind {
            case .clear:
                tally.anyAllowed = true
                if !tally.identified && (plan.directIdentifier || plan.sensitive || fields.isMinor(self, view, values))
                {
                    tally.identified = true
                }
            case .masked:
                tally.anyAllowed = true
                if plan.directIdentifier { tally.identified = true }
            case .generalised where plan.directIdentifier || plan.sensitive:
                // A prefix of an identifier is still part of it: the view shows it, so the record is identified
                // unless the view is one that hides the customer (its prefixes are capped at half the value).
                tally.anyAllowed = true
                if !view.kind.deidentifies, case .generalise(.prefix) = view.transforms[index] {
                    tally.identified = true
                }
            case .denied:
                // The reason a record is dropped is a field the purpose declares, not one it never asked for.
                if tally.firstDenial == nil, plan.declared { tally.firstDenial = ReasonCode(ordinal: code.reason) }
            case .absent: break
            case .generalised, .pseudonymised, .byView, .sensitive, .noPseudonymKey, .notApplicable:
                tally.anyAllowed = true
            }
            codes[index] = code
        }
    }

    private func drop(_ result: inout RecordView, reason: ReasonCode) {
        result.dropped = reason
        result.label = .deidentified
        result.codes.withUnsafeMutableBufferPointer { codes in
            for index in codes.indices { codes[index] = FieldCode(.absent) }
        }
        result.texts.removeAll(keepingCapacity: true)
    }

    /// Denials that refuse the purpose's use of every field alike — an opt-out of direct marketing, disclosure,
    /// automated decisions or sale, an objection, an erasure — so one decision settles the record. (An opt-out of
    /// sensitive data and a restriction can depend on the field: those records are projected, and dropped only if
    /// no field is left.)
    package static func dropsWholeRecord(_ reason: ReasonCode) -> Bool {
        switch reason {
        case .optedOutOfDirectMarketing, .optedOutOfThirdPartyDisclosure, .optedOutOfAutomatedDecisionMaking,
            .optedOutOfSaleOrSharing, .objectedOnParticularSituation, .objectedToResearch, .erased:
            true
        default: false
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
