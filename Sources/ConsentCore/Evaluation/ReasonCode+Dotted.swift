/// The reason codes spelt as their dotted strings: `.denied.optedOut.directMarketing` is
/// `denied.optedOut.directMarketing`, so code reads like the scenario files and logs it is checked against.
///
/// ```swift
/// #expect(decision.reason == .denied.separateConsentRequired)
/// if decision.reason == .allowed.legalBasis.contract { … }
/// ```
///
/// The flat names (``ReasonCode/separateConsentRequired``) stay: both spell the same one-byte value.
extension ReasonCode {
    /// The `allowed.…` codes.
    public static var allowed: AllowedCodes { AllowedCodes() }
    /// The `denied.…` codes.
    public static var denied: DeniedCodes { DeniedCodes() }

    /// The `allowed.…` codes, as members.
    public struct AllowedCodes: Sendable {
        /// `allowed.consent`.
        public var consent: ReasonCode { .allowedByConsent }
        /// `allowed.disclosedPurpose`.
        public var disclosedPurpose: ReasonCode { .allowedByDisclosedPurpose }
        /// The `allowed.legalBasis.…` codes.
        public var legalBasis: AllowedLegalBasisCodes { AllowedLegalBasisCodes() }
        /// `allowed.permittedSensitiveUse`.
        public var permittedSensitiveUse: ReasonCode { .allowedAsPermittedSensitiveUse }
    }

    /// The `allowed.legalBasis.…` codes, as members.
    public struct AllowedLegalBasisCodes: Sendable {
        /// `allowed.legalBasis.childContact`.
        public var childContact: ReasonCode { .allowedByChildContact }
        /// `allowed.legalBasis.contract`.
        public var contract: ReasonCode { .allowedByContract }
        /// `allowed.legalBasis.creditProtection`.
        public var creditProtection: ReasonCode { .allowedByCreditProtection }
        /// `allowed.legalBasis.employment`.
        public var employment: ReasonCode { .allowedByEmployment }
        /// `allowed.legalBasis.healthProtection`.
        public var healthProtection: ReasonCode { .allowedByHealthProtection }
        /// `allowed.legalBasis.legalClaims`.
        public var legalClaims: ReasonCode { .allowedByLegalClaims }
        /// `allowed.legalBasis.legalObligation`.
        public var legalObligation: ReasonCode { .allowedByLegalObligation }
        /// `allowed.legalBasis.legitimateInterests`.
        public var legitimateInterests: ReasonCode { .allowedByLegitimateInterests }
        /// `allowed.legalBasis.otherLaw`.
        public var otherLaw: ReasonCode { .allowedByOtherLaw }
        /// `allowed.legalBasis.publicInterest`.
        public var publicInterest: ReasonCode { .allowedByPublicInterest }
        /// `allowed.legalBasis.publicTask`.
        public var publicTask: ReasonCode { .allowedByPublicTask }
        /// `allowed.legalBasis.publiclyDisclosed`.
        public var publiclyDisclosed: ReasonCode { .allowedByPubliclyDisclosed }
        /// `allowed.legalBasis.research`.
        public var research: ReasonCode { .allowedByResearch }
        /// `allowed.legalBasis.vitalInterests`.
        public var vitalInterests: ReasonCode { .allowedByVitalInterests }
    }

    /// The `denied.…` codes, as members.
    public struct DeniedCodes: Sendable {
        /// `denied.automatedDecisionNotPermitted`.
        public var automatedDecisionNotPermitted: ReasonCode { .automatedDecisionNotPermitted }
        /// `denied.bundledConsent`.
        public var bundledConsent: ReasonCode { .bundledConsent }
        /// `denied.channelConsentRequired`.
        public var channelConsentRequired: ReasonCode { .channelConsentRequired }
        /// `denied.channelNotPermitted`.
        public var channelNotPermitted: ReasonCode { .channelNotPermitted }
        /// `denied.destinationNotCovered`.
        public var destinationNotCovered: ReasonCode { .destinationNotCovered }
        /// `denied.destinationNotDeclared`.
        public var destinationNotDeclared: ReasonCode { .destinationNotDeclared }
        /// `denied.erased`.
        public var erased: ReasonCode { .erased }
        /// `denied.expired`.
        public var expired: ReasonCode { .expired }
        /// `denied.explicitConsentRequired`.
        public var explicitConsentRequired: ReasonCode { .explicitConsentRequired }
        /// `denied.grantorNotAuthorized`.
        public var grantorNotAuthorized: ReasonCode { .grantorNotAuthorized }
        /// `denied.guardianConsentRequired`.
        public var guardianConsentRequired: ReasonCode { .guardianConsentRequired }
        /// `denied.jointConsentRequired`.
        public var jointConsentRequired: ReasonCode { .jointConsentRequired }
        /// `denied.noConsent`.
        public var noConsent: ReasonCode { .noConsent }
        /// `denied.notDeclared`.
        public var notDeclared: ReasonCode { .notDeclared }
        /// The `denied.objected.…` codes.
        public var objected: DeniedObjectedCodes { DeniedObjectedCodes() }
        /// The `denied.optedOut.…` codes.
        public var optedOut: DeniedOptedOutCodes { DeniedOptedOutCodes() }
        /// The `denied.prohibited.…` codes.
        public var prohibited: DeniedProhibitedCodes { DeniedProhibitedCodes() }
        /// `denied.recipientNotCovered`.
        public var recipientNotCovered: ReasonCode { .recipientNotCovered }
        /// `denied.recipientNotDeclared`.
        public var recipientNotDeclared: ReasonCode { .recipientNotDeclared }
        /// `denied.reconsentRequired`.
        public var reconsentRequired: ReasonCode { .reconsentRequired }
        /// `denied.restricted`.
        public var restricted: ReasonCode { .restricted }
        /// `denied.sensitiveConditionMissing`.
        public var sensitiveConditionMissing: ReasonCode { .sensitiveConditionMissing }
        /// `denied.separateConsentRequired`.
        public var separateConsentRequired: ReasonCode { .separateConsentRequired }
        /// `denied.transferInformedConsentRequired`.
        public var transferInformedConsentRequired: ReasonCode { .transferInformedConsentRequired }
        /// `denied.transferMechanismMissing`.
        public var transferMechanismMissing: ReasonCode { .transferMechanismMissing }
        /// `denied.twoStepOptInRequired`.
        public var twoStepOptInRequired: ReasonCode { .twoStepOptInRequired }
        /// `denied.unknownField`.
        public var unknownField: ReasonCode { .unknownField }
        /// `denied.unknownPurpose`.
        public var unknownPurpose: ReasonCode { .unknownPurpose }
        /// `denied.verifiedParentalConsentRequired`.
        public var verifiedParentalConsentRequired: ReasonCode { .verifiedParentalConsentRequired }
        /// `denied.withdrawn`.
        public var withdrawn: ReasonCode { .withdrawn }
        /// `denied.writtenConsentRequired`.
        public var writtenConsentRequired: ReasonCode { .writtenConsentRequired }
    }

    /// The `denied.objected.…` codes, as members.
    public struct DeniedObjectedCodes: Sendable {
        /// `denied.objected.particularSituation`.
        public var particularSituation: ReasonCode { .objectedOnParticularSituation }
        /// `denied.objected.research`.
        public var research: ReasonCode { .objectedToResearch }
    }

    /// The `denied.optedOut.…` codes, as members.
    public struct DeniedOptedOutCodes: Sendable {
        /// `denied.optedOut.automatedDecisionMaking`.
        public var automatedDecisionMaking: ReasonCode { .optedOutOfAutomatedDecisionMaking }
        /// `denied.optedOut.directMarketing`.
        public var directMarketing: ReasonCode { .optedOutOfDirectMarketing }
        /// `denied.optedOut.saleOrSharing`.
        public var saleOrSharing: ReasonCode { .optedOutOfSaleOrSharing }
        /// `denied.optedOut.sensitiveData`.
        public var sensitiveData: ReasonCode { .optedOutOfSensitiveData }
        /// `denied.optedOut.thirdPartyDisclosure`.
        public var thirdPartyDisclosure: ReasonCode { .optedOutOfThirdPartyDisclosure }
    }

    /// The `denied.prohibited.…` codes, as members.
    public struct DeniedProhibitedCodes: Sendable {
        /// `denied.prohibited.healthDataEconomicAdvantage`.
        public var healthDataEconomicAdvantage: ReasonCode { .prohibitedHealthDataEconomicAdvantage }
        /// `denied.prohibited.healthPlanRiskSelection`.
        public var healthPlanRiskSelection: ReasonCode { .prohibitedHealthPlanRiskSelection }
        /// `denied.prohibited.minorProfilingAds`.
        public var minorProfilingAds: ReasonCode { .prohibitedMinorProfilingAds }
        /// `denied.prohibited.sensitiveProfilingAds`.
        public var sensitiveProfilingAds: ReasonCode { .prohibitedSensitiveProfilingAds }
    }
}
