/// The purpose flags the regimes beyond PIPL read, each named exactly as in a policy file.
public struct PurposeFlags: OptionSet, Sendable, Hashable {
    /// The flags as bits.
    public let rawValue: UInt32
    /// Creates flags from bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `sale`: the purpose sells personal information (CCPA 1798.140(ad)).
    public static let sale = PurposeFlags(rawValue: 1 << 0)
    /// `share`: cross-context behavioural advertising (CCPA 1798.140(ah)).
    public static let share = PurposeFlags(rawValue: 1 << 1)
    /// `infersCharacteristics`: sensitive data used to infer characteristics (CCPA 1798.121(d)).
    public static let infersCharacteristics = PurposeFlags(rawValue: 1 << 2)
    /// `spiPermittedUse`: one of the uses the right to limit does not reach (CCPA Regs § 7027(m)).
    public static let spiPermittedUse = PurposeFlags(rawValue: 1 << 3)
    /// `financialIncentive`: a financial incentive programme, which needs an opt-in (CCPA Regs § 7016).
    public static let financialIncentive = PurposeFlags(rawValue: 1 << 4)
    /// `consumerDirected`: a disclosure the consumer directs, not a sale (CCPA 1798.140(ad)(2)(A)).
    public static let consumerDirected = PurposeFlags(rawValue: 1 << 5)
    /// `compatibleWithCollection`: reasonably necessary and compatible with the purpose of collection (CCPA
    /// 1798.100(c)); a CCPA purpose flagged `false` is refused.
    public static let compatibleWithCollection = PurposeFlags(rawValue: 1 << 6)
    /// `admtSignificantDecision`: automated decision-making technology for a significant decision (CCPA Regs).
    public static let admtSignificantDecision = PurposeFlags(rawValue: 1 << 7)
    /// `humanAppeal`: a human appeal is offered, so the ADMT opt-out does not reach the purpose.
    public static let humanAppeal = PurposeFlags(rawValue: 1 << 8)
    /// `informationSocietyService`: offered directly to a child as an information society service (GDPR Art. 8).
    public static let informationSocietyService = PurposeFlags(rawValue: 1 << 9)
    /// `solelyAutomatedSignificant`: a solely automated decision with legal or similarly significant effects
    /// (GDPR Art. 22).
    public static let solelyAutomatedSignificant = PurposeFlags(rawValue: 1 << 10)
    /// `profilingAds`: advertising based on profiling (DSA Arts. 26(3), 28(2); ECA Digital).
    public static let profilingAds = PurposeFlags(rawValue: 1 << 11)
    /// `softOptInEligible`: marketing of the controller's own similar products to its customers (ePrivacy 13(2)).
    public static let softOptInEligible = PurposeFlags(rawValue: 1 << 12)
    /// `authorisedByLaw`: processing of criminal-record data authorised by law (GDPR Art. 10).
    public static let authorisedByLaw = PurposeFlags(rawValue: 1 << 13)
    /// `childContactOnly`: used only to contact a child's parent or to protect the child (LGPD 14 §3).
    public static let childContactOnly = PurposeFlags(rawValue: 1 << 14)
    /// `healthEconomicAdvantage`: communicates or shares health data for economic advantage (LGPD 11 §4).
    public static let healthEconomicAdvantage = PurposeFlags(rawValue: 1 << 15)
    /// `healthPlanRiskSelection`: health data for risk selection by a health plan (LGPD 11 §5).
    public static let healthPlanRiskSelection = PurposeFlags(rawValue: 1 << 16)
    /// `minorMayConsentAlone`: an act a minor may do alone (PDPA Sec. 20 with Civil and Commercial Code ss. 22–24).
    public static let minorMayConsentAlone = PurposeFlags(rawValue: 1 << 17)

    /// Every flag with its name in policy files, in file order.
    public static let named: [(name: String, flag: PurposeFlags)] = [
        ("sale", .sale), ("share", .share), ("infersCharacteristics", .infersCharacteristics),
        ("spiPermittedUse", .spiPermittedUse), ("financialIncentive", .financialIncentive),
        ("consumerDirected", .consumerDirected), ("compatibleWithCollection", .compatibleWithCollection),
        ("admtSignificantDecision", .admtSignificantDecision), ("humanAppeal", .humanAppeal),
        ("informationSocietyService", .informationSocietyService),
        ("solelyAutomatedSignificant", .solelyAutomatedSignificant), ("profilingAds", .profilingAds),
        ("softOptInEligible", .softOptInEligible), ("authorisedByLaw", .authorisedByLaw),
        ("childContactOnly", .childContactOnly), ("healthEconomicAdvantage", .healthEconomicAdvantage),
        ("healthPlanRiskSelection", .healthPlanRiskSelection), ("minorMayConsentAlone", .minorMayConsentAlone),
    ]
}
