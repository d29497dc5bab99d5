/// Whether personal information is sensitive (敏感个人信息, PIPL Art. 28), and of which kind.
///
/// Sensitive information needs the individual's separate consent (Art. 29) unless another basis applies.
public enum Sensitivity: Sendable, Hashable, CustomStringConvertible {
    /// Not sensitive personal information.
    case notSensitive
    /// Sensitive personal information of the given kind.
    case sensitive(SensitiveKind)

    /// Whether this is sensitive personal information.
    public var isSensitive: Bool {
        if case .sensitive = self { return true }
        return false
    }

    /// `not sensitive`, or the kind with its citation.
    public var description: String {
        switch self {
        case .notSensitive: "not sensitive"
        case .sensitive(let kind): "sensitive (\(kind.rawValue), \(kind.citation))"
        }
    }
}

/// The kinds of sensitive personal information: those PIPL Art. 28 names, those GB/T 35273-2020 Annex B lists as
/// examples, and those a policy declares.
public enum SensitiveKind: String, Sendable, Hashable, CaseIterable {
    /// Biometric characteristics: face, fingerprint, iris, voiceprint, genes (Art. 28).
    case biometric
    /// Religious belief (Art. 28).
    case religiousBelief
    /// Specific identity, such as disability or a particular social status (Art. 28).
    case specificIdentity
    /// Medical and health information (Art. 28).
    case medicalHealth
    /// Financial accounts: bank cards, payment accounts, credit (Art. 28).
    case financialAccount
    /// Whereabouts and tracks, precise location (Art. 28).
    case whereabouts
    /// Any personal information of a minor under fourteen (Art. 28 para. 1, Art. 31).
    case minorUnder14
    /// Identity documents: national id, passport, driver's licence (GB/T 35273-2020 Annex B).
    case identityDocument
    /// Communication records and content (GB/T 35273-2020 Annex B).
    case communications
    /// Web browsing history (GB/T 35273-2020 Annex B).
    case browsingHistory
    /// Transaction records (GB/T 35273-2020 Annex B).
    case transactionRecord
    /// Genetic data (PIPL Art. 28 with GB/T 35273-2020 Annex B; GDPR Art. 9; CCPA; LGPD Art. 5 II; PDPA Sec. 26).
    case genetic
    /// Sex life and sexual orientation (GB/T 35273-2020 Annex B; GDPR Art. 9; LGPD Art. 5 II; PDPA Sec. 26).
    case sexLife
    /// Criminal records (GB/T 35273-2020 Annex B; PDPA Sec. 26; GDPR Art. 10).
    case criminalRecord
    /// Account log-in credentials (GB/T 35273-2020 Annex B; CCPA 1798.140(ae)).
    case accountCredentials
    /// A category the policy itself marks sensitive.
    case declaredByPolicy
    /// A category the regime's own table marks sensitive (outside PIPL).
    case regimeTable

    /// The provision that makes this kind sensitive.
    public var citation: String {
        switch self {
        case .biometric, .religiousBelief, .specificIdentity, .medicalHealth, .financialAccount, .whereabouts:
            "PIPL Art. 28"
        case .minorUnder14: "PIPL Art. 28, Art. 31"
        case .identityDocument, .communications, .browsingHistory, .transactionRecord:
            "PIPL Art. 28; GB/T 35273-2020 Annex B"
        case .genetic, .sexLife, .criminalRecord, .accountCredentials: "PIPL Art. 28; GB/T 35273-2020 Annex B"
        case .declaredByPolicy: "PIPL Art. 28 (declared by the policy)"
        case .regimeTable: "the regime's sensitive categories"
        }
    }
}
