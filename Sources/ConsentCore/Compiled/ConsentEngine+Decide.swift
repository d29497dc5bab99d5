public import Foundation

extension ConsentEngine {
    /// The decision for a resolved question about a subject: DecisionModel.md over the compiled state.
    ///
    /// - Complexity: O(*f* + *o* + *g*) for the subject's *f* fact versions, *o* objection events and *g* grant
    ///   slots — a handful each — with no allocation and no lock.
    public func decision(_ question: CompiledQuestion, for subject: SubjectHandle) -> CompiledDecision {
        let subject = checked(subject)
        let slot = slots[Int(subject.slot)]
        // One test for both other layouts keeps the PIPL path as it was.
        if !slot.flags.isEmpty { return otherDecision(question, slot: slot, subject: subject) }
        return withEvaluation { $0.decide(question, slot, subject: subject.slot) }
    }

    @inline(never)
    private func otherDecision(_ question: CompiledQuestion, slot: SubjectSlot, subject: SubjectHandle)
        -> CompiledDecision
    {
        if slot.flags.contains(.usesReference) { return referenceDecision(question, subject: subject) }
        var relied = ReliedGrants(collecting: false)
        let (reason, regime) = regimeDecider(slot).decide(question, relying: &relied)
        return CompiledDecision(reason, subject: subject.slot, grantOrdinal: relied.latest, regimeIndex: regime)
    }

    /// The regime evaluator over a regime subject's compiled standing.
    @inline(__always)
    private func regimeDecider(_ slot: SubjectSlot) -> RegimeDecider {
        RegimeDecider(
            tables: compiled.tables, regimes: compiledRegimes, subject: regimeSubjects[Int(slot.factsStart)],
            policyRegime: policyRegimeIndex)
    }

    /// The handle if it names a slot of this engine, or the empty subject's: a handle from another engine must not
    /// read out of bounds (it decides as a subject with nothing recorded).
    @inline(__always)
    private func checked(_ subject: SubjectHandle) -> SubjectHandle {
        subject.slot >= 0 && Int(subject.slot) < slots.count ? subject : .empty
    }

    /// The decision for a question given by name: one lookup for the subject and one per name.
    public func decision(for question: ConsentQuestion) -> Decision {
        let subject = handle(for: question.subject)
        let slot = slots[Int(subject.slot)]
        // A subject the reference evaluator decides gets its decision whole: every grant, and the regime.
        if slot.flags.contains(.usesReference) { return ReferenceEvaluator(ledger: ledger).decision(for: question) }
        if slot.flags.contains(.regimes) {
            // Every grant relied on, most recently given last, as the reference lists them.
            var relied = ReliedGrants(collecting: true)
            let (reason, index) = regimeDecider(slot).decide(compiled.compile(question), relying: &relied)
            let ids = regimeSubjects[Int(slot.factsStart)].grantIDs
            return Decision(reason, grants: relied.ordinals.sorted().map { ids[Int($0)] }, regime: regime(at: index))
        }
        return decision(decision(compiled.compile(question), for: subject))
    }

    /// Decides many questions, writing one decision per question into `results` (cleared first, capacity kept).
    public func decisions(
        _ questions: some Collection<(subject: SubjectHandle, question: CompiledQuestion)>,
        into results: inout [CompiledDecision]
    ) {
        results.removeAll(keepingCapacity: true)
        results.reserveCapacity(questions.count)
        for (subject, question) in questions { results.append(decision(question, for: subject)) }
    }

    /// The decisions for questions given by name, in order.
    public func decisions(for questions: [ConsentQuestion]) -> [Decision] {
        questions.map { decision(for: $0) }
    }

    /// Which fields of a record `purpose` may use at `instant`, written into `allowed` with no allocation once it
    /// has its capacity. The reason for each field is ``decision(_:for:)`` away.
    ///
    /// - Complexity: O(*g* · *w*) for the subject's *g* grant slots and *w* words per field set.
    public func allowedFields(
        for subject: SubjectHandle, purpose: Int32, at instant: Date, into allowed: inout FieldSet
    ) {
        allowed.reset(wordCount: compiled.wordsPerSet)
        // Nothing is allowed for a purpose index this policy does not have, or at an instant no file can hold.
        guard purpose >= 0 && Int(purpose) < compiled.policy.purposes.count, RFC3339.isRepresentable(instant) else {
            return
        }
        let subject = checked(subject)
        let slot = slots[Int(subject.slot)]
        if !slot.flags.isEmpty {
            for field in 0..<Int32(compiled.fieldCount) {
                let question = CompiledQuestion(purpose: purpose, field: field, at: instant)
                if otherDecision(question, slot: slot, subject: subject).isAllowed {
                    allowed.words[Int(field) >> 6] |= 1 << UInt64(field & 63)
                }
            }
            return
        }
        allowed.words.withUnsafeMutableBufferPointer { output in
            withEvaluation {
                $0.allowedFields(purpose: purpose, at: instant.timeIntervalSinceReferenceDate, slot, into: output)
            }
        }
    }

    /// The decisions for every field of a record by name, as ``ReferenceEvaluator/decisions(for:purpose:fields:at:)``.
    public func decisions(for subject: SubjectID, purpose: PurposeID, fields: [FieldID], at instant: Date)
        -> RecordDecision
    {
        let handle = handle(for: subject)
        // Decisions that may rely on several grants come by name, every grant listed.
        if !slots[Int(handle.slot)].flags.isEmpty {
            return RecordDecision(
                fields: fields,
                decisions: fields.map { field in
                    decision(for: ConsentQuestion(subject: subject, purpose: purpose, field: field, at: instant))
                })
        }
        return RecordDecision(
            fields: fields,
            decisions: fields.map { field in
                decision(
                    decision(
                        compiled.compile(
                            ConsentQuestion(subject: subject, purpose: purpose, field: field, at: instant)),
                        for: handle))
            })
    }

    @inline(__always)
    func withEvaluation<R>(_ body: (Evaluation) -> R) -> R {
        facts.withUnsafeBufferPointer { facts in
            grants.withUnsafeBufferPointer { grants in
                toggleTimes.withUnsafeBufferPointer { times in
                    toggles.withUnsafeBufferPointer { toggles in
                        words.withUnsafeBufferPointer { words in
                            references.withUnsafeBufferPointer { references in
                                body(
                                    Evaluation(
                                        tables: compiled.tables, facts: facts, grants: grants, toggleTimes: times,
                                        toggles: toggles, words: words, references: references,
                                        wide: compiled.wordsPerSet > 1))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A subject too large for the compact layout, decided by the reference evaluator over the ledger.
    @inline(never)
    private func referenceDecision(_ question: CompiledQuestion, subject: SubjectHandle) -> CompiledDecision {
        let policy = compiled.policy
        // Every unknown name stands in as a name no policy can hold (an identifier may not hold a control
        // character), so the reference decides the question whole: its step order, and the regime it reports.
        let undeclared = "\u{0}unknown"
        let purpose =
            question.purpose >= 0 && Int(question.purpose) < policy.purposes.count
            ? policy.purposes[Int(question.purpose)].id : PurposeID(undeclared)
        let field =
            question.field >= 0 && Int(question.field) < policy.fields.count
            ? policy.fields[Int(question.field)].id : FieldID(undeclared)
        /// What an index stands for: absent from the question, a known name, or unknown to the policy.
        enum Name<T> {
            case absent, known(T), unknown
            var value: T? { if case .known(let name) = self { name } else { nil } }
        }
        func name<T>(_ index: Int32, _ names: [T]) -> Name<T> {
            if index == CompiledQuestion.none { return .absent }
            if index >= 0 && Int(index) < names.count { return .known(names[Int(index)]) }
            return .unknown
        }
        let recipient = name(question.recipient, compiled.recipientNames)
        let destination = name(question.destination, compiled.destinationNames)
        let channel = name(question.channel, Channel.knownChannels)
        func given<T>(_ name: Name<T>, _ unknown: T) -> T? {
            if case .unknown = name { return unknown }
            return name.value
        }
        let subjectID = subjectIDs[Int(subject.slot)]
        let decision = ReferenceEvaluator(ledger: ledger).decision(
            for: ConsentQuestion(
                subject: subjectID, purpose: purpose, field: field, at: question.at,
                recipient: given(recipient, RecipientID(undeclared)),
                destination: given(destination, Destination(undeclared)), channel: given(channel, Channel(undeclared))))
        let position =
            Regime.all.firstIndex(of: decision.regime)
            ?? policy.profiles.firstIndex(of: decision.regime).map { Regime.all.count + $0 }
        let regimeIndex = position.flatMap { $0 < Int(UInt8.max) ? UInt8($0) : nil } ?? .max
        guard let grant = decision.grant,
            let ordinal = ledger.record(for: subjectID)?.grants.firstIndex(where: { $0.id == grant })
        else { return CompiledDecision(decision.reason, regimeIndex: regimeIndex) }
        return CompiledDecision(
            decision.reason, subject: subject.slot, grantOrdinal: UInt16(truncatingIfNeeded: ordinal),
            regimeIndex: regimeIndex)
    }
}
