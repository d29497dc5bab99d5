/// Why a decision came out as it did: one stable dotted code per evaluation step (DecisionModel.md).
///
/// The dotted string — `denied.separateConsentRequired` — is the public contract that scenario files, logs and
/// other engines compare. The value itself is one byte, so a ``Decision`` stays small.
public struct ReasonCode: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    private enum Base: UInt8, CaseIterable {
        case consent, contract, employment, legalObligation, vitalInterests, publicInterest, publiclyDisclosed
        case otherLaw
        case unknownPurpose, unknownField, notDeclared, recipientNotDeclared, destinationNotDeclared
        case channelNotPermitted, erased, restricted
        case optedOutDirectMarketing, optedOutThirdPartyDisclosure, optedOutAutomatedDecisionMaking
        case optedOutSensitiveData
        case noConsent, withdrawn, expired, guardianConsentRequired, grantorNotAuthorized, reconsentRequired
        case recipientNotCovered, destinationNotCovered, writtenConsentRequired, separateConsentRequired
        // Added with the regimes beyond PIPL: appended, so that every earlier ordinal keeps its number.
        case legitimateInterests, publicTask, research, legalClaims, creditProtection, healthProtection
        case childContact, disclosedPurpose, permittedSensitiveUse
        case objectedParticularSituation, objectedResearch, optedOutSaleOrSharing, sensitiveConditionMissing
        case explicitConsentRequired, bundledConsent, twoStepOptInRequired, verifiedParentalConsentRequired
        case transferInformedConsentRequired, jointConsentRequired, automatedDecisionNotPermitted
        case prohibitedMinorProfilingAds, prohibitedSensitiveProfilingAds, prohibitedHealthDataEconomicAdvantage
        case prohibitedHealthPlanRiskSelection, transferMechanismMissing, channelConsentRequired

        var isAllowed: Bool {
            switch self {
            case .consent, .contract, .employment, .legalObligation, .vitalInterests, .publicInterest,
                .publiclyDisclosed, .otherLaw, .legitimateInterests, .publicTask, .research, .legalClaims,
                .creditProtection, .healthProtection, .childContact, .disclosedPurpose, .permittedSensitiveUse:
                true
            default: false
            }
        }
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Every reason code, allowed ones first, in the order of DecisionModel.md and then Regimes.md.
    public static let allCases: [ReasonCode] =
        Base.allCases.filter(\.isAllowed).map(ReasonCode.init)
        + Base.allCases.filter { !$0.isAllowed }.map(ReasonCode.init)

    /// The code's number, stable within a release, for compact storage.
    public var ordinal: UInt8 { base.rawValue }

    /// The code with this number, or `nil`.
    public init?(ordinal: UInt8) {
        guard let base = Base(rawValue: ordinal) else { return nil }
        self.init(base)
    }

    /// The code for a dotted string, or `nil` when it names no code.
    public init?(rawValue: String) {
        guard let code = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = code
    }

    // MARK: Allowed

    /// `allowed.consent`: an active, sufficient grant covers the question (PIPL Art. 13(1), 14).
    public static let allowedByConsent = ReasonCode(.consent)
    /// `allowed.legalBasis.contract` (Art. 13(2)).
    public static let allowedByContract = ReasonCode(.contract)
    /// `allowed.legalBasis.employment` (Art. 13(2)).
    public static let allowedByEmployment = ReasonCode(.employment)
    /// `allowed.legalBasis.legalObligation` (Art. 13(3)).
    public static let allowedByLegalObligation = ReasonCode(.legalObligation)
    /// `allowed.legalBasis.vitalInterests` (Art. 13(4)).
    public static let allowedByVitalInterests = ReasonCode(.vitalInterests)
    /// `allowed.legalBasis.publicInterest` (Art. 13(5)).
    public static let allowedByPublicInterest = ReasonCode(.publicInterest)
    /// `allowed.legalBasis.publiclyDisclosed` (Art. 13(6), Art. 27).
    public static let allowedByPubliclyDisclosed = ReasonCode(.publiclyDisclosed)
    /// `allowed.legalBasis.otherLaw` (Art. 13(7)).
    public static let allowedByOtherLaw = ReasonCode(.otherLaw)

    /// The `allowed.legalBasis.<basis>` code of a non-consent basis, or `allowed.consent` for ``LegalBasis/consent``.
    public static func allowed(by basis: LegalBasis) -> ReasonCode {
        switch basis {
        case .consent: .allowedByConsent
        case .contract: .allowedByContract
        case .employment: .allowedByEmployment
        case .legalObligation: .allowedByLegalObligation
        case .vitalInterests: .allowedByVitalInterests
        case .publicInterest: .allowedByPublicInterest
        case .publiclyDisclosed: .allowedByPubliclyDisclosed
        case .otherLaw: .allowedByOtherLaw
        case .legitimateInterests: .allowedByLegitimateInterests
        case .publicTask: .allowedByPublicTask
        case .research: .allowedByResearch
        case .legalClaims: .allowedByLegalClaims
        case .creditProtection: .allowedByCreditProtection
        case .healthProtection: .allowedByHealthProtection
        case .childContact: .allowedByChildContact
        case .disclosedPurpose: .allowedByDisclosedPurpose
        }
    }

    /// `allowed.legalBasis.legitimateInterests` (GDPR 6(1)(f); LGPD 7 IX; PDPA 24(5)).
    public static let allowedByLegitimateInterests = ReasonCode(.legitimateInterests)
    /// `allowed.legalBasis.publicTask` (GDPR 6(1)(e); PDPA 24(4)).
    public static let allowedByPublicTask = ReasonCode(.publicTask)
    /// `allowed.legalBasis.research` (LGPD 7 IV; PDPA 24(1)).
    public static let allowedByResearch = ReasonCode(.research)
    /// `allowed.legalBasis.legalClaims` (LGPD 7 VI; GDPR 9(2)(f); PDPA 26(4); CCPA 1798.145(a)(4)).
    public static let allowedByLegalClaims = ReasonCode(.legalClaims)
    /// `allowed.legalBasis.creditProtection` (LGPD 7 X).
    public static let allowedByCreditProtection = ReasonCode(.creditProtection)
    /// `allowed.legalBasis.healthProtection` (LGPD 7 VIII, 11 II(f)).
    public static let allowedByHealthProtection = ReasonCode(.healthProtection)
    /// `allowed.legalBasis.childContact` (LGPD 14 §3).
    public static let allowedByChildContact = ReasonCode(.childContact)
    /// `allowed.disclosedPurpose`: disclosed at collection, no opt-out applies (CCPA 1798.100).
    public static let allowedByDisclosedPurpose = ReasonCode(.disclosedPurpose)
    /// `allowed.permittedSensitiveUse`: a use of sensitive data the right to limit does not reach (CCPA 1798.121(a)).
    public static let allowedAsPermittedSensitiveUse = ReasonCode(.permittedSensitiveUse)

    // MARK: Denied

    /// `denied.unknownPurpose`.
    public static let unknownPurpose = ReasonCode(.unknownPurpose)
    /// `denied.unknownField`.
    public static let unknownField = ReasonCode(.unknownField)
    /// `denied.notDeclared`: the purpose does not declare the field (Art. 6, 17).
    public static let notDeclared = ReasonCode(.notDeclared)
    /// `denied.recipientNotDeclared` (Art. 23).
    public static let recipientNotDeclared = ReasonCode(.recipientNotDeclared)
    /// `denied.destinationNotDeclared` (Art. 39).
    public static let destinationNotDeclared = ReasonCode(.destinationNotDeclared)
    /// `denied.channelNotPermitted`: not a channel of the purpose, or the subject opted out of it.
    public static let channelNotPermitted = ReasonCode(.channelNotPermitted)
    /// `denied.erased` (Art. 47).
    public static let erased = ReasonCode(.erased)
    /// `denied.restricted` (Art. 44).
    public static let restricted = ReasonCode(.restricted)
    /// `denied.optedOut.directMarketing`.
    public static let optedOutOfDirectMarketing = ReasonCode(.optedOutDirectMarketing)
    /// `denied.optedOut.thirdPartyDisclosure`.
    public static let optedOutOfThirdPartyDisclosure = ReasonCode(.optedOutThirdPartyDisclosure)
    /// `denied.optedOut.automatedDecisionMaking` (Art. 24).
    public static let optedOutOfAutomatedDecisionMaking = ReasonCode(.optedOutAutomatedDecisionMaking)
    /// `denied.optedOut.sensitiveData`.
    public static let optedOutOfSensitiveData = ReasonCode(.optedOutSensitiveData)
    /// `denied.noConsent` (Art. 13(1)).
    public static let noConsent = ReasonCode(.noConsent)
    /// `denied.withdrawn` (Art. 15).
    public static let withdrawn = ReasonCode(.withdrawn)
    /// `denied.expired`.
    public static let expired = ReasonCode(.expired)
    /// `denied.guardianConsentRequired` (Art. 31).
    public static let guardianConsentRequired = ReasonCode(.guardianConsentRequired)
    /// `denied.grantorNotAuthorized`: a guardian's grant for a capable adult.
    public static let grantorNotAuthorized = ReasonCode(.grantorNotAuthorized)
    /// `denied.reconsentRequired` (Art. 14 para. 2).
    public static let reconsentRequired = ReasonCode(.reconsentRequired)
    /// `denied.recipientNotCovered` (Art. 23).
    public static let recipientNotCovered = ReasonCode(.recipientNotCovered)
    /// `denied.destinationNotCovered` (Art. 39).
    public static let destinationNotCovered = ReasonCode(.destinationNotCovered)
    /// `denied.writtenConsentRequired` (Art. 29).
    public static let writtenConsentRequired = ReasonCode(.writtenConsentRequired)
    /// `denied.separateConsentRequired` (Arts. 23, 25, 26, 29, 39).
    public static let separateConsentRequired = ReasonCode(.separateConsentRequired)

    /// `denied.objected.particularSituation`: an objection to a balanced basis, not rejected (GDPR 21(1); PDPA 32(1)).
    public static let objectedOnParticularSituation = ReasonCode(.objectedParticularSituation)
    /// `denied.objected.research`: an objection to research (GDPR 21(6); PDPA 32(3)).
    public static let objectedToResearch = ReasonCode(.objectedResearch)
    /// `denied.optedOut.saleOrSharing`: an opt-out of sale or sharing, a Global Privacy Control signal included
    /// (CCPA 1798.120).
    public static let optedOutOfSaleOrSharing = ReasonCode(.optedOutSaleOrSharing)
    /// `denied.sensitiveConditionMissing`: a sensitive field on a basis without a listed condition (GDPR 9, 10;
    /// LGPD 11; PDPA 26).
    public static let sensitiveConditionMissing = ReasonCode(.sensitiveConditionMissing)
    /// `denied.explicitConsentRequired` (GDPR 9(2)(a), 22(2)(c), 49(1)(a); PDPA 26).
    public static let explicitConsentRequired = ReasonCode(.explicitConsentRequired)
    /// `denied.bundledConsent`: the grant is not unbundled (GDPR 4(11), 7; CCPA 1798.140(h); LGPD 8; PDPA 19).
    public static let bundledConsent = ReasonCode(.bundledConsent)
    /// `denied.twoStepOptInRequired` (CCPA Regs §§ 7001(a), 7028).
    public static let twoStepOptInRequired = ReasonCode(.twoStepOptInRequired)
    /// `denied.verifiedParentalConsentRequired` (CCPA Regs § 7070).
    public static let verifiedParentalConsentRequired = ReasonCode(.verifiedParentalConsentRequired)
    /// `denied.transferInformedConsentRequired` (GDPR 49(1)(a); LGPD 33 VIII; PDPA 28(2)).
    public static let transferInformedConsentRequired = ReasonCode(.transferInformedConsentRequired)
    /// `denied.jointConsentRequired`: a joint age band lacks one of its grants.
    public static let jointConsentRequired = ReasonCode(.jointConsentRequired)
    /// `denied.automatedDecisionNotPermitted` (GDPR 22).
    public static let automatedDecisionNotPermitted = ReasonCode(.automatedDecisionNotPermitted)
    /// `denied.prohibited.minorProfilingAds` (DSA 28(2); LGPD with the ECA Digital).
    public static let prohibitedMinorProfilingAds = ReasonCode(.prohibitedMinorProfilingAds)
    /// `denied.prohibited.sensitiveProfilingAds` (DSA 26(3)).
    public static let prohibitedSensitiveProfilingAds = ReasonCode(.prohibitedSensitiveProfilingAds)
    /// `denied.prohibited.healthDataEconomicAdvantage` (LGPD 11 §4).
    public static let prohibitedHealthDataEconomicAdvantage = ReasonCode(.prohibitedHealthDataEconomicAdvantage)
    /// `denied.prohibited.healthPlanRiskSelection` (LGPD 11 §5).
    public static let prohibitedHealthPlanRiskSelection = ReasonCode(.prohibitedHealthPlanRiskSelection)
    /// `denied.transferMechanismMissing` (GDPR 44–46; LGPD 33; PDPA 28–29).
    public static let transferMechanismMissing = ReasonCode(.transferMechanismMissing)
    /// `denied.channelConsentRequired` (ePrivacy 13(1); TCPA 47 CFR 64.1200).
    public static let channelConsentRequired = ReasonCode(.channelConsentRequired)

    /// The reason a grant lacking `attribute` is denied with.
    public static func missing(_ attribute: ConsentAttribute) -> ReasonCode {
        switch attribute {
        case .written: .writtenConsentRequired
        case .verifiedParental: .verifiedParentalConsentRequired
        case .twoStep: .twoStepOptInRequired
        case .explicit: .explicitConsentRequired
        case .separate: .separateConsentRequired
        case .transferInformed: .transferInformedConsentRequired
        case .unbundled, .affirmative: .bundledConsent
        }
    }

    /// The opt-out code of a kind.
    public static func optedOut(of kind: OptOutKind) -> ReasonCode {
        switch kind {
        case .directMarketing: .optedOutOfDirectMarketing
        case .thirdPartyDisclosure: .optedOutOfThirdPartyDisclosure
        case .automatedDecisionMaking: .optedOutOfAutomatedDecisionMaking
        case .sensitiveData: .optedOutOfSensitiveData
        case .saleOrSharing: .optedOutOfSaleOrSharing
        }
    }

    // MARK: Properties

    /// Allow or deny.
    public var effect: Effect { base.isAllowed ? .allow : .deny }

    /// The dotted string: `allowed.legalBasis.contract`, `denied.optedOut.directMarketing`.
    public var rawValue: String {
        switch base {
        case .consent: "allowed.consent"
        case .contract: "allowed.legalBasis.contract"
        case .employment: "allowed.legalBasis.employment"
        case .legalObligation: "allowed.legalBasis.legalObligation"
        case .vitalInterests: "allowed.legalBasis.vitalInterests"
        case .publicInterest: "allowed.legalBasis.publicInterest"
        case .publiclyDisclosed: "allowed.legalBasis.publiclyDisclosed"
        case .otherLaw: "allowed.legalBasis.otherLaw"
        case .unknownPurpose: "denied.unknownPurpose"
        case .unknownField: "denied.unknownField"
        case .notDeclared: "denied.notDeclared"
        case .recipientNotDeclared: "denied.recipientNotDeclared"
        case .destinationNotDeclared: "denied.destinationNotDeclared"
        case .channelNotPermitted: "denied.channelNotPermitted"
        case .erased: "denied.erased"
        case .restricted: "denied.restricted"
        case .optedOutDirectMarketing: "denied.optedOut.directMarketing"
        case .optedOutThirdPartyDisclosure: "denied.optedOut.thirdPartyDisclosure"
        case .optedOutAutomatedDecisionMaking: "denied.optedOut.automatedDecisionMaking"
        case .optedOutSensitiveData: "denied.optedOut.sensitiveData"
        case .noConsent: "denied.noConsent"
        case .withdrawn: "denied.withdrawn"
        case .expired: "denied.expired"
        case .guardianConsentRequired: "denied.guardianConsentRequired"
        case .grantorNotAuthorized: "denied.grantorNotAuthorized"
        case .reconsentRequired: "denied.reconsentRequired"
        case .recipientNotCovered: "denied.recipientNotCovered"
        case .destinationNotCovered: "denied.destinationNotCovered"
        case .writtenConsentRequired: "denied.writtenConsentRequired"
        case .separateConsentRequired: "denied.separateConsentRequired"
        case .legitimateInterests: "allowed.legalBasis.legitimateInterests"
        case .publicTask: "allowed.legalBasis.publicTask"
        case .research: "allowed.legalBasis.research"
        case .legalClaims: "allowed.legalBasis.legalClaims"
        case .creditProtection: "allowed.legalBasis.creditProtection"
        case .healthProtection: "allowed.legalBasis.healthProtection"
        case .childContact: "allowed.legalBasis.childContact"
        case .disclosedPurpose: "allowed.disclosedPurpose"
        case .permittedSensitiveUse: "allowed.permittedSensitiveUse"
        case .objectedParticularSituation: "denied.objected.particularSituation"
        case .objectedResearch: "denied.objected.research"
        case .optedOutSaleOrSharing: "denied.optedOut.saleOrSharing"
        case .sensitiveConditionMissing: "denied.sensitiveConditionMissing"
        case .explicitConsentRequired: "denied.explicitConsentRequired"
        case .bundledConsent: "denied.bundledConsent"
        case .twoStepOptInRequired: "denied.twoStepOptInRequired"
        case .verifiedParentalConsentRequired: "denied.verifiedParentalConsentRequired"
        case .transferInformedConsentRequired: "denied.transferInformedConsentRequired"
        case .jointConsentRequired: "denied.jointConsentRequired"
        case .automatedDecisionNotPermitted: "denied.automatedDecisionNotPermitted"
        case .prohibitedMinorProfilingAds: "denied.prohibited.minorProfilingAds"
        case .prohibitedSensitiveProfilingAds: "denied.prohibited.sensitiveProfilingAds"
        case .prohibitedHealthDataEconomicAdvantage: "denied.prohibited.healthDataEconomicAdvantage"
        case .prohibitedHealthPlanRiskSelection: "denied.prohibited.healthPlanRiskSelection"
        case .transferMechanismMissing: "denied.transferMechanismMissing"
        case .channelConsentRequired: "denied.channelConsentRequired"
        }
    }

    /// The dotted string.
    public var description: String { rawValue }

    /// The provisions the decision rests on.
    public var citation: String {
        switch base {
        case .consent: "PIPL Art. 13(1), Art. 14"
        case .contract, .employment: LegalBasis.contract.citation
        case .legalObligation: LegalBasis.legalObligation.citation
        case .vitalInterests: LegalBasis.vitalInterests.citation
        case .publicInterest: LegalBasis.publicInterest.citation
        case .publiclyDisclosed: LegalBasis.publiclyDisclosed.citation
        case .otherLaw: LegalBasis.otherLaw.citation
        case .unknownPurpose, .unknownField: "PIPL Art. 13 (no lawful basis is known)"
        case .notDeclared: "PIPL Art. 6, Art. 17"
        case .recipientNotDeclared, .recipientNotCovered: "PIPL Art. 23"
        case .destinationNotDeclared, .destinationNotCovered: "PIPL Art. 39"
        case .channelNotPermitted: "PIPL Art. 6, Art. 17, Art. 44"
        case .erased: "PIPL Art. 47"
        case .restricted: "PIPL Art. 44"
        case .optedOutDirectMarketing: "PIPL Art. 15, Art. 44"
        case .optedOutThirdPartyDisclosure: "PIPL Art. 15, Art. 23, Art. 25, Art. 44"
        case .optedOutAutomatedDecisionMaking: "PIPL Art. 24"
        case .optedOutSensitiveData: "PIPL Art. 15, Art. 29, Art. 44"
        case .noConsent: "PIPL Art. 13(1), Art. 14"
        case .withdrawn: "PIPL Art. 15"
        case .expired: "PIPL Art. 14"
        case .guardianConsentRequired: "PIPL Art. 31; Civil Code Art. 28"
        case .grantorNotAuthorized: "PIPL Art. 14, Art. 31; Civil Code Art. 28"
        case .reconsentRequired: "PIPL Art. 14 para. 2"
        case .writtenConsentRequired: "PIPL Art. 29"
        case .separateConsentRequired: "PIPL Art. 23, 25, 26, 29, 39; LGPD Art. 11 I, 14 §1, 33 VIII"
        case .legitimateInterests: LegalBasis.legitimateInterests.citation
        case .publicTask: LegalBasis.publicTask.citation
        case .research: LegalBasis.research.citation
        case .legalClaims: LegalBasis.legalClaims.citation
        case .creditProtection: LegalBasis.creditProtection.citation
        case .healthProtection: LegalBasis.healthProtection.citation
        case .childContact: LegalBasis.childContact.citation
        case .disclosedPurpose: LegalBasis.disclosedPurpose.citation
        case .permittedSensitiveUse: "CCPA 1798.121(a); CCPA Regs § 7027(m)"
        case .objectedParticularSituation: "GDPR Art. 21(1); PDPA Sec. 32(1)"
        case .objectedResearch: "GDPR Art. 21(6); PDPA Sec. 32(3)"
        case .optedOutSaleOrSharing: "CCPA 1798.120; CCPA Regs §§ 7025–7026"
        case .sensitiveConditionMissing: "GDPR Art. 9, Art. 10; LGPD Art. 11; PDPA Sec. 26"
        case .explicitConsentRequired: "GDPR Art. 9(2)(a), 22(2)(c), 49(1)(a); PDPA Sec. 26"
        case .bundledConsent: "GDPR Art. 4(11), Art. 7; CCPA 1798.140(h); LGPD Art. 8; PDPA Sec. 19"
        case .twoStepOptInRequired: "CCPA Regs §§ 7001(a), 7028"
        case .verifiedParentalConsentRequired: "CCPA Regs § 7070"
        case .transferInformedConsentRequired: "GDPR Art. 49(1)(a); LGPD Art. 33 VIII; PDPA Sec. 28(2)"
        case .jointConsentRequired: "PDPA Sec. 20(1); France Loi 78-17 Art. 45; LGPD Art. 14 with Civil Code Art. 4"
        case .automatedDecisionNotPermitted: "GDPR Art. 22"
        case .prohibitedMinorProfilingAds: "DSA Art. 28(2); LGPD with the ECA Digital (Lei 15.211/2025)"
        case .prohibitedSensitiveProfilingAds: "DSA Art. 26(3)"
        case .prohibitedHealthDataEconomicAdvantage: "LGPD Art. 11 §4"
        case .prohibitedHealthPlanRiskSelection: "LGPD Art. 11 §5"
        case .transferMechanismMissing: "GDPR Art. 44–46; LGPD Art. 33; PDPA Sec. 28–29"
        case .channelConsentRequired: "ePrivacy Directive Art. 13(1); TCPA 47 CFR 64.1200(a)(2)"
        }
    }

    /// A one-line statement of the rule, for explanations.
    public var summary: String {
        switch base {
        case .consent: "an active consent of sufficient strength covers this use"
        case .contract: "necessary to conclude or perform a contract with the individual"
        case .employment: "necessary for human-resources management"
        case .legalObligation: "necessary to perform a statutory duty or obligation"
        case .vitalInterests: "necessary for a public health emergency or to protect life, health or property"
        case .publicInterest: "news reporting or public-opinion supervision in the public interest"
        case .publiclyDisclosed: "publicly disclosed information, processed within reason"
        case .otherLaw: "a circumstance provided by laws or administrative regulations"
        case .unknownPurpose: "the purpose is not in the policy"
        case .unknownField: "the field is not in the policy"
        case .notDeclared: "the purpose does not declare this field (minimum necessary, notice of categories)"
        case .recipientNotDeclared: "the purpose does not declare this recipient"
        case .destinationNotDeclared: "the purpose does not declare this destination abroad"
        case .channelNotPermitted: "this channel is not permitted for the purpose or the individual refused it"
        case .erased: "the individual's data has been erased; only processing required by law remains"
        case .restricted: "the individual has restricted or refused this processing"
        case .optedOutDirectMarketing: "the individual has opted out of direct marketing"
        case .optedOutThirdPartyDisclosure: "the individual has opted out of provision to third parties"
        case .optedOutAutomatedDecisionMaking: "the individual has refused automated decision-making"
        case .optedOutSensitiveData: "the individual has opted out of the use of sensitive personal information"
        case .noConsent: "no consent covers this purpose and field"
        case .withdrawn: "the consent was withdrawn"
        case .expired: "the consent has expired"
        case .guardianConsentRequired: "the consent was not given by a guardian while one was required"
        case .grantorNotAuthorized: "a guardian consented for an adult who consents personally"
        case .reconsentRequired: "the consent predates a material change of the notice"
        case .recipientNotCovered: "the consent does not cover this recipient"
        case .destinationNotCovered: "the consent does not cover this destination"
        case .writtenConsentRequired: "written consent is required"
        case .separateConsentRequired: "separate consent is required"
        case .legitimateInterests: "necessary for legitimate interests that the individual's interests do not override"
        case .publicTask: "necessary for a task in the public interest or in the exercise of official authority"
        case .research: "research, archives or statistics"
        case .legalClaims: "necessary to establish, exercise or defend legal claims"
        case .creditProtection: "protection of credit"
        case .healthProtection: "health protection by health professionals or authorities"
        case .childContact: "a one-off use of a child's data to contact a parent or to protect the child"
        case .disclosedPurpose: "a purpose disclosed at collection, and no opt-out applies"
        case .permittedSensitiveUse: "a use of sensitive data that the right to limit does not reach"
        case .objectedParticularSituation: "the individual objected, and no compelling grounds were recorded"
        case .objectedResearch: "the individual objected to research"
        case .optedOutSaleOrSharing: "the individual has opted out of sale or sharing"
        case .sensitiveConditionMissing: "sensitive data on a basis without one of the regime's listed conditions"
        case .explicitConsentRequired: "explicit consent is required"
        case .bundledConsent: "the consent was bundled with other matters"
        case .twoStepOptInRequired: "a two-step opt-in is required"
        case .verifiedParentalConsentRequired: "verified parental consent is required"
        case .transferInformedConsentRequired: "consent informed of the transfer and its risks is required"
        case .jointConsentRequired: "the minor and the guardian must both consent"
        case .automatedDecisionNotPermitted: "a solely automated significant decision without an allowed ground"
        case .prohibitedMinorProfilingAds: "advertising based on profiling is prohibited for a minor"
        case .prohibitedSensitiveProfilingAds: "advertising based on profiling with special categories is prohibited"
        case .prohibitedHealthDataEconomicAdvantage: "sharing health data for economic advantage is prohibited"
        case .prohibitedHealthPlanRiskSelection: "health data for health-plan risk selection is prohibited"
        case .transferMechanismMissing: "no transfer mechanism or adequacy decision covers this destination"
        case .channelConsentRequired: "this channel needs a permission the individual has not given"
        }
    }

    /// Whether `prefix` equals the code or a dotted prefix of it by whole segments: `denied.optedOut` matches
    /// `denied.optedOut.directMarketing`, `denied.opted` does not.
    public func matches(prefix: String) -> Bool {
        let code = rawValue
        return code == prefix || (code.hasPrefix(prefix) && code.dropFirst(prefix.count).first == ".")
    }
}
