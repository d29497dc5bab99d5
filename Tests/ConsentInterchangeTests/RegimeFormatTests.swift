import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The format additions of the regimes: read, written back identically, and refused with a path when wrong.
@Suite struct RegimeFormatTests {
    static let events: [String] = [
        #"{"type":"optOut","subject":"c1","kind":"saleOrSharing","source":"gpc","scope":"device","at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"optIn","subject":"c1","kind":"saleOrSharing","initiatedBy":"business","at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"objection","subject":"c1","kind":"particularSituation","purposes":["p"],"at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"objectionRejected","subject":"c1","purposes":["p"],"reason":"fraud: 3 chargebacks","at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"customer","subject":"c1","channels":["email","sms"],"objectionOffered":true,"at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"reviewRequested","subject":"c1","purposes":["p"],"at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"restrict","subject":"c1","purpose":"p","ground":"accuracy contested","at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"subject","subject":"c1","regimes":["GDPR-FR","PIPL"],"ageRange":{"min":13,"max":15},"emancipated":false,"at":"2026-01-01T00:00:00Z"}"#,
        #"{"type":"subject","subject":"c1","regimes":null,"ageRange":null,"at":"2026-01-01T00:00:00Z"}"#,
    ]

    @Test(arguments: events)
    func newEventsRoundTrip(line: String) throws {
        let event = try ConsentEvent(jsonLine: line)
        #expect(event.jsonLine == line)
        #expect(try ConsentEvent(jsonLine: event.jsonLine) == event)
    }

    static let refused: [(line: String, path: String)] = [
        (#"{"type":"subject","subject":"c1","regimes":[],"at":"2026-01-01T00:00:00Z"}"#, "regimes"),
        (#"{"type":"subject","subject":"c1","regimes":["GDPR-XX"],"at":"2026-01-01T00:00:00Z"}"#, "regimes[0]"),
        (#"{"type":"subject","subject":"c1","regimes":["PIPL","PIPL"],"at":"2026-01-01T00:00:00Z"}"#, "regimes[1]"),
        (#"{"type":"subject","subject":"c1","ageRange":{"min":16,"max":13},"at":"2026-01-01T00:00:00Z"}"#, "ageRange"),
        (
            #"{"type":"subject","subject":"c1","ageRange":{"min":-1,"max":13},"at":"2026-01-01T00:00:00Z"}"#,
            "ageRange.min"
        ),
        (
            #"{"type":"subject","subject":"c1","ageRange":{"min":1e400,"max":13},"at":"2026-01-01T00:00:00Z"}"#,
            "ageRange.min"
        ),
        (
            #"{"type":"restrict","subject":"c1","purpose":"p","ground":"a\u001b[2Jb","at":"2026-01-01T00:00:00Z"}"#,
            "ground"
        ),
        (#"{"type":"objection","subject":"c1","kind":"whim","purposes":["p"],"at":"2026-01-01T00:00:00Z"}"#, "kind"),
        (
            #"{"type":"objection","subject":"c1","kind":"research","purposes":[],"at":"2026-01-01T00:00:00Z"}"#,
            "purposes"
        ),
        (
            #"{"type":"optIn","subject":"c1","kind":"saleOrSharing","initiatedBy":"robot","at":"2026-01-01T00:00:00Z"}"#,
            "initiatedBy"
        ),
        (
            #"{"type":"optOut","subject":"c1","kind":"saleOrSharing","scope":"planet","at":"2026-01-01T00:00:00Z"}"#,
            "scope"
        ),
        (#"{"type":"customer","subject":"c1","channels":["fax"],"at":"2026-01-01T00:00:00Z"}"#, "channels[0]"),
        (#"{"type":"objectionRejected","subject":"c1","purposes":["p"],"at":"2026-01-01T00:00:00Z"}"#, "reason"),
        (#"{"type":"reviewRequested","subject":"c1","purposes":["p"],"note":"x","at":"2026-01-01T00:00:00Z"}"#, "note"),
    ]

    @Test(arguments: refused)
    func badNewEventsAreRefusedWithTheirPath(line: String, path: String) {
        do {
            _ = try ConsentEvent(jsonLine: line)
            Issue.record("accepted \(line)")
        } catch {
            let paths = error.diagnostics.map { $0.location.path } + [error.location.path]
            #expect(paths.contains(path), "\(error)")
        }
    }

    static let policy = #"""
        {"format":"consentkit.policy/1","regimes":["GDPR","CCPA","LGPD"],"onlinePlatform":true,
         "fields":[{"id":"email","category":"contact.email","type":"string"},
                   {"id":"health","category":"medicalHealth","type":"string"}],
         "purposes":[
           {"id":"ads","basis":{"GDPR":"consent","CCPA":"disclosedPurpose","LGPD":"consent"},"share":true,
            "profilingAds":true,"infersCharacteristics":false,"fields":["email"],
            "thirdParty":{"recipients":[{"id":"adnet","role":"controller"},"plain",{"id":"cdn","role":"processor"}]},
            "crossBorder":{"destinations":["US"],"mechanism":{"GDPR":"sccs","LGPD":"specificConsent"}}},
           {"id":"care","basis":{"GDPR":"legitimateInterests","CCPA":"disclosedPurpose","LGPD":"healthProtection"},
            "sensitiveCondition":{"GDPR":"healthCare","LGPD":"healthProtection"},"fields":["health"]}]}
        """#

    @Test func aMultiRegimePolicyRoundTrips() throws {
        let policy = try Policy(jsonData: Data(Self.policy.utf8))
        #expect(policy.regime == .gdpr && policy.regimes == [.gdpr, .ccpa, .lgpd] && policy.onlinePlatform)
        let ads = try #require(policy.purpose("ads"))
        #expect(ads.basis(in: Regime.ccpa.profile) == .disclosedPurpose)
        #expect(ads.basis(in: try #require(Regime.gdpr("FR")).profile) == .consent)
        #expect(ads.thirdParty?.role(of: "adnet") == .controller && ads.thirdParty?.role(of: "plain") == .thirdParty)
        #expect(ads.crossBorder?.mechanism(in: Regime.lgpd.profile) == .specificConsent)
        #expect(ads.crossBorder?.mechanism(in: Regime.ccpa.profile) == nil)
        #expect(
            ads.flags.isSuperset(of: [.share, .profilingAds]) && ads.flagsDeclaredFalse == [.infersCharacteristics])
        let written = try Policy(jsonData: policy.jsonData())
        #expect(written.jsonData() == policy.jsonData())
        #expect(written.purposes == policy.purposes)
    }

    static let badPolicies: [(json: String, path: String)] = [
        (#"{"format":"consentkit.policy/1","regimes":[],"fields":[],"purposes":[]}"#, "regimes"),
        (#"{"format":"consentkit.policy/1","regimes":["PIPL","MARS"],"fields":[],"purposes":[]}"#, "regimes[1]"),
        (#"{"format":"consentkit.policy/1","regime":"PIPL","regimes":["GDPR"],"fields":[],"purposes":[]}"#, "regimes"),
        (
            #"{"format":"consentkit.policy/1","regime":"GDPR","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"employment","fields":["e"]}]}"#,
            "purposes[0].basis"
        ),
        (
            #"{"format":"consentkit.policy/1","regime":"GDPR","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":{},"fields":["e"]}]}"#,
            "purposes[0].basis"
        ),
        (
            #"{"format":"consentkit.policy/1","regime":"GDPR","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"consent","fields":["e"],"sale":"yes"}]}"#,
            "purposes[0].sale"
        ),
        (
            #"{"format":"consentkit.policy/1","regime":"CCPA","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"disclosedPurpose","compatibleWithCollection":false,"fields":["e"]}]}"#,
            "purposes[0].compatibleWithCollection"
        ),
        (
            #"{"format":"consentkit.policy/1","regimes":["PIPL","CCPA"],"fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"consent","fields":["e"],"sensitiveCondition":{"CCPA":"research"}}]}"#,
            "purposes[0].sensitiveCondition.CCPA"
        ),
        (
            #"{"format":"consentkit.policy/1","regime":"GDPR","fields":[{"id":"e","category":"contact.email","type":"string"}],"purposes":[{"id":"p","basis":"consent","fields":["e"],"thirdParty":{"recipients":[{"id":"r","role":"friend"}]}}]}"#,
            "purposes[0].thirdParty.recipients[0].role"
        ),
    ]

    @Test(arguments: badPolicies)
    func badRegimePoliciesAreRefusedWithTheirPath(json: String, path: String) {
        let diagnostics = Policy.diagnostics(forJSON: Data(json.utf8))
        #expect(
            diagnostics.contains { $0.severity == .error && $0.location.path == path },
            "\(diagnostics.map { "\($0.location.path): \($0.message)" })")
    }
}
