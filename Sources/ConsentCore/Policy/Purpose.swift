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

    /// Declares a purpose.
    public init(
        _ id: PurposeID, basis: LegalBasis, fields: [FieldID] = [], categories: [CategoryID] = [],
        marketing: Bool = false, automatedDecision: Bool = false, publicDisclosure: Bool = false,
        surveillanceImages: Bool = false, writtenConsent: Bool = false, thirdParty: ThirdPartyProvision? = nil,
        crossBorder: CrossBorderTransfer? = nil, channels: [Channel] = [], consentVersion: Int = 0
    ) {
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
    }

    /// Whether the purpose provides data to another processor or discloses it publicly — what the
    /// `thirdPartyDisclosure` opt-out covers. A cross-border transfer alone is not third-party provision.
    public var providesToOthers: Bool { thirdParty != nil || publicDisclosure }
}

/// A purpose's provision of personal information to other processors (PIPL Art. 23).
public struct ThirdPartyProvision: Sendable, Hashable {
    /// The recipients the notice names; a question naming any other recipient is denied.
    public var recipients: [RecipientID]
    /// Declares a provision.
    public init(recipients: [RecipientID] = []) { self.recipients = recipients }
}

/// A purpose's transfer of personal information outside the mainland (PIPL Arts. 38–39).
public struct CrossBorderTransfer: Sendable, Hashable {
    /// The destinations the notice names.
    public var destinations: [Destination]
    /// The Art. 38 mechanism that makes the transfer lawful.
    public var mechanism: TransferMechanism
    /// Declares a transfer.
    public init(destinations: [Destination], mechanism: TransferMechanism) {
        self.destinations = destinations
        self.mechanism = mechanism
    }
}

/// The mechanisms of PIPL Art. 38 para. 1 for providing personal information abroad.
public enum TransferMechanism: String, Sendable, Hashable, CaseIterable {
    /// Art. 38(1): a security assessment by the state cyberspace department (Art. 40).
    case securityAssessment
    /// Art. 38(2): personal-information protection certification.
    case certification
    /// Art. 38(3): the standard contract formulated by the state cyberspace department.
    case standardContract
    /// Art. 38(4): other conditions set by laws, regulations or the cyberspace department.
    case otherLaw
}
