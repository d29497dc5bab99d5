internal import Foundation

/// One regime's rules for one policy, looked up once: per purpose, field, destination and channel, every answer of
/// Regimes.md §11 that does not depend on the subject or the instant. The compiled evaluator
/// (``RegimeDecider``) reads these instead of the profile's sets and maps, so a decision hashes no string and
/// allocates nothing.
///
/// Built when the engine first meets a subject under the regime, never written after; `Sendable` because it is
/// immutable.
final class CompiledRegime: Sendable {
    /// The regime's position in the engine's regime table: ``Regime/all``, then the policy's profiles.
    let index: UInt8
    let regime: Regime
    /// Every age the regime's bands and bans test, ascending: a subject's age state holds, per limit, the instant
    /// from which the subject is at least that old.
    let limits: [Int]
    let purposes: [RegimePurpose]
    let fields: [RegimeField]
    /// Per destination index of the compiled policy.
    let destinations: [RegimeDestination]
    let prohibitions: [CompiledProhibition]
    /// Per ``OptOutKind`` (in `allCases` order): what the opt-out reaches.
    let optOutMatches: [OptOutMatch]
    /// Which of the engine's opt-out readings applies (the regime's wait before a business may ask again).
    let waitSlot: Int
    let checksTransfers: Bool
    let restrictionLiftedByLaterGrant: Bool
    let guardianGrantSurvivesMajority: Bool
    let recognisesEmancipation: Bool
    let sensitiveModel: SensitiveDataModel
    let baselineAttributes: ConsentAttributes
    let sensitiveAttributes: ConsentAttributes
    let controllerSharingAttributes: ConsentAttributes

    /// Compiles a regime for a policy, or returns `nil` when its rules do not fit the compact form (more than 64
    /// prohibitions, or age limits beyond 255): its subjects are then decided by the reference evaluator.
    init?(regime: Regime, index: UInt8, compiled: CompiledPolicy, waitSlot: Int) {
        let profile = regime.profile
        let policy = compiled.policy
        guard profile.prohibitions.count <= 64 else { return nil }
        self.index = index
        self.regime = regime
        self.waitSlot = waitSlot
        checksTransfers = profile.transfers.checkedAtDecision
        restrictionLiftedByLaterGrant = profile.restriction.liftedByLaterGrant
        guardianGrantSurvivesMajority = profile.consent.guardianGrantSurvivesMajority
        recognisesEmancipation = profile.age.emancipation
        sensitiveModel = profile.sensitive.model
        baselineAttributes = profile.consent.baseline
        sensitiveAttributes = profile.consent.sensitive
        controllerSharingAttributes = profile.consent.controllerSharing
        optOutMatches = OptOutKind.allCases.map { profile.optOuts[$0]?.match ?? RegimeEvaluation.defaultMatch(of: $0) }

        // The limit a band without one takes: the policy's `minorAge` when the policy is written under the
        // regime's base, else 14 (as ``RegimeAge`` reads it).
        let age = RegimeAge(regime: regime, policy: policy, facts: SubjectFacts())
        var limits = Set(profile.ageBands.map { age.limit(of: $0) })
        for prohibition in profile.prohibitions { if let below = prohibition.minorBelow { limits.insert(below) } }
        let sortedLimits = limits.sorted()
        self.limits = sortedLimits
        func limitIndex(_ limit: Int) -> UInt8 { UInt8(sortedLimits.firstIndex(of: limit) ?? 0) }
        guard sortedLimits.count < 255 else { return nil }

        prohibitions = profile.prohibitions.map { prohibition in
            CompiledProhibition(
                reason: prohibition.reason,
                effectiveFromDay: prohibition.effectiveFrom.map { Int32($0.daysSinceEpoch) } ?? .min,
                minorBelow: prohibition.minorBelow.map(limitIndex),
                sensitiveFieldsOnly: prohibition.sensitiveFieldsOnly)
        }

        fields = policy.fields.map { field in
            var prohibitionMask: UInt64 = 0
            for (offset, prohibition) in profile.prohibitions.enumerated()
            where prohibition.categories.isEmpty
                || prohibition.categories.contains(where: { $0.covers(field.category) })
            {
                prohibitionMask |= 1 << UInt64(offset)
            }
            let sensitive: Bool
            if let categories = profile.sensitive.categories {
                sensitive =
                    categories.contains { $0.covers(field.category) }
                    || policy.catalog.isDeclaredSensitive(field.category)
            } else {
                sensitive = policy.catalog.sensitivity(of: field.category).isSensitive
            }
            return RegimeField(
                sensitive: sensitive,
                lawOnly: profile.sensitive.lawOnly.contains { $0.covers(field.category) },
                writtenConsent: policy.requiresWrittenConsent(field.id),
                prohibitionMask: prohibitionMask)
        }

        destinations = compiled.destinationNames.map { destination in
            RegimeDestination(
                inTerritory: profile.territory.contains(destination.rawValue),
                adequacy: profile.transfers.adequacy.filter { $0.destinations.contains(destination.rawValue) }.map {
                    entry in
                    (
                        from: entry.effectiveFrom.map { Int32($0.daysSinceEpoch) } ?? .min,
                        until: entry.effectiveUntil.map { Int32($0.daysSinceEpoch) } ?? .max
                    )
                })
        }

        let channelRules = Channel.knownChannels.map { profile.channels[$0] }
        purposes = policy.purposes.map { purpose in
            RegimePurpose(
                purpose, profile: profile, policy: policy, compiled: compiled, age: age, channelRules: channelRules,
                limitIndex: limitIndex)
        }
    }
}

/// A regime's answers for one purpose of the policy.
struct RegimePurpose: Sendable {
    /// The regime's basis for the purpose; consent when the policy gives it none there.
    var declared: LegalBasis
    var allowedByDeclared: ReasonCode
    var declaredIsConsent: Bool
    var declaredIsMandatory: Bool
    var survivesErasure: Bool
    /// The bands whose scope holds for the purpose, youngest first, one per limit (the first the profile lists).
    var bands: [CompiledBand]
    /// Prohibitions whose purpose flag the purpose has (and, for an online-platform ban, the policy is one).
    var prohibitionMask: UInt64
    /// GDPR Art. 22 applies: the regime prohibits solely automated significant decisions with exceptions, and the
    /// purpose makes one.
    var automatedDecisionProhibited: Bool
    var declaredAllowsAutomatedDecision: Bool
    var substantialPublicInterest: Bool
    var restrictionBinds: Bool
    /// Objection kinds (bit per ``ObjectionKind`` in `allCases` order) that bind the declared basis, and consent.
    var objectionKindsDeclared: UInt8
    var objectionKindsConsent: UInt8
    /// Opt-out kinds (``OptOutSet`` bits) whose rule binds the declared basis, and consent.
    var optOutBindsDeclared: OptOutSet
    var optOutBindsConsent: OptOutSet
    /// Whether a channel opt-out binds the declared basis (it always binds consent).
    var channelOptOutBindsDeclared: Bool
    /// Channels (bits of ``Channel/knownChannels``) whose rule is a soft opt-in the declared basis may use.
    var softOptInChannels: UInt8
    var softOptInEligible: Bool
    /// Channels whose marketing needs a written grant, for a marketing purpose; 0 otherwise.
    var writtenGrantChannels: UInt8
    var transferMechanismMissing: Bool
    var transferByAdequacy: Bool
    var transferByConsent: Bool
    var transferAttributes: ConsentAttributes
    var sensitiveConditionListed: Bool
    /// The attributes consent needs before the field's, sensitivity's, recipient's, channel's and band's.
    var requiredBase: ConsentAttributes
    var consentVersion: Int32
    var facts: RegimePurposeFacts
    /// Per recipient index of the compiled policy: `1` independent (controller or third party), `2` a service
    /// provider, contractor or processor.
    var recipientRoles: [UInt8]

    init(
        _ purpose: Purpose, profile: RegimeProfile, policy: Policy, compiled: CompiledPolicy, age: RegimeAge,
        channelRules: [ChannelRule?], limitIndex: (Int) -> UInt8
    ) {
        if let basis = purpose.basis(in: profile), profile.bases.contains(basis) {
            declared = basis
        } else {
            declared = .consent
        }
        allowedByDeclared = .allowed(by: declared)
        declaredIsConsent = declared == .consent
        declaredIsMandatory = declared.isMandatory
        survivesErasure = profile.erasureSurvivors.contains(declared)

        var bands: [CompiledBand] = []
        var seen = Set<Int>()
        // By limit, then profile order: the reference keeps the first band of the lowest limit.
        let holding = profile.ageBands.enumerated().filter { RegimeAge.scopeHolds($0.element.scope, for: purpose) }
        let ordered = holding.sorted { (age.limit(of: $0.element), $0.offset) < (age.limit(of: $1.element), $1.offset) }
        for band in ordered.map(\.element) {
            let limit = age.limit(of: band)
            guard seen.insert(limit).inserted else { continue }
            bands.append(
                CompiledBand(
                    limit: limitIndex(limit), grantors: band.grantors,
                    convertsDeclared: band.convertsBases.contains(declared),
                    extraAttributes: band.extraAttributes, dataSensitive: band.dataSensitive))
        }
        self.bands = bands

        var prohibitionMask: UInt64 = 0
        for (offset, prohibition) in profile.prohibitions.enumerated()
        where purpose.flags.contains(prohibition.purposeFlag)
            && (!prohibition.onlinePlatformOnly || policy.onlinePlatform)
        {
            prohibitionMask |= 1 << UInt64(offset)
        }
        self.prohibitionMask = prohibitionMask
        automatedDecisionProhibited =
            profile.automatedDecision == .prohibitionWithExceptions
            && purpose.flags.contains(.solelyAutomatedSignificant)
        declaredAllowsAutomatedDecision = [.contract, .legalObligation, .consent].contains(declared)
        substantialPublicInterest = purpose.sensitiveCondition(in: profile) == .substantialPublicInterest
        restrictionBinds = profile.restriction.binds.contains(declared)

        func objectionKinds(_ basis: LegalBasis) -> UInt8 {
            var mask: UInt8 = 0
            for (offset, kind) in ObjectionKind.allCases.enumerated()
            where profile.objections[kind]?.contains(basis) ?? false {
                mask |= 1 << UInt8(offset)
            }
            return mask
        }
        objectionKindsDeclared = objectionKinds(declared)
        objectionKindsConsent = objectionKinds(.consent)
        func optOutBinds(_ basis: LegalBasis) -> OptOutSet {
            var set: OptOutSet = []
            for kind in OptOutKind.allCases
            where (profile.optOuts[kind]?.binds ?? RegimeEvaluation.unrequiredBinds(of: kind)).contains(basis) {
                set.formUnion(OptOutSet(kind))
            }
            return set
        }
        optOutBindsDeclared = optOutBinds(declared)
        optOutBindsConsent = optOutBinds(.consent)
        channelOptOutBindsDeclared = OptOutRule.unrequiredBases.contains(declared)

        var soft: UInt8 = 0
        var written: UInt8 = 0
        for (offset, rule) in channelRules.enumerated() {
            switch rule {
            case .softOptIn(let bases)? where bases.contains(declared): soft |= 1 << UInt8(offset)
            case .writtenGrantForMarketing? where purpose.marketing: written |= 1 << UInt8(offset)
            default: break
            }
        }
        softOptInChannels = soft
        softOptInEligible = purpose.flags.contains(.softOptInEligible)
        writtenGrantChannels = written

        let mechanism = purpose.crossBorder?.mechanism(in: profile)
        transferMechanismMissing = mechanism.map { !profile.transfers.mechanisms.contains($0) } ?? true
        transferByAdequacy = mechanism == .adequacy
        let route = mechanism.flatMap { profile.transfers.consentRoutes[$0] }
        transferByConsent = route != nil
        transferAttributes = route ?? []
        sensitiveConditionListed =
            purpose.sensitiveCondition(in: profile).map { profile.sensitive.conditions.contains($0) } ?? false

        let rules = profile.consent
        var required = rules.baseline
        if purpose.writtenConsent { required.formUnion(ConsentKind.written.attributes) }
        if purpose.thirdParty != nil { required.formUnion(rules.thirdParty) }
        if purpose.publicDisclosure { required.formUnion(rules.publicDisclosure) }
        if purpose.crossBorder != nil { required.formUnion(rules.crossBorderPurpose) }
        if purpose.surveillanceImages { required.formUnion(rules.surveillanceImages) }
        if automatedDecisionProhibited { required.formUnion(rules.automatedSignificant) }
        requiredBase = required
        consentVersion = Int32(clamping: purpose.consentVersion)
        facts = RegimePurposeFacts(purpose)
        recipientRoles = compiled.recipientNames.map { recipient in
            guard let provision = purpose.thirdParty else { return 0 }
            switch provision.role(of: recipient) {
            case .controller, .thirdParty: return 1
            case .serviceProvider, .contractor, .processor: return 2
            }
        }
    }
}

/// What a purpose declares that opt-outs and required attributes test, the same under every regime.
struct RegimePurposeFacts: Sendable {
    var marketing: Bool
    var providesToOthers: Bool
    var sellsOrShares: Bool
    var consumerDirected: Bool
    var publicDisclosure: Bool
    var spiPermittedUse: Bool
    var infersCharacteristicsDeclaredFalse: Bool
    var automated: Bool
    var significantAutomatedWithoutAppeal: Bool
    var authorisedByLaw: Bool
    var hasThirdParty: Bool
    /// Some declared recipient is a controller or third party.
    var anyIndependentRecipient: Bool

    init(_ purpose: Purpose) {
        marketing = purpose.marketing
        providesToOthers = purpose.providesToOthers
        sellsOrShares = purpose.sellsOrShares
        consumerDirected = purpose.flags.contains(.consumerDirected)
        publicDisclosure = purpose.publicDisclosure
        spiPermittedUse = purpose.flags.contains(.spiPermittedUse)
        infersCharacteristicsDeclaredFalse = purpose.flagsDeclaredFalse.contains(.infersCharacteristics)
        automated =
            purpose.automatedDecision
            || !purpose.flags.isDisjoint(with: [.solelyAutomatedSignificant, .admtSignificantDecision])
        significantAutomatedWithoutAppeal =
            purpose.flags.contains(.admtSignificantDecision) && !purpose.flags.contains(.humanAppeal)
        authorisedByLaw = purpose.flags.contains(.authorisedByLaw)
        hasThirdParty = purpose.thirdParty != nil
        anyIndependentRecipient =
            purpose.thirdParty.map { provision in
                provision.recipients.contains { provision.role(of: $0).isIndependent }
            } ?? false
    }
}

/// An age band as the compiled evaluator reads it.
struct CompiledBand: Sendable {
    /// The band's limit, as an index into ``CompiledRegime/limits``.
    var limit: UInt8
    var grantors: BandGrantors
    /// Whether the band turns the purpose's declared basis into consent.
    var convertsDeclared: Bool
    var extraAttributes: ConsentAttributes
    var dataSensitive: Bool
}

/// A regime's answers for one field of the policy.
struct RegimeField: Sendable {
    /// Sensitive under the regime's categories (or, for a regime without its own list, the catalogue's).
    var sensitive: Bool
    /// In a category the regime lets only law authorise (LGPD Art. 11 §4–5 style).
    var lawOnly: Bool
    /// The policy requires written consent for it.
    var writtenConsent: Bool
    /// Prohibitions whose categories cover the field (or that name none).
    var prohibitionMask: UInt64
}

/// A regime's view of one destination of the policy.
struct RegimeDestination: Sendable {
    var inTerritory: Bool
    /// Adequacy decisions covering it, as UTC day numbers: in force from `from` until before `until`.
    var adequacy: [(from: Int32, until: Int32)]
}

/// A prohibition's parts that depend on the subject or the instant.
struct CompiledProhibition: Sendable {
    var reason: ReasonCode
    var effectiveFromDay: Int32
    /// The age, as an index into ``CompiledRegime/limits``, below which it applies; `nil` for every age.
    var minorBelow: UInt8?
    var sensitiveFieldsOnly: Bool
}
