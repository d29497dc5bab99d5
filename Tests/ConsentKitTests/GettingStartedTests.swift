import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Documentation/GettingStarted.md, run: every code block of the guide is one `// guide:` region below, verbatim,
/// and `theGuideIsThisCode` fails if the two drift. The `#expect`s between regions check what the guide's comments
/// say the code prints.
@Suite struct GettingStartedTests {
    let scratch = ScratchDirectory()

    @Test func theFirstHour() async throws {
        // guide: policy
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let face = PersonalDataField<String>("faceTemplate", category: .biometricFace)
        let policy = try Policy(
            fields: [email.definition, face.definition],
            purposes: [
                Purpose(
                    "marketing.email", basis: .consent, fields: [email.id], marketing: true, channels: [.email],
                    title: ["zh": "邮件营销", "en": "Email marketing"]),
                Purpose("store.facepay", basis: .consent, fields: [face.id], title: ["en": "Pay with your face"]),
            ])
        // guide: end

        // guide: child
        var ledger = ConsentLedger(policy: policy)
        try ledger.declare("mia", facts: SubjectFacts(birthDate: CalendarDate(year: 2014, month: 5, day: 1)))
        let now = try Date(rfc3339: "2026-12-01T10:00:00+08:00")

        // Mia is 12: her own grant does not count (PIPL Art. 31), her parent's does.
        try ledger.append(
            .grant(
                ConsentGrant(
                    "mia-own", subject: "mia", purposes: ["marketing.email"], fields: [email.id], kind: .separate,
                    at: now)))
        let question = ConsentQuestion(subject: "mia", purpose: "marketing.email", field: email.id, at: now)
        print(ReferenceEvaluator(ledger: ledger).decision(for: question))
        // deny denied.guardianConsentRequired

        try ledger.append(
            .grant(
                ConsentGrant(
                    "mia-parent", subject: "mia", purposes: ["marketing.email"], fields: [email.id], kind: .separate,
                    grantor: .guardian, at: now)))
        let evaluator = ReferenceEvaluator(ledger: ledger)
        print(evaluator.decision(for: question))  // allow allowed.consent (grant mia-parent)
        print(evaluator.explanation(for: question))  // the rule, its article, and how each grant fared
        // guide: end
        #expect(evaluator.decision(for: question) == Decision(.allowedByConsent, grant: "mia-parent"))

        // guide: status
        for status in ledger.purposes(for: "mia", at: now) { print(status) }
        // marketing.email: on (allowed.consent, grants mia-parent)
        // store.facepay: off (denied.noConsent)

        let centre = ledger.privacyCentre(for: "mia", at: now, languages: ["zh"])
        for entry in centre.purposes { print(entry.title, entry.isOn, entry.actions) }
        // 邮件营销 true [withdraw marketing.email, opt out of directMarketing, refuse email]
        // Pay with your face false [give store.facepay (separate, by a guardian), opt out of sensitiveData]
        // guide: end
        let expected = [
            "marketing.email: on (allowed.consent, grants mia-parent)", "store.facepay: off (denied.noConsent)",
        ]
        #expect(ledger.purposes(for: "mia", at: now).map(\.description) == expected)
        #expect(centre.purposes.map(\.title) == ["邮件营销", "Pay with your face"])
        #expect(
            centre.purposes.map { $0.actions.map(\.description) } == [
                ["withdraw marketing.email", "opt out of directMarketing", "refuse email"],
                ["give store.facepay (separate, by a guardian)", "opt out of sensitiveData"],
            ])

        // guide: withdraw
        let later = now.addingTimeInterval(3600)
        let withdrawal = PrivacyAction.withdraw("marketing.email").event(for: "mia", at: later)
        print(try ledger.preview([withdrawal]).turnsOff)  // [marketing.email]: shown before it happens
        try ledger.append(withdrawal)
        try ledger.append(.optOut("mia", .directMarketing, at: later))
        let afterwards = ConsentQuestion(subject: "mia", purpose: "marketing.email", field: email.id, at: later)
        print(ReferenceEvaluator(ledger: ledger).decision(for: afterwards))  // deny denied.optedOut.directMarketing
        // guide: end
        #expect(ReferenceEvaluator(ledger: ledger).decision(for: afterwards).reason == .optedOutOfDirectMarketing)

        // guide: engine
        let engine = ConsentEngine(ledger: ledger)  // compile once
        let mia = engine.handle(for: "mia")  // per request: look the subject up once
        let compiled = engine.compiled.compile(
            ConsentQuestion(subject: "mia", purpose: "marketing.email", field: email.id, at: later))
        print(engine.decision(compiled, for: mia).isAllowed)  // false, in tens of nanoseconds
        // guide: end
        #expect(!engine.decision(compiled, for: mia).isAllowed)

        // guide: journal
        let journal = try ConsentJournal(path: scratch.path("consent.jsonl"), policy: policy)
        let live = try await LiveConsentEngine(following: journal)
        try await journal.declare("leo", facts: SubjectFacts(birthDate: CalendarDate(year: 1990, month: 1, day: 1)))
        try journal.append(
            .grant(
                ConsentGrant(
                    "leo-1", subject: "leo", purposes: ["marketing.email"], fields: [email.id], kind: .ordinary,
                    at: now)))
        let leo = ConsentQuestion(subject: "leo", purpose: "marketing.email", field: email.id, at: later)
        print(live.decision(for: leo))  // allow allowed.consent (grant leo-1): durable once append returns
        // guide: end
        #expect(live.decision(for: leo).reason == .allowedByConsent)

        // guide: tokens
        // Service A (which holds the journal) vouches for Leo's consent; service B decides without the journal.
        let secret = TokenKey.generateSecret()  // keep it in your secret manager, shared by A and B
        let ring = try TokenKeyRing(keys: [try TokenKey(id: "2026-12", secret: secret)], signingKeyID: "2026-12")
        let snapshot = try ConsentSnapshot("leo", from: try journal.ledger, at: later)
        let text = try ring.issue(
            .snapshot(snapshot), issuer: "app", audience: "mailer", issuedAt: later, lifetime: 300)

        // In service B:
        let token = try ring.verify(text, audience: "mailer", at: later)
        if case .snapshot(let received) = token.content {
            let local = try received.ledger(policy: policy)
            print(ReferenceEvaluator(ledger: local).decision(for: leo))  // allow allowed.consent (grant leo-1)
        }
        // guide: end
        guard case .snapshot(let received) = token.content else {
            Issue.record("not a snapshot")
            return
        }
        #expect(ReferenceEvaluator(ledger: try received.ledger(policy: policy)).decision(for: leo).isAllowed)

        // guide: erasure
        let export = try await journal.export("leo", at: later)  // PIPL Art. 45: everything held, as JSON
        print(String(decoding: export.jsonData(), as: UTF8.self).count > 0)
        try journal.erase("leo", at: later.addingTimeInterval(60))  // Art. 47: the proof of consent is kept
        try await live.waitUntilCurrent(of: journal)
        print(
            live.decision(for: ConsentQuestion(subject: "leo", purpose: "marketing.email", field: email.id, at: .now)))
        // deny denied.erased
        journal.close()
        // guide: end
        #expect(
            live.decision(for: ConsentQuestion(subject: "leo", purpose: "marketing.email", field: email.id, at: .now))
                .reason == .erased)
    }

    /// The guide's code blocks and this file's regions, in order.
    @Test func theGuideIsThisCode() throws {
        let guide = try String(contentsOfFile: TestSupport.path("Documentation/GettingStarted.md"), encoding: .utf8)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        var blocks: [String] = []
        var current: [String]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```swift" {
                current = []
            } else if line == "```", let lines = current {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        var regions: [String] = []
        current = nil
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "// guide: end", let lines = current {
                regions.append(lines.joined(separator: "\n"))
                current = nil
            } else if trimmed.hasPrefix("// guide: ") && current == nil && !trimmed.contains("end") {
                current = []
            } else if current != nil {
                // The region's lines without the test function's indentation.
                current?.append(line.hasPrefix("        ") ? String(line.dropFirst(8)) : String(line))
            }
        }
        #expect(blocks.count == regions.count, "\(blocks.count) code blocks in the guide, \(regions.count) regions")
        for (index, (block, region)) in zip(blocks, regions).enumerated() {
            #expect(block == region, "block \(index + 1) of GettingStarted.md differs from its region")
        }
    }
}
