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
    /// A category the policy itself marks sensitive.
    case declaredByPolicy

    /// The provision that makes this kind sensitive.
    public var citation: String {
        switch self {
        case .biometric, .religiousBelief, .specificIdentity, .medicalHealth, .financialAccount, .whereabouts:
            "PIPL Art. 28"
        case .minorUnder14: "PIPL Art. 28, Art. 31"
        case .identityDocument, .communications, .browsingHistory, .transactionRecord:
            "PIPL Art. 28; GB/T 35273-2020 Annex B"
        case .declaredByPolicy: "PIPL Art. 28 (declared by the policy)"
        }
    }
}
