extension DataCategory {
    /// The built-in categories of the PIPL regime (DecisionModel.md), sensitive ones per Art. 28 with the
    /// examples of GB/T 35273-2020 Annex B. Every policy of the regime starts from these.
    public static let pipl: [DataCategory] = {
        let sensitive: [(String, [String])] = [
            ("biometric", ["face", "fingerprint", "iris", "voiceprint", "gene"]),
            ("religiousBelief", []), ("specificIdentity", []), ("medicalHealth", []),
            ("financialAccount", ["bankCard", "paymentAccount", "credit"]),
            ("whereabouts", ["track", "preciseLocation"]),
            ("identityDocument", ["nationalId", "passport", "driverLicense"]),
            ("communications", ["records", "content"]), ("browsingHistory", []), ("transactionRecord", []),
        ]
        let ordinary: [(String, [String])] = [
            ("identity", ["name", "customerNumber"]), ("contact", ["email", "phone", "address", "wechat"]),
            ("demographic", ["gender", "birthDate", "ageBand"]), ("device", ["id", "advertisingId"]),
            ("behaviour", ["productViews", "cart", "clicks"]), ("preference", ["interests", "subscriptions"]),
            ("purchase", ["history"]), ("feedback", ["reviews", "likes"]),
        ]
        func expand(_ table: [(String, [String])], sensitive: Bool) -> [DataCategory] {
            table.flatMap { root, children in
                [DataCategory(CategoryID(root), sensitive: sensitive)]
                    + children.map { DataCategory(CategoryID(root + "." + $0)) }
            }
        }
        return expand(sensitive, sensitive: true) + expand(ordinary, sensitive: false)
    }()

    /// The categories the regimes beyond PIPL added: built in for a policy that lists one of those regimes, and
    /// flagged as PIPL sees them (genetic data, sex life, criminal records and account credentials are sensitive
    /// there too). A PIPL-only policy does not get them, so v1 policies that declared these ids themselves load
    /// and decide as before.
    public static let regimesExtension: [DataCategory] = {
        let sensitive = ["genetic", "sexLife", "sexualOrientation", "criminalRecord", "accountCredentials"]
        let ordinary = [
            "philosophicalBelief", "politicalOpinion", "tradeUnion", "racialEthnicOrigin", "citizenshipImmigration",
            "neural",
        ]
        return sensitive.map { DataCategory(CategoryID($0), sensitive: true) }
            + [DataCategory(CategoryID("medicalHealth.disability"))]
            + ordinary.map { DataCategory(CategoryID($0), sensitive: false) }
    }()

    /// The sensitive kind that a built-in root category stands for, or `nil` for roots that are not sensitive.
    static func piplSensitiveKind(ofRoot root: CategoryID) -> SensitiveKind? {
        switch root.rawValue {
        case "biometric": .biometric
        case "religiousBelief": .religiousBelief
        case "specificIdentity": .specificIdentity
        case "medicalHealth": .medicalHealth
        case "financialAccount": .financialAccount
        case "whereabouts": .whereabouts
        case "identityDocument": .identityDocument
        case "communications": .communications
        case "browsingHistory": .browsingHistory
        case "transactionRecord": .transactionRecord
        case "genetic": .genetic
        case "sexLife", "sexualOrientation": .sexLife
        case "criminalRecord": .criminalRecord
        case "accountCredentials": .accountCredentials
        default: nil
        }
    }
}

extension CategoryID {
    /// `biometric` (sensitive, Art. 28).
    public static let biometric = CategoryID("biometric")
    /// `biometric.face`.
    public static let biometricFace = CategoryID("biometric.face")
    /// `biometric.fingerprint`.
    public static let biometricFingerprint = CategoryID("biometric.fingerprint")
    /// `religiousBelief` (sensitive, Art. 28).
    public static let religiousBelief = CategoryID("religiousBelief")
    /// `specificIdentity` (sensitive, Art. 28).
    public static let specificIdentity = CategoryID("specificIdentity")
    /// `medicalHealth` (sensitive, Art. 28).
    public static let medicalHealth = CategoryID("medicalHealth")
    /// `financialAccount` (sensitive, Art. 28).
    public static let financialAccount = CategoryID("financialAccount")
    /// `financialAccount.bankCard`.
    public static let financialAccountBankCard = CategoryID("financialAccount.bankCard")
    /// `financialAccount.paymentAccount`.
    public static let financialAccountPaymentAccount = CategoryID("financialAccount.paymentAccount")
    /// `whereabouts` (sensitive, Art. 28).
    public static let whereabouts = CategoryID("whereabouts")
    /// `whereabouts.preciseLocation`.
    public static let whereaboutsPreciseLocation = CategoryID("whereabouts.preciseLocation")
    /// `identityDocument` (sensitive, GB/T 35273-2020 Annex B).
    public static let identityDocument = CategoryID("identityDocument")
    /// `identityDocument.nationalId`.
    public static let identityDocumentNationalId = CategoryID("identityDocument.nationalId")
    /// `transactionRecord` (sensitive, GB/T 35273-2020 Annex B).
    public static let transactionRecord = CategoryID("transactionRecord")
    /// `identity.name`.
    public static let identityName = CategoryID("identity.name")
    /// `identity.customerNumber`.
    public static let identityCustomerNumber = CategoryID("identity.customerNumber")
    /// `contact` (not sensitive).
    public static let contact = CategoryID("contact")
    /// `contact.email`.
    public static let contactEmail = CategoryID("contact.email")
    /// `contact.phone`.
    public static let contactPhone = CategoryID("contact.phone")
    /// `contact.address`.
    public static let contactAddress = CategoryID("contact.address")
    /// `contact.wechat`.
    public static let contactWechat = CategoryID("contact.wechat")
    /// `demographic.gender`.
    public static let demographicGender = CategoryID("demographic.gender")
    /// `demographic.birthDate`.
    public static let demographicBirthDate = CategoryID("demographic.birthDate")
    /// `device.id`.
    public static let deviceID = CategoryID("device.id")
    /// `device.advertisingId`.
    public static let deviceAdvertisingID = CategoryID("device.advertisingId")
    /// `behaviour` (not sensitive).
    public static let behaviour = CategoryID("behaviour")
    /// `behaviour.productViews`.
    public static let behaviourProductViews = CategoryID("behaviour.productViews")
    /// `preference` (not sensitive).
    public static let preference = CategoryID("preference")
    /// `preference.interests`.
    public static let preferenceInterests = CategoryID("preference.interests")
    /// `purchase` (not sensitive).
    public static let purchase = CategoryID("purchase")
    /// `purchase.history`.
    public static let purchaseHistory = CategoryID("purchase.history")
    /// `whereabouts.track`.
    public static let whereaboutsTrack = CategoryID("whereabouts.track")
    /// `genetic` (sensitive in every regime).
    public static let genetic = CategoryID("genetic")
    /// `medicalHealth.disability`.
    public static let medicalHealthDisability = CategoryID("medicalHealth.disability")
    /// `philosophicalBelief` (sensitive outside PIPL).
    public static let philosophicalBelief = CategoryID("philosophicalBelief")
    /// `politicalOpinion` (sensitive in GDPR, LGPD and PDPA).
    public static let politicalOpinion = CategoryID("politicalOpinion")
    /// `tradeUnion` (sensitive outside PIPL).
    public static let tradeUnion = CategoryID("tradeUnion")
    /// `racialEthnicOrigin` (sensitive outside PIPL; in PIPL the policy decides).
    public static let racialEthnicOrigin = CategoryID("racialEthnicOrigin")
    /// `sexLife` (sensitive in every regime).
    public static let sexLife = CategoryID("sexLife")
    /// `sexualOrientation` (sensitive in every regime).
    public static let sexualOrientation = CategoryID("sexualOrientation")
    /// `criminalRecord` (sensitive in PIPL and PDPA; law only under GDPR Art. 10).
    public static let criminalRecord = CategoryID("criminalRecord")
    /// `accountCredentials` (sensitive in PIPL and CCPA).
    public static let accountCredentials = CategoryID("accountCredentials")
    /// `citizenshipImmigration` (sensitive in CCPA).
    public static let citizenshipImmigration = CategoryID("citizenshipImmigration")
    /// `neural` (sensitive in CCPA).
    public static let neural = CategoryID("neural")
    /// `biometric.iris`.
    public static let biometricIris = CategoryID("biometric.iris")
    /// `biometric.voiceprint`.
    public static let biometricVoiceprint = CategoryID("biometric.voiceprint")
    /// `biometric.gene`.
    public static let biometricGene = CategoryID("biometric.gene")
    /// `financialAccount.credit`.
    public static let financialAccountCredit = CategoryID("financialAccount.credit")
    /// `identityDocument.passport`.
    public static let identityDocumentPassport = CategoryID("identityDocument.passport")
    /// `identityDocument.driverLicense`.
    public static let identityDocumentDriverLicense = CategoryID("identityDocument.driverLicense")
    /// `communications`.
    public static let communications = CategoryID("communications")
    /// `communications.records`.
    public static let communicationsRecords = CategoryID("communications.records")
    /// `communications.content`.
    public static let communicationsContent = CategoryID("communications.content")
    /// `browsingHistory`.
    public static let browsingHistory = CategoryID("browsingHistory")
    /// `identity`.
    public static let identity = CategoryID("identity")
    /// `demographic`.
    public static let demographic = CategoryID("demographic")
    /// `demographic.ageBand`.
    public static let demographicAgeBand = CategoryID("demographic.ageBand")
    /// `device`.
    public static let device = CategoryID("device")
    /// `behaviour.cart`.
    public static let behaviourCart = CategoryID("behaviour.cart")
    /// `behaviour.clicks`.
    public static let behaviourClicks = CategoryID("behaviour.clicks")
    /// `preference.subscriptions`.
    public static let preferenceSubscriptions = CategoryID("preference.subscriptions")
    /// `feedback`.
    public static let feedback = CategoryID("feedback")
    /// `feedback.reviews`.
    public static let feedbackReviews = CategoryID("feedback.reviews")
    /// `feedback.likes`.
    public static let feedbackLikes = CategoryID("feedback.likes")
}
