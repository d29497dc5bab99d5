/// A purpose of processing: what it may use, on which legal basis, and how it shares or moves the data.
///
/// Every purpose declares the fields and categories it processes (PIPL Art. 6 minimum necessary, Art. 17 notice
/// of categories); a question about anything else is denied whatever the consents say.
public struct Purpose: Sendable, Hashable {
    /// The purpose's id.
    public var id: PurposeID
    /// The lawful basis (Art. 13).
    public var basis: LegalBasis
    /// Fields the purpose processes.
    public var fields: [FieldID]
    /// Categories the purpose processes: every field of the category or a descendant.
    public var categories: [CategoryID]
    /// Direct marketing: subject to the `directMarketing` opt-out.
    public var marketing: Bool
    /// Automated decision-making or personalised recommendation (Art. 24).
    public var automatedDecision: Bool
    /// Public disclosure of the data (Art. 25: separate consent).
    public var publicDisclosure: Bool
    /// Uses images or identity data from public-place surveillance for another purpose (Art. 26).
    public var surveillanceImages: Bool
    /// A law or regulation requires written consent (Art. 29).
    public var writtenConsent: Bool
    /// Provision to other processors (Art. 23), or `nil` when the purpose provides to nobody.
    public var thirdParty: ThirdPartyProvision?
    /// Transfer outside the mainland (Arts. 38–39), or `nil`.
    public var crossBorder: CrossBorderTransfer?
    /// Channels the purpose may contact the subject over; a question naming another is denied.
    public var channels: [Channel]
    /// The version of the notice consents must have been given under; bump it on a material change (Art. 14).
    public var consentVersion: Int
    /// The basis per regime, when the policy gives a map: keyed by base regime id (`GDPR`) or overlay id
    /// (`GDPR-FR`, which wins for that overlay). Empty when ``basis`` applies in every regime.
    public var basisByRegime: [String: LegalBasis]
    /// The sensitive-data condition a non-consent basis relies on, in every regime that has conditions.
    public var sensitiveCondition: SensitiveCondition?
    /// The sensitive-data condition per regime, when the policy gives a map.
    public var sensitiveConditionByRegime: [String: SensitiveCondition]
    /// The flags the regimes beyond PIPL read.
    public var flags: PurposeFlags
    /// The flags the policy sets to `false` explicitly, where that differs from leaving them out:
    /// `compatibleWithCollection: false` (CCPA: the basis must then be consent) and `infersCharacteristics: false`
    /// (CCPA: sensitive data not used to infer characteristics is outside the right to limit).
    public var flagsDeclaredFalse: PurposeFlags
    /// What a privacy centre calls the purpose, per language; `nil` shows its id.
    public var title: LocalizedText?
    /// What a privacy centre says the purpose does, per language.
    public var description: LocalizedText?

    /// Declares a purpose.
    public init(
        _ id: PurposeID, basis: LegalBasis, fields: [FieldID] = [], categories: [CategoryID] = [],
        marketing: Bool = false, automatedDecision: Bool = false, publicDisclosure: Bool = false,
        surveillanceImages: Bool = false, writtenConsent: Bool = false, thirdParty: ThirdPartyProvision? = nil,
        crossBorder: CrossBorderTransfer? = nil, channels: [Channel] = [], consentVersion: Int = 0,
        basisByRegime: [String: LegalBasis] = [:], sensitiveCondition: SensitiveCondition? = nil,
        sensitiveConditionByRegime: [String: SensitiveCondition] = [:], flags: PurposeFlags = [],
        flagsDeclaredFalse: PurposeFlags = [], title: LocalizedText? = nil, description: LocalizedText? = nil
    ) {
        self.title = title
        self.description = description
        self.id = id
        self.basis = basis
        self.fields = fields
        self.categories = categories
        self.marketing = marketing
        self.automatedDecision = automatedDecision
        self.publicDisclosure = publicDisclosure
        self.surveillanceImages = surveillanceImages
        self.writtenConsent = writtenConsent
        self.thirdParty = thirdParty
        self.crossBorder = crossBorder
        self.channels = channels
        self.consentVersion = consentVersion
        self.basisByRegime = basisByRegime
        self.sensitiveCondition = sensitiveCondition
        self.sensitiveConditionByRegime = sensitiveConditionByRegime
        self.flags = flags
        self.flagsDeclaredFalse = flagsDeclaredFalse
    }

    /// The purpose's basis under a regime: the map's entry for the overlay, else for its base, else ``basis``.
    /// `nil` when the policy gives a map without an entry for the regime.
    public func basis(in profile: RegimeProfile) -> LegalBasis? {
        if basisByRegime.isEmpty { return basis }
        return profile.mapKeys.lazy.compactMap { basisByRegime[$0] }.first
    }

    /// The purpose's sensitive-data condition under a regime, looked up as ``basis(in:)`` is.
    public func sensitiveCondition(in profile: RegimeProfile) -> SensitiveCondition? {
        if sensitiveConditionByRegime.isEmpty { return sensitiveCondition }
        return profile.mapKeys.lazy.compactMap { sensitiveConditionByRegime[$0] }.first
    }

    /// Whether the purpose sells or shares personal information (CCPA).
    public var sellsOrShares: Bool { !flags.isDisjoint(with: [.sale, .share]) }

    /// Whether the purpose provides data to another processor or discloses it publicly — what the
    /// `thirdPartyDisclosure` opt-out covers. A cross-border transfer alone is not third-party provision.
    public var providesToOthers: Bool { thirdParty != nil || publicDisclosure }
}

/// A purpose's provision of personal information to other processors (PIPL Art. 23).
public struct ThirdPartyProvision: Sendable, Hashable {
    /// The recipients the notice names; a question naming any other recipient is denied.
    public var recipients: [RecipientID]
    /// The roles of recipients declared with one; every other recipient is a ``RecipientRole/thirdParty``.
    public var roles: [RecipientID: RecipientRole]
    /// Declares a provision.
    public init(recipients: [RecipientID] = [], roles: [RecipientID: RecipientRole] = [:]) {
        self.recipients = recipients
        self.roles = roles
    }

    /// A recipient's role.
    public func role(of recipient: RecipientID) -> RecipientRole { roles[recipient] ?? .thirdParty }
}

/// What a recipient is to the business (GDPR Art. 4(8)–(10); CCPA 1798.140(ag), (j), (ai); LGPD Art. 5 VI–VII).
public enum RecipientRole: String, Sendable, Hashable, CaseIterable {
    /// Processes on the controller's behalf.
    case processor
    /// A CCPA service provider.
    case serviceProvider
    /// A CCPA contractor.
    case contractor
    /// Another controller, deciding its own purposes.
    case controller
    /// A third party (a plain recipient id).
    case thirdParty

    /// Whether the recipient decides for itself: a `controller` or `thirdParty`.
    public var isIndependent: Bool { self == .controller || self == .thirdParty }
}

/// A purpose's transfer of personal information outside the mainland (PIPL Arts. 38–39).
public struct CrossBorderTransfer: Sendable, Hashable {
    /// The destinations the notice names.
    public var destinations: [Destination]
    /// The mechanism that makes the transfer lawful: under the policy's regime, and under every regime when
    /// ``mechanismByRegime`` is empty.
    public var mechanism: TransferMechanism
    /// The mechanism per regime, when the policy gives a map (keyed as ``Purpose/basisByRegime``).
    public var mechanismByRegime: [String: TransferMechanism]
    /// Declares a transfer.
    public init(
        destinations: [Destination], mechanism: TransferMechanism,
        mechanismByRegime: [String: TransferMechanism] = [:]
    ) {
        self.destinations = destinations
        self.mechanism = mechanism
        self.mechanismByRegime = mechanismByRegime
    }

    /// The mechanism under a regime, or `nil` when a map gives none for it.
    public func mechanism(in profile: RegimeProfile) -> TransferMechanism? {
        if mechanismByRegime.isEmpty { return mechanism }
        return profile.mapKeys.lazy.compactMap { mechanismByRegime[$0] }.first
    }
}

/// The mechanisms that make a transfer abroad lawful; each regime accepts some of them
/// (``TransferRules/mechanisms``).
public enum TransferMechanism: String, Sendable, Hashable, CaseIterable {
    /// PIPL Art. 38(1): a security assessment by the state cyberspace department (Art. 40).
    case securityAssessment
    /// PIPL Art. 38(2) and GDPR Art. 46(2)(f): certification.
    case certification
    /// PIPL Art. 38(3): the standard contract formulated by the state cyberspace department.
    case standardContract
    /// PIPL Art. 38(4): other conditions set by laws, regulations or the cyberspace department.
    case otherLaw
    /// An adequacy decision for the destination (GDPR Art. 45; LGPD Art. 33 I; PDPA Sec. 28): holds only for
    /// destinations on the regime's dated list.
    case adequacy
    /// Standard contractual clauses (GDPR Art. 46(2)(c); LGPD Art. 33 II(b)).
    case sccs
    /// Binding corporate rules (GDPR Art. 47; LGPD Art. 33 II(c)).
    case bcrs
    /// An approved code of conduct (GDPR Art. 46(2)(e)).
    case codeOfConduct
    /// The explicit-consent derogation (GDPR Art. 49(1)(a)): a consent route.
    case derogationConsent
    /// The contract derogation (GDPR Art. 49(1)(b)).
    case derogationContract
    /// Specific and highlighted consent to the transfer (LGPD Art. 33 VIII): a consent route.
    case specificConsent
    /// Appropriate safeguards (PDPA Sec. 29).
    case safeguards
    /// Consent after being informed of the destination's inadequate standards (PDPA Sec. 28(2)): a consent route.
    case consentRoute
    /// Necessary for a contract with the subject (PDPA Sec. 28(3)).
    case contract
}
