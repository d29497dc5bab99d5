/// A regime as data: everything a decision looks up for one law — its bases, what is sensitive there, how age is
/// counted and who must consent at which age, what each opt-out overrides, what survives erasure, which transfers
/// need which mechanism, and the channel rules.
///
/// The evaluators implement mechanisms (age arithmetic, attribute sets, the opt-out lattice, territory tests) and
/// read every rule from a profile; they never branch on a regime's name. The built-in profiles are
/// ``Regime/pipl``, ``Regime/gdpr`` with one overlay per EU/EEA state (``Regime/gdpr(_:)``), ``Regime/ccpa``,
/// ``Regime/lgpd`` and ``Regime/pdpaTH``; Regimes.md in the documentation gives every table with its articles.
public struct RegimeProfile: Sendable, Hashable {
    /// The profile's id: `PIPL`, `GDPR`, `GDPR-FR`, `CCPA`, `LGPD`, `PDPA-TH`.
    public var id: String
    /// The base regime's id: the profile's own for a base, `GDPR` for a member-state overlay. Policy maps keyed by
    /// regime (`basis`, `sensitiveCondition`, `crossBorder.mechanism`) use base ids, and an overlay's own id wins.
    public var base: String
    /// The law's short name in citations: `PIPL`, `GDPR`, `CCPA`, `LGPD`, `PDPA`.
    public var law: String
    /// The ids of the regimes this one was made from, nearest first, up to (not including) ``base``: `["GDPR-FR"]`
    /// for an overlay of France. A policy map's entry for any of them counts, the nearest first.
    public var lineage: [String] = []

    /// The ids a policy map may key this regime by, nearest first: its own, its lineage, its base.
    public var mapKeys: [String] { [id] + lineage + (base == id ? [] : [base]) }
    /// ISO 3166 codes that are "home" for transfers; a destination outside them is a transfer. Empty: the regime
    /// has no transfer rules (CCPA).
    public var territory: Set<String>
    /// The bases the regime has: a purpose may claim no other (a closed list).
    public var bases: Set<LegalBasis>
    /// How ages are counted.
    public var age: AgeRule
    /// Who must consent below which age, for which purposes, youngest first.
    public var ageBands: [AgeBand]
    /// What is sensitive, and what sensitivity demands.
    public var sensitive: SensitiveDataRules
    /// The attributes valid consent needs, and what adds to them.
    public var consent: ConsentRules
    /// What each opt-out kind matches and which bases it overrides. A kind missing here is still honoured (a
    /// controller that recorded it offered it) against ``OptOutRule/unrequiredBases``.
    public var optOuts: [OptOutKind: OptOutRule]
    /// Which bases each objection kind reaches; a kind missing here has no effect in the regime.
    public var objections: [ObjectionKind: Set<LegalBasis>]
    /// The bases a restriction binds, and whether a later grant lifts it (GDPR Art. 18(2)).
    public var restriction: RestrictionRule
    /// The bases whose purposes still run after an erasure.
    public var erasureSurvivors: Set<LegalBasis>
    /// How the regime treats solely automated significant decisions.
    public var automatedDecision: AutomatedDecisionModel
    /// Bans that no consent cures.
    public var prohibitions: [Prohibition]
    /// Transfer mechanisms, consent routes and adequacy.
    public var transfers: TransferRules
    /// Channel rules for non-consent bases, per channel.
    public var channels: [Channel: ChannelRule]
    /// A business-initiated `optIn` less than this many months after the opt-out does not lift it (CCPA Regs
    /// § 7026(k)); `nil`: every `optIn` lifts.
    public var businessOptInWaitMonths: Int?

    /// Creates a profile.
    public init(
        id: String, base: String, law: String, territory: Set<String>, bases: Set<LegalBasis>, age: AgeRule,
        ageBands: [AgeBand], sensitive: SensitiveDataRules, consent: ConsentRules, optOuts: [OptOutKind: OptOutRule],
        objections: [ObjectionKind: Set<LegalBasis>], restriction: RestrictionRule, erasureSurvivors: Set<LegalBasis>,
        automatedDecision: AutomatedDecisionModel, prohibitions: [Prohibition], transfers: TransferRules,
        channels: [Channel: ChannelRule], businessOptInWaitMonths: Int? = nil
    ) {
        self.id = id
        self.base = base
        self.law = law
        self.territory = territory
        self.bases = bases
        self.age = age
        self.ageBands = ageBands
        self.sensitive = sensitive
        self.consent = consent
        self.optOuts = optOuts
        self.objections = objections
        self.restriction = restriction
        self.erasureSurvivors = erasureSurvivors
        self.automatedDecision = automatedDecision
        self.prohibitions = prohibitions
        self.transfers = transfers
        self.channels = channels
        self.businessOptInWaitMonths = businessOptInWaitMonths
    }
}

/// How a regime counts age.
public struct AgeRule: Sendable, Hashable {
    /// The IANA zone whose calendar day counts. `nil`: the policy's `timeZone` (PIPL).
    public var zone: String?
    /// When an age is reached. `nil`: the policy's `ageReachedOn` (PIPL).
    public var reachedOn: AgeBoundary?
    /// Where 29 February's anniversary falls in a year without it.
    public var leapDay: LeapDayRule
    /// The age of majority: below it no guardian's grant stops counting (see
    /// ``ConsentRules/guardianGrantSurvivesMajority``).
    public var majority: Int
    /// Whether an `emancipated` subject is no longer a minor (PDPA marriage, Brazilian emancipação).
    public var emancipation: Bool

    /// Creates a rule.
    public init(zone: String?, reachedOn: AgeBoundary?, leapDay: LeapDayRule, majority: Int, emancipation: Bool) {
        self.zone = zone
        self.reachedOn = reachedOn
        self.leapDay = leapDay
        self.majority = majority
        self.emancipation = emancipation
    }
}

/// Where the anniversary of a 29 February birth falls in a year without 29 February.
public enum LeapDayRule: String, Sendable, Hashable, CaseIterable {
    /// On 28 February (PRC Civil Code Art. 202); `feb28` in files.
    case february28 = "feb28"
    /// On 1 March (the reading of the other regimes that count from the birthday); `mar1` in files.
    case march1 = "mar1"
}

/// An age band: below ``below`` years, for the purposes in ``scope``, these grantors must consent, with these extra
/// attributes.
public struct AgeBand: Sendable, Hashable {
    /// The band holds for subjects younger than this. `nil`: the policy's `minorAge` (PIPL).
    public var below: Int?
    /// The purposes the band governs.
    public var scope: BandScope
    /// Who must grant.
    public var grantors: BandGrantors
    /// Attributes the band's grants need on top of the regime's.
    public var extraAttributes: ConsentAttributes
    /// Bases that become consent for a subject in the band (PIPL Art. 31: contract, employment and publicly
    /// disclosed; CCPA: a sale or share needs an opt-in under 16).
    public var convertsBases: Set<LegalBasis>
    /// Whether every field of a subject in the band is sensitive (PIPL Art. 28: all data of a child under 14).
    public var dataSensitive: Bool
    /// The provision the band rests on, for explanations and reports.
    public var citation: String?

    /// Creates a band.
    public init(
        below: Int?, scope: BandScope, grantors: BandGrantors, extraAttributes: ConsentAttributes = [],
        convertsBases: Set<LegalBasis> = [], dataSensitive: Bool = false, citation: String? = nil
    ) {
        self.citation = citation
        self.below = below
        self.scope = scope
        self.grantors = grantors
        self.extraAttributes = extraAttributes
        self.convertsBases = convertsBases
        self.dataSensitive = dataSensitive
    }
}

/// The purposes an age band governs.
public enum BandScope: String, Sendable, Hashable, CaseIterable {
    /// Every consent-based purpose.
    case consentBased
    /// Consent-based purposes flagged `informationSocietyService` (GDPR Art. 8);
    /// `consentBasedInformationSocietyService` in files.
    case informationSocietyService = "consentBasedInformationSocietyService"
    /// Purposes flagged `sale` or `share` (CCPA 1798.120(c)); `saleOrShare` in files.
    case saleOrSharing = "saleOrShare"
    /// Every consent-based purpose not flagged `minorMayConsentAlone` (PDPA Sec. 20).
    case consentBasedUnlessMinorMayConsentAlone
}

/// Who must grant in an age band.
public enum BandGrantors: String, Sendable, Hashable, CaseIterable {
    /// The guardian alone; the minor's own grant does not count.
    case guardian
    /// The minor alone; a guardian's grant does not count (CCPA 13–15); `self` in files.
    case subject = "self"
    /// The minor and the guardian, each with a grant (France under 15, LGPD 16–17, PDPA under 20);
    /// `selfAndGuardian` in files.
    case joint = "selfAndGuardian"
    /// Either the minor or the guardian; `selfOrGuardian` in files.
    case either = "selfOrGuardian"
}

/// A regime's sensitive data: which categories, and what a non-consent basis needs for them.
public struct SensitiveDataRules: Sendable, Hashable {
    /// Category ids sensitive in the regime, with every dotted descendant. `nil`: the policy's catalog (PIPL's
    /// built-in categories plus those the policy marks).
    public var categories: [CategoryID]?
    /// What a non-consent basis needs for a sensitive field.
    public var model: SensitiveDataModel
    /// The conditions a purpose may declare for a sensitive field (``SensitiveDataModel/listedConditions``).
    public var conditions: Set<SensitiveCondition>
    /// Categories only a purpose flagged `authorisedByLaw` may process, on any basis (GDPR Art. 10).
    public var lawOnly: [CategoryID]

    /// Creates the rules.
    public init(
        categories: [CategoryID]?, model: SensitiveDataModel, conditions: Set<SensitiveCondition> = [],
        lawOnly: [CategoryID] = []
    ) {
        self.categories = categories
        self.model = model
        self.conditions = conditions
        self.lawOnly = lawOnly
    }
}

/// What a non-consent basis needs for a sensitive field.
public enum SensitiveDataModel: String, Sendable, Hashable, CaseIterable {
    /// Any basis will do (PIPL: separate consent, or another Art. 13 basis).
    case anyBasis
    /// One of the regime's listed conditions (GDPR Art. 9(2), LGPD Art. 11, PDPA Sec. 26).
    case listedConditions
    /// No condition: the individual may limit the use instead (CCPA 1798.121).
    case limitRight
}

/// The conditions under which sensitive data may be processed without consent.
public enum SensitiveCondition: String, Sendable, Hashable, CaseIterable {
    /// Employment, social security and social protection law (GDPR 9(2)(b); PDPA 26(5)(b)).
    case employmentSocialSecurity
    /// Vital interests of a person incapable of consenting (GDPR 9(2)(c); LGPD 11 II(e); PDPA 26(1)).
    case vitalInterests
    /// A not-for-profit body's members (GDPR 9(2)(d); PDPA 26(2)).
    case notForProfitMembers
    /// Made manifestly public by the individual (GDPR 9(2)(e); PDPA 26(3)).
    case manifestlyPublic
    /// Legal claims (GDPR 9(2)(f); LGPD 11 II(d); PDPA 26(4)).
    case legalClaims
    /// Substantial public interest on the basis of law (GDPR 9(2)(g); PDPA 26(5)(e)).
    case substantialPublicInterest
    /// Preventive or occupational medicine, health care (GDPR 9(2)(h); PDPA 26(5)(a)).
    case healthCare
    /// Public health (GDPR 9(2)(i); PDPA 26(5)(c)).
    case publicHealth
    /// Archiving, research or statistics (GDPR 9(2)(j); LGPD 11 II(c); PDPA 26(5)(d)).
    case research
    /// A legal or regulatory obligation (LGPD 11 II(a)).
    case legalObligation
    /// Public policies of the administration (LGPD 11 II(b)).
    case publicTask
    /// Health protection (LGPD 11 II(f)).
    case healthProtection
    /// Fraud prevention and the security of the data subject (LGPD 11 II(g)).
    case fraudPrevention
}

/// The attributes valid consent needs in a regime, and what adds to them.
public struct ConsentRules: Sendable, Hashable {
    /// Every valid grant's attributes (PIPL: affirmative; the others also unbundled).
    public var baseline: ConsentAttributes
    /// Added for a field sensitive in the regime.
    public var sensitive: ConsentAttributes
    /// Added when the purpose provides data to others (PIPL Art. 23).
    public var thirdParty: ConsentAttributes
    /// Added when the purpose shares with another controller or a third party (LGPD Art. 7 §5).
    public var controllerSharing: ConsentAttributes
    /// Added for public disclosure (PIPL Art. 25).
    public var publicDisclosure: ConsentAttributes
    /// Added for a purpose that transfers abroad, whatever the question (PIPL Art. 39).
    public var crossBorderPurpose: ConsentAttributes
    /// Added for public-place surveillance images (PIPL Art. 26).
    public var surveillanceImages: ConsentAttributes
    /// Added for a solely automated significant decision on consent (GDPR Art. 22(2)(c)).
    public var automatedSignificant: ConsentAttributes
    /// Whether a guardian's grant given while a band required it keeps counting after majority.
    public var guardianGrantSurvivesMajority: Bool

    /// Creates the rules.
    public init(
        baseline: ConsentAttributes, sensitive: ConsentAttributes = [], thirdParty: ConsentAttributes = [],
        controllerSharing: ConsentAttributes = [], publicDisclosure: ConsentAttributes = [],
        crossBorderPurpose: ConsentAttributes = [], surveillanceImages: ConsentAttributes = [],
        automatedSignificant: ConsentAttributes = [], guardianGrantSurvivesMajority: Bool
    ) {
        self.baseline = baseline
        self.sensitive = sensitive
        self.thirdParty = thirdParty
        self.controllerSharing = controllerSharing
        self.publicDisclosure = publicDisclosure
        self.crossBorderPurpose = crossBorderPurpose
        self.surveillanceImages = surveillanceImages
        self.automatedSignificant = automatedSignificant
        self.guardianGrantSurvivesMajority = guardianGrantSurvivesMajority
    }
}

/// What an opt-out kind matches in a regime and which bases it overrides.
public struct OptOutRule: Sendable, Hashable {
    /// The purposes (and fields) the kind matches.
    public var match: OptOutMatch
    /// The bases it overrides; the mandatory bases never.
    public var binds: Set<LegalBasis>
    /// The first day (UTC) the law requires the business to offer the opt-out (CCPA ADMT: 2027-01-01). It changes
    /// what the law requires and what reports say, not whether a recorded opt-out binds: the rule decides a recorded
    /// opt-out at every instant.
    public var effectiveFrom: CalendarDate?

    /// Creates a rule.
    public init(match: OptOutMatch, binds: Set<LegalBasis>, effectiveFrom: CalendarDate? = nil) {
        self.match = match
        self.binds = binds
        self.effectiveFrom = effectiveFrom
    }

    /// The bases an opt-out the regime does not define binds there (it is honoured: the controller offered it),
    /// and every channel opt-out: `consent`, `disclosedPurpose`, `legitimateInterests`, `publiclyDisclosed`.
    public static let unrequiredBases: Set<LegalBasis> = [
        .consent, .disclosedPurpose, .legitimateInterests, .publiclyDisclosed,
    ]
}

/// What an opt-out kind matches.
public enum OptOutMatch: String, Sendable, Hashable, CaseIterable {
    /// Purposes flagged `marketing`.
    case marketing
    /// Purposes that provide data to others or disclose it publicly, and sales and shares (the lattice:
    /// refusing disclosure refuses sale).
    case providesToOthers
    /// Purposes providing data to a recipient whose role is `thirdParty` or `controller`, and sales and shares
    /// (CCPA).
    case providesToThirdParties
    /// Purposes flagged `sale` or `share`.
    case saleOrSharing
    /// Sensitive fields.
    case sensitive
    /// Sensitive fields, outside the permitted uses (`spiPermittedUse`; CCPA 1798.121).
    case sensitiveOutsidePermittedUses
    /// Purposes that make automated decisions.
    case automatedDecision
    /// Purposes flagged `admtSignificantDecision` without `humanAppeal` (CCPA ADMT regulations).
    case significantAutomatedDecisionWithoutAppeal
}

/// The kinds of objection (GDPR Art. 21; PDPA Sec. 32).
public enum ObjectionKind: String, Sendable, Hashable, CaseIterable {
    /// On grounds relating to the individual's particular situation, to a balanced basis (GDPR 21(1); PDPA 32(1)).
    case particularSituation
    /// To research or statistics (GDPR 21(6); PDPA 32(3)).
    case research
}

/// What a restriction binds in a regime.
public struct RestrictionRule: Sendable, Hashable {
    /// The bases it binds.
    public var binds: Set<LegalBasis>
    /// Whether a grant given after the restriction lifts it for the questions that grant covers (GDPR 18(2)).
    public var liftedByLaterGrant: Bool

    /// Creates a rule.
    public init(binds: Set<LegalBasis>, liftedByLaterGrant: Bool) {
        self.binds = binds
        self.liftedByLaterGrant = liftedByLaterGrant
    }
}

/// How a regime treats automated decisions.
public enum AutomatedDecisionModel: String, Sendable, Hashable, CaseIterable {
    /// A right to refuse, through the `automatedDecisionMaking` opt-out (PIPL Art. 24).
    case refusalRight
    /// Prohibited unless contract, law or explicit consent (GDPR Art. 22).
    case prohibitionWithExceptions
    /// An opt-out of automated decision-making technology (CCPA regulations).
    case optOut
    /// A right to review only (LGPD Art. 20): `reviewRequested` is recorded and changes no decision.
    case reviewOnly
    /// No specific rule (PDPA).
    case none
}

/// A ban no consent cures.
public struct Prohibition: Sendable, Hashable {
    /// The denial's reason.
    public var reason: ReasonCode
    /// The purpose flag that triggers it.
    public var purposeFlag: PurposeFlags
    /// Whether it holds only on an online platform (the policy's `onlinePlatform`).
    public var onlinePlatformOnly: Bool
    /// Whether it holds only for a subject known to be younger than this.
    public var minorBelow: Int?
    /// Whether it holds only for fields sensitive in the regime.
    public var sensitiveFieldsOnly: Bool
    /// Whether it holds only for fields in these categories (and their descendants); empty: every field.
    public var categories: [CategoryID]
    /// The first day (UTC) it applies; `nil`: always.
    public var effectiveFrom: CalendarDate?

    /// Creates a prohibition.
    public init(
        reason: ReasonCode, purposeFlag: PurposeFlags, onlinePlatformOnly: Bool = false, minorBelow: Int? = nil,
        sensitiveFieldsOnly: Bool = false, categories: [CategoryID] = [], effectiveFrom: CalendarDate? = nil
    ) {
        self.reason = reason
        self.purposeFlag = purposeFlag
        self.onlinePlatformOnly = onlinePlatformOnly
        self.minorBelow = minorBelow
        self.sensitiveFieldsOnly = sensitiveFieldsOnly
        self.categories = categories
        self.effectiveFrom = effectiveFrom
    }
}

/// A regime's transfer rules.
public struct TransferRules: Sendable, Hashable {
    /// The mechanisms the regime accepts.
    public var mechanisms: Set<TransferMechanism>
    /// Mechanisms that are a consent route, with the attributes they add to the consent requirement.
    public var consentRoutes: [TransferMechanism: ConsentAttributes]
    /// The destinations with an adequacy decision, dated.
    public var adequacy: [DatedDestinations]
    /// Whether the mechanism is checked when the question is asked, for a destination outside
    /// ``RegimeProfile/territory``: `false` only for a regime without transfer rules (CCPA).
    public var checkedAtDecision: Bool

    /// Creates the rules.
    public init(
        mechanisms: Set<TransferMechanism>, consentRoutes: [TransferMechanism: ConsentAttributes] = [:],
        adequacy: [DatedDestinations] = [], checkedAtDecision: Bool
    ) {
        self.mechanisms = mechanisms
        self.consentRoutes = consentRoutes
        self.adequacy = adequacy
        self.checkedAtDecision = checkedAtDecision
    }
}

/// Destinations that hold from one day to another.
public struct DatedDestinations: Sendable, Hashable {
    /// The destinations (ISO 3166 codes).
    public var destinations: Set<String>
    /// The first day (UTC) the entry holds; `nil`: from the beginning.
    public var effectiveFrom: CalendarDate?
    /// The first day (UTC) it no longer holds; `nil`: still in force.
    public var effectiveUntil: CalendarDate?

    /// Creates an entry.
    public init(_ destinations: Set<String>, effectiveFrom: CalendarDate? = nil, effectiveUntil: CalendarDate? = nil) {
        self.destinations = destinations
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
    }
}

/// What a channel needs on a non-consent basis.
public enum ChannelRule: Sendable, Hashable {
    /// A soft opt-in: a `customer` event naming the channel with the objection offered, and a purpose flagged
    /// `softOptInEligible` (ePrivacy Art. 13(2)); applies to purposes on these bases.
    case softOptIn(bases: Set<LegalBasis>)
    /// A `written` grant for the purpose, for marketing purposes (TCPA).
    case writtenGrantForMarketing
}
