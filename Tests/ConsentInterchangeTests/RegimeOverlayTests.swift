import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// `consentkit.regime/1`: overlays users write, read with every problem's path, written back equal, and usable by
/// name in the policy that defines them and in its ledgers.
@Suite struct RegimeOverlayTests {
    static let overlay = #"""
        {"format":"consentkit.regime/1","id":"GDPR-XX-ACME","extends":"GDPR-FR","version":"2027-01",
         "age":{"timeZone":"Europe/Paris","majority":16},
         "ageBands":[{"below":16,"scope":"consentBasedInformationSocietyService","grantors":"guardian","extraAttributes":["verifiedParental"]}],
         "sensitiveCategories":["medicalHealth","genetic"],"territory":["FR","DE"],
         "adequacy":[{"destinations":["BR"],"effectiveFrom":"2027-01-01"}],"guardianGrantSurvivesMajority":false}
        """#

    @Test func anOverlayChangesOnlyWhatItStates() throws {
        let overlay = try RegimeOverlay(jsonData: Data(Self.overlay.utf8))
        let france = try #require(Regime.gdpr("FR")).profile
        let profile = overlay.profile
        #expect(profile.id == "GDPR-XX-ACME" && profile.base == "GDPR")
        #expect(profile.age.majority == 16 && profile.ageBands.map(\.below) == [16])
        #expect(profile.ageBands[0].extraAttributes == [.verifiedParental])
        #expect(profile.transfers.adequacy.count == france.transfers.adequacy.count + 1)
        #expect(profile.bases == france.bases && profile.optOuts == france.optOuts)
        #expect(!profile.consent.guardianGrantSurvivesMajority)
        let again = try RegimeOverlay(jsonData: overlay.jsonData())
        #expect(again == overlay)
        #expect(again.jsonData() == overlay.jsonData())
    }

    /// The design's own sketch of a member-state profile (under an id of its own, since `GDPR-DE` is built in):
    /// `cite` on a band, and a ban written as a band with `"effect": "prohibit"`.
    @Test func theDesignsSketchReads() throws {
        let sketch = #"""
            { "format": "consentkit.regime/1", "id": "GDPR-DE-2026", "extends": "GDPR", "version": "2026-11",
              "age": { "timeZone": "Europe/Berlin", "reachedOn": "birthday", "leapDay": "mar1", "majority": 18 },
              "ageBands": [
                { "below": 16, "scope": "consentBasedInformationSocietyService", "grantors": "guardian",
                  "cite": "GDPR Art. 8(1); BDSG (no derogation)" },
                { "below": 18, "scope": "profilingAdsOnOnlinePlatform", "effect": "prohibit",
                  "reason": "denied.prohibited.minorProfilingAds", "cite": "DSA Art. 28(2)" } ] }
            """#
        let overlay = try RegimeOverlay(jsonData: Data(sketch.utf8))
        #expect(
            overlay.ageBands?.map(\.below) == [16] && overlay.ageBands?[0].citation?.hasPrefix("GDPR Art. 8") == true)
        #expect(overlay.prohibitions.map(\.reason) == [.prohibitedMinorProfilingAds])
        #expect(overlay.profile.prohibitions.count == Regime.gdpr.profile.prohibitions.count + 1)
        #expect(overlay.profile.age.leapDay == .march1 && overlay.profile.age.majority == 18)
        #expect(try RegimeOverlay(jsonData: overlay.jsonData()) == overlay)
        // Grantors by the design's names.
        let grantors = #"""
            {"format":"consentkit.regime/1","id":"X1","extends":"LGPD","ageBands":[
              {"below":12,"scope":"consentBased","grantors":"guardian"},
              {"below":16,"scope":"consentBased","grantors":"selfOrGuardian"},
              {"below":18,"scope":"consentBased","grantors":"selfAndGuardian"},
              {"below":18,"scope":"saleOrShare","grantors":"self","extraAttributes":["twoStep"]}]}
            """#
        #expect(
            try RegimeOverlay(jsonData: Data(grantors.utf8)).ageBands?.map(\.grantors) == [
                .guardian, .either, .joint, .subject,
            ])
    }

    @Test func policiesMayDefineAFewShallowProfiles() {
        func policy(_ profiles: [String]) -> String {
            #"{"format":"consentkit.policy/1","regime":"PIPL","profiles":["# + profiles.joined(separator: ",")
                + #"],"fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"consent","fields":["e"]}]}"#
        }
        let many = (0...RegimeOverlay.maximumProfiles).map {
            #"{"format":"consentkit.regime/1","id":"X\#($0)","extends":"GDPR"}"#
        }
        #expect(Policy.diagnostics(forJSON: Data(policy(many).utf8)).contains { $0.location.path == "profiles" })
        #expect(
            Policy.diagnostics(forJSON: Data(policy(Array(many.prefix(3))).utf8)).allSatisfy { $0.severity != .error })
        let chain = (0..<10).map { index in
            #"{"format":"consentkit.regime/1","id":"C\#(index)","extends":"\#(index == 0 ? "GDPR-FR" : "C\(index - 1)")"}"#
        }
        let diagnostics = Policy.diagnostics(forJSON: Data(policy(chain).utf8))
        #expect(diagnostics.contains { $0.location.path == "profiles[8].extends" }, "\(diagnostics)")
    }

    static let refused: [(json: String, path: String)] = [
        (#"{"format":"consentkit.regime/1","id":"GDPR","extends":"GDPR"}"#, "id"),
        (#"{"format":"consentkit.regime/1","id":"X","extends":"MARS"}"#, "extends"),
        (#"{"format":"consentkit.regime/2","id":"X","extends":"GDPR"}"#, "format"),
        (
            #"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","age":{"timeZone":"Mars/Olympus"}}"#,
            "age.timeZone"
        ),
        (#"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","age":{"majority":0}}"#, "age.majority"),
        (
            #"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","ageBands":[{"below":13,"scope":"all","grantors":"guardian"}]}"#,
            "ageBands[0].scope"
        ),
        (
            #"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","ageBands":[{"below":13,"scope":"profilingAds","effect":"prohibit","reason":"denied.noConsent"}]}"#,
            "ageBands[0].reason"
        ),
        (
            #"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","sensitiveCategories":["medicalhealth"]}"#,
            "sensitiveCategories[0]"
        ),
        (
            #"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","adequacy":[{"destinations":["BR"],"effectiveFrom":"2027-01-01","effectiveUntil":"2026-01-01"}]}"#,
            "adequacy[0]"
        ),
        (#"{"format":"consentkit.regime/1","id":"X","extends":"GDPR","bases":["consent"]}"#, "bases"),
        (#"{"format":"consentkit.regime/1","id":"bad\u0007id","extends":"GDPR"}"#, "id"),
    ]

    @Test(arguments: refused)
    func badOverlaysAreRefusedWithTheirPath(json: String, path: String) {
        do {
            _ = try RegimeOverlay(jsonData: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            let paths = error.diagnostics.map(\.location.path) + [error.location.path]
            #expect(paths.contains(path), "\(error)")
        }
    }

    static let policy = #"""
        {"format":"consentkit.policy/1","regime":"GDPR-XX-ACME","profiles":[\#(overlay)],
         "fields":[{"id":"email","category":"contact.email","type":"string"}],
         "purposes":[{"id":"posts","basis":"consent","informationSocietyService":true,"fields":["email"]}]}
        """#

    @Test func aPolicysProfilesAreNamedByItsRegimesAndItsLedgers() throws {
        let policy = try Policy(jsonData: Data(Self.policy.utf8))
        #expect(policy.regime.name == "GDPR-XX-ACME" && policy.profiles.count == 1)
        #expect(policy.regime(named: "GDPR-XX-ACME")?.profile.age.majority == 16)
        let written = try Policy(jsonData: policy.jsonData())
        #expect(written.jsonData() == policy.jsonData() && written.regime == policy.regime)

        let lines = """
            {"type":"subject","subject":"c1","regimes":["GDPR-XX-ACME","PIPL"],"birthDate":"2011-01-01","at":"2026-01-01T00:00:00Z"}
            {"type":"grant","id":"g1","subject":"c1","purposes":["posts"],"fields":["email"],"kind":"ordinary","attributes":["unbundled"],"at":"2026-02-01T00:00:00Z"}
            """
        let ledger = try ConsentLedger(policy: policy, jsonLines: Data(lines.utf8))
        let decision = ReferenceEvaluator(ledger: ledger).decision(
            for: ConsentQuestion(
                subject: "c1", purpose: "posts", field: "email", at: try instant("2026-03-01T00:00:00Z")))
        #expect(decision.reason == .guardianConsentRequired && decision.regime.name == "GDPR-XX-ACME")
        // Another policy does not know the overlay: its ledgers cannot name it.
        let other = try Policy(
            regime: .gdpr, fields: [FieldDefinition("email", category: .contactEmail, type: .string)],
            purposes: [Purpose("posts", basis: .consent, fields: ["email"])])
        #expect(throws: ConsentKitError.self) { _ = try ConsentLedger(policy: other, jsonLines: Data(lines.utf8)) }
    }
}
