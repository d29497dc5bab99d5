extension ReasonCode {
    /// The provisions the code rests on under one regime: the regime's own articles for the steps every regime
    /// shares (consent, withdrawal, erasure, age), and ``citation`` where the code is one law's or where the regime
    /// adds nothing of its own.
    public func citation(under regime: Regime) -> String {
        let law = regime.profile.law
        return Self.citations[law]?[self] ?? citation
    }

    private static let citations: [String: [ReasonCode: String]] = [
        "GDPR": [
            .allowedByConsent: "GDPR Art. 6(1)(a), Art. 7", .allowedByContract: "GDPR Art. 6(1)(b)",
            .allowedByLegalObligation: "GDPR Art. 6(1)(c)", .allowedByVitalInterests: "GDPR Art. 6(1)(d)",
            .allowedByPublicTask: "GDPR Art. 6(1)(e)", .allowedByLegitimateInterests: "GDPR Art. 6(1)(f)",
            .allowedByLegalClaims: "GDPR Art. 9(2)(f), Art. 17(3)(e)",
            .notDeclared: "GDPR Art. 5(1)(b)–(c), Art. 13(1)(c)", .recipientNotDeclared: "GDPR Art. 13(1)(e)",
            .recipientNotCovered: "GDPR Art. 7(2), Art. 13(1)(e)", .destinationNotDeclared: "GDPR Art. 13(1)(f)",
            .destinationNotCovered: "GDPR Art. 49(1)(a)", .channelNotPermitted: "GDPR Art. 21(3); ePrivacy Art. 13",
            .erased: "GDPR Art. 17", .restricted: "GDPR Art. 18", .optedOutOfDirectMarketing: "GDPR Art. 21(2)–(3)",
            .optedOutOfThirdPartyDisclosure: "GDPR Art. 7(3), Art. 21",
            .optedOutOfSensitiveData: "GDPR Art. 7(3), Art. 9",
            .optedOutOfAutomatedDecisionMaking: "GDPR Art. 21, Art. 22", .noConsent: "GDPR Art. 6(1)(a)",
            .withdrawn: "GDPR Art. 7(3)", .expired: "GDPR Art. 7(1)", .guardianConsentRequired: "GDPR Art. 8(1)",
            .grantorNotAuthorized: "GDPR Art. 8(1)", .reconsentRequired: "GDPR Art. 5(1)(b), Art. 6(4)",
        ],
        "CCPA": [
            .allowedByConsent: "CCPA 1798.120(c), 1798.140(h)", .allowedByLegalObligation: "CCPA 1798.145(a)(1)",
            .notDeclared: "CCPA 1798.100(a)–(c)", .recipientNotDeclared: "CCPA 1798.100(a)(1), 1798.115",
            .channelNotPermitted: "15 U.S.C. 7704 (CAN-SPAM)", .erased: "CCPA 1798.105",
            .restricted: "CCPA 1798.120 (a restriction the business offered)",
            .optedOutOfDirectMarketing: "CCPA 1798.120 (an opt-out the business offered)",
            .optedOutOfThirdPartyDisclosure: "CCPA 1798.120, 1798.135", .optedOutOfSensitiveData: "CCPA 1798.121",
            .optedOutOfAutomatedDecisionMaking: "CCPA Regs (automated decision-making technology)",
            .noConsent: "CCPA 1798.120(c), 1798.140(h)", .withdrawn: "CCPA 1798.120, 1798.135",
            .expired: "CCPA 1798.140(h)", .guardianConsentRequired: "CCPA 1798.120(c); CCPA Regs § 7070",
            .grantorNotAuthorized: "CCPA 1798.120(c); CCPA Regs §§ 7070–7071",
            .reconsentRequired: "CCPA 1798.100(a)(1)", .writtenConsentRequired: "TCPA 47 CFR 64.1200(a)(2)",
        ],
        "LGPD": [
            .allowedByConsent: "LGPD Art. 7 I, Art. 8", .allowedByContract: "LGPD Art. 7 V",
            .allowedByLegalObligation: "LGPD Art. 7 II", .allowedByVitalInterests: "LGPD Art. 7 VII",
            .allowedByPublicTask: "LGPD Art. 7 III", .allowedByPubliclyDisclosed: "LGPD Art. 7 §4",
            .allowedByLegitimateInterests: "LGPD Art. 7 IX, Art. 10", .allowedByLegalClaims: "LGPD Art. 7 VI",
            .notDeclared: "LGPD Art. 6 I–III, Art. 9", .recipientNotDeclared: "LGPD Art. 9 V",
            .recipientNotCovered: "LGPD Art. 7 §5", .destinationNotDeclared: "LGPD Art. 33",
            .destinationNotCovered: "LGPD Art. 33 VIII", .erased: "LGPD Art. 16, Art. 18 VI",
            .restricted: "LGPD Art. 18 IV", .optedOutOfDirectMarketing: "LGPD Art. 18 §2, Art. 10",
            .optedOutOfThirdPartyDisclosure: "LGPD Art. 8 §5, Art. 18", .optedOutOfSensitiveData: "LGPD Art. 8 §5",
            .optedOutOfAutomatedDecisionMaking: "LGPD Art. 8 §5, Art. 20", .noConsent: "LGPD Art. 7 I",
            .withdrawn: "LGPD Art. 8 §5", .expired: "LGPD Art. 8", .guardianConsentRequired: "LGPD Art. 14 §1",
            .grantorNotAuthorized: "LGPD Art. 14", .reconsentRequired: "LGPD Art. 8 §6, Art. 9 §2",
        ],
        "PDPA": [
            .allowedByConsent: "PDPA Sec. 19", .allowedByContract: "PDPA Sec. 24(3)",
            .allowedByLegalObligation: "PDPA Sec. 24(6)", .allowedByVitalInterests: "PDPA Sec. 24(2)",
            .allowedByPublicTask: "PDPA Sec. 24(4)", .allowedByLegitimateInterests: "PDPA Sec. 24(5)",
            .allowedByResearch: "PDPA Sec. 24(1)", .notDeclared: "PDPA Sec. 21, Sec. 23",
            .recipientNotDeclared: "PDPA Sec. 23(4)", .destinationNotDeclared: "PDPA Sec. 28",
            .destinationNotCovered: "PDPA Sec. 28(2)", .erased: "PDPA Sec. 33", .restricted: "PDPA Sec. 34",
            .optedOutOfDirectMarketing: "PDPA Sec. 32(2)", .optedOutOfThirdPartyDisclosure: "PDPA Sec. 19, Sec. 32",
            .optedOutOfSensitiveData: "PDPA Sec. 19, Sec. 26", .optedOutOfAutomatedDecisionMaking: "PDPA Sec. 32",
            .noConsent: "PDPA Sec. 19", .withdrawn: "PDPA Sec. 19 para. 5", .expired: "PDPA Sec. 19",
            .guardianConsentRequired: "PDPA Sec. 20", .grantorNotAuthorized: "PDPA Sec. 20",
            .reconsentRequired: "PDPA Sec. 21",
        ],
    ]
}
