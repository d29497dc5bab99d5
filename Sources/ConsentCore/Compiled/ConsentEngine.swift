internal import Foundation

/// The compiled evaluator: a ``ConsentLedger`` with every subject's state compiled into flat, cache-friendly
/// arrays, answering the questions of DecisionModel.md with the same decisions as ``ReferenceEvaluator`` — proven
/// by a differential test — in nanoseconds and with no allocation or lock.
///
/// ```swift
/// var engine = ConsentEngine(ledger: ledger)
/// try engine.append(.withdraw(Withdrawal(.grant("g1"), at: .now)))   // recompiles only that subject
///
/// // Per request, by name: strings in, eight bytes out, no allocation.
/// let byName = engine.compiledDecision(
///     subject: "c1", purpose: "marketing.email", field: "email", at: .now)
///
/// // Or look the subject up once and resolve the question's names once, then decide many times.
/// let subject = engine.handle(for: "c1")
/// let question = engine.compiled.compile(
///     ConsentQuestion(subject: "c1", purpose: "marketing.email", field: "email", at: .now))
/// let decision = engine.decision(question, for: subject)   // 8 bytes
/// if decision.isAllowed { send() }
/// ```
///
/// By name, the subject id and every name resolve through hash tables built at compile time, comparing bytes.
/// The engine keeps the ledger it compiled as the source of truth: explanations are produced from it lazily, by
/// the reference evaluator, so they always agree with the decision; grant ids are kept beside the compiled state,
/// so naming a grant reads no ledger. Appending an event recompiles
/// that subject alone, writing its new state at the end of the arrays; compaction reclaims the old state once it
/// outweighs the live state. An engine is a value: copies share storage until one is changed, so a copy handed
/// to readers is never disturbed by a writer.
public struct ConsentEngine: Sendable {
    /// The compiled policy.
    public let compiled: CompiledPolicy
    /// The ledger the state was compiled from.
    public private(set) var ledger: ConsentLedger

    var table = SubjectTable()
    /// Subject ids by slot; slot 0 is the empty subject.
    var subjectIDs: [SubjectID] = [SubjectID("")]
    var slots: [SubjectSlot] = [SubjectSlot()]
    var facts: [FactsVersion] = []
    var grants: [GrantSlot] = []
    var toggleTimes: [Double] = []
    var toggles: [Toggle] = []
    /// Field sets of grants, for policies of more than 64 fields.
    var words: [UInt64] = []
    var references: [Int32] = []
    /// Every PIPL-layout subject's grant ids, in ledger order from its slot's `grantIDStart`: a decision names its
    /// grant from here, with no walk of the ledger.
    var grantIDs: [GrantID] = []
    /// Entries no slot refers to any more, reclaimed by compaction.
    var garbage = 0
    /// The majority threshold of each birth date seen, worked out once.
    var thresholds: [Int32: FactsVersion] = [:]
    /// Subjects the regimes reach (``SubjectSlot/Flags/regimes``), compiled for ``RegimeDecider``.
    var regimeSubjects: [RegimeSubject] = []
    /// ``Regime/all``, then the policy's profiles, each compiled when a subject under it is first met; empty until
    /// then.
    var compiledRegimes: [CompiledRegime?] = []
    /// The waits before a business may ask again after an opt-out that the table's regimes use (`nil` first):
    /// each subject standing holds its opt-outs read under each.
    var regimeWaits: [Int?] = []
    /// Places in `regimeSubjects` no slot refers to, reused before the array grows.
    var vacantRegimeSubjects: [Int32] = []
    /// The policy's regime's place in the regime table, once the table is prepared.
    var policyRegimeIndex: UInt8 = .max

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
        // The empty subject too: under a policy beyond PIPL v1 every subject is decided by the regime evaluator.
        if compiled.usesRegimesBeyondPIPL { slots[0] = compile(SubjectRecord(subject: SubjectID(""))) }
        let records = ledger.recordsInAnyOrder
        subjectIDs.reserveCapacity(records.count + 1)
        slots.reserveCapacity(records.count + 1)
        for record in records { subjectIDs.append(record.subject) }
        table.reserve(records.count, ids: subjectIDs)
        var slot: Int32 = 1
        for record in records {
            table.insert(record.subject, slot: slot, ids: subjectIDs)
            slots.append(compile(record))
            slot += 1
        }
        shrink()
    }

    /// The number of subjects with compiled state.
    public var subjectCount: Int { table.count }

    /// The PIPL layout's field-set words and the regime subjects' places, live or free: for tests that check the
    /// engine does not grow when subjects move between layouts.
    package var layoutSizes: (words: Int, regimeSubjects: Int) { (words.count, regimeSubjects.count) }

    /// How many subjects the reference evaluator decides because neither compiled layout holds them (more than
    /// 65,535 grants, or a regime whose rules do not fit): for tests and diagnostics.
    package var referenceDecidedSubjects: Int { slots.dropFirst().filter { $0.flags.contains(.usesReference) }.count }

    /// The handle of a subject; a subject the engine has no data for gets ``SubjectHandle/empty``.
    ///
    /// - Complexity: one hash of the id and, typically, one comparison.
    public func handle(for subject: SubjectID) -> SubjectHandle {
        subjectIDs.withUnsafeBufferPointer { ids in
            table.find(subject, in: ids).map(SubjectHandle.init(slot:)) ?? .empty
        }
    }

    /// Appends an event to the ledger and recompiles the subjects it concerns; the next decision sees it.
    ///
    /// - Throws: the ledger's ``ConsentKitError`` for a refused event; the engine is then unchanged.
    /// - Complexity: O(*e*) for the *e* events of that subject, amortised with compaction.
    public mutating func append(_ event: ConsentEvent) throws(ConsentKitError) {
        // An event for a linked identity changes every identity of the merged person; a link, those it names and
        // those it carried something to.
        for subject in try ledger.appendReportingSubjects(event) { recompile(subject) }
    }

    /// Takes a subject's whole record from the ledger being followed and recompiles that subject alone.
    package mutating func adopt(_ record: SubjectRecord) {
        ledger.setRecord(record)
        recompile(record.subject)
    }

    /// Records a subject's facts from the beginning of time and recompiles it.
    public mutating func declare(_ subject: SubjectID, facts: SubjectFacts) throws(ConsentKitError) {
        try ledger.declare(subject, facts: facts)
        recompile(subject)
    }

    /// The id of the grant a decision relied on, or `nil`: kept beside the compiled state, so naming it reads no
    /// ledger.
    public func grantID(of decision: CompiledDecision) -> GrantID? {
        // A decision from another engine may name a slot this one does not have.
        guard decision.citesGrant, decision.subject >= 0, Int(decision.subject) < subjectIDs.count else { return nil }
        let slot = slots[Int(decision.subject)]
        if slot.flags.contains(.regimes) {
            let ids = regimeSubjects[Int(slot.factsStart)].grantIDs
            return Int(decision.grantOrdinal) < ids.count ? ids[Int(decision.grantOrdinal)] : nil
        }
        if slot.flags.contains(.usesReference) {
            guard let record = ledger.record(for: subjectIDs[Int(decision.subject)]) else { return nil }
            let grants = record.grants
            return Int(decision.grantOrdinal) < grants.count ? grants[Int(decision.grantOrdinal)].id : nil
        }
        guard decision.grantOrdinal < slot.grantIDCount else { return nil }
        return grantIDs[Int(slot.grantIDStart) + Int(decision.grantOrdinal)]
    }

    /// The decision with its names: the value ``ReferenceEvaluator`` returns.
    ///
    /// For a subject under several regimes, or in an age band that needs two grantors, the decision names only the
    /// most recently given grant it relied on; ``decision(for:)`` by name lists every one.
    public func decision(_ decision: CompiledDecision) -> Decision {
        Decision(decision.reason, grant: grantID(of: decision), regime: regime(at: decision.regimeIndex))
    }

    /// The regime at a position of the regime table: built-in regimes first, then the policy's own; `.max` (or a
    /// position this policy does not have) is the policy's regime.
    func regime(at index: UInt8) -> Regime {
        let position = Int(index)
        if index == .max { return compiled.policy.regime }
        if position < Regime.all.count { return Regime.all[position] }
        if position - Regime.all.count < compiled.policy.profiles.count {
            return compiled.policy.profiles[position - Regime.all.count]
        }
        return compiled.policy.regime
    }

    /// The explanation of a question's decision, rendered from the ledger by the reference evaluator.
    public func explanation(for question: ConsentQuestion) -> Explanation {
        ReferenceEvaluator(ledger: ledger).explanation(for: question)
    }

    /// Bytes held by the compiled state (not the ledger it came from): array capacities, the subject table, and
    /// the heap storage of ids longer than 15 bytes.
    public var compiledStateBytes: Int {
        func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
        let longGrantIDs = grantIDs.reduce(0) { $0 + ($1.rawValue.utf8.count > 15 ? $1.rawValue.utf8.count + 32 : 0) }
        let longIDs = subjectIDs.reduce(0) { $0 + ($1.rawValue.utf8.count > 15 ? $1.rawValue.utf8.count + 32 : 0) }
        return bytes(subjectIDs) + longIDs + bytes(slots) + bytes(facts) + bytes(grants) + bytes(toggleTimes)
            + bytes(toggles) + bytes(words) + bytes(references) + bytes(grantIDs) + longGrantIDs + table.capacityBytes
            + regimeSubjects.reduce(0) { $0 + $1.bytes }
    }

    // MARK: Updating

    private mutating func recompile(_ subject: SubjectID) {
        guard let record = ledger.record(for: subject) else { return }
        let existing = subjectIDs.withUnsafeBufferPointer { table.find(subject, in: $0) }
        var slot = compile(record)
        if let existing {
            let old = slots[Int(existing)]
            garbage += Int(old.factsCount) + Int(old.grantCount) + Int(old.toggleCount) + Int(old.grantIDCount)
            if old.flags.contains(.regimes) {
                // The subject keeps its place among the regime subjects; the place its new state was written to is
                // freed for the next subject compiled (or, for a subject back in the PIPL layout, its old place).
                if slot.flags.contains(.regimes) {
                    regimeSubjects[Int(old.factsStart)] = regimeSubjects[Int(slot.factsStart)]
                    freeRegimeSubject(at: slot.factsStart)
                    slot.factsStart = old.factsStart
                } else {
                    freeRegimeSubject(at: old.factsStart)
                }
            }
            slots[Int(existing)] = slot
        } else {
            subjectIDs.append(subject)
            table.insert(subject, slot: Int32(slots.count), ids: subjectIDs)
            slots.append(slot)
        }
        if garbage > 1024 && garbage * 2 > facts.count + grants.count + toggles.count + grantIDs.count { compact() }
    }

    /// Releases a regime subject's place for reuse.
    private mutating func freeRegimeSubject(at index: Int32) {
        regimeSubjects[Int(index)] = RegimeSubject.vacant
        vacantRegimeSubjects.append(index)
    }

    /// Rewrites the arrays with only the state slots refer to, in slot order.
    package mutating func compact() {
        var newFacts: [FactsVersion] = []
        var newGrants: [GrantSlot] = []
        var newTimes: [Double] = []
        var newToggles: [Toggle] = []
        var newWords: [UInt64] = []
        var newReferences: [Int32] = []
        var newGrantIDs: [GrantID] = []
        newGrants.reserveCapacity(grants.count - garbage / 2)
        let wide = compiled.wordsPerSet > 1
        for index in slots.indices.dropFirst() {
            var slot = slots[index]
            // Regime subjects keep their state in `regimeSubjects`; a subject the reference decides has none.
            if !slot.flags.isDisjoint(with: [.regimes, .usesReference]) { continue }
            let factsStart = newFacts.count
            newFacts.append(contentsOf: facts[Int(slot.factsStart)..<Int(slot.factsStart) + Int(slot.factsCount)])
            let grantStart = newGrants.count
            for var grant in grants[Int(slot.grantStart)..<Int(slot.grantStart) + Int(slot.grantCount)] {
                if wide {
                    let offset = Int(grant.fields)
                    grant.fields = UInt64(newWords.count)
                    newWords.append(contentsOf: words[offset..<offset + compiled.wordsPerSet])
                }
                newGrants.append(grant)
            }
            let referenceStart = newReferences.count
            let referenceCount = referenceEnd(of: slot) - Int(slot.referenceStart)
            newReferences.append(
                contentsOf: references[Int(slot.referenceStart)..<Int(slot.referenceStart) + referenceCount])
            let toggleStart = newToggles.count
            let toggleRange = Int(slot.toggleStart)..<Int(slot.toggleStart) + Int(slot.toggleCount)
            newToggles.append(contentsOf: toggles[toggleRange])
            newTimes.append(contentsOf: toggleTimes[toggleRange])
            let grantIDStart = newGrantIDs.count
            newGrantIDs.append(
                contentsOf: grantIDs[Int(slot.grantIDStart)..<Int(slot.grantIDStart) + Int(slot.grantIDCount)])
            slot.factsStart = Int32(factsStart)
            slot.grantStart = Int32(grantStart)
            slot.toggleStart = Int32(toggleStart)
            slot.referenceStart = Int32(referenceStart)
            slot.grantIDStart = Int32(grantIDStart)
            slots[index] = slot
        }
        facts = newFacts
        grants = newGrants
        toggleTimes = newTimes
        toggles = newToggles
        words = newWords
        references = newReferences
        grantIDs = newGrantIDs
        garbage = 0
    }

    /// Where a subject's references end: after its last grant's recipients and destinations.
    private func referenceEnd(of slot: SubjectSlot) -> Int {
        var end = Int(slot.referenceStart)
        for grant in grants[Int(slot.grantStart)..<Int(slot.grantStart) + Int(slot.grantCount)] {
            end = max(
                end,
                Int(slot.referenceStart) + Int(grant.referenceOffset) + grant.recipientCount + grant.destinationCount)
        }
        return end
    }

    /// Trims the arrays' spare capacity after a full compile.
    private mutating func shrink() {
        // `Array(array)` would hand back the same buffer; copy into one of exactly the right size.
        func trimmed<T>(_ array: [T]) -> [T] {
            guard array.capacity > array.count + array.count / 16 else { return array }
            return [T](unsafeUninitializedCapacity: array.count) { buffer, initialized in
                _ = buffer.initialize(fromContentsOf: array)
                initialized = array.count
            }
        }
        subjectIDs = trimmed(subjectIDs)
        slots = trimmed(slots)
        facts = trimmed(facts)
        grants = trimmed(grants)
        toggleTimes = trimmed(toggleTimes)
        toggles = trimmed(toggles)
        words = trimmed(words)
        references = trimmed(references)
        grantIDs = trimmed(grantIDs)
    }
}
