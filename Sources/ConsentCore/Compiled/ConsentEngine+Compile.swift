internal import Foundation

extension ConsentEngine {
    /// Compiles one subject's record into the tail of the flat arrays and returns where it went.
    ///
    /// - Complexity: O(*e* + *g* · *w*) for *e* events, *g* grants and *w* withdrawals of the subject.
    mutating func compile(_ record: SubjectRecord) -> SubjectSlot {
        var slot = SubjectSlot()
        slot.factsStart = Int32(facts.count)
        slot.grantStart = Int32(grants.count)
        slot.toggleStart = Int32(toggles.count)
        slot.referenceStart = Int32(references.count)
        slot.grantIDStart = Int32(grantIDs.count)
        let wordsStart = words.count
        let noFacts = SubjectFacts()
        var current = record.initialFacts
        if current != noFacts { facts.append(factsVersion(current, from: -.infinity)) }
        var ordinal = 0
        // Everything the layout choice below needs, gathered in this one pass rather than by walking the entries
        // again (or rebuilding the subject's grants) after it.
        var manyReferences = false
        var needsRegimes =
            compiled.usesRegimesBeyondPIPL || record.initialFacts.regimes != nil || record.initialFacts.ageRange != nil
            || record.initialFacts.emancipated != nil
        // The withdrawals met so far: a grant compiled after one may still be reached by it (a withdrawal by
        // purposes reaches grants given at the same instant, whatever their order in the ledger).
        var withdrawals: [Withdrawal] = []
        for entry in record.entries {
            let event = entry.event
            if event.needsRegimes { needsRegimes = true }
            switch event {
            case .subjectFacts(_, let change, let at):
                if facts.count == Int(slot.factsStart) { facts.append(.unknown) }
                current = change.applied(to: current)
                facts.append(factsVersion(current, from: at.timeIntervalSinceReferenceDate))
            case .erase(_, let at):
                addToggle(at, key: 0, kind: .erasure, on: true)
            case .restrict(_, let purpose, let at, _), .unrestrict(_, let purpose, let at):
                guard let index = compiled.index(ofPurpose: purpose) else { continue }
                let on = if case .restrict = event { true } else { false }
                addToggle(at, key: UInt16(index), kind: .restriction, on: on)
            case .optOut(_, let kind, let at, _, _), .optIn(_, let kind, let at, _):
                let on = if case .optOut = event { true } else { false }
                addToggle(at, key: UInt16(OptOutSet(kind).rawValue), kind: .optOut, on: on)
            case .channelOptOut(_, let channel, let at), .channelOptIn(_, let channel, let at):
                guard let index = Channel.knownChannels.firstIndex(of: channel) else { continue }
                let on = if case .channelOptOut = event { true } else { false }
                addToggle(at, key: UInt16(index), kind: .channel, on: on)
            case .grant(let grant):
                // A grant an identity link carried is dated at the link, but judged by when the person gave it:
                // the regimes' layout keeps both instants.
                if entry.derivation != nil { needsRegimes = true }
                if grant.recipients.count > GrantSlot.maximumReferences
                    || grant.destinations.count > GrantSlot.maximumReferences
                {
                    manyReferences = true
                }
                compile(grant, ordinal: ordinal, withdrawals: withdrawals, slot: slot)
                grantIDs.append(grant.id)
                ordinal += 1
            case .withdraw(let withdrawal):
                withdraw(withdrawal, slot: slot)
                withdrawals.append(withdrawal)
            case .link, .objection, .objectionRejected, .customer, .reviewRequested:
                break
            }
        }
        let factsCount = facts.count - Int(slot.factsStart)
        let grantCount = grants.count - Int(slot.grantStart)
        let toggleCount = toggles.count - Int(slot.toggleStart)
        let referenceCount = references.count - Int(slot.referenceStart)
        let limit = Int(UInt16.max)
        // The PIPL layout implements PIPL v1; a subject the other regimes reach gets the regimes' layout.
        if factsCount > limit || grantCount > limit || toggleCount > limit || referenceCount > limit || ordinal > limit
            || manyReferences || needsRegimes
        {
            // Not for the PIPL layout: leave nothing behind there.
            facts.removeLast(factsCount)
            grants.removeLast(grantCount)
            toggles.removeLast(toggleCount)
            toggleTimes.removeLast(toggleCount)
            references.removeLast(referenceCount)
            grantIDs.removeLast(ordinal)
            // The regimes' layout takes what PIPL's cannot hold; a subject too large for either (more than 65,535
            // grants, or a regime that does not fit) is decided by the reference evaluator.
            words.removeLast(words.count - wordsStart)
            if let subject = compileRegimeSubject(record) {
                if let free = vacantRegimeSubjects.popLast() {
                    regimeSubjects[Int(free)] = subject
                    return SubjectSlot(factsStart: free, flags: .regimes)
                }
                regimeSubjects.append(subject)
                return SubjectSlot(factsStart: Int32(regimeSubjects.count - 1), flags: .regimes)
            }
            return SubjectSlot(flags: .usesReference)
        }
        slot.factsCount = UInt16(factsCount)
        slot.grantCount = UInt16(grantCount)
        slot.toggleCount = UInt16(toggleCount)
        slot.grantIDCount = UInt16(ordinal)
        return slot
    }

    private mutating func addToggle(_ at: Date, key: UInt16, kind: Toggle.Kind, on: Bool) {
        toggleTimes.append(at.timeIntervalSinceReferenceDate)
        toggles.append(Toggle(key: key, kind: kind, on: on))
    }

    /// Appends one grant slot per purpose the grant names (a purpose unknown to the policy can never be asked).
    private mutating func compile(
        _ grant: ConsentGrant, ordinal: Int, withdrawals: [Withdrawal], slot: SubjectSlot
    ) {
        let fields = compiled.fieldSet(of: grant, appendingTo: &words)
        let referenceOffset = references.count - Int(slot.referenceStart)
        references.append(contentsOf: grant.recipients.compactMap { compiled.recipientIndex[$0] })
        let recipientCount = references.count - Int(slot.referenceStart) - referenceOffset
        references.append(contentsOf: grant.destinations.compactMap { compiled.destinationIndex[$0] })
        let destinationCount = references.count - Int(slot.referenceStart) - referenceOffset - recipientCount
        // Its strength as PIPL reads it, from every attribute it has: an `ordinary` grant recorded `separate` counts as
        // separate consent, exactly as the reference's attribute check reads it.
        var flags = GrantSlot.Flags(kindRank: grant.strength.rank)
        if grant.grantor == .guardian { flags.insert(.guardian) }
        if !grant.recipients.isEmpty { flags.insert(.namesRecipients) }
        if !grant.destinations.isEmpty { flags.insert(.namesDestinations) }
        for purpose in grant.purposes {
            guard let index = compiled.index(ofPurpose: purpose) else { continue }
            var flags = flags
            if Int32(clamping: grant.noticeVersion) < compiled.tables.purposes[Int(index)].consentVersion {
                flags.insert(.staleNotice)
            }
            grants.append(
                GrantSlot(
                    at: grant.at.timeIntervalSinceReferenceDate,
                    expiresAt: grant.expiresAt?.timeIntervalSinceReferenceDate ?? .infinity,
                    withdrawnAt: withdrawal(of: grant, for: purpose, among: withdrawals), fields: fields,
                    grantOrdinal: UInt16(truncatingIfNeeded: ordinal),
                    purpose: UInt16(index), referenceOffset: UInt16(truncatingIfNeeded: referenceOffset),
                    referenceCounts: UInt8(
                        min(recipientCount, GrantSlot.maximumReferences)
                            | min(destinationCount, GrantSlot.maximumReferences) << 4),
                    flags: flags))
        }
    }

    /// Marks the grant slots compiled so far for this subject that `withdrawal` reaches, keeping each slot's
    /// earliest withdrawal: one pass over the entries instead of one per grant slot.
    private mutating func withdraw(_ withdrawal: Withdrawal, slot: SubjectSlot) {
        let at = withdrawal.at.timeIntervalSinceReferenceDate
        var purposes: [Int32] = []
        if case .purposes(_, let named) = withdrawal.target {
            purposes = named.compactMap { compiled.index(ofPurpose: $0) }
        }
        for index in Int(slot.grantStart)..<grants.count {
            let grant = grants[index]
            let reaches: Bool
            switch withdrawal.target {
            case .grant(let id):
                reaches = grantIDs[Int(slot.grantIDStart) + Int(grant.grantOrdinal)] == id
            case .purposes:
                reaches = purposes.contains(Int32(grant.purpose)) && grant.at <= at
            }
            if reaches && at < grant.withdrawnAt { grants[index].withdrawnAt = at }
        }
    }

    /// The earliest withdrawal reaching `grant` for `purpose`: by its id, or by purpose at or after it was given.
    /// `withdrawals` are the subject's, in ledger order.
    func withdrawal(of grant: ConsentGrant, for purpose: PurposeID, among withdrawals: [Withdrawal]) -> Double {
        for withdrawal in withdrawals {
            switch withdrawal.target {
            case .grant(let id) where id == grant.id:
                return withdrawal.at.timeIntervalSinceReferenceDate
            case .purposes(_, let purposes) where purposes.contains(purpose) && grant.at <= withdrawal.at:
                return withdrawal.at.timeIntervalSinceReferenceDate
            default:
                continue
            }
        }
        return .infinity
    }

    /// Facts with the instant of majority worked out once per birth date, so that "is a minor at x" is one
    /// comparison.
    private mutating func factsVersion(_ facts: SubjectFacts, from: Double) -> FactsVersion {
        var version = FactsVersion(from: from, majority: .infinity, birthDays: 0, flags: [])
        if facts.minor == true { version.flags.insert(.minor) }
        if facts.guardianship == true { version.flags.insert(.guardianship) }
        guard let birth = facts.birthDate else { return version }
        let days = Int32(birth.daysSinceEpoch)
        let threshold = thresholds[days] ?? majorityThreshold(birth)
        thresholds[days] = threshold
        version.flags.formUnion(threshold.flags.intersection(.dynamic).union(.birthKnown))
        version.birthDays = days
        version.majority = threshold.majority
        return version
    }

    private func majorityThreshold(_ birth: CalendarDate) -> FactsVersion {
        let policy = compiled.policy
        var threshold = FactsVersion(from: 0, majority: .infinity, birthDays: 0, flags: [])
        // No majority date (beyond year 9999): a minor for ever, as the reference fails closed.
        guard let majority = policy.majorityDate(forBirthDate: birth) else { return threshold }
        let midnight = Double(majority.daysSinceEpoch) * 86_400
        var instant = midnight - Double(policy.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight)))
        instant = midnight - Double(policy.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)))
        let date = Date(timeIntervalSince1970: instant)
        // The local date must turn over exactly there; where a zone's transition falls at midnight it may not,
        // and decisions then ask the policy's calendar directly.
        if policy.localDate(of: date) == majority,
            let before = policy.localDate(of: date.addingTimeInterval(-0.001)), before < majority
        {
            threshold.majority = date.timeIntervalSinceReferenceDate
        } else {
            threshold.flags.insert(.dynamic)
        }
        return threshold
    }
}
