/// The objections a subject can raise against consent-based processing, and the purposes each one stops.
public enum OptOutKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Direct marketing: stops purposes marked `marketing`.
    case directMarketing
    /// Provision to other processors or public disclosure (Arts. 23, 25).
    case thirdPartyDisclosure
    /// Automated decision-making and personalised recommendation (Art. 24 para. 2–3): also stops `contract` and
    /// `employment` purposes that make automated decisions.
    case automatedDecisionMaking
    /// Any use of the subject's sensitive personal information (Arts. 28–29); under CCPA the right to limit the use
    /// of sensitive personal information (1798.121).
    case sensitiveData
    /// The sale or sharing of personal information (CCPA 1798.120, Regs §§ 7025–7026); a Global Privacy Control
    /// signal is this kind with the source `gpc`.
    case saleOrSharing

    /// The provision the objection rests on.
    public var citation: String {
        switch self {
        case .directMarketing: "PIPL Art. 15, Art. 24"
        case .thirdPartyDisclosure: "PIPL Art. 15, Art. 23, Art. 25"
        case .automatedDecisionMaking: "PIPL Art. 24"
        case .sensitiveData: "PIPL Art. 15, Art. 29"
        case .saleOrSharing: "CCPA 1798.120; CCPA Regs §§ 7025–7026"
        }
    }

    /// The kind's position in ``OptOutKind/allCases`` (0–4): the order in which step 4 reports them, and the code the
    /// binary formats (journal snapshots, consent tokens) write for it — never reordered.
    package var ordinal: Int {
        switch self {
        case .directMarketing: 0
        case .thirdPartyDisclosure: 1
        case .automatedDecisionMaking: 2
        case .sensitiveData: 3
        case .saleOrSharing: 4
        }
    }
}

extension OptOutKind {
    /// The kind's name as files write it: `directMarketing`.
    public var description: String { rawValue }
}
