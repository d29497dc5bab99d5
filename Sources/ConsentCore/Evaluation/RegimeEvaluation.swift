import Foundation

/// What every regime's evaluation of one question shares.
struct QuestionContext {
    let policy: Policy
    let question: ConsentQuestion
    let purpose: Purpose
    let field: FieldDefinition
    let record: SubjectRecord?
    let state: SubjectState
    let explaining: Bool
    /// When each grant was really given: an identity link carries a grant dated at the link, but age bands and the
    /// GDPR Art. 18(2) lift judge it by when the person gave it.
    let originalInstants: [GrantID: (subject: SubjectID, at: Date)]
    /// When set, the only grant the consent checks consider: "would this grant count on its own?" (a grant's
    /// standing in ``ConsentState``).
    var onlyGrant: GrantID? = nil

    func givenAt(_ grant: ConsentGrant) -> Date { min(grant.at, originalInstants[grant.id]?.at ?? grant.at) }
}

/// One regime's verdict on a question, with the step of Regimes.md §11 that gave it (for the conjunction) and the
/// grants it relied on.
struct RegimeOutcome {
    var reason: ReasonCode
    var step: Int
    var grants: [ConsentGrant] = []
    var notes: [String] = []
}

/// Regimes.md §11 for one regime: steps 3–9 with the regime's profile, its basis for the purpose, its categories,
/// clock and territory. Written to be obviously right, not fast.
struct RegimeEvaluation {
    let regime: Regime
    let context: QuestionContext
    // Stored, not computed from `regime` and `context`: a computed property would copy a whole profile or policy
    // (dozens of references to retain) on every access.
    private let profile: RegimeProfile
    private let purpose: Purpose
    private let field: FieldDefinition
    private let question: ConsentQuestion
    private let instant: Date
    private let state: SubjectState
    private let age: RegimeAge

    init(regime: Regime, context: QuestionContext) {
        self.regime = regime
        self.context = context
        self.profile = regime.profile
        self.purpose = context.purpose
        self.field = context.field
        self.question = context.question
        self.instant = context.question.instant
        self.state = context.state
        self.age = RegimeAge(regime: regime, policy: context.policy, facts: context.state.facts)
    }

    /// The steps of the consent check a candidate got through; a higher level got further.
    private enum CandidateCheck: Int, Comparable {
        case grantor = 1, notice, scope, strength, passed
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// An explanation's lines, written only when one was asked for (a struct, so a decision alone allocates none).
    private struct Notes {
        let enabled: Bool
        var lines: [String] = []
        init(enabled: Bool) { self.enabled = enabled }
        mutating func add(_ line: @autoclosure () -> String) { if enabled { lines.append(line()) } }
    }

    func outcome() -> RegimeOutcome {
        var notes = Notes(enabled: context.explaining)
        var result = decide(&notes)
        result.notes = notes.lines
        return result
    }

    // Step numbers of Regimes.md §11.
    private static let erasureStep = 3, prohibitionStep = 4, objectionStep = 5, channelStep = 6, transferStep = 7
    private static let basisStep = 8, consentStep = 9

    private func decide(_ notes: inout Notes) -> RegimeOutcome {
        // The regime's basis for the purpose; a regime the policy does not cover falls back to consent, the one
        // basis every regime has.
        let declared: LegalBasis
        if let basis = purpose.basis(in: profile), profile.bases.contains(basis) {
            declared = basis
        } else {
            declared = .consent
            notes.add(
                "the policy gives `\(purpose.id)` no basis of \(profile.id): judged as consent-based, the basis every regime has"
            )
        }
        // 3. Erasure: only the regime's survivors (the mandatory bases) outlive it.
        if state.erased && !profile.erasureSurvivors.contains(declared) {
            notes.add("subject `\(question.subject)` was erased at or before this instant")
            return RegimeOutcome(reason: .erased, step: Self.erasureStep)
        }
        // An age band may turn the basis into consent (PIPL Art. 31; CCPA sale or sharing under 16).
        let bandNow = age.band(for: purpose, basis: declared, at: instant)
        var basis = declared
        if let band = bandNow, band.convertsBases.contains(declared) {
            basis = .consent
            notes.add(
                "the subject is below \(age.limit(of: band)) at this instant: `\(declared.rawValue)` needs consent (\(profile.law))"
            )
        }
        let sensitive = isSensitive(band: bandNow)

        // 4. Prohibitions, and GDPR Art. 22.
        for prohibition in profile.prohibitions where applies(prohibition, sensitive: sensitive) {
            notes.add("\(prohibition.reason.summary) (\(profile.law))")
            return RegimeOutcome(reason: prohibition.reason, step: Self.prohibitionStep)
        }
        if profile.automatedDecision == .prohibitionWithExceptions,
            purpose.flags.contains(.solelyAutomatedSignificant)
        {
            if ![.contract, .legalObligation, .consent].contains(basis) {
                notes.add("a solely automated significant decision on `\(basis.rawValue)` (Art. 22(2))")
                return RegimeOutcome(reason: .automatedDecisionNotPermitted, step: Self.prohibitionStep)
            }
            if sensitive && basis != .consent && purpose.sensitiveCondition(in: profile) != .substantialPublicInterest {
                notes.add("special categories in a solely automated decision need consent or Art. 9(2)(g) (Art. 22(4))")
                return RegimeOutcome(reason: .automatedDecisionNotPermitted, step: Self.prohibitionStep)
            }
        }

        // 5. Objections, opt-outs, restriction; never against a mandatory basis.
        if !declared.isMandatory {
            if let denial = objectionStep(basis: basis, declared: declared, sensitive: sensitive, band: bandNow, &notes)
            {
                return denial
            }
        }

        // 6. Channel rules for non-consent bases.
        var channelGrants: [ConsentGrant] = []
        if let channel = question.channel, basis != .consent, let rule = profile.channels[channel] {
            switch rule {
            case .softOptIn(let bases) where bases.contains(basis):
                guard purpose.flags.contains(.softOptInEligible), state.softOptInChannels.contains(channel) else {
                    notes.add(
                        "`\(channel)` on `\(basis.rawValue)` needs a soft opt-in: a customer relationship naming the channel with the objection offered, and a purpose flagged `softOptInEligible` (ePrivacy Art. 13(2))"
                    )
                    return RegimeOutcome(reason: .channelConsentRequired, step: Self.channelStep)
                }
                notes.add("soft opt-in for `\(channel)` (ePrivacy Art. 13(2))")
            case .writtenGrantForMarketing where purpose.marketing:
                // The permission is a grant, so it passes every consent check: grantor, notice, scope, attributes.
                let required = profile.consent.baseline.union(ConsentKind.written.attributes)
                var quiet = Notes(enabled: false)
                let permission = consentStep(required: required, band: bandNow, &quiet)
                guard permission.reason == .allowedByConsent else {
                    notes.add(
                        "`\(channel)` marketing needs a written grant that passes the consent checks (TCPA 47 CFR 64.1200): \(permission.reason)"
                    )
                    return RegimeOutcome(reason: .channelConsentRequired, step: Self.channelStep)
                }
                channelGrants = permission.grants
                notes.add("a written grant permits `\(channel)` (TCPA)")
            default:
                break
            }
        }

        // 7. Transfers outside the regime's territory.
        var routeAttributes: ConsentAttributes = []
        var viaConsentRoute = false
        if profile.transfers.checkedAtDecision, let destination = question.destination,
            !profile.territory.contains(destination.rawValue)
        {
            guard let mechanism = purpose.crossBorder?.mechanism(in: profile),
                profile.transfers.mechanisms.contains(mechanism)
            else {
                notes.add("no \(profile.id) transfer mechanism is declared for `\(destination)`")
                return RegimeOutcome(reason: .transferMechanismMissing, step: Self.transferStep)
            }
            if mechanism == .adequacy && !isAdequate(destination) {
                notes.add("`\(destination)` has no \(profile.law) adequacy decision in force at this instant")
                return RegimeOutcome(reason: .transferMechanismMissing, step: Self.transferStep)
            }
            if let attributes = profile.transfers.consentRoutes[mechanism] {
                routeAttributes = attributes
                viaConsentRoute = true
                notes.add("the transfer to `\(destination)` relies on consent (`\(mechanism.rawValue)`)")
            }
        }

        // 8. The basis: listed conditions for sensitive data, law-only categories.
        if profile.sensitive.lawOnly.contains(where: { $0.covers(field.category) })
            && !purpose.flags.contains(.authorisedByLaw)
        {
            notes.add("`\(field.id)` may be processed only where law authorises it (\(profile.law) Art. 10)")
            return RegimeOutcome(reason: .sensitiveConditionMissing, step: Self.basisStep)
        }
        var allow = ReasonCode.allowed(by: basis)
        if basis != .consent && sensitive {
            switch profile.sensitive.model {
            case .anyBasis:
                break
            case .listedConditions:
                guard let condition = purpose.sensitiveCondition(in: profile),
                    profile.sensitive.conditions.contains(condition)
                else {
                    notes.add("`\(field.id)` is sensitive in \(profile.id) and `\(purpose.id)` declares no condition")
                    return RegimeOutcome(reason: .sensitiveConditionMissing, step: Self.basisStep)
                }
                notes.add("sensitive-data condition `\(condition.rawValue)`")
            case .limitRight:
                // A permitted use allowed although the consumer limited sensitive data reports so.
                if purpose.flags.contains(.spiPermittedUse)
                    && state.isOptedOut(.sensitiveData, businessOptInWaitMonths: profile.businessOptInWaitMonths)
                {
                    allow = .allowedAsPermittedSensitiveUse
                }
            }
        }
        if basis != .consent && !viaConsentRoute {
            return RegimeOutcome(reason: allow, step: Self.basisStep, grants: channelGrants)
        }

        // 9. Consent.
        let required = requiredAttributes(sensitive: sensitive, band: bandNow).union(routeAttributes)
        notes.add("required attributes: \(required)")
        let consent = consentStep(required: required, band: bandNow, &notes)
        // A consent-route transfer on another basis relies on consent: the consent step's outcome is the regime's.
        if consent.reason == .allowedByConsent {
            return RegimeOutcome(reason: .allowedByConsent, step: consent.step, grants: channelGrants + consent.grants)
        }
        return consent
    }

    // MARK: Sensitivity and prohibitions

    private func isSensitive(band: AgeBand?) -> Bool {
        if band?.dataSensitive == true { return true }
        if let categories = profile.sensitive.categories {
            return categories.contains { $0.covers(field.category) }
                || context.policy.catalog.isDeclaredSensitive(field.category)
        }
        return context.policy.catalog.sensitivity(of: field.category).isSensitive
    }

    private func applies(_ prohibition: Prohibition, sensitive: Bool) -> Bool {
        guard purpose.flags.contains(prohibition.purposeFlag) else { return false }
        if prohibition.onlinePlatformOnly && !context.policy.onlinePlatform { return false }
        if let from = prohibition.effectiveFrom, utcDay < from { return false }
        if let below = prohibition.minorBelow, !age.isKnownYounger(than: below, at: instant) { return false }
        if prohibition.sensitiveFieldsOnly && !sensitive { return false }
        if !prohibition.categories.isEmpty && !prohibition.categories.contains(where: { $0.covers(field.category) }) {
            return false
        }
        return true
    }

    private var utcDay: CalendarDate {
        CalendarDate(daysSinceEpoch: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
            ?? CalendarDate(year: 1, month: 1, day: 1)!
    }

    private func isAdequate(_ destination: Destination) -> Bool {
        let day = utcDay
        return profile.transfers.adequacy.contains { entry in
            entry.destinations.contains(destination.rawValue) && (entry.effectiveFrom.map { day >= $0 } ?? true)
                && (entry.effectiveUntil.map { day < $0 } ?? true)
        }
    }

    // MARK: Step 5

    private func objectionStep(
        basis: LegalBasis, declared: LegalBasis, sensitive: Bool, band: AgeBand?, _ notes: inout Notes
    ) -> RegimeOutcome? {
        let step = Self.objectionStep
        if state.restricted.contains(purpose.id) && profile.restriction.binds.contains(declared) {
            if profile.restriction.liftedByLaterGrant, let since = state.restrictedSince[purpose.id],
                let grant = liftingGrant(after: since, band: band, sensitive: sensitive)
            {
                notes.add(
                    "the restriction of `\(purpose.id)` is lifted by grant `\(grant.id)`, given after it (Art. 18(2))")
            } else {
                notes.add("subject restricted `\(purpose.id)`")
                return RegimeOutcome(reason: .restricted, step: step)
            }
        }
        if let kind = state.openObjection(to: purpose.id, kinds: { profile.objections[$0]?.contains(basis) ?? false }) {
            notes.add("subject objected (`\(kind.rawValue)`) and no compelling grounds were recorded after it")
            return RegimeOutcome(
                reason: kind == .research ? .objectedToResearch : .objectedOnParticularSituation, step: step)
        }
        for kind in OptOutKind.allCases
        where state.isOptedOut(kind, businessOptInWaitMonths: profile.businessOptInWaitMonths) {
            // A rule's date (CCPA ADMT from 2027) changes what the law requires, not whether a recorded opt-out
            // binds: the rule applies to a recorded opt-out at every instant.
            let rule = profile.optOuts[kind]
            let match = rule?.match ?? Self.defaultMatch(of: kind)
            let binds = rule?.binds ?? Self.unrequiredBinds(of: kind)
            if binds.contains(basis) && matches(match, sensitive: sensitive) {
                notes.add("subject opted out of `\(kind.rawValue)`")
                return RegimeOutcome(reason: .optedOut(of: kind), step: step)
            }
        }
        if let channel = question.channel, state.channelsOptedOut.contains(channel),
            OptOutRule.unrequiredBases.contains(basis)
        {
            notes.add("subject opted out of channel `\(channel)`")
            return RegimeOutcome(reason: .channelNotPermitted, step: step)
        }
        return nil
    }

    /// What an opt-out reaches when the regime's profile has no rule for it.
    static func defaultMatch(of kind: OptOutKind) -> OptOutMatch {
        switch kind {
        case .directMarketing: .marketing
        case .thirdPartyDisclosure: .providesToOthers
        case .automatedDecisionMaking: .automatedDecision
        case .sensitiveData: .sensitive
        case .saleOrSharing: .saleOrSharing
        }
    }

    /// The bases an opt-out binds when the regime's profile has no rule for it.
    static func unrequiredBinds(of kind: OptOutKind) -> Set<LegalBasis> {
        kind == .automatedDecisionMaking
            ? OptOutRule.unrequiredBases.union([.contract, .employment]) : OptOutRule.unrequiredBases
    }

    private func matches(_ match: OptOutMatch, sensitive: Bool) -> Bool {
        switch match {
        case .marketing: purpose.marketing
        case .providesToOthers: purpose.providesToOthers || purpose.sellsOrShares
        case .providesToThirdParties:
            providesToIndependentRecipient || purpose.publicDisclosure || purpose.sellsOrShares
        case .saleOrSharing:
            // Not a sale or sharing: a disclosure the consumer directs, or one to a service provider, contractor or
            // processor the question names (CCPA 1798.140(ad)(2), (ah)(2)).
            purpose.sellsOrShares && !purpose.flags.contains(.consumerDirected) && !namesAServiceProvider
        case .sensitive: sensitive
        case .sensitiveOutsidePermittedUses:
            // Sensitive data used without inferring characteristics is outside the right to limit (1798.121(d)).
            sensitive && !purpose.flags.contains(.spiPermittedUse)
                && !purpose.flagsDeclaredFalse.contains(.infersCharacteristics)
        case .automatedDecision:
            purpose.automatedDecision
                || !purpose.flags.isDisjoint(with: [.solelyAutomatedSignificant, .admtSignificantDecision])
        case .significantAutomatedDecisionWithoutAppeal:
            purpose.flags.contains(.admtSignificantDecision) && !purpose.flags.contains(.humanAppeal)
        }
    }

    /// Whether the question names a recipient that processes on the business's behalf.
    private var namesAServiceProvider: Bool {
        guard let recipient = question.recipient, let provision = purpose.thirdParty else { return false }
        return [.serviceProvider, .contractor, .processor].contains(provision.role(of: recipient))
    }

    /// Whether the question's recipient, or when it names none any recipient the purpose declares, is a controller
    /// or a third party.
    private var providesToIndependentRecipient: Bool {
        guard let provision = purpose.thirdParty else { return false }
        if let recipient = question.recipient { return provision.role(of: recipient).isIndependent }
        return provision.recipients.contains { provision.role(of: $0).isIndependent }
    }

    /// GDPR Art. 18(2): a grant given after the restriction that names the purpose, covers the field and passes the
    /// regime's consent checks for this question.
    private func liftingGrant(after since: Date, band: AgeBand?, sensitive: Bool) -> ConsentGrant? {
        let required = requiredAttributes(sensitive: sensitive, band: band)
        let later = activeCandidates().filter { context.givenAt($0) > since }
        var quiet = Notes(enabled: false)
        let result = consentStep(required: required, band: band, &quiet, candidates: later)
        return result.reason == .allowedByConsent ? result.grants.last : nil
    }

    // MARK: Step 9

    private func requiredAttributes(sensitive: Bool, band: AgeBand?) -> ConsentAttributes {
        let rules = profile.consent
        var required = rules.baseline
        if purpose.writtenConsent || context.policy.requiresWrittenConsent(field.id) {
            required.formUnion(ConsentKind.written.attributes)
        }
        if sensitive { required.formUnion(rules.sensitive) }
        if purpose.thirdParty != nil { required.formUnion(rules.thirdParty) }
        if providesToIndependentRecipient || purpose.sellsOrShares { required.formUnion(rules.controllerSharing) }
        if purpose.publicDisclosure { required.formUnion(rules.publicDisclosure) }
        if purpose.crossBorder != nil { required.formUnion(rules.crossBorderPurpose) }
        if purpose.surveillanceImages { required.formUnion(rules.surveillanceImages) }
        if purpose.flags.contains(.solelyAutomatedSignificant)
            && profile.automatedDecision == .prohibitionWithExceptions
        {
            required.formUnion(rules.automatedSignificant)
        }
        if let channel = question.channel, purpose.marketing,
            case .writtenGrantForMarketing = profile.channels[channel]
        {
            required.formUnion(ConsentKind.written.attributes)
        }
        if let band { required.formUnion(band.extraAttributes) }
        return required
    }

    /// The grants given by this instant that name the purpose and cover the field, in ledger order.
    private func candidates() -> [ConsentGrant] {
        (context.record?.grants ?? []).filter { grant in
            grant.at <= instant && grant.purposes.contains(purpose.id) && grant.covers(field)
                && (context.onlyGrant.map { $0 == grant.id } ?? true)
        }
    }

    private func isActive(_ grant: ConsentGrant) -> Bool {
        context.record?.withdrawal(of: grant, for: purpose.id, asOf: instant) == nil
            && (grant.expiresAt.map { $0 > instant } ?? true)
    }

    private func activeCandidates() -> [ConsentGrant] { candidates().filter(isActive) }

    private func consentStep(
        required: ConsentAttributes, band: AgeBand?, _ notes: inout Notes, candidates given: [ConsentGrant]? = nil
    ) -> RegimeOutcome {
        let step = Self.consentStep
        let all = given ?? candidates()
        guard let latest = all.last else {
            notes.add("no grant given by this instant names `\(purpose.id)` and covers `\(field.id)`")
            return RegimeOutcome(reason: .noConsent, step: step)
        }
        let active = all.filter(isActive)
        if active.isEmpty {
            if let withdrawnAt = context.record?.withdrawal(of: latest, for: purpose.id, asOf: instant) {
                notes.add("grant `\(latest.id)` was withdrawn at \(RFC3339.format(withdrawnAt))")
                return RegimeOutcome(reason: .withdrawn, step: step)
            }
            notes.add("grant `\(latest.id)` expired at \(latest.expiresAt.map(RFC3339.format) ?? "?")")
            return RegimeOutcome(reason: .expired, step: step)
        }
        var best: (check: CandidateCheck, reason: ReasonCode, grant: ConsentGrant)?
        var passedBySubject: ConsentGrant?
        var passedByGuardian: ConsentGrant?
        for grant in active {
            let (check, reason, note) = self.check(grant, required: required, band: band)
            notes.add(
                "grant `\(grant.id)` (\(Self.attributeText(of: grant)), given \(RFC3339.format(grant.at)) by \(grant.grantor == .guardian ? "a guardian" : "the subject")): \(note)"
            )
            if check == .passed {
                if grant.grantor == .guardian { passedByGuardian = grant } else { passedBySubject = grant }
            }
            // Later candidates come later in ledger order, so `>=` keeps the most recently given among equals.
            if check >= (best?.check ?? .grantor) { best = (check, reason, grant) }
        }
        if band?.grantors == .joint && !state.facts.isUnderGuardianship {
            if let own = passedBySubject, let guardian = passedByGuardian {
                let both = [own, guardian].sorted { ordinal($0) < ordinal($1) }
                return RegimeOutcome(reason: .allowedByConsent, step: step, grants: both)
            }
            if passedBySubject != nil || passedByGuardian != nil {
                notes.add("a joint band needs the minor's and the guardian's grants; one is missing")
                return RegimeOutcome(reason: .jointConsentRequired, step: step)
            }
        }
        guard let best else { return RegimeOutcome(reason: .noConsent, step: step) }
        if best.check == .passed {
            return RegimeOutcome(reason: .allowedByConsent, step: step, grants: [best.grant])
        }
        return RegimeOutcome(reason: best.reason, step: step)
    }

    private func ordinal(_ grant: ConsentGrant) -> Int {
        context.record?.grants.firstIndex { $0.id == grant.id } ?? 0
    }

    private static func attributeText(of grant: ConsentGrant) -> String {
        guard !grant.attributes.isEmpty else { return grant.kind.rawValue }
        return "\(grant.kind.rawValue) recorded \(grant.attributes), counting as \(grant.strength.rawValue)"
    }

    /// The checks of one active candidate in order — grantor, notice, scope, attributes — with the reason of the
    /// first it fails.
    private func check(_ grant: ConsentGrant, required: ConsentAttributes, band: AgeBand?)
        -> (CandidateCheck, ReasonCode, String)
    {
        let guardianship = state.facts.isUnderGuardianship
        let given = context.givenAt(grant)
        let bandThen = age.band(for: purpose, basis: .consent, at: given)
        switch grant.grantor {
        case .individual:
            if guardianship {
                return (.grantor, .guardianConsentRequired, "given by the subject, who is under guardianship")
            }
            let counts: Bool
            // A band either grantor may consent in counts the minor's own grant as a self-only band does.
            func own(_ grantors: BandGrantors?) -> BandGrantors? { grantors == .either ? .subject : grantors }
            switch (own(band?.grantors), own(bandThen?.grantors)) {
            case (nil, nil), (nil, .subject), (.subject, nil), (.subject, .subject), (.joint, .joint), (.joint, nil):
                counts = true
            default:
                counts = false
            }
            if !counts {
                let then =
                    bandThen.map { "below \(age.limit(of: $0)) when it was given" } ?? "an adult when it was given"
                return (
                    .grantor, .guardianConsentRequired,
                    "given by the subject, \(then); it does not count for this band (\(profile.law))"
                )
            }
        case .guardian:
            let entitled =
                guardianship || age.known(at: given) == .unknown || bandThen?.grantors == .guardian
                || bandThen?.grantors == .joint || bandThen?.grantors == .either
            let counts: Bool
            switch band?.grantors {
            case .guardian?, .joint?, .either?: counts = entitled
            case .subject?: counts = false
            case nil:
                counts =
                    entitled
                    && (profile.consent.guardianGrantSurvivesMajority || guardianship
                        || age.known(at: instant) == .unknown)
            }
            if !counts {
                return (
                    .grantor, .grantorNotAuthorized,
                    "given by a guardian, which this regime does not count for a subject of this age (\(profile.law))"
                )
            }
        }
        if grant.noticeVersion < purpose.consentVersion {
            return (
                .notice, .reconsentRequired,
                "notice version \(grant.noticeVersion) is below the purpose's \(purpose.consentVersion)"
            )
        }
        if let recipient = question.recipient, !grant.recipients.isEmpty, !grant.recipients.contains(recipient) {
            return (.scope, .recipientNotCovered, "names recipients that exclude `\(recipient)`")
        }
        if let destination = question.destination, !grant.destinations.isEmpty,
            !grant.destinations.contains(destination)
        {
            return (.scope, .destinationNotCovered, "names destinations that exclude `\(destination)`")
        }
        if let missing = grant.effectiveAttributes.firstMissing(of: required) {
            return (.strength, .missing(missing), "lacks `\(missing.rawValue)`, which \(profile.id) requires here")
        }
        return (.passed, .allowedByConsent, "active and sufficient")
    }
}
