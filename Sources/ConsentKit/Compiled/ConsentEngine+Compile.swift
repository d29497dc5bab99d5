internal import Foundation

extension ConsentEngine {
    /// Compiles one subject's record into the tail of the flat arrays and returns where it went.
    ///
    /// - Complexity: O(*e* + *g* · *w*) for *e* events, *g* grants and *w* withdrawals of the subject.
    mutating func compile(_ record: SubjectRecord) -> SubjectSlot {
        let policy = compiled.policy
        var slot = SubjectSlot.empty
        slot.factsStart = Int32(facts.count)
        facts.append(factsVersion(record.initialFacts, from: -.infinity, policy: policy))
        var current = record.initialFacts
        slot.grantStart = Int32(grants.count)
        slot.toggleStart = Int32(toggles.count)
        for entry in record.entries {
            let event = entry.event
            switch event {
            case .subjectFacts(_, let change, let at):
                current = change.applied(to: current)
                facts.append(factsVersion(current, from: at, policy: policy))
            case .erase(_, let at):
                if at < slot.erasedAt { slot.erasedAt = at }
            case .restrict(_, let purpose, let at), .unrestrict(_, let purpose, let at):
                guard let index = compiled.index(of: purpose) else { continue }
                let on = if case .restrict = event { true } else { false }
                toggles.append(Toggle(at: at, key: index, kind: Toggle.restriction, on: on))
            case .optOut(_, let kind, let at), .optIn(_, let kind, let at):
                let on = if case .optOut = event { true } else { false }
                toggles.append(Toggle(at: at, key: Int32(kind.ordinal), kind: Toggle.optOut, on: on))
            case .channelOptOut(_, let channel, let at), .channelOptIn(_, let channel, let at):
                guard let index = Channel.knownChannels.firstIndex(of: channel) else { continue }
                let on = if case .channelOptOut = event { true } else { false }
                toggles.append(Toggle(at: at, key: Int32(index), kind: Toggle.channel, on: on))
            case .grant(let grant):
                compile(grant, in: record)
            case .withdraw:
                break
            }
        }
        slot.factsCount = Int32(facts.count) - slot.factsStart
        slot.grantCount = Int32(grants.count) - slot.grantStart
        slot.toggleCount = Int32(toggles.count) - slot.toggleStart
        return slot
    }

    /// Appends one grant slot per purpose the grant names (purposes unknown to the policy can never be asked).
    private mutating func compile(_ grant: ConsentGrant, in record: SubjectRecord) {
        let fieldsOffset = Int32(words.count)
        words.append(contentsOf: repeatElement(0, count: compiled.wordsPerSet))
        for field in grant.fields {
            if let index = compiled.index(of: field) {
                FieldSetWords.insert(&words, at: Int(fieldsOffset), field: Int(index))
            }
        }
        for category in grant.categories {
            guard let coverage = compiled.coverage(of: category) else { continue }
            for word in 0..<compiled.wordsPerSet {
                words[Int(fieldsOffset) + word] |= compiled.coverageWords[coverage + word]
            }
        }
        let referenceStart = Int32(references.count)
        references.append(contentsOf: grant.recipients.compactMap { compiled.recipientIndex[$0] })
        let recipientCount = Int16(clamping: references.count - Int(referenceStart))
        references.append(contentsOf: grant.destinations.compactMap { compiled.destinationIndex[$0] })
        let destinationCount = Int16(clamping: references.count - Int(referenceStart) - Int(recipientCount))
        let reference = Int32(grantIDs.count)
        grantIDs.append(grant.id)
        for purpose in grant.purposes {
            guard let index = compiled.index(of: purpose) else { continue }
            grants.append(
                GrantSlot(
                    at: grant.at, expiresAt: grant.expiresAt ?? .infinity,
                    withdrawnAt: withdrawal(of: grant, for: purpose, in: record), fieldsOffset: fieldsOffset,
                    purpose: index, noticeVersion: Int32(clamping: grant.noticeVersion), grantReference: reference,
                    referenceStart: referenceStart, recipientCount: recipientCount, destinationCount: destinationCount,
                    kind: grant.kind.rank, guardian: grant.grantor == .guardian,
                    namesRecipients: !grant.recipients.isEmpty, namesDestinations: !grant.destinations.isEmpty))
        }
    }

    /// The earliest withdrawal reaching `grant` for `purpose`: by its id, or by purpose at or after it was given.
    private func withdrawal(of grant: ConsentGrant, for purpose: PurposeID, in record: SubjectRecord) -> Date {
        for entry in record.entries {
            guard case .withdraw(let withdrawal) = entry.event else { continue }
            switch withdrawal.target {
            case .grant(let id) where id == grant.id:
                return withdrawal.at
            case .purposes(_, let purposes) where purposes.contains(purpose) && grant.at <= withdrawal.at:
                return withdrawal.at
            default:
                continue
            }
        }
        return .infinity
    }

    /// Facts with the instant of majority worked out once, so that "is a minor at x" is one comparison.
    private func factsVersion(_ facts: SubjectFacts, from: Date, policy: Policy) -> FactsVersion {
        var version = FactsVersion(from: from, majority: .infinity, birthDays: 0, flags: 0)
        if facts.minor == true { version.flags |= FactsVersion.minorFlag }
        if facts.guardianship == true { version.flags |= FactsVersion.guardianship }
        guard let birth = facts.birthDate else { return version }
        version.flags |= FactsVersion.birthKnown
        version.birthDays = Int32(birth.daysSinceEpoch)
        // No majority date (beyond year 9999): a minor for ever, as the reference fails closed.
        guard let majority = policy.majorityDate(forBirthDate: birth) else { return version }
        let midnight = Double(majority.daysSinceEpoch) * 86_400
        var instant = midnight - Double(policy.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight)))
        instant = midnight - Double(policy.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)))
        let threshold = Date(timeIntervalSince1970: instant)
        // The local date must turn over exactly there; where a zone's transition falls at midnight it may not,
        // and the decision then asks the policy's calendar directly.
        if policy.localDate(of: threshold) == majority,
            let before = policy.localDate(of: threshold.addingTimeInterval(-0.001)), before < majority
        {
            version.majority = threshold
        } else {
            version.flags |= FactsVersion.dynamic
        }
        return version
    }
}

extension OptOutKind {
    /// The kind's position in ``OptOutKind/allCases``: the order in which step 4 reports them.
    var ordinal: Int {
        switch self {
        case .directMarketing: 0
        case .thirdPartyDisclosure: 1
        case .automatedDecisionMaking: 2
        case .sensitiveData: 3
        }
    }
}
