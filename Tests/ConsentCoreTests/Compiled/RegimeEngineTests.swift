import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The regimes' compiled layout at its edges: the cases random worlds rarely draw, each compared with the reference.
@Suite struct RegimeEngineTests {
    let email = FieldDefinition("email", category: .contactEmail, type: .string)

    func grant(
        _ id: GrantID, _ subject: SubjectID, _ grantor: Grantor = .individual, at: String, purpose: PurposeID = "posts"
    ) throws -> ConsentEvent {
        .grant(
            ConsentGrant(
                id, subject: subject, purposes: [purpose], fields: ["email"], kind: .separate,
                attributes: [.unbundled], grantor: grantor, at: try instant(at)))
    }

    func expectAgreement(
        _ ledger: ConsentLedger, _ questions: [ConsentQuestion], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let reference = ReferenceEvaluator(ledger: ledger)
        let engine = ConsentEngine(ledger: ledger)
        for question in questions {
            let expected = reference.decision(for: question)
            #expect(engine.decision(for: question) == expected, "\(question)", sourceLocation: sourceLocation)
            let compiled = engine.decision(engine.compiled.compile(question), for: engine.handle(for: question.subject))
            #expect(engine.decision(compiled).reason == expected.reason, "\(question)", sourceLocation: sourceLocation)
            #expect(engine.decision(compiled).grant == expected.grant, "\(question)", sourceLocation: sourceLocation)
        }
    }

    @Test func aThirtyFirstDecemberBirthdayInYear9999IsAnAge() throws {
        // The day after 9999-12-31 does not exist; the subject is then a year younger, not of unknown age.
        let policy = try Policy(
            regime: .pipl, regimes: [.pipl, .gdpr], fields: [email],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare(
            "c1", facts: SubjectFacts(birthDate: CalendarDate(year: 1990, month: 12, day: 31), regimes: [.pipl]))
        try ledger.append(try grant("own", "c1", at: "2020-01-01T00:00:00Z"))
        let question = ConsentQuestion(
            subject: "c1", purpose: "posts", field: "email", at: try instant("9999-06-01T00:00:00Z"))
        #expect(ReferenceEvaluator(ledger: ledger).decision(for: question).reason == .allowedByConsent)
        expectAgreement(ledger, [question])
    }

    @Test func aLinkedGuardianGrantIsJudgedByWhenItWasGiven() throws {
        // PIPL keeps a guardian's grant given while the child was under 14; the link dates the carried copy later.
        let policy = try Policy(fields: [email], purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("p1", facts: SubjectFacts(birthDate: CalendarDate(year: 2008, month: 6, day: 1)))
        try ledger.declare("d1", facts: SubjectFacts())
        try ledger.append(try grant("parent", "d1", .guardian, at: "2020-07-01T00:00:00Z"))
        try ledger.append(.link(IdentityLink(from: "d1", into: "p1", at: try instant("2023-03-01T00:00:00Z"))))
        let question = ConsentQuestion(
            subject: "p1", purpose: "posts", field: "email", at: try instant("2023-04-01T00:00:00Z"))
        expectAgreement(ledger, [question])
    }

    @Test func recordDecisionsListEveryGrantRelied() throws {
        // France: below 15 the minor and a guardian consent jointly, so an allow relies on two grants.
        let france = try #require(Regime.gdpr("FR"))
        let policy = try Policy(
            regime: france, fields: [email],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"], flags: [.informationSocietyService])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("c1", facts: SubjectFacts(birthDate: CalendarDate(year: 2012, month: 5, day: 1)))
        try ledger.append(try grant("own", "c1", at: "2026-01-01T00:00:00Z"))
        try ledger.append(try grant("parent", "c1", .guardian, at: "2026-01-02T00:00:00Z"))
        let at = try instant("2026-02-01T00:00:00Z")
        let expected = ReferenceEvaluator(ledger: ledger).decisions(
            for: "c1", purpose: "posts", fields: ["email"], at: at)
        #expect(expected.decisions.first?.grants == ["own", "parent"])
        let engine = ConsentEngine(ledger: ledger)
        #expect(engine.decisions(for: "c1", purpose: "posts", fields: ["email"], at: at) == expected)
    }

    @Test func movingBetweenLayoutsLeavesNothingBehind() throws {
        // Seventy fields, so grants keep field sets in words; the regimes fact moves the subject between layouts.
        let fields = (0..<70).map { FieldDefinition(FieldID("f\($0)"), category: .contactEmail, type: .string) }
        let policy = try Policy(
            fields: fields, purposes: [Purpose("posts", basis: .consent, fields: fields.map(\.id))])
        var engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        try engine.declare("c1", facts: SubjectFacts())
        let base = try instant("2026-01-01T00:00:00Z")
        var sizes: [(words: Int, regimeSubjects: Int)] = []
        for round in 0..<200 {
            let at = base.addingTimeInterval(Double(round) * 60)
            try engine.append(
                .subjectFacts("c1", SubjectFactsChange(regimes: round % 2 == 0 ? .set([.pipl]) : .clear), at: at))
            try engine.append(
                .grant(
                    ConsentGrant(
                        GrantID("g\(round)"), subject: "c1", purposes: ["posts"], fields: ["f69"], kind: .ordinary,
                        at: at)))
            sizes.append(engine.layoutSizes)
        }
        // One place among the regime subjects, reused; words only for the subject's live grants plus garbage that
        // compaction reclaims.
        #expect(sizes.allSatisfy { $0.regimeSubjects <= 2 })
        #expect(sizes.last!.words < 200 * 2 * 4, "\(sizes.last!)")
    }

    @Test func versionsBeyondThirtyTwoBitsAreRefused() throws {
        #expect(throws: ConsentKitError.self) {
            try Policy(
                fields: [email],
                purposes: [Purpose("posts", basis: .consent, fields: ["email"], consentVersion: 3_000_000_000)])
        }
        var ledger = ConsentLedger(
            policy: try Policy(fields: [email], purposes: [Purpose("posts", basis: .consent, fields: ["email"])]))
        #expect(throws: ConsentKitError.self) {
            try ledger.append(
                .grant(
                    ConsentGrant(
                        "g1", subject: "c1", purposes: ["posts"], fields: ["email"], kind: .ordinary,
                        at: Date(timeIntervalSince1970: 0), noticeVersion: 2_500_000_000)))
        }
    }

    @Test func aRegimeThatReusesABuiltInIdKeepsItsOwnRules() throws {
        // Built in Swift: the GDPR's id with consent under 13 needing a guardian; the engine must apply these rules.
        var profile = Regime.gdpr.profile
        profile.ageBands = [AgeBand(below: 13, scope: .consentBased, grantors: .guardian)]
        let impostor = Regime(profile: profile)
        let policy = try Policy(
            regime: .pipl, regimes: [.pipl, .gdpr], fields: [email],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare(
            "c1", facts: SubjectFacts(birthDate: CalendarDate(year: 2012, month: 1, day: 1), regimes: [impostor]))
        try ledger.append(try grant("own", "c1", at: "2026-01-01T00:00:00Z"))
        let question = ConsentQuestion(
            subject: "c1", purpose: "posts", field: "email", at: try instant("2026-02-01T00:00:00Z"))
        expectAgreement(ledger, [question])
    }

    @Test func aHostileAgeLimitNeitherTrapsNorAllows() throws {
        // Files bound a band's age to 1–25; an overlay built in Swift is not bounded.
        var overlay = RegimeOverlay(id: "GDPR-HOSTILE", extends: .gdpr)
        overlay.ageBands = [AgeBand(below: Int.max, scope: .consentBased, grantors: .guardian)]
        overlay.prohibitions = [
            Prohibition(reason: .prohibitedMinorProfilingAds, purposeFlag: .profilingAds, minorBelow: Int.max - 1)
        ]
        let hostile = overlay.regime
        let policy = try Policy(
            regime: .pipl, regimes: [.pipl, hostile], profiles: [hostile], fields: [email],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare(
            "c1", facts: SubjectFacts(birthDate: CalendarDate(year: 1980, month: 1, day: 1), regimes: [hostile]))
        try ledger.append(try grant("own", "c1", at: "2026-01-01T00:00:00Z"))
        let question = ConsentQuestion(
            subject: "c1", purpose: "posts", field: "email", at: try instant("2026-02-01T00:00:00Z"))
        expectAgreement(ledger, [question])
        #expect(!ReferenceEvaluator(ledger: ledger).decision(for: question).isAllowed)
    }
}
