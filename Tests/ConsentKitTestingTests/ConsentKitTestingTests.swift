import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing

@Suite struct ConsentKitTestingTests {
    static let policyPath = TestSupport.retailPolicyPath

    func fixture() throws -> LedgerFixture {
        var fixture = LedgerFixture(policy: try Policy(contentsOfFile: Self.policyPath))
        try fixture.subject("c1", birthDate: "1990-01-01")
        try fixture.grant(
            "g1", subject: "c1", purposes: ["store.facepay"], fields: ["faceTemplate"], at: "2026-01-01T00:00:00Z")
        return fixture
    }

    @Test func expectedDecisionsMatchEffectReasonPrefixAndGrant() {
        let allow = Decision(.allowedByConsent, grant: "g1")
        let optedOut = Decision(.optedOutOfDirectMarketing)
        #expect(ExpectedDecision.allow.isMet(by: allow))
        #expect(ExpectedDecision.allow(grant: "g1").isMet(by: allow))
        #expect(!ExpectedDecision.allow(grant: "g2").isMet(by: allow))
        #expect(ExpectedDecision.deny(prefix: "denied.optedOut").isMet(by: optedOut))
        #expect(!ExpectedDecision.deny(.withdrawn).isMet(by: optedOut))
        #expect(!ExpectedDecision.deny.isMet(by: allow))
        #expect(
            ExpectedDecision.allow(.allowedByConsent, grant: "g1").description == "allow allowed.consent (grant g1)")
    }

    @Test func expectedDecisionsMatchGrantsAndRegime() {
        let allow = Decision(.allowedByConsent, grant: "g1")
        #expect(ExpectedDecision(effect: .allow, grants: ["g1"], regime: .pipl).isMet(by: allow))
        #expect(!ExpectedDecision(effect: .allow, grants: ["g1", "g2"]).isMet(by: allow))
        #expect(ExpectedDecision(effect: .deny, grants: []).isMet(by: Decision(.noConsent)))
        #expect(!ExpectedDecision(effect: .deny, grants: ["g1"]).isMet(by: Decision(.noConsent)))
        #expect(
            ExpectedDecision(effect: .allow, grants: ["g2", "g1"], regime: .pipl).description
                == "allow (grants g1, g2) [regime PIPL]")
    }

    @Test func expectDecisionPassesOnAMatch() throws {
        let decision = expectDecision(
            ledger: try fixture().ledger, subject: "c1", purpose: "store.facepay", field: "faceTemplate",
            at: try LedgerFixture.instant("2026-02-01T00:00:00Z"), is: .deny(.separateConsentRequired))
        #expect(decision.reason == .separateConsentRequired)
    }

    @Test func expectDecisionRecordsAnIssueOnAMismatch() throws {
        let ledger = try fixture().ledger
        let at = try LedgerFixture.instant("2026-02-01T00:00:00Z")
        withKnownIssue {
            expectDecision(
                ledger: ledger, subject: "c1", purpose: "store.facepay", field: "faceTemplate", at: at, is: .allow)
        } matching: { issue in
            issue.description.contains("denied.separateConsentRequired")
        }
    }

    @Test func expectDecisionOverEventsReportsARefusedEvent() throws {
        let policy = try Policy(contentsOfFile: Self.policyPath)
        let at = try LedgerFixture.instant("2026-02-01T00:00:00Z")
        withKnownIssue {
            _ = expectDecision(
                policy: policy, events: [.restrict("c1", "no.such.purpose", at: at)], subject: "c1",
                purpose: "order.fulfilment", field: "address", at: at, is: .allow)
        } matching: { issue in
            issue.description.contains("no.such.purpose")
        }
        let decision = expectDecision(
            policy: policy, events: [.restrict("c1", "order.fulfilment", at: at)],
            subjects: ["c1": SubjectFacts(birthDate: try CalendarDate(parsing: "1990-01-01"))], subject: "c1",
            purpose: "order.fulfilment", field: "address", at: at, is: .deny(.restricted))
        #expect(decision?.reason == .restricted)
    }

    @Test func expectScenariosPassReportsAnInvalidFile() {
        withKnownIssue {
            expectScenariosPass(inFile: "/nonexistent.scenarios.json")
        } matching: { issue in
            issue.description.contains("invalid scenario file")
        }
    }

    @Test func fixturesRefuseBadInput() throws {
        var fixture = try fixture()
        #expect(throws: ConsentKitError(code: .invalidDate)) { try fixture.subject("c2", birthDate: "2026-02-30") }
        #expect(throws: ConsentKitError(code: .invalidDate)) {
            try fixture.grant("g2", subject: "c1", purposes: ["store.facepay"], fields: ["faceTemplate"], at: "soon")
        }
        #expect(throws: ConsentKitError(code: .duplicateIdentifier)) {
            // `g1` again, for another subject (the very same grant again would be a no-op).
            try fixture.grant(
                "g1", subject: "c9", purposes: ["store.facepay"], fields: ["faceTemplate"], at: "2026-01-01T00:00:00Z")
        }
        #expect(throws: ConsentKitError(code: .unknownIdentifier)) {
            try fixture.withdraw("g9", at: "2026-01-01T00:00:00Z")
        }
        try fixture.withdraw(subject: "c1", purposes: ["store.facepay"], at: "2026-03-01T00:00:00Z")
        #expect(fixture.ledger.count == 2)
    }

    @Test func aScenarioRunSummarises() throws {
        let path = URL(fileURLWithPath: Self.policyPath).deletingLastPathComponent()
            .appendingPathComponent("retail.scenarios.json").path
        let run = try ScenarioRun(contentsOfFile: path)
        #expect(run.failures.isEmpty)
        #expect(run.summary == "\(run.outcomes.count) passed, 0 failed")
    }
}

@Suite struct PolicyFixtureTests {
    @Test func buildsAValidatedPolicy() throws {
        var fixture = PolicyFixture()
        fixture.ageReachedOn = .birthday
        fixture.category("medicalHealth.genetic", writtenConsent: true)
        fixture.field("email", category: .contactEmail)
        fixture.field(PersonalDataField<Data>("genome", category: "medicalHealth.genetic"))
        fixture.purpose("news", basis: .consent, fields: ["email"])
        fixture.purpose(Purpose("research", basis: .consent, fields: ["genome"]))
        let policy = try fixture.build()
        #expect(policy.ageReachedOn == .birthday)
        #expect(policy.requiresWrittenConsent("genome"))
        #expect(policy.purposes.map(\.id) == ["news", "research"])
    }

    @Test func reportsEveryProblem() {
        var fixture = PolicyFixture()
        fixture.field("email", category: "no.such")
        fixture.purpose("news", basis: .consent, fields: ["email", "phone"])
        do {
            _ = try fixture.build()
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.location.path) == ["fields[0].category", "purposes[0].fields[1]"])
        }
    }
}
