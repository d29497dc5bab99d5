internal import Foundation

extension ConsentEngine {
    /// Compiles a subject the regimes reach (Regimes.md) for ``RegimeDecider``, or returns `nil` when a regime
    /// it is under does not fit the compact form or it has more than 65,535 grants (the reference evaluator then
    /// decides it).
    ///
    /// - Complexity: O(*e* · *p* + *g* · *e*) for *e* events, *g* grants and *p* purposes of the policy.
    mutating func compileRegimeSubject(_ record: SubjectRecord) -> RegimeSubject? {
        prepareRegimeTable()
        var state = SubjectState(facts: record.initialFacts)
        guard let first = regimeVersion(state, from: -.infinity) else { return nil }
        var versions = [first]
        let entries = record.entries
        var index = 0
        while index < entries.count {
            // Every event at one instant, then the standing after them: the later of two at one instant wins.
            let at = entries[index].event.at
            var changed = false
            while index < entries.count && entries[index].event.at == at {
                if entries[index].event.changesStanding { changed = true }
                state.apply(entries[index])
                index += 1
            }
            if changed {
                guard let version = regimeVersion(state, from: at.timeIntervalSinceReferenceDate) else { return nil }
                versions.append(version)
            }
        }

        var slots: [RegimeGrantSlot] = []
        var references: [Int32] = []
        var words: [UInt64] = []
        var ids: [GrantID] = []
        let withdrawals = entries.compactMap { entry in
            if case .withdraw(let withdrawal) = entry.event { withdrawal } else { nil }
        }
        for entry in entries {
            guard case .grant(let grant) = entry.event else { continue }
            guard ids.count < Int(UInt16.max) else { return nil }
            let ordinal = UInt16(ids.count)
            ids.append(grant.id)
            let fields = compiled.fieldSet(of: grant, appendingTo: &words)
            let referenceOffset = Int32(references.count)
            references.append(contentsOf: grant.recipients.compactMap { compiled.recipientIndex[$0] })
            let recipientCount = references.count - Int(referenceOffset)
            references.append(contentsOf: grant.destinations.compactMap { compiled.destinationIndex[$0] })
            let destinationCount = references.count - Int(referenceOffset) - recipientCount
            guard recipientCount <= Int(UInt16.max), destinationCount <= Int(UInt16.max) else { return nil }
            let givenAt = min(grant.at, ledger.grantSubjects[grant.id]?.at ?? grant.at)
            for purpose in grant.purposes {
                guard let purposeIndex = compiled.index(ofPurpose: purpose) else { continue }
                slots.append(
                    RegimeGrantSlot(
                        at: grant.at.timeIntervalSinceReferenceDate, givenAt: givenAt.timeIntervalSinceReferenceDate,
                        expiresAt: grant.expiresAt?.timeIntervalSinceReferenceDate ?? .infinity,
                        withdrawnAt: withdrawal(of: grant, for: purpose, among: withdrawals), fields: fields,
                        noticeVersion: Int32(clamping: grant.noticeVersion), referenceOffset: referenceOffset,
                        ordinal: ordinal, purpose: UInt16(purposeIndex), recipientCount: UInt16(recipientCount),
                        destinationCount: UInt16(destinationCount), attributes: grant.effectiveAttributes,
                        guardian: grant.grantor == .guardian, namesRecipients: !grant.recipients.isEmpty,
                        namesDestinations: !grant.destinations.isEmpty))
            }
        }
        return RegimeSubject(versions: versions, grants: slots, references: references, words: words, grantIDs: ids)
    }

    /// The regime table's position of a regime: ``Regime/all``, then the policy's profiles (as
    /// ``CompiledDecision`` numbers them).
    func regimeIndex(of regime: Regime) -> Int? {
        Regime.all.firstIndex(of: regime)
            ?? compiled.policy.profiles.firstIndex(of: regime).map { Regime.all.count + $0 }
    }

    /// Sizes the regime table and works out the opt-out readings its regimes need, once.
    private mutating func prepareRegimeTable() {
        guard compiledRegimes.isEmpty else { return }
        let regimes = Regime.all + compiled.policy.profiles
        compiledRegimes = Array(repeating: nil, count: regimes.count)
        var waits: [Int?] = [nil]
        for regime in regimes where !waits.contains(regime.profile.businessOptInWaitMonths) {
            waits.append(regime.profile.businessOptInWaitMonths)
        }
        regimeWaits = waits
        policyRegimeIndex = regimeIndex(of: compiled.policy.regime).map { UInt8(clamping: $0) } ?? .max
    }

    /// The compiled form of the regime at `index` of the table, compiled on first use.
    private mutating func compiledRegime(at index: Int) -> CompiledRegime? {
        if let existing = compiledRegimes[index] { return existing }
        guard index < Int(UInt8.max) else { return nil }
        let regime = index < Regime.all.count ? Regime.all[index] : compiled.policy.profiles[index - Regime.all.count]
        let wait = regimeWaits.firstIndex { $0 == regime.profile.businessOptInWaitMonths } ?? 0
        let built = CompiledRegime(regime: regime, index: UInt8(index), compiled: compiled, waitSlot: wait)
        compiledRegimes[index] = built
        return built
    }

    /// The standing of a subject in the regime evaluator's terms, or `nil` when a regime it is under cannot be
    /// compiled.
    private mutating func regimeVersion(_ state: SubjectState, from: Double) -> RegimeStateVersion? {
        let policy = compiled.policy
        let facts = state.facts
        let regimes = facts.regimes.flatMap { $0.isEmpty ? nil : $0 } ?? policy.regimeAlone
        var ages: [RegimeAgeState] = []
        ages.reserveCapacity(regimes.count)
        for regime in regimes {
            // A regime is found by its id; one built in Swift that reuses a table id with other rules is left to
            // the reference evaluator, which applies the rules it carries.
            guard let index = regimeIndex(of: regime), let compiledRegime = compiledRegime(at: index),
                compiledRegime.regime.profile == regime.profile
            else {
                return nil
            }
            ages.append(ageState(regime: compiledRegime, facts: facts))
        }
        var restrictions: [(purpose: Int32, since: Double)] = []
        for purpose in state.restricted {
            guard let index = compiled.index(ofPurpose: purpose), let since = state.restrictedSince[purpose] else {
                continue
            }
            restrictions.append((index, since.timeIntervalSinceReferenceDate))
        }
        let optOuts = regimeWaits.map { wait in
            var set: OptOutSet = []
            for kind in OptOutKind.allCases where state.isOptedOut(kind, businessOptInWaitMonths: wait) {
                set.formUnion(OptOutSet(kind))
            }
            return set
        }
        var channelsOptedOut: UInt8 = 0
        var softOptIn: UInt8 = 0
        for (offset, channel) in Channel.knownChannels.enumerated() {
            if state.channelsOptedOut.contains(channel) { channelsOptedOut |= 1 << UInt8(offset) }
            if state.softOptInChannels.contains(channel) { softOptIn |= 1 << UInt8(offset) }
        }
        var open: [(purpose: Int32, kinds: UInt8)] = []
        if !state.objections.isEmpty {
            for (index, purpose) in policy.purposes.enumerated() {
                var kinds: UInt8 = 0
                for (bit, kind) in ObjectionKind.allCases.enumerated()
                where state.openObjection(to: purpose.id, kinds: { $0 == kind }) != nil {
                    kinds |= 1 << UInt8(bit)
                }
                if kinds != 0 { open.append((Int32(index), kinds)) }
            }
        }
        return RegimeStateVersion(
            from: from, regimes: ages, facts: facts, guardianship: facts.isUnderGuardianship, erased: state.erased,
            restrictions: restrictions, optOuts: optOuts, channelsOptedOut: channelsOptedOut,
            softOptInChannels: softOptIn, openObjections: open)
    }

    /// A subject's age under a regime as thresholds, worked out with the regime's own calendar (``RegimeAge``).
    private func ageState(regime: CompiledRegime, facts: SubjectFacts) -> RegimeAgeState {
        let age = RegimeAge(regime: regime.regime, policy: compiled.policy, facts: facts)
        let ignoringEmancipation: AgeKnowledge =
            facts.minor == true ? .youngest : (facts.birthDate != nil || facts.ageRange != nil) ? .years : .unknown
        let known: AgeKnowledge =
            regime.recognisesEmancipation && facts.emancipated == true ? .emancipated : ignoringEmancipation
        var dynamic = false
        let reach = regime.limits.map { limit -> AgeThreshold in
            guard ignoringEmancipation == .years else { return .never }
            if let range = facts.ageRange, range.min < limit { return .never }
            // `max(years, 0)`: every age is at least 0.
            guard let birth = facts.birthDate, limit > 0 else { return .always }
            // An age reached after year 9999 is never reached at an instant a file can hold (and a hostile limit
            // near `Int.max` must not overflow).
            guard limit <= 9999 - birth.year, let day = age.reachedDate(of: birth, years: limit) else { return .never }
            guard let threshold = Self.threshold(day, zone: age.zone) else {
                dynamic = true
                return .never
            }
            return threshold
        }
        return RegimeAgeState(
            regime: regime.index, known: known, knownIgnoringEmancipation: ignoringEmancipation, reach: reach,
            dynamic: dynamic)
    }

    /// The local midnight starting `day`, when the zone's offset is the same for two days either side of it (so
    /// that local dates only move forward there); `nil` otherwise.
    private static func threshold(_ day: CalendarDate, zone: TimeZone) -> AgeThreshold? {
        let midnight = Double(day.daysSinceEpoch) * 86_400
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight))
        let instant = midnight - Double(offset)
        for probe in [instant, instant - 172_800, instant + 172_800]
        where zone.secondsFromGMT(for: Date(timeIntervalSince1970: probe)) != offset {
            return nil
        }
        return AgeThreshold(midnight: midnight, offset: Double(offset))
    }
}

extension ConsentEvent {
    /// Whether the event changes a subject's standing (``SubjectState``), not only its grants.
    var changesStanding: Bool {
        switch self {
        case .grant, .withdraw, .link, .reviewRequested: false
        default: true
        }
    }
}
