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
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Every reason code, allowed ones first, in the order of DecisionModel.md.
    public static let allCases: [ReasonCode] = Base.allCases.map(ReasonCode.init)

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
        }
    }

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

    /// The opt-out code of a kind.
    public static func optedOut(of kind: OptOutKind) -> ReasonCode {
        switch kind {
        case .directMarketing: .optedOutOfDirectMarketing
        case .thirdPartyDisclosure: .optedOutOfThirdPartyDisclosure
        case .automatedDecisionMaking: .optedOutOfAutomatedDecisionMaking
        case .sensitiveData: .optedOutOfSensitiveData
        }
    }

    // MARK: Properties

    /// Allow or deny.
    public var effect: Effect { base.rawValue <= Base.otherLaw.rawValue ? .allow : .deny }

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
        case .separateConsentRequired: "PIPL Art. 23, 25, 26, 29, 39"
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
        }
    }

    /// Whether `prefix` equals the code or a dotted prefix of it by whole segments: `denied.optedOut` matches
    /// `denied.optedOut.directMarketing`, `denied.opted` does not.
    public func matches(prefix: String) -> Bool {
        let code = rawValue
        return code == prefix || (code.hasPrefix(prefix) && code.dropFirst(prefix.count).first == ".")
    }
}
