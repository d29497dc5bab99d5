internal import Foundation

/// One evaluation over borrowed views of the engine's arrays and the policy's tables: DecisionModel.md step by
/// step, on integers.
///
/// An `Evaluation` lives only inside ``ConsentEngine``'s `withEvaluation` closure and never escapes it: the buffer
/// pointers are valid only there, and so is `tables`.
struct Evaluation {
    /// The policy's tables, not retained: `unowned(unsafe)` spares a retain and release on every decision. Sound
    /// because the engine that builds the evaluation holds its `compiled` policy (which owns `tables`) for the whole
    /// `withEvaluation` call, and the evaluation never outlives that call.
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
        if version.flags.contains(.minor) { return true }
        guard version.flags.contains(.birthKnown) else { return false }
        if version.flags.contains(.dynamic) { return dynamicMinority(version, at: instant) }
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
        var optOuts: OptOutSet = []
        var channelRefused = false

        /// Step 4: the restriction, opt-out or channel opt-out that stops this purpose, if any, in the order the
        /// decision model checks them. `basis` is the effective basis (a minor's contract-like basis became consent);
        /// `sensitive` says whether the field is sensitive for this subject (every field of a minor's is), asked
        /// only when the sensitive-data opt-out is in force. ``ConsentEngine``'s record view passes `false` and
        /// applies ``refusesSensitiveData(_:basis:)`` field by field instead.
        @inline(__always)
        func denial(_ purpose: CompiledPurpose, basis: LegalBasis, sensitive: @autoclosure () -> Bool) -> ReasonCode? {
            // Nothing in force (the common case), or a purpose no objection can stop (Art. 13 (3)–(7)): one test.
            guard restricted || channelRefused || !optOuts.isEmpty, !purpose.basis.isMandatory else { return nil }
            if restricted { return .restricted }
            let consentLike = basis == .consent || basis == .publiclyDisclosed
            if !optOuts.isEmpty {
                let contractLike = basis == .contract || basis == .employment
                if consentLike && purpose.marketing && optOuts.contains(.directMarketing) {
                    return .optedOutOfDirectMarketing
                }
                if consentLike && purpose.providesToOthers && optOuts.contains(.thirdPartyDisclosure) {
                    return .optedOutOfThirdPartyDisclosure
                }
                if (consentLike || contractLike) && purpose.automatedDecision
                    && optOuts.contains(.automatedDecisionMaking)
                {
                    return .optedOutOfAutomatedDecisionMaking
                }
                if consentLike && optOuts.contains(.sensitiveData) && sensitive() { return .optedOutOfSensitiveData }
            }
            if consentLike && channelRefused { return .channelNotPermitted }
            return nil
        }

        /// Whether the sensitive-data opt-out stops this purpose's sensitive fields: what ``denial(_:basis:sensitive:)``
        /// checks for one field, for the record view to apply to all of them at once.
        @inline(__always)
        func refusesSensitiveData(_ purpose: CompiledPurpose, basis: LegalBasis) -> Bool {
            !purpose.basis.isMandatory && optOuts.contains(.sensitiveData)
                && (basis == .consent || basis == .publiclyDisclosed)
        }
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
                case .restriction:
                    if Int32(toggle.key) == purpose { result.restricted = toggle.on }
                case .optOut:
                    let kind = OptOutSet(rawValue: UInt8(truncatingIfNeeded: toggle.key))
                    if toggle.on { result.optOuts.formUnion(kind) } else { result.optOuts.subtract(kind) }
                case .channel:
                    if Int32(toggle.key) == channel { result.channelRefused = toggle.on }
                case .erasure:
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
        if let denial = objections.denial(
            purpose, basis: basis, sensitive: minorNow || tables.isSensitive(field: field))
        {
            return CompiledDecision(denial)
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
            } else if grant.flags.contains(.staleNotice) {
                (level, reason) = (2, .reconsentRequired)
            } else if question.recipient >= 0 && grant.flags.contains(.namesRecipients)
                && !contains(references, grant.recipientCount, question.recipient)
            {
                (level, reason) = (3, .recipientNotCovered)
            } else if question.destination >= 0 && grant.flags.contains(.namesDestinations)
                && !contains(references &+ grant.recipientCount, grant.destinationCount, question.destination)
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
        // Step 4 as `decide` applies it: a purpose-wide objection empties the view; the sensitive-data opt-out
        // removes the sensitive fields (every field of a minor's).
        if objections.denial(purpose, basis: basis, sensitive: false) != nil {
            for word in 0..<wordCount { output[word] = 0 }
            return
        }
        if objections.refusesSensitiveData(purpose, basis: basis) {
            for word in 0..<wordCount { output[word] &= minorNow ? 0 : ~tables.sensitiveWords[word] }
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
                if grant.flags.contains(.staleNotice) { continue }
                let fields = wide ? words[Int(grant.fields) &+ word] : grant.fields
                allowedWord |=
                    fields
                    & tables.strengthMask(purpose: Int(purposeIndex), kind: grant.kind, minor: minorNow, word: word)
            }
            output[word] &= allowedWord
        }
    }
}
