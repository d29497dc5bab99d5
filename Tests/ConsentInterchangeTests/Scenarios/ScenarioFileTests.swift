import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing

@Suite struct ScenarioFileTests {
    @Test func everyExampleScenarioFilePasses() throws {
        let examples = TestSupport.path("Documentation/Examples")
        let files = try #require(FileManager.default.enumerator(atPath: examples)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".scenarios.json") }
        #expect(!files.isEmpty)
        for file in files { expectScenariosPass(inFile: examples + "/" + file) }
    }

    @Test func theRetailScenariosExerciseEveryReasonCode() throws {
        let outcomes = try ScenarioFile(contentsOfFile: TestSupport.retailScenariosPath).run()
        #expect(outcomes.count >= 60)
        // The retail files are PIPL's: they reach PIPL's thirty codes; the regime examples reach the rest.
        #expect(Set(outcomes.map(\.decision.reason)) == Set(ReasonCode.allCases.filter { $0.ordinal < 30 }))
    }

    /// Attacks on the regimes found by review (identity links and device signals, restrictions, ages under another
    /// regime's policy, text permissions, financial accounts, early denials): each file states the decision the
    /// rules require, and every one of them was a silent allow before its fix.
    @Test func theRegimeAttackFilesPass() throws {
        let directory = TestSupport.path("Tests/Fixtures/RegimeAttacks")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasSuffix(".scenarios.json")
        }
        #expect(files.count == 22)
        for file in files { expectScenariosPass(inFile: directory + "/" + file) }
    }

    @Test func theExampleScenariosTogetherExerciseEveryReasonCode() throws {
        // PIPL's codes from the retail files, the other regimes' from theirs: every one of the 56 is reached by a
        // file a user can read.
        let examples = TestSupport.path("Documentation/Examples")
        let files = try #require(FileManager.default.enumerator(atPath: examples)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".scenarios.json") }
        var reached: Set<ReasonCode> = []
        for file in files {
            reached.formUnion(try ScenarioFile(contentsOfFile: examples + "/" + file).run().map(\.decision.reason))
        }
        #expect(reached == Set(ReasonCode.allCases), "never reached: \(Set(ReasonCode.allCases).subtracting(reached))")
    }

    func scenarioFile(_ scenarios: String, policy: String = #""retail.policy.json""#) throws -> ScenarioFile {
        let text = #"{"format":"consentkit.scenarios/1","policy":\#(policy),"scenarios":\#(scenarios)}"#
        return try ScenarioFile(
            jsonData: Data(text.utf8), file: "s.json", baseDirectory: TestSupport.path("Documentation/Examples/retail"))
    }

    @Test func aFailingExpectationIsReportedNotThrown() throws {
        let file = try scenarioFile(
            #"[{"id":"s","queries":[{"subject":"c1","purpose":"marketing.email","field":"email","at":"2026-01-01T00:00:00Z","expect":"allow"}]}]"#
        )
        let outcome = try #require(file.run().first)
        #expect(!outcome.passed)
        #expect(outcome.decision.reason == .noConsent)
        #expect(outcome.query.location.path == "scenarios[0].queries[0]")
    }

    @Test func subjectsFactsHoldFromTheBeginningOfTime() throws {
        let file = try scenarioFile(
            #"[{"id":"s","subjects":[{"id":"kid","birthDate":"2015-01-01"}],"queries":[{"subject":"kid","purpose":"account.registration","field":"name","at":"2020-01-01T00:00:00Z","expect":"deny","reason":"denied.noConsent"}]}]"#
        )
        #expect(file.run().allSatisfy { $0.passed })
    }

    @Test func anInlinePolicyOverridesTheSharedOne() throws {
        let inline =
            #"{"format":"consentkit.policy/1","regime":"PIPL","fields":[{"id":"x","category":"contact","type":"string"}],"purposes":[{"id":"p","basis":"otherLaw","fields":["x"]}]}"#
        let file = try scenarioFile(
            #"[{"id":"s","policy":\#(inline),"queries":[{"subject":"c1","purpose":"p","field":"x","at":"2026-01-01T00:00:00Z","expect":"allow","reason":"allowed.legalBasis.otherLaw"}]}]"#
        )
        #expect(file.run().allSatisfy { $0.passed })
    }

    @Test(arguments: [
        (
            #"[{"id":"a","queries":[]},{"id":"a","queries":[]}]"#, "scenarios[1].id",
            ConsentKitError.Code.duplicateIdentifier
        ),
        (
            #"[{"id":"a","queries":[{"subject":"c1","purpose":"p","field":"f","at":"2026-01-01T00:00:00Z","expect":"deny","grant":"g1"}]}]"#,
            "scenarios[0].queries[0].grant", .invalidValue
        ),
        (
            #"[{"id":"a","queries":[{"subject":"c1","purpose":"p","field":"f","at":"2026-01-01T00:00:00Z","expect":"maybe"}]}]"#,
            "scenarios[0].queries[0].expect", .invalidValue
        ),
        (
            #"[{"id":"a","queries":[{"subject":"c1","purpose":"p","field":"f","at":"yesterday","expect":"deny"}]}]"#,
            "scenarios[0].queries[0].at", .invalidDate
        ),
        (
            #"[{"id":"a","events":[{"type":"withdraw","grant":"g9","at":"2026-01-01T00:00:00Z"}],"queries":[]}]"#,
            "scenarios[0].events[0].grant", .unknownIdentifier
        ),
        (
            #"[{"id":"a","subjects":[{"id":"k"},{"id":"k"}],"queries":[]}]"#, "scenarios[0].subjects[1].id",
            .duplicateIdentifier
        ),
        (#"[{"id":"a","queries":[],"tags":[]}]"#, "scenarios[0].tags", .unknownKey),
        (#"[{"id":"a"}]"#, "scenarios[0].queries", .missingKey),
    ])
    func invalidFilesNameTheProblem(scenarios: String, path: String, code: ConsentKitError.Code) {
        let error = expectError(code) { _ = try scenarioFile(scenarios) }
        #expect(error?.location.path == path, "\(String(describing: error))")
        #expect(error?.location.file == "s.json")
    }

    @Test func anImpossibleReasonIsAFailingExpectationNotAnInvalidFile() throws {
        let file = try scenarioFile(
            #"[{"id":"a","queries":[{"subject":"c1","purpose":"order.fulfilment","field":"address","#
                + #""at":"2026-01-01T00:00:00Z","expect":"allow","reason":"allowed.because"}]}]"#)
        let outcome = try #require(file.run().first)
        #expect(!outcome.passed)
        #expect(outcome.decision.reason == .allowedByContract)
    }

    @Test func aMissingPolicyFileIsNamed() {
        let error = expectError(.fileNotFound) { _ = try scenarioFile("[]", policy: #""nope.json""#) }
        #expect(error?.location.path == "policy")
    }

    @Test func anInvalidInlinePolicyIsLocatedInsideTheScenarioFile() {
        let error = expectError(.missingKey) {
            _ = try scenarioFile(
                #"[{"id":"a","policy":{"format":"consentkit.policy/1","regime":"PIPL","fields":[]},"queries":[]}]"#)
        }
        #expect(error?.location.path == "scenarios[0].policy.purposes")
    }
}

/// The `regime` and `grants` a query may expect: what a decision now reports beside its reason.
@Suite struct ScenarioRegimeExpectationTests {
    func run(_ query: String) throws -> [ScenarioOutcome] {
        let text = """
            {"format":"consentkit.scenarios/1","policy":"retail.policy.json","scenarios":[{"id":"s1",
            "events":[{"type":"grant","id":"g1","subject":"c1","purposes":["marketing.email"],"fields":["email"],
            "kind":"ordinary","at":"2026-01-01T00:00:00Z","noticeVersion":2}],
            "queries":[\(query)]}]}
            """
        let file = try ScenarioFile(
            jsonData: Data(text.utf8), file: "inline.scenarios.json",
            baseDirectory: TestSupport.path("Documentation/Examples/retail"))
        return file.run()
    }

    let allow = #""subject":"c1","purpose":"marketing.email","field":"email","at":"2026-02-01T00:00:00Z""#

    @Test func aDecisionReportsItsRegimeAndGrants() throws {
        let outcomes = try run(
            #"{\#(allow),"expect":"allow","regime":"PIPL","grants":["g1"]}, {\#(allow),"expect":"allow","regime":"GDPR"},"#
                + #"{\#(allow),"expect":"allow","grants":["g1","g2"]}, {\#(allow),"expect":"allow","grants":[]}"#)
        #expect(outcomes.map(\.passed) == [true, false, false, false])
        #expect(outcomes[0].decision.regime == .pipl && outcomes[0].decision.grants == ["g1"])
        #expect(outcomes[1].expectedDescription == "allow [regime GDPR]")
        #expect(outcomes[1].actualDescription == "allow allowed.consent (grant g1) [regime PIPL]")
        #expect(outcomes[2].actualDescription == "allow allowed.consent (grant g1) (grants g1)")
    }

    @Test func expectedGrantsOnADenialAreAFileError() throws {
        let error = expectError(.invalidValue) {
            _ = try run(#"{\#(allow),"expect":"deny","grants":["g1"]}"#)
        }
        #expect(error?.location.path == "scenarios[0].queries[0].grants")
        expectError(.duplicateIdentifier) { _ = try run(#"{\#(allow),"expect":"allow","grants":["g1","g1"]}"#) }
        let contradiction = expectError(.invalidValue) {
            _ = try run(#"{\#(allow),"expect":"allow","grant":"g1","grants":["g2"]}"#)
        }
        #expect(contradiction?.message.contains("never both match") == true)
        // An empty list on a denial asks for what a denial has: nothing relied on.
        let outcomes = try run(
            #"{"subject":"c9","purpose":"marketing.email","field":"email","at":"2026-02-01T00:00:00Z","expect":"deny","grants":[]}"#
        )
        #expect(outcomes.map(\.passed) == [true])
    }
}

@Suite struct ScenarioPolicyErrorTests {
    /// A top-level policy that does not load is reported once, at its own path; the scenarios that rely on it do not
    /// each add a misleading "no policy".
    @Test func aSharedPolicyThatFailsIsReportedOnceAtItsPath() throws {
        let text = """
            {"format":"consentkit.scenarios/1","policy":{"format":"consentkit.policy/1","regime":"XX",
            "fields":[{"id":"email","category":"contact.email","type":"string"}],
            "purposes":[{"id":"p","basis":"consent","fields":["email"]}]},
            "scenarios":[{"id":"s1","queries":[]},{"id":"s2","queries":[]}]}
            """
        let error = expectError(.unsupportedFormat) { _ = try ScenarioFile(jsonData: Data(text.utf8), file: "f.json") }
        #expect(error?.location.path == "policy.regime")
        #expect(
            error?.diagnostics.contains { $0.message.contains("no policy") } == false, "\(String(describing: error))")
    }
}
