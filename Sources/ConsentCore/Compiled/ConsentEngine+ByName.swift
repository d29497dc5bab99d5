public import Foundation

extension ConsentEngine {
    /// The decision for a question given by name, in the compiled engine's eight-byte form: the subject's id looked
    /// up in the engine's table and each name in the compiled policy's tables, with no lock and, for ASCII ids and
    /// names, no allocation (other text is compared in Normalization Form C, as `String ==` compares it; a subject
    /// too large for either compiled layout is decided by the reference evaluator, which allocates).
    ///
    /// This is the call for a service whose request carries a customer id, a purpose and a field as strings.
    /// ``grantID(of:)`` names the grant a consent allow relied on (read from the compiled state, not the ledger);
    /// ``decision(for:)`` returns the full ``Decision`` instead.
    ///
    /// - Complexity: one hash of the subject id and of each name, typically one byte comparison each, then the
    ///   decision of ``decision(_:for:)``.
    @inline(__always)
    public func compiledDecision(for question: ConsentQuestion) -> CompiledDecision {
        compiledDecision(
            subject: question.subject, purpose: question.purpose, field: question.field, at: question.instant,
            recipient: question.recipient, destination: question.destination, channel: question.channel)
    }

    /// The decision for a question whose parts are given one by one, as a request handler holds them: the same
    /// decision as ``compiledDecision(for:)``, without building a ``ConsentQuestion``.
    public func compiledDecision(
        subject: SubjectID, purpose: PurposeID, field: FieldID, at instant: Date, recipient: RecipientID? = nil,
        destination: Destination? = nil, channel: Channel? = nil
    ) -> CompiledDecision {
        decision(
            compiled.compile(
                purpose: purpose, field: field, at: instant, recipient: recipient, destination: destination,
                channel: channel),
            for: handle(for: subject))
    }

    /// Decides a batch of questions by name, writing one decision per question into `results` in the questions'
    /// order (cleared first, capacity kept).
    ///
    /// Questions are grouped by subject internally, so each subject's compiled state is read once into cache
    /// however the batch is ordered: a service that gathers the questions of many requests, or all the fields of
    /// a record, decides them together. The decisions are those of ``compiledDecision(for:)``, one by one.
    ///
    /// - Complexity: O(*n* log *n*) for *n* questions, plus one decision each; a scratch array (and the sort's
    ///   buffer) per batch, none per question.
    public func decisions(for questions: [ConsentQuestion], into results: inout [CompiledDecision]) {
        results.removeAll(keepingCapacity: true)
        let count = questions.count
        guard count > 0 else { return }
        results.append(contentsOf: repeatElement(CompiledDecision(.noConsent), count: count))
        // Each question's subject slot in the upper half, its position in the lower: sorting the keys groups the
        // questions by subject and keeps each subject's questions in their order.
        var order = [UInt64](unsafeUninitializedCapacity: count) { order, initialized in
            subjectIDs.withUnsafeBufferPointer { ids in
                questions.withUnsafeBufferPointer { questions in
                    for position in 0..<count {
                        let slot = table.find(questions[position].subject, in: ids) ?? 0
                        order[position] = UInt64(UInt32(bitPattern: slot)) << 32 | UInt64(position)
                    }
                }
            }
            initialized = count
        }
        order.sort()
        questions.withUnsafeBufferPointer { questions in
            results.withUnsafeMutableBufferPointer { results in
                for key in order {
                    let position = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
                    let question = questions[position]
                    results[position] = decision(
                        compiled.compile(
                            purpose: question.purpose, field: question.field, at: question.instant,
                            recipient: question.recipient, destination: question.destination,
                            channel: question.channel),
                        for: SubjectHandle(slot: Int32(truncatingIfNeeded: key >> 32)))
                }
            }
        }
    }
}
