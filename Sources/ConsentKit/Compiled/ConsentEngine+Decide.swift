public import Foundation

extension ConsentEngine {
    /// The decision for a resolved question about a subject: DECISION-MODEL.md over the compiled state.
    ///
    /// - Complexity: O(*f* + *o* + *g*) for the subject's *f* fact versions, *o* objection events and *g* grant
    ///   slots — a handful each — with no allocation and no lock.
    public func decision(_ question: CompiledQuestion, for subject: SubjectHandle) -> CompiledDecision {
        let slot = slots[Int(subject.slot)]
        return facts.withUnsafeBufferPointer { facts in
            grants.withUnsafeBufferPointer { grants in
                toggles.withUnsafeBufferPointer { toggles in
                    words.withUnsafeBufferPointer { words in
                        references.withUnsafeBufferPointer { references in
                            Evaluation(
                                compiled: compiled, facts: facts, grants: grants, toggles: toggles, words: words,
                                references: references
                            ).decide(question, slot)
                        }
                    }
                }
            }
        }
    }

    /// The decision for a question given by name: one hash lookup for the subject, one per name.
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

    /// Which fields of a record `purpose` may use at `instant`: the allowed set, written into `allowed` (sized to
    /// the policy's fields) with no allocation once it has its capacity. The reasons for individual fields are
    /// ``decision(_:for:)`` away.
    ///
    /// - Complexity: O(*g* · *w*) for the subject's *g* grant slots and *w* words per field set.
    public func allowedFields(
        for subject: SubjectHandle, purpose: Int32, at instant: Date, into allowed: inout FieldSet
    ) {
        allowed.reset(wordCount: compiled.wordsPerSet)
        let slot = slots[Int(subject.slot)]
        facts.withUnsafeBufferPointer { facts in
            grants.withUnsafeBufferPointer { grants in
                toggles.withUnsafeBufferPointer { toggles in
                    words.withUnsafeBufferPointer { words in
                        references.withUnsafeBufferPointer { references in
                            allowed.words.withUnsafeMutableBufferPointer { output in
                                Evaluation(
                                    compiled: compiled, facts: facts, grants: grants, toggles: toggles, words: words,
                                    references: references
                                ).allowedFields(purpose: purpose, at: instant, slot, into: output)
                            }
                        }
                    }
                }
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
}

/// A set of fields by index, reusable across record views.
public struct FieldSet: Sendable, Hashable {
    /// The bits, 64 fields a word.
    public internal(set) var words: [UInt64]

    /// An empty set with room for `fieldCount` fields.
    public init(fieldCount: Int = 64) { words = Array(repeating: 0, count: max(1, (fieldCount + 63) / 64)) }

    mutating func reset(wordCount: Int) {
        if words.count != wordCount { words = Array(repeating: 0, count: wordCount) }
        for index in words.indices { words[index] = 0 }
    }

    /// Whether the field with this index is in the set.
    public func contains(_ field: Int32) -> Bool {
        let word = Int(field) >> 6
        return word < words.count && words[word] & (1 << UInt64(field & 63)) != 0
    }

    /// The number of fields in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The indices in the set, ascending.
    public var indices: [Int32] {
        (0..<Int32(words.count * 64)).filter { contains($0) }
    }
}

/// One evaluation over borrowed views of the engine's arrays: DECISION-MODEL.md step by step, on integers.
struct Evaluation {
    let compiled: CompiledPolicy
    let facts: UnsafeBufferPointer<FactsVersion>
    let grants: UnsafeBufferPointer<GrantSlot>
    let toggles: UnsafeBufferPointer<Toggle>
    let words: UnsafeBufferPointer<UInt64>
    let references: UnsafeBufferPointer<Int32>

    /// The facts known at `instant`: the last version from at or before it.
    @inline(__always)
    func facts(_ slot: SubjectSlot, at instant: Date) -> FactsVersion {
        var version = facts[Int(slot.factsStart)]
        var index = Int(slot.factsStart) + 1
        let end = Int(slot.factsStart + slot.factsCount)
        while index < end, facts[index].from <= instant {
            version = facts[index]
            index += 1
        }
        return version
    }

    @inline(__always)
    func isMinor(_ version: FactsVersion, at instant: Date) -> Bool {
        if version.flags & FactsVersion.minorFlag != 0 { return true }
        guard version.flags & FactsVersion.birthKnown != 0 else { return false }
        if version.flags & FactsVersion.dynamic != 0 { return dynamicMinority(version, at: instant) }
        return instant < version.majority
    }

    @inline(never)
    func dynamicMinority(_ version: FactsVersion, at instant: Date) -> Bool {
        let birth = CalendarDate(daysSinceEpoch: Int(version.birthDays))
        return compiled.policy.isMinor(SubjectFacts(birthDate: birth), at: instant)
    }

    /// Objections in force at `instant` for a purpose and channel.
    struct Objections {
        var restricted = false
        var optOuts: UInt8 = 0
        var channelRefused = false
    }

    @inline(__always)
    func objections(_ slot: SubjectSlot, purpose: Int32, channel: Int32, at instant: Date) -> Objections {
        var result = Objections()
        var index = Int(slot.toggleStart)
        let end = index + Int(slot.toggleCount)
        while index < end {
            let toggle = toggles[index]
            index += 1
            if toggle.at > instant { continue }
            switch toggle.kind {
            case Toggle.restriction:
                if toggle.key == purpose { result.restricted = toggle.on }
            case Toggle.optOut:
                let bit: UInt8 = 1 << UInt8(toggle.key)
                result.optOuts = toggle.on ? result.optOuts | bit : result.optOuts & ~bit
            default:
                if toggle.key == channel { result.channelRefused = toggle.on }
            }
        }
        return result
    }

    @inline(__always)
    func referencesContain(_ start: Int32, _ end: Int32, _ value: Int32) -> Bool {
        var index = Int(start)
        while index < Int(end) {
            if references[index] == value { return true }
            index += 1
        }
        return false
    }

    func decide(_ question: CompiledQuestion, _ slot: SubjectSlot) -> CompiledDecision {
        let instant = question.at
        // 1. Known names.
        guard question.purpose >= 0 else { return CompiledDecision(.unknownPurpose) }
        guard question.field >= 0 else { return CompiledDecision(.unknownField) }
        let purposeIndex = Int(question.purpose)
        let field = Int(question.field)
        let purpose = compiled.purposes[purposeIndex]
        // 2. Declared data.
        let declared = compiled.declaredWords.withUnsafeBufferPointer {
            FieldSetWords.contains($0, at: Int(purpose.declaredOffset), field: field)
        }
        guard declared else { return CompiledDecision(.notDeclared) }
        let recipients = compiled.purposeReferences
        if question.recipient != CompiledQuestion.none {
            var found = false
            var index = Int(purpose.recipientStart)
            while index < Int(purpose.recipientEnd) {
                if recipients[index] == question.recipient { found = true }
                index += 1
            }
            if !found { return CompiledDecision(.recipientNotDeclared) }
        }
        if question.destination != CompiledQuestion.none {
            var found = false
            var index = Int(purpose.recipientEnd)
            while index < Int(purpose.destinationEnd) {
                if recipients[index] == question.destination { found = true }
                index += 1
            }
            if !found { return CompiledDecision(.destinationNotDeclared) }
        }
        if question.channel != CompiledQuestion.none {
            guard question.channel >= 0, purpose.channelMask & (1 << UInt8(question.channel)) != 0 else {
                return CompiledDecision(.channelNotPermitted)
            }
        }
        // 3. Erasure.
        if instant >= slot.erasedAt && purpose.basis != .legalObligation { return CompiledDecision(.erased) }

        let known = facts(slot, at: instant)
        let minorNow = isMinor(known, at: instant)
        var basis = purpose.basis
        if minorNow && (basis == .contract || basis == .employment || basis == .publiclyDisclosed) { basis = .consent }
        let sensitive =
            minorNow
            || compiled.sensitiveWords.withUnsafeBufferPointer {
                FieldSetWords.contains($0, at: 0, field: field)
            }
        // 4. Objections.
        if !purpose.basis.isMandatory {
            let objections = objections(slot, purpose: question.purpose, channel: question.channel, at: instant)
            if objections.restricted { return CompiledDecision(.restricted) }
            if objections.optOuts != 0 {
                let consentLike = basis == .consent || basis == .publiclyDisclosed
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
                if consentLike && sensitive && objections.optOuts & 8 != 0 {
                    return CompiledDecision(.optedOutOfSensitiveData)
                }
            }
            if question.channel >= 0 && objections.channelRefused && (basis == .consent || basis == .publiclyDisclosed)
            {
                return CompiledDecision(.channelNotPermitted)
            }
        }
        // 5. Non-consent bases.
        if basis != .consent { return CompiledDecision(.allowed(by: basis)) }
        // 6. Consent.
        var required = compiled.requiredStrength[purposeIndex &* compiled.fieldCount &+ field]
        if minorNow && required < 1 { required = 1 }
        var latest = -1
        var anyActive = false
        var bestLevel: UInt8 = 0
        var bestReason = ReasonCode.noConsent
        var bestGrant: Int32 = -1
        var index = Int(slot.grantStart)
        let end = index + Int(slot.grantCount)
        while index < end {
            let grant = grants[index]
            if grant.at > instant { break }
            index += 1
            guard grant.purpose == question.purpose,
                FieldSetWords.contains(words, at: Int(grant.fieldsOffset), field: field)
            else { continue }
            latest = index - 1
            guard instant < grant.expiresAt && instant < grant.withdrawnAt else { continue }
            anyActive = true
            let level: UInt8
            let reason: ReasonCode
            let minorAtGrant = isMinor(known, at: grant.at)
            if !grant.guardian && (minorAtGrant || known.isUnderGuardianship) {
                (level, reason) = (1, .guardianConsentRequired)
            } else if grant.guardian && known.birthIsKnown && !minorAtGrant && !known.isUnderGuardianship {
                (level, reason) = (1, .grantorNotAuthorized)
            } else if grant.noticeVersion < purpose.consentVersion {
                (level, reason) = (2, .reconsentRequired)
            } else if question.recipient >= 0 && grant.namesRecipients
                && !referencesContain(
                    grant.referenceStart, grant.referenceStart + Int32(grant.recipientCount), question.recipient)
            {
                (level, reason) = (3, .recipientNotCovered)
            } else if question.destination >= 0 && grant.namesDestinations
                && !referencesContain(
                    grant.referenceStart + Int32(grant.recipientCount),
                    grant.referenceStart + Int32(grant.recipientCount) + Int32(grant.destinationCount),
                    question.destination)
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
                bestGrant = grant.grantReference
            }
        }
        if latest < 0 { return CompiledDecision(.noConsent) }
        if !anyActive {
            return CompiledDecision(instant >= grants[latest].withdrawnAt ? .withdrawn : .expired)
        }
        return CompiledDecision(bestReason, grant: bestLevel == 5 ? bestGrant : -1)
    }

    /// The record view: the union, over candidates that pass checks 1–3, of the fields each is strong enough for.
    func allowedFields(
        purpose purposeIndex: Int32, at instant: Date, _ slot: SubjectSlot,
        into output: UnsafeMutableBufferPointer<UInt64>
    ) {
        guard purposeIndex >= 0 else { return }
        let wordCount = compiled.wordsPerSet
        let purpose = compiled.purposes[Int(purposeIndex)]
        if instant >= slot.erasedAt && purpose.basis != .legalObligation { return }
        let known = facts(slot, at: instant)
        let minorNow = isMinor(known, at: instant)
        var basis = purpose.basis
        if minorNow && (basis == .contract || basis == .employment || basis == .publiclyDisclosed) { basis = .consent }
        // Start from the declared fields, less any the objections remove.
        compiled.declaredWords.withUnsafeBufferPointer { declared in
            for word in 0..<wordCount { output[word] = declared[Int(purpose.declaredOffset) + word] }
        }
        if !purpose.basis.isMandatory {
            let objections = objections(slot, purpose: purposeIndex, channel: CompiledQuestion.none, at: instant)
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
                if minorNow {
                    for word in 0..<wordCount { output[word] = 0 }
                    return
                }
                compiled.sensitiveWords.withUnsafeBufferPointer { sensitive in
                    for word in 0..<wordCount { output[word] &= ~sensitive[word] }
                }
            }
        }
        if basis != .consent { return }
        // Each candidate passing checks 1–3 allows the fields it covers that it is strong enough for.
        for word in 0..<wordCount {
            var allowedWord: UInt64 = 0
            var index = Int(slot.grantStart)
            let end = index + Int(slot.grantCount)
            while index < end {
                let grant = grants[index]
                if grant.at > instant { break }
                index += 1
                guard grant.purpose == purposeIndex, instant < grant.expiresAt, instant < grant.withdrawnAt else {
                    continue
                }
                let minorAtGrant = isMinor(known, at: grant.at)
                if !grant.guardian && (minorAtGrant || known.isUnderGuardianship) { continue }
                if grant.guardian && known.birthIsKnown && !minorAtGrant && !known.isUnderGuardianship { continue }
                if grant.noticeVersion < purpose.consentVersion { continue }
                allowedWord |=
                    words[Int(grant.fieldsOffset) + word]
                    & compiled.strengthMask(purpose: Int(purposeIndex), kind: grant.kind, minor: minorNow, word: word)
            }
            output[word] &= allowedWord
        }
    }
}
