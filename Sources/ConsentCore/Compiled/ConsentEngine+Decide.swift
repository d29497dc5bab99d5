public import Foundation

extension ConsentEngine {
    /// The decision for a resolved question about a subject: DecisionModel.md over the compiled state.
    ///
    /// - Complexity: O(*f* + *o* + *g*) for the subject's *f* fact versions, *o* objection events and *g* grant
    ///   slots — a handful each — with no allocation and no lock.
    public func decision(_ question: CompiledQuestion, for subject: SubjectHandle) -> CompiledDecision {
        let subject = checked(subject)
        let slot = slots[Int(subject.slot)]
        if slot.flags & SubjectSlot.usesReference != 0 { return referenceDecision(question, subject: subject) }
        return withEvaluation { $0.decide(question, slot, subject: subject.slot) }
    }

    /// The handle if it names a slot of this engine, or the empty subject's: a handle from another engine must not
    /// read out of bounds (it decides as a subject with nothing recorded).
    @inline(__always)
    private func checked(_ subject: SubjectHandle) -> SubjectHandle {
        subject.slot >= 0 && Int(subject.slot) < slots.count ? subject : .empty
    }

    /// The decision for a question given by name: one lookup for the subject and one per name.
    public func decision(for question: ConsentQuestion) -> Decision {
        decision(decision(compiled.compile(question), for: handle(for: question.subject)))
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
        if slot.flags & SubjectSlot.usesReference != 0 {
            for field in 0..<Int32(compiled.fieldCount) {
                let question = CompiledQuestion(purpose: purpose, field: field, at: instant)
                if referenceDecision(question, subject: subject).isAllowed {
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
    private func withEvaluation<R>(_ body: (Evaluation) -> R) -> R {
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
        guard question.purpose >= 0 && Int(question.purpose) < policy.purposes.count else {
            return CompiledDecision(.unknownPurpose)
        }
        guard question.field >= 0 && Int(question.field) < policy.fields.count else {
            return CompiledDecision(.unknownField)
        }
        // Before the names below are mapped (an unknown one is denied at step 2): the instant is checked in step 1.
        guard RFC3339.isRepresentable(question.at) else { return CompiledDecision(.noConsent) }
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
        // An unknown recipient, destination or channel is denied at step 2 whatever its name was.
        let recipient = name(question.recipient, compiled.recipientNames)
        let destination = name(question.destination, compiled.destinationNames)
        let channel = name(question.channel, Channel.knownChannels)
        if case .unknown = recipient { return CompiledDecision(.recipientNotDeclared) }
        if case .unknown = destination { return CompiledDecision(.destinationNotDeclared) }
        if case .unknown = channel { return CompiledDecision(.channelNotPermitted) }
        let subjectID = subjectIDs[Int(subject.slot)]
        let decision = ReferenceEvaluator(ledger: ledger).decision(
            for: ConsentQuestion(
                subject: subjectID, purpose: policy.purposes[Int(question.purpose)].id,
                field: policy.fields[Int(question.field)].id, at: question.at, recipient: recipient.value,
                destination: destination.value, channel: channel.value))
        guard let grant = decision.grant,
            let ordinal = ledger.record(for: subjectID)?.grants.firstIndex(where: { $0.id == grant })
        else { return CompiledDecision(decision.reason) }
        return CompiledDecision(
            decision.reason, subject: subject.slot, grantOrdinal: UInt16(truncatingIfNeeded: ordinal))
    }
}

/// A set of fields by index, reusable across record views.
public struct FieldSet: Sendable, Hashable {
    /// The bits, 64 fields a word.
    public package(set) var words: [UInt64]

    /// An empty set with room for `fieldCount` fields.
    public init(fieldCount: Int = 64) { words = Array(repeating: 0, count: max(1, (fieldCount + 63) / 64)) }

    mutating func reset(wordCount: Int) {
        if words.count != wordCount { words = Array(repeating: 0, count: wordCount) }
        for index in words.indices { words[index] = 0 }
    }

    /// Whether the field with this index is in the set.
    public func contains(_ field: Int32) -> Bool {
        let word = Int(field) >> 6
        return field >= 0 && word < words.count && words[word] & (1 << UInt64(field & 63)) != 0
    }

    /// The number of fields in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The indices in the set, ascending.
    public var indices: [Int32] { (0..<Int32(words.count * 64)).filter { contains($0) } }
}

/// One evaluation over borrowed views of the engine's arrays and the policy's tables: DecisionModel.md step by
/// step, on integers.
struct Evaluation {
    unowned(unsafe) let tables: CompiledTables
    let facts: UnsafeBufferPointer<FactsVersion>
    let grants: UnsafeBufferPointer<GrantSlot>
    let toggleTimes: UnsafeBufferPointer<Double>
    let toggles: UnsafeBufferPointer<Toggle>
    let words: UnsafeBufferPointer<UInt64>
    let references: UnsafeBufferPointer<Int32>
    let wide: Bool

    /// The facts known at `instant`: the last version from at or before it.
    @inline(__always)
    func facts(_ slot: SubjectSlot, at instant: Double) -> FactsVersion {
        guard slot.factsCount > 0 else { return .unknown }
        var index = Int(slot.factsStart)
        var version = facts[index]
        let end = index &+ Int(slot.factsCount)
        index &+= 1
        while index < end, facts[index].from <= instant {
            version = facts[index]
            index &+= 1
        }
        return version
    }

    @inline(__always)
    func isMinor(_ version: FactsVersion, at instant: Double) -> Bool {
        if version.flags & FactsVersion.minorFlag != 0 { return true }
        guard version.flags & FactsVersion.birthKnown != 0 else { return false }
        if version.flags & FactsVersion.dynamic != 0 { return dynamicMinority(version, at: instant) }
        return instant < version.majority
    }

    @inline(never)
    func dynamicMinority(_ version: FactsVersion, at instant: Double) -> Bool {
        let birth = CalendarDate(daysSinceEpoch: Int(version.birthDays))
        return tables.policy.isMinor(SubjectFacts(birthDate: birth), at: Date(timeIntervalSinceReferenceDate: instant))
    }

    /// Erasure and objections in force at `instant` for a purpose and channel.
    struct Objections {
        var erased = false
        var restricted = false
        var optOuts: UInt8 = 0
        var channelRefused = false
    }

    @inline(__always)
    func objections(_ slot: SubjectSlot, purpose: Int32, channel: Int32, at instant: Double) -> Objections {
        var result = Objections()
        var index = Int(slot.toggleStart)
        let end = index &+ Int(slot.toggleCount)
        while index < end {
            if toggleTimes[index] <= instant {
                let toggle = toggles[index]
                switch toggle.kind {
                case Toggle.restriction:
                    if Int32(toggle.key) == purpose { result.restricted = toggle.on }
                case Toggle.optOut:
                    let bit: UInt8 = 1 &<< UInt8(toggle.key)
                    result.optOuts = toggle.on ? result.optOuts | bit : result.optOuts & ~bit
                case Toggle.channel:
                    if Int32(toggle.key) == channel { result.channelRefused = toggle.on }
                default:
                    result.erased = true
                }
            }
            index &+= 1
        }
        return result
    }

    /// A minor's `contract`, `employment` or `publiclyDisclosed` question is judged as consent-based (Art. 31;
    /// Children's Provisions Art. 9); other bases are unchanged.
    @inline(__always)
    static func basis(_ basis: LegalBasis, minor: Bool) -> LegalBasis {
        minor && (basis == .contract || basis == .employment || basis == .publiclyDisclosed) ? .consent : basis
    }

    /// Check 1 of step 6: a grant the subject gave while a minor or under guardianship needs a guardian's instead
    /// (Art. 31); a guardian's grant for someone known to be a capable adult then is not authorised.
    @inline(__always)
    func grantorFailure(_ grant: GrantSlot, _ known: FactsVersion) -> ReasonCode? {
        let minorAtGrant = isMinor(known, at: grant.at)
        if !grant.isGuardian && (minorAtGrant || known.isUnderGuardianship) { return .guardianConsentRequired }
        if grant.isGuardian && known.birthIsKnown && !minorAtGrant && !known.isUnderGuardianship {
            return .grantorNotAuthorized
        }
        return nil
    }

    @inline(__always)
    func covers(_ grant: GrantSlot, _ field: Int) -> Bool {
        if wide { return words[Int(grant.fields) &+ (field &>> 6)] & (1 &<< UInt64(field & 63)) != 0 }
        return grant.fields & (1 &<< UInt64(field)) != 0
    }

    @inline(__always)
    func contains(_ start: Int, _ count: Int, _ value: Int32) -> Bool {
        var index = start
        let end = start &+ count
        while index < end {
            if references[index] == value { return true }
            index &+= 1
        }
        return false
    }

    func decide(_ question: CompiledQuestion, _ slot: SubjectSlot, subject: Int32) -> CompiledDecision {
        let instant = question.at.timeIntervalSinceReferenceDate
        // 1. Known names. Indices are checked against this policy's tables, not trusted: a question compiled for
        // another policy, or built by hand, must be denied, never read out of bounds.
        let purposeIndex = Int(question.purpose)
        let field = Int(question.field)
        guard purposeIndex >= 0 && purposeIndex < tables.purposes.count else {
            return CompiledDecision(.unknownPurpose)
        }
        guard field >= 0 && field < tables.fieldCount else { return CompiledDecision(.unknownField) }
        // An instant no file can hold (not finite, outside years 1–9999): nothing can be shown to hold then.
        // (Compared in seconds since 2001, as `instant` already is; NaN fails both comparisons.)
        guard instant >= RFC3339.earliestSinceReferenceDate && instant <= RFC3339.latestSinceReferenceDate else {
            return CompiledDecision(.noConsent)
        }
        let purpose = tables.purposes[purposeIndex]
        // 2. Declared data, recipients, destinations, channels.
        guard tables.isDeclared(purpose: purpose, field: field) else { return CompiledDecision(.notDeclared) }
        if question.recipient != CompiledQuestion.none
            && !tables.references(from: purpose.recipientStart, to: purpose.recipientEnd, contain: question.recipient)
        {
            return CompiledDecision(.recipientNotDeclared)
        }
        if question.destination != CompiledQuestion.none
            && !tables.references(from: purpose.recipientEnd, to: purpose.destinationEnd, contain: question.destination)
        {
            return CompiledDecision(.destinationNotDeclared)
        }
        if question.channel != CompiledQuestion.none {
            // Bounded before shifting: `1 &<< 8` would wrap onto the first channel's bit.
            guard question.channel >= 0, question.channel < 8,
                purpose.channelMask & (1 &<< UInt8(question.channel)) != 0
            else {
                return CompiledDecision(.channelNotPermitted)
            }
        }
        let objections = objections(slot, purpose: question.purpose, channel: question.channel, at: instant)
        // 3. Erasure.
        if objections.erased && purpose.basis != .legalObligation { return CompiledDecision(.erased) }

        let known = facts(slot, at: instant)
        let minorNow = isMinor(known, at: instant)
        let basis = Self.basis(purpose.basis, minor: minorNow)
        // 4. Objections.
        if !purpose.basis.isMandatory {
            if objections.restricted { return CompiledDecision(.restricted) }
            let consentLike = basis == .consent || basis == .publiclyDisclosed
            if objections.optOuts != 0 {
                let contractLike = basis == .contract || basis == .employment
                if consentLike && purpose.marketing && objections.optOuts & 1 != 0 {
                    return CompiledDecision(.optedOutOfDirectMarketing)
                }
                if consentLike && purpose.providesToOthers && objections.optOuts & 2 != 0 {
                    return CompiledDecision(.optedOutOfThirdPartyDisclosure)
                }
                if (consentLike || contractLike) && purpose.automatedDecision && objections.optOuts & 4 != 0 {
                    return CompiledDecision(.optedOutOfAutomatedDecisionMaking)
                }
                if consentLike && objections.optOuts & 8 != 0 && (minorNow || tables.isSensitive(field: field)) {
                    return CompiledDecision(.optedOutOfSensitiveData)
                }
            }
            if consentLike && objections.channelRefused { return CompiledDecision(.channelNotPermitted) }
        }
        // 5. Non-consent bases.
        if basis != .consent { return CompiledDecision(.allowed(by: basis)) }
        // 6. Consent.
        var required = tables.requiredStrength[purposeIndex &* tables.fieldCount &+ field]
        if minorNow && required < 1 { required = 1 }
        var latest = -1
        var anyActive = false
        var bestLevel: UInt8 = 0
        var bestReason = ReasonCode.noConsent
        var bestOrdinal: UInt16 = .max
        var index = Int(slot.grantStart)
        let end = index &+ Int(slot.grantCount)
        while index < end {
            let grant = grants[index]
            if grant.at > instant { break }
            index &+= 1
            guard Int(grant.purpose) == purposeIndex, covers(grant, field) else { continue }
            latest = index &- 1
            guard instant < grant.expiresAt && instant < grant.withdrawnAt else { continue }
            anyActive = true
            let level: UInt8
            let reason: ReasonCode
            let references = Int(slot.referenceStart) &+ Int(grant.referenceOffset)
            if let grantor = grantorFailure(grant, known) {
                (level, reason) = (1, grantor)
            } else if grant.noticeVersion < purpose.consentVersion {
                (level, reason) = (2, .reconsentRequired)
            } else if question.recipient >= 0 && grant.flags & GrantSlot.namesRecipients != 0
                && !contains(references, Int(grant.recipientCount), question.recipient)
            {
                (level, reason) = (3, .recipientNotCovered)
            } else if question.destination >= 0 && grant.flags & GrantSlot.namesDestinations != 0
                && !contains(references &+ Int(grant.recipientCount), Int(grant.destinationCount), question.destination)
            {
                (level, reason) = (3, .destinationNotCovered)
            } else if grant.kind < required {
                (level, reason) = (4, required == 2 ? .writtenConsentRequired : .separateConsentRequired)
            } else {
                (level, reason) = (5, .allowedByConsent)
            }
            // Slots are in ledger order, so `>=` keeps the most recently given among equals.
            if level >= bestLevel {
                bestLevel = level
                bestReason = reason
                bestOrdinal = grant.grantOrdinal
            }
        }
        if latest < 0 { return CompiledDecision(.noConsent) }
        if !anyActive { return CompiledDecision(instant >= grants[latest].withdrawnAt ? .withdrawn : .expired) }
        return bestLevel == 5
            ? CompiledDecision(.allowedByConsent, subject: subject, grantOrdinal: bestOrdinal)
            : CompiledDecision(bestReason)
    }

    /// The record view: the union, over active candidates passing checks 1–2, of the fields each is strong enough
    /// for (a record view names no recipient, destination or channel, so check 3 cannot fail).
    func allowedFields(
        purpose purposeIndex: Int32, at instant: Double, _ slot: SubjectSlot,
        into output: UnsafeMutableBufferPointer<UInt64>
    ) {
        guard purposeIndex >= 0 else { return }
        let wordCount = tables.wordsPerSet
        let purpose = tables.purposes[Int(purposeIndex)]
        let objections = objections(slot, purpose: purposeIndex, channel: CompiledQuestion.none, at: instant)
        if objections.erased && purpose.basis != .legalObligation { return }
        let known = facts(slot, at: instant)
        let minorNow = isMinor(known, at: instant)
        let basis = Self.basis(purpose.basis, minor: minorNow)
        for word in 0..<wordCount { output[word] = tables.declaredWords[Int(purpose.declaredOffset) &+ word] }
        if !purpose.basis.isMandatory {
            let consentLike = basis == .consent || basis == .publiclyDisclosed
            let contractLike = basis == .contract || basis == .employment
            if objections.restricted
                || (consentLike && purpose.marketing && objections.optOuts & 1 != 0)
                || (consentLike && purpose.providesToOthers && objections.optOuts & 2 != 0)
                || ((consentLike || contractLike) && purpose.automatedDecision && objections.optOuts & 4 != 0)
            {
                for word in 0..<wordCount { output[word] = 0 }
                return
            }
            if consentLike && objections.optOuts & 8 != 0 {
                for word in 0..<wordCount { output[word] &= minorNow ? 0 : ~tables.sensitiveWords[word] }
            }
        }
        if basis != .consent { return }
        for word in 0..<wordCount {
            var allowedWord: UInt64 = 0
            var index = Int(slot.grantStart)
            let end = index &+ Int(slot.grantCount)
            while index < end {
                let grant = grants[index]
                if grant.at > instant { break }
                index &+= 1
                guard Int32(grant.purpose) == purposeIndex, instant < grant.expiresAt, instant < grant.withdrawnAt
                else { continue }
                if grantorFailure(grant, known) != nil { continue }
                if grant.noticeVersion < purpose.consentVersion { continue }
                let fields = wide ? words[Int(grant.fields) &+ word] : grant.fields
                allowedWord |=
                    fields
                    & tables.strengthMask(purpose: Int(purposeIndex), kind: grant.kind, minor: minorNow, word: word)
            }
            output[word] &= allowedWord
        }
    }
}
