import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The customer's privacy centre: purpose titles in the customer's language, statuses that match decisions, the
/// actions offered, and previews that match what appending does.
@Suite struct PrivacyCentreTests {
    let email = FieldDefinition("email", category: .contactEmail, type: .string)
    let face = FieldDefinition("face", category: "biometric.face", type: .string)

    func policy() throws -> Policy {
        try Policy(
            fields: [email, face],
            purposes: [
                Purpose(
                    "marketing.email", basis: .consent, fields: ["email"], marketing: true, channels: [.email],
                    title: ["zh": "邮件营销", "en": "Email marketing"],
                    description: ["en": "Offers by email, at most weekly."]),
                Purpose("store.facepay", basis: .consent, fields: ["face"], title: "Pay with your face"),
                Purpose("orders", basis: .contract, fields: ["email"]),
            ])
    }

    @Test func aChildsCentreAsksForAGuardianAndAgreesWithDecisions() throws {
        var ledger = ConsentLedger(policy: try policy())
        try ledger.declare("kid", facts: SubjectFacts(birthDate: CalendarDate(year: 2014, month: 5, day: 1)))
        // The child's own grant does not count (PIPL Art. 31): the centre must not show it as on.
        try ledger.append(
            .grant(
                ConsentGrant(
                    "own", subject: "kid", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                    at: try instant("2026-03-01T00:00:00Z"))))
        let at = try instant("2026-04-01T00:00:00Z")
        let centre = ledger.privacyCentre(for: "kid", at: at, languages: ["zh-CN", "en"])
        let marketing = try #require(centre.purposes.first)
        #expect(marketing.title == "邮件营销")
        #expect(marketing.description == "Offers by email, at most weekly.")
        #expect(!marketing.isOn && marketing.status.reason == .guardianConsentRequired)
        #expect(centre.state.purposesInForce.isEmpty)
        #expect(
            centre.state.grants[0].notCounting == [.init(purpose: "marketing.email", reason: .guardianConsentRequired)])
        let give = try #require(
            marketing.actions.first { if case .give = $0 { true } else { false } })
        // A child's data is sensitive under PIPL (Art. 28), so the guardian's consent must be separate.
        #expect(give == .give("marketing.email", fields: ["email"], kind: .separate, grantor: .guardian))
        #expect(marketing.actions.contains(.optOut(.directMarketing)))
        #expect(marketing.actions.contains(.channelOptOut(.email)))
        #expect(centre.purposes[1].title == "Pay with your face")
        // A child's contract-based purpose needs consent too (Art. 31): off, with a grant offered.
        #expect(!centre.purposes[2].isOn)
        #expect(centre.purposes[2].actions.contains { if case .give = $0 { true } else { false } })

        // Preview the guardian's grant: it turns the purpose on, and appending it does exactly that.
        let event = give.event(for: "kid", at: at, grantID: "parent")
        let preview = try ledger.preview([event])
        #expect(preview.turnsOn == ["marketing.email"])
        #expect(preview.changes.map(\.after.reason) == [.allowedByConsent])
        try ledger.append(event)
        let after = ledger.privacyCentre(for: "kid", at: at)
        #expect(after.purposes[0].isOn && after.purposes[0].grant?.grant.id == "parent")
        #expect(after.purposes[0].actions.first == .withdraw("marketing.email"))
        #expect(after.purposes[0].history.count == 2)
        #expect(ledger.status(of: "kid", purpose: "marketing.email", at: at).grants == ["parent"])

        // Withdrawing turns it off again; the preview says so before anything is appended.
        let withdraw = PrivacyAction.withdraw("marketing.email").event(for: "kid", at: at.addingTimeInterval(60))
        #expect(try ledger.preview([withdraw]).turnsOff == ["marketing.email"])
        #expect(ledger.status(of: "kid", purpose: "marketing.email", at: at.addingTimeInterval(60)).isOn)
    }

    @Test func aRefusedPreviewThrowsAndChangesNothing() throws {
        let ledger = ConsentLedger(policy: try policy())
        let bad = ConsentEvent.grant(
            ConsentGrant(
                "g", subject: "c1", purposes: ["nope"], fields: ["email"], kind: .ordinary,
                at: try instant("2026-03-01T00:00:00Z")))
        #expect(throws: ConsentKitError.self) { try ledger.preview([bad]) }
        #expect(ledger.entries.isEmpty)
    }

    @Test func purposeStatusesNameUnknownAndEmptyPurposes() throws {
        let ledger = ConsentLedger(policy: try policy())
        let at = try instant("2026-03-01T00:00:00Z")
        let unknown = ledger.status(of: "c1", purpose: "nope", at: at)
        #expect(!unknown.isOn && unknown.reason == .unknownPurpose && unknown.fields.isEmpty)
        #expect(ledger.purposes(for: "c1", at: at).map(\.purpose) == ["marketing.email", "store.facepay", "orders"])
        #expect(ledger.purposes(for: "c1", at: at).map(\.isOn) == [false, false, true])
        #expect("\(ledger.status(of: "c1", purpose: "orders", at: at))" == "orders: on (allowed.legalBasis.contract)")
    }

    @Test func localizedTextsPickTheBestLanguage() {
        let text: LocalizedText = ["zh-Hans": "邮件营销", "en": "Email marketing", "pt-BR": "Marketing por e-mail"]
        #expect(text.text(for: ["zh"]) == "邮件营销")
        #expect(text.text(for: ["pt"]) == "Marketing por e-mail")
        #expect(text.text(for: ["fr"]) == "Email marketing")
        #expect(LocalizedText("Only one").text(for: ["zh"]) == "Only one")
    }

    @Test func badTitlesAreRefusedWithTheirPath() throws {
        do {
            _ = try Policy(
                fields: [email],
                purposes: [
                    Purpose(
                        "p", basis: .consent, fields: ["email"], title: ["e n": "x", "en": ""],
                        description: LocalizedText(["en": String(repeating: "a", count: 5000)]))
                ])
            Issue.record("accepted")
        } catch {
            let paths = error.diagnostics.map(\.location.path)
            #expect(paths.contains("purposes[0].title.e n"))
            #expect(paths.contains("purposes[0].title.en"))
            #expect(paths.contains("purposes[0].description.en"))
        }
    }

    @Test func titlesRoundTripThroughPolicyFiles() throws {
        let policy = try policy()
        let reread = try Policy(jsonData: policy.jsonData())
        #expect(reread.purposes[0].title == policy.purposes[0].title)
        #expect(reread.purposes[0].description == policy.purposes[0].description)
        let text = String(decoding: policy.jsonData(), as: UTF8.self)
        #expect(text.contains("邮件营销"))
        // A plain string is a text in an undetermined language; an object maps tags to texts.
        let json = #"""
            {"format": "consentkit.policy/1", "fields": [{"id": "email", "category": "contact.email", "type": "string"}],
             "purposes": [{"id": "p", "basis": "consent", "fields": ["email"], "title": "Plain",
                           "description": {"en": "English", "zh": 3}}]}
            """#
        do {
            _ = try Policy(jsonData: Data(json.utf8))
            Issue.record("accepted a number as a text")
        } catch {
            #expect(error.diagnostics.contains { $0.location.path == "purposes[0].description.zh" })
        }
    }
}
