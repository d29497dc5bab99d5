import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Each regime counts age with its own clock and rule, through the decisions they change.
@Suite struct RegimeAgeTests {
    func policy() throws -> Policy {
        try Policy(
            regime: .pipl, regimes: [.pipl, .gdpr, .ccpa, .lgpd, .pdpaTH],
            fields: [FieldDefinition("email", category: .contactEmail, type: .string)],
            purposes: [
                Purpose("community", basis: .consent, fields: ["email"], flags: [.informationSocietyService]),
                Purpose(
                    "ads", basis: .consent, fields: ["email"],
                    basisByRegime: [
                        "PIPL": .consent, "GDPR": .consent, "CCPA": .disclosedPurpose, "LGPD": .consent,
                        "PDPA-TH": .consent,
                    ],
                    flags: [.share]),
            ])
    }

    /// The decision for a subject under `regimes`, born on `birthDate`, whose own unbundled grant was given at
    /// `grantAt`, asked at `askAt`.
    func ownGrantDecision(
        _ regimes: [Regime], birthDate: String, grantAt: String, askAt: String, purpose: PurposeID = "community",
        facts: SubjectFacts? = nil
    ) throws -> Decision {
        var ledger = ConsentLedger(policy: try policy())
        let parts = birthDate.split(separator: "-").compactMap { Int($0) }
        var initial =
            facts ?? SubjectFacts(birthDate: CalendarDate(year: parts[0], month: parts[1], day: parts[2]))
        initial.regimes = regimes
        try ledger.declare("c1", facts: initial)
        try ledger.append(
            .grant(
                ConsentGrant(
                    "g1", subject: "c1", purposes: [purpose], fields: ["email"], kind: .ordinary,
                    attributes: [.unbundled], at: try instant(grantAt))))
        return ReferenceEvaluator(ledger: ledger).decision(
            for: ConsentQuestion(subject: "c1", purpose: purpose, field: "email", at: try instant(askAt)))
    }

    @Test func piplCountsTheDayAfterTheBirthdayInShanghai() throws {
        // Fourteen on 2026-05-10 in Shanghai is reached at 00:00 on 2026-05-11 (UTC+8): 2026-05-10T16:00:00Z.
        let before = try ownGrantDecision(
            [.pipl], birthDate: "2012-05-10", grantAt: "2026-05-10T15:59:00Z", askAt: "2026-06-01T00:00:00Z")
        let after = try ownGrantDecision(
            [.pipl], birthDate: "2012-05-10", grantAt: "2026-05-10T16:00:00Z", askAt: "2026-06-01T00:00:00Z")
        #expect(before.reason == .guardianConsentRequired)
        #expect(after.reason == .allowedByConsent)
    }

    @Test func gdprOverlaysCountTheBirthdayInTheCapital() throws {
        // Sixteen in Berlin (UTC+2 in May) is reached at 2026-05-09T22:00:00Z.
        let germany = try #require(Regime.gdpr("DE"))
        #expect(
            try ownGrantDecision(
                [germany], birthDate: "2010-05-10", grantAt: "2026-05-09T21:59:00Z", askAt: "2026-06-01T00:00:00Z"
            ).reason == .guardianConsentRequired)
        #expect(
            try ownGrantDecision(
                [germany], birthDate: "2010-05-10", grantAt: "2026-05-09T22:00:00Z", askAt: "2026-06-01T00:00:00Z"
            ).reason == .allowedByConsent)
    }

    @Test func theTwentyNinthOfFebruaryIsFirstOfMarchOutsidePIPL() throws {
        // LGPD: joint until 18, reached on 1 March 2026 in São Paulo (UTC−3) for a 29 February 2008 birth.
        let joint = try ownGrantDecision(
            [.lgpd], birthDate: "2008-02-29", grantAt: "2026-03-01T02:59:00Z", askAt: "2026-03-01T02:59:30Z")
        let adult = try ownGrantDecision(
            [.lgpd], birthDate: "2008-02-29", grantAt: "2026-03-01T03:00:00Z", askAt: "2026-03-02T00:00:00Z")
        #expect(joint.reason == .jointConsentRequired)
        #expect(adult.reason == .allowedByConsent)
    }

    @Test func anAgeRangeSelectsTheYoungestBandItTouches() throws {
        let range = SubjectFacts(ageRange: AgeRange(min: 12, max: 17))
        let decision = try ownGrantDecision(
            [.ccpa], birthDate: "2000-01-01", grantAt: "2026-01-01T00:00:00Z", askAt: "2026-06-01T00:00:00Z",
            purpose: "ads", facts: range)
        // Under 13 for a sale or share: a verified parent must opt in, so her own grant does not count.
        #expect(decision.reason == .guardianConsentRequired)
        #expect(AgeRange(min: 5, max: 3) == nil && AgeRange(min: -1, max: 3) == nil)
    }

    @Test func minorTrueIsTheYoungestBandOfEachRegime() throws {
        let decision = try ownGrantDecision(
            [.pdpaTH], birthDate: "2000-01-01", grantAt: "2026-01-01T00:00:00Z", askAt: "2026-06-01T00:00:00Z",
            facts: SubjectFacts(minor: true))
        #expect(decision.reason == .guardianConsentRequired)
    }

    @Test func emancipationEndsMinorityWhereTheRegimeRecognisesIt() throws {
        let married = SubjectFacts(birthDate: CalendarDate(year: 2008, month: 1, day: 1), emancipated: true)
        #expect(
            try ownGrantDecision(
                [.pdpaTH], birthDate: "2008-01-01", grantAt: "2026-01-01T00:00:00Z", askAt: "2026-06-01T00:00:00Z",
                facts: married
            ).reason == .allowedByConsent)
        // The GDPR has no such rule: a 16-year-old's own grant counts there anyway (16 is Art. 8's base age), so
        // ask Germany's base with a younger subject.
        let young = SubjectFacts(birthDate: CalendarDate(year: 2012, month: 1, day: 1), emancipated: true)
        #expect(
            try ownGrantDecision(
                [.gdpr], birthDate: "2012-01-01", grantAt: "2026-01-01T00:00:00Z", askAt: "2026-06-01T00:00:00Z",
                facts: young
            ).reason == .guardianConsentRequired)
    }
}
