// The built-in profiles. Every value here is a rule of Regimes.md (the documentation), which gives its article;
// a change here is a change of a decision and belongs in the CHANGELOG.

extension RegimeProfile {
    /// The four bases an opt-out binds where the regime does not say otherwise.
    private static let four = OptOutRule.unrequiredBases
    /// The four bases plus `contract` and `employment`: what an automated-decision opt-out binds.
    private static let fourAndContract = four.union([.contract, .employment])

    /// The bases of a list that are not mandatory.
    private static func nonMandatory(_ bases: Set<LegalBasis>) -> Set<LegalBasis> {
        bases.filter { !$0.isMandatory }
    }

    private static let mandatory: Set<LegalBasis> = [.legalObligation, .vitalInterests, .legalClaims]

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        CalendarDate(year: year, month: month, day: day)!
    }

    /// PIPL as DecisionModel.md has it since v1.
    static let pipl: RegimeProfile = {
        let bases: Set<LegalBasis> = [
            .consent, .contract, .employment, .legalObligation, .vitalInterests, .publicInterest, .publiclyDisclosed,
            .otherLaw,
        ]
        return RegimeProfile(
            id: "PIPL", base: "PIPL", law: "PIPL", territory: ["CN"], bases: bases,
            age: AgeRule(zone: nil, reachedOn: nil, leapDay: .february28, majority: 18, emancipation: false),
            ageBands: [
                AgeBand(
                    below: nil, scope: .consentBased, grantors: .guardian,
                    convertsBases: [.contract, .employment, .publiclyDisclosed], dataSensitive: true)
            ],
            sensitive: SensitiveDataRules(categories: nil, model: .anyBasis),
            consent: ConsentRules(
                baseline: [.affirmative], sensitive: [.separate], thirdParty: [.separate],
                publicDisclosure: [.separate], crossBorderPurpose: [.separate], surveillanceImages: [.separate],
                guardianGrantSurvivesMajority: true),
            optOuts: [
                .directMarketing: OptOutRule(match: .marketing, binds: [.consent, .publiclyDisclosed]),
                .thirdPartyDisclosure: OptOutRule(match: .providesToOthers, binds: [.consent, .publiclyDisclosed]),
                .automatedDecisionMaking: OptOutRule(
                    match: .automatedDecision, binds: [.consent, .publiclyDisclosed, .contract, .employment]),
                .sensitiveData: OptOutRule(match: .sensitive, binds: [.consent, .publiclyDisclosed]),
            ],
            objections: [:],
            restriction: RestrictionRule(binds: nonMandatory(bases), liftedByLaterGrant: false),
            erasureSurvivors: [.legalObligation], automatedDecision: .refusalRight, prohibitions: [],
            transfers: TransferRules(
                mechanisms: [.securityAssessment, .certification, .standardContract, .otherLaw],
                checkedAtDecision: true),
            channels: [:])
    }()

    /// The EEA: the EU 27 plus Iceland, Liechtenstein and Norway.
    static let eea: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
    ]

    /// The GDPR with one state's Art. 8 age and capital's zone (the base `GDPR`: 16, Brussels).
    static func gdpr(id: String, zone: String, age: Int, joint: Bool) -> RegimeProfile {
        let bases: Set<LegalBasis> = [
            .consent, .contract, .legalObligation, .vitalInterests, .publicTask, .legitimateInterests, .legalClaims,
        ]
        return RegimeProfile(
            id: id, base: "GDPR", law: "GDPR", territory: eea, bases: bases,
            age: AgeRule(zone: zone, reachedOn: .birthday, leapDay: .march1, majority: age, emancipation: false),
            ageBands: [
                AgeBand(below: age, scope: .informationSocietyService, grantors: joint ? .joint : .guardian)
            ],
            sensitive: SensitiveDataRules(
                categories: [
                    .biometric, .genetic, .religiousBelief, .philosophicalBelief, .politicalOpinion, .tradeUnion,
                    .racialEthnicOrigin, .sexLife, .sexualOrientation, .medicalHealth,
                ],
                model: .listedConditions,
                conditions: [
                    .employmentSocialSecurity, .vitalInterests, .notForProfitMembers, .manifestlyPublic, .legalClaims,
                    .substantialPublicInterest, .healthCare, .publicHealth, .research,
                ],
                lawOnly: [.criminalRecord]),
            consent: ConsentRules(
                baseline: [.affirmative, .unbundled], sensitive: [.explicit], automatedSignificant: [.explicit],
                guardianGrantSurvivesMajority: true),
            optOuts: [
                .directMarketing: OptOutRule(match: .marketing, binds: nonMandatory(bases)),
                .thirdPartyDisclosure: OptOutRule(match: .providesToOthers, binds: four),
                .saleOrSharing: OptOutRule(match: .saleOrSharing, binds: four),
                .sensitiveData: OptOutRule(match: .sensitive, binds: four),
                .automatedDecisionMaking: OptOutRule(match: .automatedDecision, binds: fourAndContract),
            ],
            objections: [
                .particularSituation: [.publicTask, .legitimateInterests],
                .research: [.publicTask, .legitimateInterests],
            ],
            restriction: RestrictionRule(binds: nonMandatory(bases), liftedByLaterGrant: true),
            erasureSurvivors: mandatory, automatedDecision: .prohibitionWithExceptions,
            prohibitions: [
                Prohibition(
                    reason: .prohibitedMinorProfilingAds, purposeFlag: .profilingAds, onlinePlatformOnly: true,
                    minorBelow: 18),
                Prohibition(
                    reason: .prohibitedSensitiveProfilingAds, purposeFlag: .profilingAds, onlinePlatformOnly: true,
                    sensitiveFieldsOnly: true),
            ],
            transfers: TransferRules(
                mechanisms: [
                    .adequacy, .sccs, .bcrs, .codeOfConduct, .certification, .derogationConsent, .derogationContract,
                ],
                consentRoutes: [.derogationConsent: [.transferInformed, .explicit]],
                adequacy: [
                    DatedDestinations([
                        "AD", "AR", "CA", "FO", "GG", "IL", "IM", "JE", "NZ", "CH", "UY",
                    ]),
                    DatedDestinations(["JP"], effectiveFrom: date(2019, 1, 23)),
                    DatedDestinations(["GB"], effectiveFrom: date(2021, 6, 28)),
                    DatedDestinations(["KR"], effectiveFrom: date(2021, 12, 17)),
                    // Privacy Shield until Schrems II; the Data Privacy Framework (certified recipients) since.
                    DatedDestinations(["US"], effectiveFrom: date(2016, 8, 1), effectiveUntil: date(2020, 7, 16)),
                    DatedDestinations(["US"], effectiveFrom: date(2023, 7, 10)),
                ],
                checkedAtDecision: true),
            channels: [
                .email: .softOptIn(bases: [.legitimateInterests]), .sms: .softOptIn(bases: [.legitimateInterests]),
            ])
    }

    /// The CCPA as amended by the CPRA, with the CCPA Regulations, the TCPA and CAN-SPAM.
    static let ccpa: RegimeProfile = {
        let bases: Set<LegalBasis> = [.disclosedPurpose, .consent, .legalObligation, .legalClaims]
        return RegimeProfile(
            id: "CCPA", base: "CCPA", law: "CCPA", territory: [], bases: bases,
            age: AgeRule(
                zone: "America/Los_Angeles", reachedOn: .birthday, leapDay: .march1, majority: 18, emancipation: false),
            ageBands: [
                AgeBand(
                    below: 13, scope: .saleOrSharing, grantors: .guardian, extraAttributes: [.verifiedParental],
                    convertsBases: [.disclosedPurpose]),
                AgeBand(
                    below: 16, scope: .saleOrSharing, grantors: .subject, extraAttributes: [.twoStep],
                    convertsBases: [.disclosedPurpose]),
            ],
            sensitive: SensitiveDataRules(
                categories: [
                    .biometric, .genetic, .religiousBelief, .philosophicalBelief, .tradeUnion, .racialEthnicOrigin,
                    // Every financial-account field: an account number is sensitive with its credentials, which
                    // ConsentKit cannot see together, so it fails closed (Regimes.md §16.14).
                    .sexLife, .sexualOrientation, .medicalHealth, .financialAccount, .accountCredentials,
                    .whereaboutsPreciseLocation, .whereaboutsTrack, .identityDocument,
                    CategoryID("communications.content"), .citizenshipImmigration, .neural,
                ],
                model: .limitRight),
            consent: ConsentRules(baseline: [.affirmative, .unbundled], guardianGrantSurvivesMajority: false),
            optOuts: [
                .directMarketing: OptOutRule(match: .marketing, binds: four),
                .thirdPartyDisclosure: OptOutRule(match: .providesToThirdParties, binds: four),
                .saleOrSharing: OptOutRule(match: .saleOrSharing, binds: [.disclosedPurpose, .consent]),
                .sensitiveData: OptOutRule(match: .sensitiveOutsidePermittedUses, binds: four),
                .automatedDecisionMaking: OptOutRule(
                    match: .significantAutomatedDecisionWithoutAppeal, binds: fourAndContract,
                    effectiveFrom: date(2027, 1, 1)),
            ],
            objections: [:],
            restriction: RestrictionRule(binds: four, liftedByLaterGrant: false),
            erasureSurvivors: mandatory, automatedDecision: .optOut, prohibitions: [],
            transfers: TransferRules(mechanisms: [], checkedAtDecision: false),
            channels: [.sms: .writtenGrantForMarketing, .phone: .writtenGrantForMarketing],
            businessOptInWaitMonths: 12)
    }()

    /// Brazil's LGPD with the ECA Digital.
    static let lgpd: RegimeProfile = {
        let bases: Set<LegalBasis> = [
            .consent, .legalObligation, .publicTask, .research, .contract, .legalClaims, .vitalInterests,
            .healthProtection, .legitimateInterests, .creditProtection, .publiclyDisclosed, .childContact,
        ]
        return RegimeProfile(
            id: "LGPD", base: "LGPD", law: "LGPD", territory: ["BR"], bases: bases,
            age: AgeRule(
                zone: "America/Sao_Paulo", reachedOn: .birthday, leapDay: .march1, majority: 18, emancipation: true),
            ageBands: [
                AgeBand(below: 12, scope: .consentBased, grantors: .guardian, extraAttributes: [.separate]),
                AgeBand(below: 16, scope: .consentBased, grantors: .guardian),
                AgeBand(below: 18, scope: .consentBased, grantors: .joint),
            ],
            sensitive: SensitiveDataRules(
                categories: [
                    .racialEthnicOrigin, .religiousBelief, .politicalOpinion, .tradeUnion, .philosophicalBelief,
                    .medicalHealth, .sexLife, .sexualOrientation, .genetic, .biometric,
                ],
                model: .listedConditions,
                conditions: [
                    .legalObligation, .publicTask, .research, .legalClaims, .vitalInterests, .healthProtection,
                    .fraudPrevention,
                ]),
            consent: ConsentRules(
                baseline: [.affirmative, .unbundled], sensitive: [.separate], controllerSharing: [.separate],
                guardianGrantSurvivesMajority: false),
            optOuts: [
                .directMarketing: OptOutRule(match: .marketing, binds: [.consent, .legitimateInterests]),
                .thirdPartyDisclosure: OptOutRule(match: .providesToOthers, binds: four),
                .saleOrSharing: OptOutRule(match: .saleOrSharing, binds: four),
                .sensitiveData: OptOutRule(match: .sensitive, binds: four),
                .automatedDecisionMaking: OptOutRule(match: .automatedDecision, binds: fourAndContract),
            ],
            objections: [:],
            restriction: RestrictionRule(binds: nonMandatory(bases), liftedByLaterGrant: false),
            erasureSurvivors: mandatory, automatedDecision: .reviewOnly,
            prohibitions: [
                Prohibition(
                    reason: .prohibitedHealthDataEconomicAdvantage, purposeFlag: .healthEconomicAdvantage,
                    categories: [.medicalHealth]),
                Prohibition(
                    reason: .prohibitedHealthPlanRiskSelection, purposeFlag: .healthPlanRiskSelection,
                    categories: [.medicalHealth]),
                Prohibition(
                    reason: .prohibitedMinorProfilingAds, purposeFlag: .profilingAds, minorBelow: 18,
                    effectiveFrom: date(2026, 3, 17)),
            ],
            transfers: TransferRules(
                mechanisms: [.adequacy, .sccs, .bcrs, .specificConsent],
                consentRoutes: [.specificConsent: [.transferInformed, .separate]], adequacy: [],
                checkedAtDecision: true),
            channels: [:])
    }()

    /// Thailand's PDPA.
    static let pdpaTH: RegimeProfile = {
        let bases: Set<LegalBasis> = [
            .consent, .research, .vitalInterests, .contract, .publicTask, .legitimateInterests, .legalObligation,
        ]
        return RegimeProfile(
            id: "PDPA-TH", base: "PDPA-TH", law: "PDPA", territory: ["TH"], bases: bases,
            age: AgeRule(
                zone: "Asia/Bangkok", reachedOn: .birthday, leapDay: .march1, majority: 20, emancipation: true),
            ageBands: [
                AgeBand(below: 10, scope: .consentBased, grantors: .guardian),
                AgeBand(below: 20, scope: .consentBasedUnlessMinorMayConsentAlone, grantors: .joint),
            ],
            sensitive: SensitiveDataRules(
                categories: [
                    .racialEthnicOrigin, .politicalOpinion, .philosophicalBelief, .religiousBelief, .sexLife,
                    .sexualOrientation, .criminalRecord, .medicalHealth, .tradeUnion, .genetic, .biometric,
                ],
                model: .listedConditions,
                conditions: [
                    .vitalInterests, .notForProfitMembers, .manifestlyPublic, .legalClaims, .healthCare, .publicHealth,
                    .employmentSocialSecurity, .research, .substantialPublicInterest,
                ]),
            consent: ConsentRules(
                baseline: [.affirmative, .unbundled], sensitive: [.explicit], guardianGrantSurvivesMajority: false),
            optOuts: [
                .directMarketing: OptOutRule(match: .marketing, binds: nonMandatory(bases)),
                .thirdPartyDisclosure: OptOutRule(match: .providesToOthers, binds: four),
                .saleOrSharing: OptOutRule(match: .saleOrSharing, binds: four),
                .sensitiveData: OptOutRule(match: .sensitive, binds: four),
                .automatedDecisionMaking: OptOutRule(match: .automatedDecision, binds: fourAndContract),
            ],
            objections: [.particularSituation: [.publicTask, .legitimateInterests], .research: [.research]],
            restriction: RestrictionRule(binds: nonMandatory(bases), liftedByLaterGrant: false),
            erasureSurvivors: mandatory, automatedDecision: .none, prohibitions: [],
            transfers: TransferRules(
                mechanisms: [.adequacy, .safeguards, .consentRoute, .contract],
                consentRoutes: [.consentRoute: [.transferInformed]], adequacy: [], checkedAtDecision: true),
            channels: [:])
    }()
}
