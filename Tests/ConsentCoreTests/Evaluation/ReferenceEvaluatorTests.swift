import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing

/// One case per reason code, each the smallest ledger and question that produces it with the retail policy.
struct ReasonCase: Sendable, CustomTestStringConvertible {
    var reason: ReasonCode
    var grant: GrantID?
    var build: @Sendable (inout LedgerFixture) throws -> Void
    var question: ConsentQuestion

    var testDescription: String { reason.rawValue }

    static let t = Date(timeIntervalSince1970: 1_772_352_000)  // 2026-03-01T08:00:00Z

    static func ask(
        _ purpose: PurposeID, _ field: FieldID, subject: SubjectID = "c1", recipient: RecipientID? = nil,
        destination: Destination? = nil, channel: Channel? = nil
    ) -> ConsentQuestion {
        ConsentQuestion(
            subject: subject, purpose: purpose, field: field, at: t, recipient: recipient, destination: destination,
            channel: channel)
    }

    static let adult: @Sendable (inout LedgerFixture) throws -> Void = { try $0.subject("c1", birthDate: "1990-01-01") }

    static let all: [ReasonCase] = [
        ReasonCase(
            reason: .allowedByConsent, grant: "g1",
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                    noticeVersion: 2)
            }, question: ask("marketing.email", "email")),
        ReasonCase(reason: .allowedByContract, build: adult, question: ask("order.fulfilment", "address")),
        ReasonCase(reason: .allowedByEmployment, build: adult, question: ask("staff.rostering", "phone")),
        ReasonCase(
            reason: .allowedByLegalObligation, build: adult, question: ask("identity.verification", "nationalId")),
        ReasonCase(reason: .allowedByVitalInterests, build: adult, question: ask("product.recall", "phone")),
        ReasonCase(reason: .allowedByPubliclyDisclosed, build: adult, question: ask("reviews.showcase", "reviews")),
        ReasonCase(
            reason: .allowedByOtherLaw, build: adult, question: ask("customs.crossBorderEcommerce", "nationalId")),
        ReasonCase(reason: .unknownPurpose, build: adult, question: ask("marketing.fax", "email")),
        ReasonCase(reason: .unknownField, build: adult, question: ask("marketing.email", "shoeSize")),
        ReasonCase(reason: .notDeclared, build: adult, question: ask("marketing.email", "nationalId")),
        ReasonCase(
            reason: .recipientNotDeclared, build: adult, question: ask("partner.coalition", "name", recipient: "broker")
        ),
        ReasonCase(
            reason: .destinationNotDeclared, build: adult,
            question: ask("hq.analytics", "purchaseHistory", destination: "US")),
        ReasonCase(
            reason: .channelNotPermitted, build: adult, question: ask("marketing.email", "email", channel: .sms)),
        ReasonCase(
            reason: .erased,
            build: { fixture in
                try fixture.append({ .erase("c1", at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("order.fulfilment", "address")),
        ReasonCase(
            reason: .restricted,
            build: { fixture in
                try fixture.append({ .restrict("c1", "order.fulfilment", at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("order.fulfilment", "address")),
        ReasonCase(
            reason: .optedOutOfDirectMarketing,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                    noticeVersion: 2)
                try fixture.append({ .optOut("c1", .directMarketing, at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .optedOutOfThirdPartyDisclosure,
            build: { fixture in
                try fixture.append({ .optOut("c1", .thirdPartyDisclosure, at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("partner.coalition", "name")),
        ReasonCase(
            reason: .optedOutOfAutomatedDecisionMaking,
            build: { fixture in
                try fixture.append({ .optOut("c1", .automatedDecisionMaking, at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("loyalty.tiering", "points")),
        ReasonCase(
            reason: .optedOutOfSensitiveData,
            build: { fixture in
                try fixture.append({ .optOut("c1", .sensitiveData, at: $0) }, at: "2026-02-01T00:00:00Z")
            }, question: ask("store.facepay", "faceTemplate")),
        ReasonCase(reason: .noConsent, build: adult, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .withdrawn,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                    noticeVersion: 2)
                try fixture.withdraw("g1", at: "2026-02-01T00:00:00Z")
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .expired,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                    expiresAt: "2026-02-01T00:00:00Z", noticeVersion: 2)
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .guardianConsentRequired,
            build: { fixture in
                try fixture.subject("c1", birthDate: "2015-01-01")
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .separate,
                    at: "2026-01-01T00:00:00Z", noticeVersion: 2)
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .grantorNotAuthorized,
            build: { fixture in
                try fixture.subject("c1", birthDate: "1990-01-01")
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], grantor: .guardian,
                    at: "2026-01-01T00:00:00Z", noticeVersion: 2)
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .reconsentRequired,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                    noticeVersion: 1)
            }, question: ask("marketing.email", "email")),
        ReasonCase(
            reason: .recipientNotCovered,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["partner.coalition"], fields: ["name"], kind: .separate,
                    at: "2026-01-01T00:00:00Z", recipients: ["star-airlines"])
            }, question: ask("partner.coalition", "name", recipient: "acme-bank")),
        ReasonCase(
            reason: .destinationNotCovered,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["hq.analytics"], categories: ["purchase"], kind: .separate,
                    at: "2026-01-01T00:00:00Z", destinations: ["SG"])
            }, question: ask("hq.analytics", "purchaseHistory", destination: "DE")),
        ReasonCase(
            reason: .writtenConsentRequired,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["pharmacy.prescriptions"], fields: ["prescription"],
                    kind: .separate, at: "2026-01-01T00:00:00Z")
            }, question: ask("pharmacy.prescriptions", "prescription")),
        ReasonCase(
            reason: .separateConsentRequired,
            build: { fixture in
                try fixture.grant(
                    "g1", subject: "c1", purposes: ["store.facepay"], fields: ["faceTemplate"],
                    at: "2026-01-01T00:00:00Z")
            }, question: ask("store.facepay", "faceTemplate")),
    ]
}

@Suite struct ReferenceEvaluatorTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func evaluator(_ build: (inout LedgerFixture) throws -> Void) throws -> ReferenceEvaluator {
        var fixture = LedgerFixture(policy: policy)
        try build(&fixture)
        return ReferenceEvaluator(ledger: fixture.ledger)
    }

    func decide(
        _ evaluator: ReferenceEvaluator, _ purpose: PurposeID, _ field: FieldID, subject: SubjectID = "c1", at: String,
        recipient: RecipientID? = nil, destination: Destination? = nil
    ) throws -> Decision {
        evaluator.decision(
            for: ConsentQuestion(
                subject: subject, purpose: purpose, field: field, at: try instant(at), recipient: recipient,
                destination: destination))
    }

    @Test(arguments: ReasonCase.all)
    func producesEachReasonCode(_ reasonCase: ReasonCase) throws {
        let evaluator = try evaluator(reasonCase.build)
        let decision = evaluator.decision(for: reasonCase.question)
        #expect(decision.reason == reasonCase.reason, "\(evaluator.explanation(for: reasonCase.question))")
        #expect(decision.grant == reasonCase.grant)
        #expect(evaluator.explanation(for: reasonCase.question).description.contains(reasonCase.reason.citation))
    }

    @Test func everyReasonCodeHasACaseExceptPublicInterest() {
        // The retail policy has no public-interest purpose; `publicInterestNeedsNoConsent` covers that code.
        let covered = Set(ReasonCase.all.map(\.reason))
        // PIPL's codes; the regimes' (ordinals 30 and up) have their own cases in RegimeEvaluationTests.
        #expect(
            Set(ReasonCode.allCases.filter { $0.ordinal < 30 }).subtracting(covered) == [.allowedByPublicInterest])
    }

    @Test func publicInterestNeedsNoConsentAndIgnoresRestriction() throws {
        let policy = try Policy(
            fields: [FieldDefinition("name", category: .identityName, type: .string)],
            purposes: [Purpose("press", basis: .publicInterest, fields: ["name"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(.restrict("c1", "press", at: try instant("2026-01-01T00:00:00Z")))
        try ledger.append(.optOut("c1", .thirdPartyDisclosure, at: try instant("2026-01-01T00:00:00Z")))
        let decision = ReferenceEvaluator(ledger: ledger).decision(
            for: ConsentQuestion(
                subject: "c1", purpose: "press", field: "name", at: try instant("2026-02-01T00:00:00Z")))
        #expect(decision.reason == .allowedByPublicInterest)
    }

    // MARK: Instants on the boundaries

    /// A grant's life on the boundaries: given at `2026-01-01T00:00:00Z` (notice version 2), perhaps withdrawn or
    /// expiring, and the reason at an instant exactly on, or just before, a boundary.
    struct LifetimeBoundary: Sendable, CustomTestStringConvertible {
        let name: String
        var withdrawnAt: String?
        var expiresAt: String?
        let at: String
        let reason: ReasonCode
        var testDescription: String { name }
    }

    static let lifetimeBoundaries = [
        LifetimeBoundary(name: "given exactly at t counts", at: "2026-01-01T00:00:00Z", reason: .allowedByConsent),
        LifetimeBoundary(name: "a millisecond before it is given", at: "2025-12-31T23:59:59.999Z", reason: .noConsent),
        LifetimeBoundary(
            name: "withdrawn exactly at t", withdrawnAt: "2026-06-01T00:00:00Z", at: "2026-06-01T00:00:00Z",
            reason: .withdrawn),
        LifetimeBoundary(
            name: "a second before the withdrawal", withdrawnAt: "2026-06-01T00:00:00Z", at: "2026-05-31T23:59:59Z",
            reason: .allowedByConsent),
        LifetimeBoundary(
            name: "expiring exactly at t (another zone)", expiresAt: "2026-07-01T00:00:00+08:00",
            at: "2026-06-30T16:00:00Z", reason: .expired),
        LifetimeBoundary(
            name: "a second before the expiry", expiresAt: "2026-07-01T00:00:00+08:00", at: "2026-06-30T15:59:59Z",
            reason: .allowedByConsent),
    ]

    @Test(arguments: lifetimeBoundaries)
    func grantLifetimesEndExactlyOnTheirBoundaries(_ boundary: LifetimeBoundary) throws {
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                expiresAt: boundary.expiresAt, noticeVersion: 2)
            if let withdrawnAt = boundary.withdrawnAt { try $0.withdraw("g1", at: withdrawnAt) }
        }
        let decision = try decide(evaluator, "marketing.email", "email", at: boundary.at)
        #expect(decision.reason == boundary.reason)
        #expect(decision.grant == (boundary.reason == .allowedByConsent ? "g1" : nil))
    }

    @Test func withdrawalAndExpiryBothPastReportsWithdrawn() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                expiresAt: "2026-03-01T00:00:00Z", noticeVersion: 2)
            try $0.withdraw("g1", at: "2026-02-01T00:00:00Z")
        }
        #expect(try decide(evaluator, "marketing.email", "email", at: "2026-04-01T00:00:00Z").reason == .withdrawn)
    }

    @Test func noActiveCandidateReportsTheMostRecentlyGiven() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "old", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                noticeVersion: 2)
            try $0.withdraw("old", at: "2026-01-15T00:00:00Z")
            try $0.grant(
                "new", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-02-01T00:00:00Z",
                expiresAt: "2026-03-01T00:00:00Z", noticeVersion: 2)
        }
        #expect(try decide(evaluator, "marketing.email", "email", at: "2026-04-01T00:00:00Z").reason == .expired)
    }

    // MARK: Minors and guardians

    @Test(arguments: [(AgeBoundary.dayAfterBirthday, "2026-05-01T16:00:00Z"), (.birthday, "2026-04-30T16:00:00Z")])
    func theDayAChildTurnsFourteen(boundary: AgeBoundary, firstAdultInstant: String) throws {
        let policy = try Policy(
            ageReachedOn: boundary, fields: [FieldDefinition("name", category: .identityName, type: .string)],
            purposes: [Purpose("account", basis: .contract, fields: ["name"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("kid", facts: SubjectFacts(birthDate: try CalendarDate(parsing: "2012-05-01")))
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let adultAt = try instant(firstAdultInstant)
        let ask = { (at: Date) in
            evaluator.decision(for: ConsentQuestion(subject: "kid", purpose: "account", field: "name", at: at)).reason
        }
        #expect(ask(adultAt) == .allowedByContract)
        #expect(ask(adultAt.addingTimeInterval(-1)) == .noConsent)
    }

    @Test func aGuardianGrantStaysValidAfterFourteenButAChildsOwnNever() throws {
        let evaluator = try evaluator {
            try $0.subject("kid", birthDate: "2012-05-01")
            try $0.grant(
                "own", subject: "kid", purposes: ["marketing.email"], fields: ["name"], kind: .separate,
                at: "2026-01-01T00:00:00Z", noticeVersion: 2)
            try $0.grant(
                "parent", subject: "kid", purposes: ["marketing.email"], fields: ["email"], kind: .separate,
                grantor: .guardian,
                at: "2026-01-01T00:00:00Z", noticeVersion: 2)
        }
        #expect(
            try decide(evaluator, "marketing.email", "email", subject: "kid", at: "2030-01-01T00:00:00Z").grant
                == "parent")
        #expect(
            try decide(evaluator, "marketing.email", "name", subject: "kid", at: "2030-01-01T00:00:00Z").reason
                == .guardianConsentRequired)
    }

    @Test func aGuardianGrantGivenAfterTheChildTurnsFourteenIsNotAuthorized() throws {
        let evaluator = try evaluator {
            try $0.subject("kid", birthDate: "2012-05-01")
            try $0.grant(
                "late", subject: "kid", purposes: ["marketing.email"], fields: ["email"], kind: .separate,
                grantor: .guardian,
                at: "2026-05-01T16:00:00Z", noticeVersion: 2)
            try $0.grant(
                "early", subject: "kid", purposes: ["marketing.email"], fields: ["name"], kind: .separate,
                grantor: .guardian,
                at: "2026-05-01T15:59:59Z", noticeVersion: 2)
        }
        #expect(
            try decide(evaluator, "marketing.email", "email", subject: "kid", at: "2026-06-01T00:00:00Z").reason
                == .grantorNotAuthorized)
        #expect(
            try decide(evaluator, "marketing.email", "name", subject: "kid", at: "2026-06-01T00:00:00Z").grant
                == "early")
    }

    @Test func aMinorsContractPurposeNeedsTheGuardiansSeparateConsent() throws {
        let evaluator = try evaluator {
            try $0.subject("kid", birthDate: "2015-01-01")
            try $0.grant(
                "ordinary", subject: "kid", purposes: ["order.fulfilment"], fields: ["address"], grantor: .guardian,
                at: "2026-01-01T00:00:00Z")
            try $0.grant(
                "separate", subject: "kid", purposes: ["order.fulfilment"], fields: ["phone"], kind: .separate,
                grantor: .guardian, at: "2026-01-01T00:00:00Z")
        }
        #expect(
            try decide(evaluator, "order.fulfilment", "address", subject: "kid", at: "2026-02-01T00:00:00Z").reason
                == .separateConsentRequired)
        #expect(
            try decide(evaluator, "order.fulfilment", "phone", subject: "kid", at: "2026-02-01T00:00:00Z").grant
                == "separate")
        #expect(
            try decide(evaluator, "identity.verification", "name", subject: "kid", at: "2026-02-01T00:00:00Z").reason
                == .allowedByLegalObligation)
    }

    // MARK: Scope and strength

    /// A grant's strength is every attribute it has: its kind's, the recorded ones, and what they imply. An ordinary
    /// grant recorded `separate` is separate consent; one recorded only `unbundled` or `explicit` is not.
    @Test(
        arguments: [
            (
                "store.facepay", "faceTemplate", ConsentKind.ordinary, ConsentAttributes.separate,
                ReasonCode.allowedByConsent
            ),
            ("store.facepay", "faceTemplate", .ordinary, [.unbundled, .explicit, .twoStep], .separateConsentRequired),
            ("store.facepay", "faceTemplate", .ordinary, .written, .allowedByConsent),
            ("pharmacy.prescriptions", "prescription", .separate, [], .writtenConsentRequired),
            ("pharmacy.prescriptions", "prescription", .separate, .explicit, .writtenConsentRequired),
            ("pharmacy.prescriptions", "prescription", .ordinary, .separate, .writtenConsentRequired),
            ("pharmacy.prescriptions", "prescription", .separate, .written, .allowedByConsent),
        ] as [(PurposeID, FieldID, ConsentKind, ConsentAttributes, ReasonCode)])
    func recordedAttributesCountTowardsTheRequiredStrength(
        purpose: PurposeID, field: FieldID, kind: ConsentKind, attributes: ConsentAttributes, reason: ReasonCode
    ) throws {
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: [purpose], fields: [field], kind: kind, attributes: attributes,
                at: "2026-01-01T00:00:00Z")
        }
        let decision = try decide(evaluator, purpose, field, at: "2026-02-01T00:00:00Z")
        #expect(decision.reason == reason)
        let compiled = ConsentEngine(ledger: evaluator.ledger)
        let question = ConsentQuestion(
            subject: "c1", purpose: purpose, field: field, at: try instant("2026-02-01T00:00:00Z"))
        #expect(compiled.decision(for: question) == decision, "the compiled engine reads attributes alike")
        let explanation = evaluator.explanation(for: question)
        if reason != .allowedByConsent {
            #expect(explanation.description.contains("lacks `"), "\(explanation)")
        }
    }

    @Test func aCategoryGrantCoversFieldsOfDescendantCategories() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: ["hq.analytics"], categories: ["purchase"], kind: .separate,
                at: "2026-01-01T00:00:00Z")
        }
        #expect(try decide(evaluator, "hq.analytics", "purchaseHistory", at: "2026-02-01T00:00:00Z").grant == "g1")
        #expect(try decide(evaluator, "hq.analytics", "loyaltyTier", at: "2026-02-01T00:00:00Z").reason == .noConsent)
    }

    @Test func ordinaryConsentBundledForSensitiveDataIsNotEnough() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "terms", subject: "c1", purposes: ["store.facepay", "marketing.wechat"],
                fields: ["faceTemplate", "wechatId"], at: "2026-01-01T00:00:00Z")
        }
        #expect(
            try decide(evaluator, "store.facepay", "faceTemplate", at: "2026-02-01T00:00:00Z").reason
                == .separateConsentRequired)
        #expect(try decide(evaluator, "marketing.wechat", "wechatId", at: "2026-02-01T00:00:00Z").grant == "terms")
    }

    @Test func writtenSatisfiesSeparateButNotTheReverse() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "w", subject: "c1", purposes: ["store.facepay"], fields: ["faceTemplate"], kind: .written,
                at: "2026-01-01T00:00:00Z")
            try $0.grant(
                "s", subject: "c1", purposes: ["pharmacy.prescriptions"], fields: ["prescription"], kind: .separate,
                at: "2026-01-01T00:00:00Z")
        }
        #expect(try decide(evaluator, "store.facepay", "faceTemplate", at: "2026-02-01T00:00:00Z").grant == "w")
        #expect(
            try decide(evaluator, "pharmacy.prescriptions", "prescription", at: "2026-02-01T00:00:00Z").reason
                == .writtenConsentRequired)
    }

    @Test func citesTheMostRecentlyGivenPassingGrantWithTiesInLedgerOrder() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "a", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                noticeVersion: 2)
            try $0.grant(
                "c", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-02T00:00:00Z",
                noticeVersion: 2)
            try $0.grant(
                "b", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-02T00:00:00Z",
                noticeVersion: 2)
        }
        #expect(try decide(evaluator, "marketing.email", "email", at: "2026-02-01T00:00:00Z").grant == "b")
        #expect(try decide(evaluator, "marketing.email", "email", at: "2026-01-01T12:00:00Z").grant == "a")
    }

    @Test func theCandidateThatGotFurthestGivesTheReason() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "strength", subject: "c1", purposes: ["partner.coalition"], fields: ["name"], at: "2026-01-01T00:00:00Z"
            )
            try $0.grant(
                "scope", subject: "c1", purposes: ["partner.coalition"], fields: ["name"], kind: .separate,
                at: "2026-01-02T00:00:00Z", recipients: ["star-airlines"])
        }
        // `strength` reaches check 4, `scope` fails at check 3: the furthest wins even though it is older.
        #expect(
            try decide(evaluator, "partner.coalition", "name", at: "2026-02-01T00:00:00Z", recipient: "acme-bank")
                .reason == .separateConsentRequired)
        #expect(
            try decide(evaluator, "partner.coalition", "name", at: "2026-02-01T00:00:00Z", recipient: "star-airlines")
                .grant == "scope")
    }

    // MARK: Objections and bases

    @Test func legalObligationSurvivesOptOutsAndErasure() throws {
        let evaluator = try evaluator {
            for kind in OptOutKind.allCases {
                try $0.append({ .optOut("c1", kind, at: $0) }, at: "2026-01-01T00:00:00Z")
            }
            try $0.append({ .restrict("c1", "identity.verification", at: $0) }, at: "2026-01-01T00:00:00Z")
            try $0.append({ .erase("c1", at: $0) }, at: "2026-02-01T00:00:00Z")
        }
        #expect(
            try decide(evaluator, "identity.verification", "nationalId", at: "2026-01-15T00:00:00Z").reason
                == .allowedByLegalObligation)
        #expect(
            try decide(evaluator, "identity.verification", "nationalId", at: "2026-03-01T00:00:00Z").reason
                == .allowedByLegalObligation)
        #expect(try decide(evaluator, "product.recall", "phone", at: "2026-03-01T00:00:00Z").reason == .erased)
    }

    @Test func aLaterGrantDoesNotLiftAnOptOutButAnOptInDoes() throws {
        let evaluator = try evaluator {
            try $0.append({ .optOut("c1", .directMarketing, at: $0) }, at: "2026-01-01T00:00:00Z")
            try $0.grant(
                "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-02-01T00:00:00Z",
                noticeVersion: 2)
            try $0.append({ .optIn("c1", .directMarketing, at: $0) }, at: "2026-03-01T00:00:00Z")
        }
        #expect(
            try decide(evaluator, "marketing.email", "email", at: "2026-02-15T00:00:00Z").reason
                == .optedOutOfDirectMarketing)
        #expect(try decide(evaluator, "marketing.email", "email", at: "2026-03-01T00:00:00Z").grant == "g1")
    }

    @Test func theFirstMatchingOptOutKindIsReported() throws {
        let evaluator = try evaluator {
            for kind in OptOutKind.allCases.reversed() {
                try $0.append({ .optOut("c1", kind, at: $0) }, at: "2026-01-01T00:00:00Z")
            }
        }
        #expect(
            try decide(evaluator, "location.offers", "storeVisits", at: "2026-02-01T00:00:00Z").reason
                == .optedOutOfDirectMarketing)
        #expect(
            try decide(evaluator, "ads.personalised", "advertisingId", at: "2026-02-01T00:00:00Z").reason
                == .optedOutOfAutomatedDecisionMaking)
        #expect(
            try decide(evaluator, "order.fulfilment", "paymentCard", at: "2026-02-01T00:00:00Z").reason
                == .allowedByContract)
    }

    @Test func crossBorderAloneIsNotThirdPartyProvision() throws {
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: ["hq.analytics"], categories: ["purchase"], kind: .separate,
                at: "2026-01-01T00:00:00Z")
            try $0.append({ .optOut("c1", .thirdPartyDisclosure, at: $0) }, at: "2026-01-01T00:00:00Z")
        }
        #expect(
            try decide(evaluator, "hq.analytics", "purchaseHistory", at: "2026-02-01T00:00:00Z", destination: "SG")
                .grant == "g1")
    }

    // MARK: Failing closed

    @Test func anUnknownSubjectHasNoConsents() throws {
        let evaluator = try evaluator { _ in }
        #expect(
            try decide(evaluator, "marketing.email", "email", subject: "ghost", at: "2026-01-01T00:00:00Z").reason
                == .noConsent)
        #expect(
            try decide(evaluator, "order.fulfilment", "address", subject: "ghost", at: "2026-01-01T00:00:00Z").reason
                == .allowedByContract)
    }

    @Test func recordDecisionsListTheFieldsAPurposeMaySee() throws {
        let evaluator = try evaluator {
            try $0.subject("c1", birthDate: "1990-01-01")
            try $0.grant(
                "g1", subject: "c1", purposes: ["pharmacy.prescriptions"], fields: ["prescription", "name", "phone"],
                kind: .separate, at: "2026-01-01T00:00:00Z")
        }
        let record = evaluator.decisions(
            for: "c1", purpose: "pharmacy.prescriptions",
            fields: ["prescription", "name", "phone", "birthDate", "email"],
            at: try instant("2026-02-01T00:00:00Z"))
        #expect(record.allowedFields == ["name", "phone"])
        #expect(record["prescription"]?.reason == .writtenConsentRequired)
        #expect(record["birthDate"]?.reason == .noConsent)
        #expect(record["email"]?.reason == .notDeclared)
        #expect(record["nope"] == nil)
    }

    @Test func typedFieldsAskTheSameQuestion() throws {
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let evaluator = try evaluator {
            try $0.grant(
                "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], at: "2026-01-01T00:00:00Z",
                noticeVersion: 2)
        }
        #expect(
            evaluator.decision(
                subject: "c1", purpose: "marketing.email", field: email, at: try instant("2026-02-01T00:00:00Z")
            ).grant == "g1")
    }
}
