internal import Foundation

/// The grants a regime decision relied on: for the compiled decision only the most recently given (the highest
/// ordinal), for a decision by name every one.
struct ReliedGrants {
    /// Whether every ordinal is kept, not only the highest.
    let collecting: Bool
    private(set) var ordinals: [UInt16] = []
    private(set) var latest: UInt16 = .max

    init(collecting: Bool) { self.collecting = collecting }

    @inline(__always)
    mutating func add(_ ordinal: UInt16) {
        latest = latest == .max ? ordinal : max(latest, ordinal)
        if collecting && !ordinals.contains(ordinal) { ordinals.append(ordinal) }
    }

    mutating func removeAll() {
        latest = .max
        if collecting { ordinals.removeAll() }
    }
}

/// Regimes.md §11–12 over a ``RegimeSubject`` and the engine's ``CompiledRegime`` tables: the compiled twin of
/// ``RegimeEvaluation`` and the reference's conjunction, step for step, on indices and bitsets. It allocates
/// nothing when only the latest grant is asked for; the differential test proves it decides as the reference.
struct RegimeDecider {
    unowned(unsafe) let tables: CompiledTables
    let regimes: [CompiledRegime?]
    let subject: RegimeSubject
    /// The policy's regime's index in the regime table, for a decision at an instant no file can hold.
    let policyRegime: UInt8

    // Step numbers of Regimes.md §11, as the reference numbers them.
    private static let erasureStep = 3, prohibitionStep = 4, objectionStep = 5, channelStep = 6, transferStep = 7
    private static let basisStep = 8, consentStep = 9

    /// One question: steps 1–2, each applicable regime, then the conjunction.
    func decide(_ question: CompiledQuestion, relying grants: inout ReliedGrants) -> (ReasonCode, UInt8) {
        let instant = question.at.timeIntervalSinceReferenceDate
        let representable =
            instant >= RFC3339.earliestSinceReferenceDate && instant <= RFC3339.latestSinceReferenceDate
        let version = subject.versions[representable ? subject.version(at: instant) : 0]
        let first = representable ? version.regimes[0].regime : policyRegime
        // 1. Known names.
        let purposeIndex = Int(question.purpose)
        let field = Int(question.field)
        guard purposeIndex >= 0 && purposeIndex < tables.purposes.count else { return (.unknownPurpose, first) }
        guard field >= 0 && field < tables.fieldCount else { return (.unknownField, first) }
        guard representable else { return (.noConsent, first) }
        let purpose = tables.purposes[purposeIndex]
        // 2. Declared data, recipients, destinations, channels.
        guard tables.isDeclared(purpose: purpose, field: field) else { return (.notDeclared, first) }
        if question.recipient != CompiledQuestion.none
            && !tables.references(from: purpose.recipientStart, to: purpose.recipientEnd, contain: question.recipient)
        {
            return (.recipientNotDeclared, first)
        }
        if question.destination != CompiledQuestion.none
            && !tables.references(from: purpose.recipientEnd, to: purpose.destinationEnd, contain: question.destination)
        {
            return (.destinationNotDeclared, first)
        }
        if question.channel != CompiledQuestion.none {
            guard question.channel >= 0, question.channel < 8,
                purpose.channelMask & (1 &<< UInt8(question.channel)) != 0
            else {
                return (.channelNotPermitted, first)
            }
        }

        // Each regime, then §12: the earliest step's denial (ties by the order of `regimes`), else the first
        // consent allow's reason (or the first regime's), with the union of the grants relied on.
        var denial: (reason: ReasonCode, step: Int, regime: UInt8)?
        var allow: (reason: ReasonCode, regime: UInt8)?
        var consentAllow: UInt8?
        for age in version.regimes {
            // Every regime of a compiled subject was compiled with it.
            guard let regime = regimes[Int(age.regime)] else { continue }
            let (reason, step) = outcome(regime, age, version, question, instant, &grants)
            if reason.isAllowedCode {
                if allow == nil { allow = (reason, age.regime) }
                if consentAllow == nil && reason == .allowedByConsent { consentAllow = age.regime }
            } else if denial == nil || step < denial!.step {
                denial = (reason, step, age.regime)
            }
        }
        if let denial {
            grants.removeAll()
            return (denial.reason, denial.regime)
        }
        if let consentAllow { return (.allowedByConsent, consentAllow) }
        return allow.map { ($0.reason, $0.regime) } ?? (.noConsent, first)
    }

    // MARK: One regime

    /// Steps 3–9 for one regime. Grants it relies on are added to `grants` as it goes; the caller drops them all
    /// when any regime denies.
    private func outcome(
        _ regime: CompiledRegime, _ age: RegimeAgeState, _ version: RegimeStateVersion, _ question: CompiledQuestion,
        _ instant: Double, _ grants: inout ReliedGrants
    ) -> (ReasonCode, Int) {
        let purposeIndex = Int(question.purpose)
        let rules = regime.purposes[purposeIndex]
        let field = regime.fields[Int(question.field)]
        let facts = rules.facts
        // 3. Erasure: only the regime's survivors outlive it.
        if version.erased && !rules.survivesErasure { return (.erased, Self.erasureStep) }
        // An age band may turn the basis into consent.
        var bandNow = band(rules, age, regime, version, at: instant)
        if let band = bandNow, !rules.declaredIsConsent && !band.convertsDeclared { bandNow = nil }
        let consentBased = rules.declaredIsConsent || bandNow?.convertsDeclared == true
        let sensitive = bandNow?.dataSensitive == true || field.sensitive

        // 4. Prohibitions, and GDPR Art. 22.
        var candidates = rules.prohibitionMask & field.prohibitionMask
        if candidates != 0 {
            let day = Self.utcDay(instant)
            while candidates != 0 {
                let offset = candidates.trailingZeroBitCount
                candidates &= candidates &- 1
                let prohibition = regime.prohibitions[offset]
                if day < prohibition.effectiveFromDay { continue }
                if let below = prohibition.minorBelow,
                    !isKnownYounger(than: below, age, regime, version, at: instant)
                {
                    continue
                }
                if prohibition.sensitiveFieldsOnly && !sensitive { continue }
                return (prohibition.reason, Self.prohibitionStep)
            }
        }
        if rules.automatedDecisionProhibited {
            if !consentBased && !rules.declaredAllowsAutomatedDecision {
                return (.automatedDecisionNotPermitted, Self.prohibitionStep)
            }
            if sensitive && !consentBased && !rules.substantialPublicInterest {
                return (.automatedDecisionNotPermitted, Self.prohibitionStep)
            }
        }

        // 5. Objections, opt-outs, restriction; never against a mandatory basis.
        if !rules.declaredIsMandatory {
            if let since = version.restriction(of: question.purpose), rules.restrictionBinds {
                let lifted =
                    regime.restrictionLiftedByLaterGrant
                    && liftsRestriction(
                        since: since, rules, field, regime, age, version, question, instant, sensitive: sensitive,
                        band: bandNow)
                if !lifted { return (.restricted, Self.objectionStep) }
            }
            let open =
                version.openObjectionKinds(to: question.purpose)
                & (consentBased ? rules.objectionKindsConsent : rules.objectionKindsDeclared)
            if open != 0 {
                // Bits in `ObjectionKind.allCases` order: particular situation, then research.
                return (
                    open & 1 != 0 ? .objectedOnParticularSituation : .objectedToResearch, Self.objectionStep
                )
            }
            var optedOut =
                version.optOuts[regime.waitSlot].rawValue
                & (consentBased ? rules.optOutBindsConsent : rules.optOutBindsDeclared).rawValue
            while optedOut != 0 {
                let bit = optedOut.trailingZeroBitCount
                optedOut &= optedOut &- 1
                if matches(regime.optOutMatches[bit], rules, question, sensitive: sensitive) {
                    return (.optedOut(of: OptOutKind.allCases[bit]), Self.objectionStep)
                }
            }
            if question.channel >= 0, version.channelsOptedOut & (1 &<< UInt8(question.channel)) != 0,
                consentBased || rules.channelOptOutBindsDeclared
            {
                return (.channelNotPermitted, Self.objectionStep)
            }
        }

        // 6. Channel rules for non-consent bases.
        let channelBit: UInt8 = question.channel >= 0 ? 1 &<< UInt8(question.channel) : 0
        if !consentBased && channelBit != 0 {
            if rules.softOptInChannels & channelBit != 0 {
                guard rules.softOptInEligible, version.softOptInChannels & channelBit != 0 else {
                    return (.channelConsentRequired, Self.channelStep)
                }
            } else if rules.writtenGrantChannels & channelBit != 0 {
                // The permission is a grant, so it passes every consent check.
                let required = regime.baselineAttributes.union(ConsentKind.written.attributes)
                // Its grant is relied on if the regime allows; a denial drops every grant the regimes added.
                let (reason, _) = consentStep(
                    required: required, band: nil, rules, regime, age, version, question, instant, &grants)
                guard reason == .allowedByConsent else { return (.channelConsentRequired, Self.channelStep) }
            }
        }

        // 7. Transfers outside the regime's territory.
        var routeAttributes: ConsentAttributes = []
        var viaConsentRoute = false
        if regime.checksTransfers, question.destination >= 0,
            !regime.destinations[Int(question.destination)].inTerritory
        {
            if rules.transferMechanismMissing { return (.transferMechanismMissing, Self.transferStep) }
            if rules.transferByAdequacy && !isAdequate(regime.destinations[Int(question.destination)], at: instant) {
                return (.transferMechanismMissing, Self.transferStep)
            }
            if rules.transferByConsent {
                routeAttributes = rules.transferAttributes
                viaConsentRoute = true
            }
        }

        // 8. The basis: listed conditions for sensitive data, law-only categories.
        if field.lawOnly && !facts.authorisedByLaw { return (.sensitiveConditionMissing, Self.basisStep) }
        var allow = consentBased ? ReasonCode.allowedByConsent : rules.allowedByDeclared
        if !consentBased && sensitive {
            switch regime.sensitiveModel {
            case .anyBasis:
                break
            case .listedConditions:
                guard rules.sensitiveConditionListed else { return (.sensitiveConditionMissing, Self.basisStep) }
            case .limitRight:
                if facts.spiPermittedUse && version.optOuts[regime.waitSlot].contains(.sensitiveData) {
                    allow = .allowedAsPermittedSensitiveUse
                }
            }
        }
        if !consentBased && !viaConsentRoute { return (allow, Self.basisStep) }

        // 9. Consent.
        let required = requiredAttributes(rules, field, regime, question, sensitive: sensitive, band: bandNow)
            .union(routeAttributes)
        let (reason, _) = consentStep(
            required: required, band: bandNow, rules, regime, age, version, question, instant, &grants)
        return (reason, Self.consentStep)
    }

    // MARK: Age

    /// The youngest band whose scope holds that the subject is below at `instant`, for any basis.
    @inline(__always)
    private func band(
        _ rules: RegimePurpose, _ age: RegimeAgeState, _ regime: CompiledRegime, _ version: RegimeStateVersion,
        at instant: Double
    ) -> CompiledBand? {
        guard !rules.bands.isEmpty else { return nil }
        switch age.known {
        case .unknown, .emancipated: return nil
        case .youngest: return rules.bands[0]
        case .years:
            if age.dynamic || Self.needsCalendar(instant) {
                return dynamicBand(rules, age, regime, version, at: instant)
            }
            for band in rules.bands where !age.reach[Int(band.limit)].isReached(at: instant) { return band }
            return nil
        }
    }

    /// ``band(_:_:_:_:at:)`` asking the regime's calendar, for the rare subject thresholds cannot describe.
    @inline(never)
    private func dynamicBand(
        _ rules: RegimePurpose, _ age: RegimeAgeState, _ regime: CompiledRegime, _ version: RegimeStateVersion,
        at instant: Double
    ) -> CompiledBand? {
        let calendar = RegimeAge(regime: regime.regime, policy: tables.policy, facts: version.facts)
        switch calendar.known(at: Date(timeIntervalSinceReferenceDate: instant)) {
        case .unknown, .emancipated: return nil
        case .youngest: return rules.bands[0]
        case .years(let years):
            for band in rules.bands where years < regime.limits[Int(band.limit)] { return band }
            return nil
        }
    }

    /// Whether the subject is known to be younger than the limit at `limit` (emancipation not counting).
    @inline(__always)
    private func isKnownYounger(
        than limit: UInt8, _ age: RegimeAgeState, _ regime: CompiledRegime, _ version: RegimeStateVersion,
        at instant: Double
    ) -> Bool {
        switch age.knownIgnoringEmancipation {
        case .unknown, .emancipated: return false
        case .youngest: return true
        case .years:
            if age.dynamic || Self.needsCalendar(instant) {
                return RegimeAge(regime: regime.regime, policy: tables.policy, facts: version.facts)
                    .isKnownYounger(than: regime.limits[Int(limit)], at: Date(timeIntervalSinceReferenceDate: instant))
            }
            return !age.reach[Int(limit)].isReached(at: instant)
        }
    }

    /// Instants within two days of year 1 or year 9999, where a local date may fall outside the calendar the
    /// reference counts on: they are asked of the regime's calendar itself.
    @inline(__always)
    private static func needsCalendar(_ instant: Double) -> Bool {
        instant < RFC3339.earliestSinceReferenceDate + 172_800 || instant > RFC3339.latestSinceReferenceDate - 172_800
    }

    @inline(__always)
    private static func utcDay(_ instant: Double) -> Int32 {
        Int32(((instant + Date.timeIntervalBetween1970AndReferenceDate) / 86_400).rounded(.down))
    }

    private func isAdequate(_ destination: RegimeDestination, at instant: Double) -> Bool {
        let day = Self.utcDay(instant)
        for entry in destination.adequacy where day >= entry.from && day < entry.until { return true }
        return false
    }

    // MARK: Step 5

    private func matches(
        _ match: OptOutMatch, _ rules: RegimePurpose, _ question: CompiledQuestion, sensitive: Bool
    ) -> Bool {
        let facts = rules.facts
        switch match {
        case .marketing: return facts.marketing
        case .providesToOthers: return facts.providesToOthers || facts.sellsOrShares
        case .providesToThirdParties:
            return providesToIndependentRecipient(rules, question) || facts.publicDisclosure || facts.sellsOrShares
        case .saleOrSharing:
            let namesServiceProvider =
                question.recipient >= 0 && facts.hasThirdParty && rules.recipientRoles[Int(question.recipient)] == 2
            return facts.sellsOrShares && !facts.consumerDirected && !namesServiceProvider
        case .sensitive: return sensitive
        case .sensitiveOutsidePermittedUses:
            return sensitive && !facts.spiPermittedUse && !facts.infersCharacteristicsDeclaredFalse
        case .automatedDecision: return facts.automated
        case .significantAutomatedDecisionWithoutAppeal: return facts.significantAutomatedWithoutAppeal
        }
    }

    /// Whether the question's recipient, or when it names none any recipient the purpose declares, decides for
    /// itself.
    @inline(__always)
    private func providesToIndependentRecipient(_ rules: RegimePurpose, _ question: CompiledQuestion) -> Bool {
        guard rules.facts.hasThirdParty else { return false }
        if question.recipient >= 0 { return rules.recipientRoles[Int(question.recipient)] == 1 }
        return rules.facts.anyIndependentRecipient
    }

    /// GDPR Art. 18(2): an active grant given after the restriction that passes the regime's consent checks.
    private func liftsRestriction(
        since: Double, _ rules: RegimePurpose, _ field: RegimeField, _ regime: CompiledRegime, _ age: RegimeAgeState,
        _ version: RegimeStateVersion, _ question: CompiledQuestion, _ instant: Double, sensitive: Bool,
        band: CompiledBand?
    ) -> Bool {
        let required = requiredAttributes(rules, field, regime, question, sensitive: sensitive, band: band)
        var ignored = ReliedGrants(collecting: false)
        let (reason, _) = consentStep(
            required: required, band: band, rules, regime, age, version, question, instant, &ignored,
            activeGivenAfter: since)
        return reason == .allowedByConsent
    }

    // MARK: Step 9

    @inline(__always)
    private func requiredAttributes(
        _ rules: RegimePurpose, _ field: RegimeField, _ regime: CompiledRegime, _ question: CompiledQuestion,
        sensitive: Bool, band: CompiledBand?
    ) -> ConsentAttributes {
        var required = rules.requiredBase
        if field.writtenConsent { required.formUnion(ConsentKind.written.attributes) }
        if sensitive { required.formUnion(regime.sensitiveAttributes) }
        if providesToIndependentRecipient(rules, question) || rules.facts.sellsOrShares {
            required.formUnion(regime.controllerSharingAttributes)
        }
        if question.channel >= 0 && rules.writtenGrantChannels & (1 &<< UInt8(question.channel)) != 0 {
            required.formUnion(ConsentKind.written.attributes)
        }
        if let band { required.formUnion(band.extraAttributes) }
        return required
    }

    /// The consent step over the subject's grants for the question's purpose and field: given by the instant
    /// (or, for the Art. 18(2) lift, active and given after `activeGivenAfter`), in ledger order.
    private func consentStep(
        required: ConsentAttributes, band: CompiledBand?, _ rules: RegimePurpose, _ regime: CompiledRegime,
        _ age: RegimeAgeState, _ version: RegimeStateVersion, _ question: CompiledQuestion, _ instant: Double,
        _ grants: inout ReliedGrants, activeGivenAfter: Double? = nil
    ) -> (ReasonCode, Int) {
        let purpose = UInt16(truncatingIfNeeded: question.purpose)
        let field = Int(question.field)
        var latest = -1
        var anyActive = false
        var bestLevel = 0
        var bestReason = ReasonCode.noConsent
        var bestOrdinal: UInt16 = .max
        var passedBySubject: UInt16 = .max
        var passedByGuardian: UInt16 = .max
        let slots = subject.grants
        for index in slots.indices {
            let grant = slots[index]
            if grant.at > instant { break }
            guard grant.purpose == purpose, covers(grant, field) else { continue }
            let active = instant < grant.expiresAt && instant < grant.withdrawnAt
            if let since = activeGivenAfter {
                guard active && grant.givenAt > since else { continue }
            }
            latest = index
            guard active else { continue }
            anyActive = true
            let (level, reason) = check(grant, required: required, band: band, rules, regime, age, version, question)
            if level == 5 {
                if grant.guardian { passedByGuardian = grant.ordinal } else { passedBySubject = grant.ordinal }
            }
            // Later candidates come later in ledger order, so `>=` keeps the most recently given among equals.
            if level >= bestLevel {
                bestLevel = level
                bestReason = reason
                bestOrdinal = grant.ordinal
            }
        }
        if latest < 0 { return (.noConsent, Self.consentStep) }
        if !anyActive {
            return (instant >= slots[latest].withdrawnAt ? .withdrawn : .expired, Self.consentStep)
        }
        if band?.grantors == .joint && !version.guardianship {
            if passedBySubject != .max && passedByGuardian != .max {
                grants.add(passedBySubject)
                grants.add(passedByGuardian)
                return (.allowedByConsent, Self.consentStep)
            }
            if passedBySubject != .max || passedByGuardian != .max { return (.jointConsentRequired, Self.consentStep) }
        }
        if bestLevel == 5 {
            grants.add(bestOrdinal)
            return (.allowedByConsent, Self.consentStep)
        }
        return (bestReason, Self.consentStep)
    }

    @inline(__always)
    private func covers(_ grant: RegimeGrantSlot, _ field: Int) -> Bool {
        if tables.wordsPerSet > 1 {
            return subject.words[Int(grant.fields) &+ (field &>> 6)] & (1 &<< UInt64(field & 63)) != 0
        }
        return grant.fields & (1 &<< UInt64(field)) != 0
    }

    /// One active candidate's checks in order — grantor, notice, scope, attributes — as a level (5 passed) and the
    /// reason of the first it fails.
    private func check(
        _ grant: RegimeGrantSlot, required: ConsentAttributes, band: CompiledBand?, _ rules: RegimePurpose,
        _ regime: CompiledRegime, _ age: RegimeAgeState, _ version: RegimeStateVersion, _ question: CompiledQuestion
    ) -> (Int, ReasonCode) {
        let guardianship = version.guardianship
        let bandThen = self.band(rules, age, regime, version, at: grant.givenAt)
        if grant.guardian {
            let unknown = age.known == .unknown
            let then = bandThen?.grantors
            let entitled = guardianship || unknown || then == .guardian || then == .joint || then == .either
            let counts: Bool
            switch band?.grantors {
            case .guardian?, .joint?, .either?: counts = entitled
            case .subject?: counts = false
            case nil: counts = entitled && (regime.guardianGrantSurvivesMajority || guardianship || unknown)
            }
            if !counts { return (1, .grantorNotAuthorized) }
        } else {
            if guardianship { return (1, .guardianConsentRequired) }
            // A band either grantor may consent in counts the minor's own grant as a self-only band does.
            func own(_ grantors: BandGrantors?) -> BandGrantors? { grantors == .either ? .subject : grantors }
            let counts: Bool
            switch (own(band?.grantors), own(bandThen?.grantors)) {
            case (nil, nil), (nil, .subject?), (.subject?, nil), (.subject?, .subject?), (.joint?, .joint?),
                (.joint?, nil):
                counts = true
            default:
                counts = false
            }
            if !counts { return (1, .guardianConsentRequired) }
        }
        if grant.noticeVersion < rules.consentVersion { return (2, .reconsentRequired) }
        let references = Int(grant.referenceOffset)
        if question.recipient >= 0 && grant.namesRecipients
            && !contains(references, Int(grant.recipientCount), question.recipient)
        {
            return (3, .recipientNotCovered)
        }
        if question.destination >= 0 && grant.namesDestinations
            && !contains(references &+ Int(grant.recipientCount), Int(grant.destinationCount), question.destination)
        {
            return (3, .destinationNotCovered)
        }
        if let missing = grant.attributes.firstMissing(of: required) { return (4, .missing(missing)) }
        return (5, .allowedByConsent)
    }

    @inline(__always)
    private func contains(_ start: Int, _ count: Int, _ value: Int32) -> Bool {
        for index in start..<(start &+ count) where subject.references[index] == value { return true }
        return false
    }
}
