import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Several regimes at once, and what validation refuses, through the Swift API.
@Suite struct RegimeEvaluationTests {
    let email = FieldDefinition("email", category: .contactEmail, type: .string)
    let health = FieldDefinition("health", category: .medicalHealth, type: .string)

    @Test func aSubjectUnderTwoRegimesNeedsEachRegimesGrantor() throws {
        let policy = try Policy(
            regime: .pipl, regimes: [.pipl, .gdpr], fields: [email],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"], flags: [.informationSocietyService])])
        var ledger = ConsentLedger(policy: policy)
        let germany = try #require(Regime.gdpr("DE"))
        try ledger.declare(
            "c1", facts: SubjectFacts(birthDate: CalendarDate(year: 2011, month: 1, day: 1), regimes: [.pipl, germany]))
        func grant(_ id: GrantID, _ grantor: Grantor, _ at: String) throws -> ConsentEvent {
            .grant(
                ConsentGrant(
                    id, subject: "c1", purposes: ["posts"], fields: ["email"], kind: .ordinary,
                    attributes: [.unbundled],
                    grantor: grantor, at: try instant(at)))
        }
        try ledger.append(try grant("own", .individual, "2026-01-01T00:00:00Z"))
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let question = ConsentQuestion(
            subject: "c1", purpose: "posts", field: "email", at: try instant("2026-02-01T00:00:00Z"))
        let first = evaluator.decision(for: question)
        #expect(first.reason == .guardianConsentRequired && first.regime == germany && first.grants.isEmpty)
        let explanation = evaluator.explanation(for: question)
        #expect(explanation.details.contains { $0.hasPrefix("PIPL: allowed.consent") })
        #expect(explanation.details.contains { $0.hasPrefix("GDPR-DE: denied.guardianConsentRequired") })

        try ledger.append(try grant("parent", .guardian, "2026-03-01T00:00:00Z"))
        let later = ConsentQuestion(
            subject: "c1", purpose: "posts", field: "email", at: try instant("2026-04-01T00:00:00Z"))
        let both = ReferenceEvaluator(ledger: ledger).decision(for: later)
        #expect(both.reason == .allowedByConsent && both.regime == .pipl)
        #expect(both.grants == ["own", "parent"] && both.grant == "parent")
        // The engine compiles such subjects with the regimes, and agrees, grants and all.
        #expect(ConsentEngine(ledger: ledger).decision(for: later) == both)
    }

    @Test func aRegimeThePolicyDoesNotCoverJudgesThePurposeAsConsentBased() throws {
        let policy = try Policy(
            fields: [email], purposes: [Purpose("staff", basis: .employment, fields: ["email"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("c1", facts: SubjectFacts(regimes: [.gdpr]))
        let question = ConsentQuestion(
            subject: "c1", purpose: "staff", field: "email", at: try instant("2026-01-01T00:00:00Z"))
        // GDPR has no `employment` basis: fail closed to the one basis every regime has.
        #expect(ReferenceEvaluator(ledger: ledger).decision(for: question).reason == .noConsent)
        #expect(
            ReferenceEvaluator(ledger: ledger).explanation(for: question).details.contains {
                $0.contains("no basis of GDPR")
            })
    }

    @Test func validationRefusesBasesARegimeDoesNotHave() throws {
        func problems(_ regimes: [Regime], _ purpose: Purpose) -> [String] {
            do {
                _ = try Policy(regime: regimes[0], regimes: regimes, fields: [email, health], purposes: [purpose])
                return []
            } catch {
                return error.diagnostics.map { "\($0.location.path): \($0.message)" }
            }
        }
        #expect(
            problems([.pipl], Purpose("p", basis: .legitimateInterests, fields: ["email"])).contains {
                $0.hasPrefix("purposes[0].basis: `legitimateInterests` is not a basis of PIPL")
            })
        #expect(
            problems([.pdpaTH], Purpose("p", basis: .publiclyDisclosed, fields: ["email"])).contains {
                $0.contains("not a basis of PDPA-TH")
            })
        #expect(
            problems(
                [.gdpr, .ccpa], Purpose("p", basis: .consent, fields: ["email"], basisByRegime: ["GDPR": .consent])
            )
            .contains { $0 == "purposes[0].basis: purpose `p` gives no basis for CCPA" })
        #expect(
            problems(
                [.gdpr],
                Purpose("p", basis: .consent, fields: ["email"], basisByRegime: ["GDPR": .consent, "LGPD": .consent])
            ).contains { $0.hasPrefix("purposes[0].basis.LGPD") })
        #expect(
            problems([.lgpd], Purpose("p", basis: .childContact, fields: ["email"])).contains {
                $0.contains("childContactOnly")
            })
        #expect(
            problems(
                [.lgpd],
                Purpose(
                    "p", basis: .childContact, fields: ["email"], thirdParty: ThirdPartyProvision(recipients: ["r"]),
                    flags: [.childContactOnly])
            ).contains { $0.hasPrefix("purposes[0].thirdParty") })
        #expect(
            problems(
                [.gdpr, .ccpa],
                Purpose(
                    "p", basis: .consent, fields: ["email"],
                    crossBorder: CrossBorderTransfer(
                        destinations: ["US"], mechanism: .sccs, mechanismByRegime: ["GDPR": .sccs, "CCPA": .sccs]))
            ).contains { $0.hasPrefix("purposes[0].crossBorder.mechanism.CCPA") })
        #expect(
            problems(
                [.gdpr],
                Purpose("p", basis: .legitimateInterests, fields: ["health"], sensitiveCondition: .fraudPrevention)
            )
            .contains { $0.contains("not a sensitive-data condition of GDPR") })
        #expect(
            problems([.ccpa], Purpose("p", basis: .disclosedPurpose, fields: ["email"], flags: [.financialIncentive]))
                .contains { $0.contains("financial incentive") })
        #expect(problems([.gdpr, .lgpd], Purpose("p", basis: .consent, fields: ["email"])).isEmpty)
    }

    @Test func thePoliciesRegimeMustBeOneOfItsRegimes() {
        #expect(throws: ConsentKitError.self) {
            _ = try Policy(
                regime: .pipl, regimes: [.gdpr], fields: [email],
                purposes: [Purpose("p", basis: .consent, fields: ["email"])])
        }
        #expect(throws: ConsentKitError.self) {
            _ = try Policy(
                regime: .pipl, regimes: [], fields: [email],
                purposes: [Purpose("p", basis: .consent, fields: ["email"])])
        }
    }

    @Test func aPIPLPolicyWithoutRegimesStaysOnTheCompiledPath() throws {
        let policy = try TestSupport.retailPolicy()
        #expect(!policy.usesRegimesBeyondPIPL)
        #expect(policy.regimes == [.pipl])
        let gdpr = try Policy(
            regime: .gdpr, fields: [email], purposes: [Purpose("p", basis: .consent, fields: ["email"])])
        #expect(gdpr.usesRegimesBeyondPIPL)
    }

    @Test func decisionsListTheGrantsReliedOnMostRecentLast() {
        let decision = Decision(.allowedByConsent, grants: ["a", "b"], regime: .gdpr)
        #expect(decision.grant == "b" && decision.grants == ["a", "b"] && decision.regime == .gdpr)
        #expect(Decision(.noConsent, grants: [], regime: .pipl).grants.isEmpty)
    }
}
