internal import Foundation

/// The compiled evaluator: a ``ConsentLedger`` with every subject's state compiled into flat, cache-friendly
/// arrays, answering the questions of DECISION-MODEL.md with the same decisions as ``ReferenceEvaluator`` — proven
/// by a differential test — in nanoseconds and with no allocation.
///
/// ```swift
/// var engine = ConsentEngine(ledger: ledger)
/// try engine.append(.withdraw(Withdrawal(.grant("g1"), at: .now)))   // recompiles only that subject
///
/// // Per request: resolve names once, then decide.
/// let subject = engine.handle(for: "c1")
/// let question = engine.compiled.compile(ConsentQuestion(subject: "c1", purpose: "marketing.email",
///                                                        field: "email", at: .now))
/// let decision = engine.decision(question, for: subject)      // 8 bytes, no allocation
/// let why = engine.explanation(for: ...)                        // rendered only when asked
/// ```
///
/// The engine keeps the ledger it compiled as the source of truth: explanations are rendered by the reference
/// evaluator from it, so they always agree with the decision. Appending an event recompiles that subject alone,
/// writing its new state at the end of the arrays; the old state is reclaimed by compaction once garbage exceeds
/// the live state.
///
/// An engine is a value: copies share storage until one of them is changed, and a copy taken for readers is never
/// disturbed by a writer.
public struct ConsentEngine: Sendable {
    /// The compiled policy.
    public let compiled: CompiledPolicy
    /// The ledger the state was compiled from.
    public private(set) var ledger: ConsentLedger

    var subjectIndex: [SubjectID: Int32] = [:]
    var slots: [SubjectSlot] = [.empty]
    var facts: [FactsVersion] = [.unknown]
    var grants: [GrantSlot] = []
    var toggles: [Toggle] = []
    var words: [UInt64] = []
    var references: [Int32] = []
    var grantIDs: [GrantID] = []
    /// Array entries no slot refers to any more, reclaimed by compaction.
    var garbage = 0

    /// Compiles every subject of a ledger.
    ///
    /// - Complexity: O(*e*) for *e* events, plus O(*P* · *F*) to compile the policy.
    public init(ledger: ConsentLedger) {
        self.init(compiled: CompiledPolicy(ledger.policy), ledger: ledger)
    }

    /// Compiles every subject of a ledger against an already compiled form of its policy.
    ///
    /// - Precondition: `compiled` was compiled from `ledger.policy`.
    public init(compiled: CompiledPolicy, ledger: ConsentLedger) {
        self.compiled = compiled
        self.ledger = ledger
        let subjects = ledger.subjects
        subjectIndex.reserveCapacity(subjects.count)
        slots.reserveCapacity(subjects.count + 1)
        for subject in subjects {
            guard let record = ledger.record(for: subject) else { continue }
            subjectIndex[subject] = Int32(slots.count)
            slots.append(compile(record))
        }
    }

    /// The number of subjects with compiled state.
    public var subjectCount: Int { subjectIndex.count }

    /// The handle of a subject; a subject the engine has no data for gets ``SubjectHandle/empty``.
    ///
    /// - Complexity: one hash lookup.
    @inlinable
    public func handle(for subject: SubjectID) -> SubjectHandle {
        _handle(subject)
    }

    @usableFromInline
    func _handle(_ subject: SubjectID) -> SubjectHandle {
        subjectIndex[subject].map(SubjectHandle.init(slot:)) ?? .empty
    }

    /// Appends an event to the ledger and recompiles the subject it concerns; the next decision sees it.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event; the engine is then unchanged.
    /// - Complexity: O(*e*) for the *e* events of that subject (amortised, with compaction).
    public mutating func append(_ event: ConsentEvent) throws(ConsentKitError) {
        try ledger.append(event)
        let subject: SubjectID
        if case .withdraw(let withdrawal) = event, case .grant(let id) = withdrawal.target {
            guard let grant = ledger.grant(id) else { return }
            subject = grant.subject
        } else if let named = event.namedSubject {
            subject = named
        } else {
            return
        }
        recompile(subject)
    }

    /// Records a subject's facts from the beginning of time and recompiles it.
    public mutating func declare(_ subject: SubjectID, facts: SubjectFacts) throws(ConsentKitError) {
        try ledger.declare(subject, facts: facts)
        recompile(subject)
    }

    /// The id of the grant a decision relied on, or `nil`.
    public func grantID(of decision: CompiledDecision) -> GrantID? {
        decision.grantReference >= 0 ? grantIDs[Int(decision.grantReference)] : nil
    }

    /// The decision with its names: the same value ``ReferenceEvaluator`` returns.
    public func decision(_ decision: CompiledDecision) -> Decision {
        Decision(decision.reason, grant: grantID(of: decision))
    }

    /// The explanation of a question's decision, rendered from the ledger by the reference evaluator.
    public func explanation(for question: ConsentQuestion) -> Explanation {
        ReferenceEvaluator(ledger: ledger).explanation(for: question)
    }

    /// Bytes held by the compiled state (not the ledger), counting array capacity and an estimate of the subject
    /// index's hash table.
    public var compiledStateBytes: Int {
        func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
        let idBytes = grantIDs.reduce(0) { $0 + ($1.rawValue.utf8.count > 15 ? $1.rawValue.utf8.count + 32 : 0) }
        let keyBytes = subjectIndex.keys.reduce(0) {
            $0 + ($1.rawValue.utf8.count > 15 ? $1.rawValue.utf8.count + 32 : 0)
        }
        let table = subjectIndex.capacity * (MemoryLayout<SubjectID>.stride + MemoryLayout<Int32>.stride) * 9 / 8
        return bytes(slots) + bytes(facts) + bytes(grants) + bytes(toggles) + bytes(words) + bytes(references)
            + bytes(grantIDs) + idBytes + keyBytes + table
    }

    // MARK: Updating

    private mutating func recompile(_ subject: SubjectID) {
        guard let record = ledger.record(for: subject) else { return }
        let slot = compile(record)
        if let index = subjectIndex[subject] {
            let old = slots[Int(index)]
            garbage += Int(old.factsCount + old.grantCount + old.toggleCount)
            slots[Int(index)] = slot
        } else {
            subjectIndex[subject] = Int32(slots.count)
            slots.append(slot)
        }
        if garbage > 1024 && garbage > facts.count + grants.count + toggles.count - garbage { compact() }
    }

    /// Rewrites the arrays with only the state slots refer to, in slot order.
    mutating func compact() {
        var newFacts: [FactsVersion] = [.unknown]
        var newGrants: [GrantSlot] = []
        var newToggles: [Toggle] = []
        var newWords: [UInt64] = []
        var newReferences: [Int32] = []
        for index in slots.indices.dropFirst() {
            var slot = slots[index]
            let factsStart = newFacts.count
            newFacts.append(contentsOf: facts[Int(slot.factsStart)..<Int(slot.factsStart + slot.factsCount)])
            let grantStart = newGrants.count
            for var grant in grants[Int(slot.grantStart)..<Int(slot.grantStart + slot.grantCount)] {
                let fields = Int(grant.fieldsOffset)
                grant.fieldsOffset = Int32(newWords.count)
                newWords.append(contentsOf: words[fields..<fields + compiled.wordsPerSet])
                let start = Int(grant.referenceStart)
                grant.referenceStart = Int32(newReferences.count)
                newReferences.append(
                    contentsOf: references[start..<start + Int(grant.recipientCount) + Int(grant.destinationCount)])
                newGrants.append(grant)
            }
            let toggleStart = newToggles.count
            newToggles.append(contentsOf: toggles[Int(slot.toggleStart)..<Int(slot.toggleStart + slot.toggleCount)])
            slot.factsStart = Int32(factsStart)
            slot.grantStart = Int32(grantStart)
            slot.toggleStart = Int32(toggleStart)
            slots[index] = slot
        }
        facts = newFacts
        grants = newGrants
        toggles = newToggles
        words = newWords
        references = newReferences
        garbage = 0
    }
}
