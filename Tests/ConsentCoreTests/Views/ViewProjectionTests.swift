import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing
import _ConsentKitWorkload

/// Views are decisions: every field's fate starts from the engine's decision, which equals the reference
/// evaluator's; a denied field is never masked; and de-identified output never carries a sensitive value in clear.
@Suite struct ViewProjectionTests {
    /// 2026-06-01T12:00:00+08:00.
    static let at = Date(timeIntervalSince1970: 1_780_286_400)

    func retail() throws -> (ConsentEngine, [PersonalRecord]) {
        let policy = try TestSupport.retailPolicy()
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        let records = try PersonalRecord.records(
            contentsOfFile: TestSupport.path("Documentation/Examples/retail/retail.records.jsonl"),
            schema: policy.recordSchema)
        return (ConsentEngine(ledger: ledger), records)
    }

    @Test func theStandardViewMasksGeneralisesAndWithholds() throws {
        let (engine, records) = try retail()
        let alice = try engine.view(of: records[0], as: "crm.standard", at: Self.at)
        #expect(alice[FieldID("name")] == .masked("欧阳**", .allowedByContract))
        #expect(alice[FieldID("phone")] == .masked("138****5678", .allowedByContract))
        #expect(alice[FieldID("birthDate")] == .generalised("30-44", .allowedByContract))
        #expect(alice[FieldID("gender")] == .clear(.string("female"), .allowedByContract))
        #expect(alice[FieldID("nationalId")] == .withheld(.denied(.notDeclared)))
        #expect(alice.label == .identified && alice.shownSubject == "alice")
        // A one-character name is too short for its mask: redacted, never shown.
        let gao = try engine.view(of: records[5], as: "crm.standard", at: Self.at)
        #expect(gao[FieldID("name")] == .masked("****", .allowedByContract))
    }

    @Test func aChildOneDayShortOf14IsInTheBandBelow() throws {
        // emma was born on 2013-09-01; the policy reaches an age the day after the birthday, in Asia/Shanghai.
        let (engine, records) = try retail()
        let emma = records[3]
        func band(_ instant: String) throws -> FieldOutcome? {
            try engine.view(of: emma, as: "crm.standard", at: try RFC3339.parseInstant(instant))[FieldID("birthDate")]
        }
        #expect(try band("2027-09-01T23:59:59+08:00") == .generalised("0-13", .allowedByConsent))
        #expect(try band("2027-09-01T15:59:59Z") == .generalised("0-13", .allowedByConsent))
        // At 14 she is no longer a minor: registration rests on the contract again (PIPL Art. 31 no longer applies).
        #expect(try band("2027-09-02T00:00:00+08:00") == .generalised("14-17", .allowedByContract))
        // Midnight in Shanghai is still the 1st in UTC: the policy's zone decides, not UTC.
        #expect(try band("2027-09-01T16:00:00Z") == .generalised("14-17", .allowedByContract))
        // A band never reads a birth date after the instant (before her facts were recorded, the contract applied).
        #expect(try band("2013-08-31T12:00:00+08:00") == .withheld(.notApplicable))
    }

    @Test func optOutViewsDropWholeRecordsAndCountWhy() throws {
        let (engine, records) = try retail()
        let view = try engine.compiled.view("marketing.emailList")
        let batch = engine.views(of: records, as: view, at: Self.at)
        #expect(batch.views.map(\.subject) == ["alice"])
        #expect(batch.summary.dropped[.optedOutOfDirectMarketing] == 1)
        #expect(batch.summary.dropped[.withdrawn] == 1)
        #expect(batch.summary.dropped[.erased] == 1)
        #expect(batch.summary.dropped[.guardianConsentRequired] == 1)
        #expect(batch.summary.records == 8 && batch.summary.written == 1 && batch.summary.droppedTotal == 7)
        let gao = engine.view(of: records[5], as: view, at: Self.at)
        #expect(gao.dropped == .optedOutOfDirectMarketing && gao.fields.isEmpty)
        // Before gao opted out (2026-04-02) the same record is not dropped for the opt-out.
        let before = engine.view(of: records[5], as: view, at: try RFC3339.parseInstant("2026-04-02T18:59:59+08:00"))
        #expect(before.dropped != .optedOutOfDirectMarketing)
    }

    @Test func anonymisedBatchesReachKOrSuppress() throws {
        let (engine, records) = try retail()
        let view = try engine.compiled.view("loyalty.analytics")
        let batch = engine.views(of: records, as: view, at: Self.at)
        #expect(batch.summary.kReached.map { $0 >= 2 } == true)
        #expect(batch.summary.suppressed + batch.summary.written + batch.summary.droppedTotal == records.count)
        #expect(batch.views.allSatisfy { $0.label == .anonymised && $0.shownSubject == nil })
        // Alone, one record cannot be proven k-anonymous: it is labelled de-identified, not anonymised.
        #expect(engine.view(of: records[0], as: view, at: Self.at).label == .deidentified)
        // Each written record's class of quasi-identifiers has at least k members.
        var classes: [[FieldOutcome?]: Int] = [:]
        for shown in batch.views {
            classes[[shown[FieldID("loyaltyTier")], shown[FieldID("points")]], default: 0] += 1
        }
        #expect(classes.values.allSatisfy { $0 >= 2 }, "\(classes)")
    }

    @Test func disclosureViewsPseudonymiseWithTheKeyAndDropWhatTheRecipientMayNotGet() throws {
        let (engine, records) = try retail()
        let key = try PseudonymKey(id: "k2026", secret: Array("an example secret of 32 bytes!!!".utf8))
        let view = try engine.compiled.view("partner.starAirlines", key: key)
        let batch = engine.views(of: records, as: view, at: Self.at)
        // Only alice agreed to star-airlines receiving her data.
        #expect(batch.views.count == 1)
        let alice = try #require(batch.views.first)
        guard case .pseudonymised(let name, .allowedByConsent) = alice[FieldID("name")] else {
            Issue.record("name: \(String(describing: alice[FieldID("name")]))")
            return
        }
        #expect(name.hasPrefix("psn:k2026:") && !name.contains("欧阳"))
        #expect(alice.shownSubject?.hasPrefix("psn:k2026:") == true && alice.label == .deidentified)
        #expect(alice[FieldID("points")] == .generalised("[12000,13000)", .allowedByConsent))
        // Without a key, nothing is hashed without one: the fields are withheld.
        let keyless = try engine.compiled.view("partner.starAirlines")
        #expect(engine.view(of: records[0], as: keyless, at: Self.at)[FieldID("name")] == .withheld(.noPseudonymKey))
    }

    @Test func projectingAgainReusesTheOutputWithoutChangingIt() throws {
        let (engine, records) = try retail()
        let view = try engine.compiled.view("crm.standard")
        var scratch = RecordView(schema: view.schema)
        for record in records + records {
            engine.view(of: record, as: view, at: Self.at, into: &scratch)
            #expect(scratch == engine.view(of: record, as: view, at: Self.at))
        }
    }

    /// The differential check: over random worlds, policies, views and records, every field's outcome carries the
    /// reference evaluator's decision — denied fields withheld with its reason, allowed ones shown or transformed
    /// with its reason — and no output labelled de-identified or anonymised holds a sensitive value in clear.
    @Test func everyFieldCarriesTheReferenceDecision() throws {
        let seed =
            UInt64(ProcessInfo.processInfo.environment["CONSENTKIT_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("views differential seed: \(seed) (CONSENTKIT_SEED=\(seed) to repeat)")
        var random = SplitMix64(seed: seed)
        var checked = 0
        var kinds = Set<PrivacyView.Kind>()
        var outcomes = Set<String>()
        for world in 0..<60 {
            let base = try RandomWorld(seed: seed &+ UInt64(world))
            guard let policy = RandomViews.policy(adding: base.policy, random: &random) else { continue }
            var worldCopy = base
            worldCopy.policy = policy
            let ledger = try worldCopy.ledger()
            let engine = ConsentEngine(ledger: ledger)
            let reference = ReferenceEvaluator(ledger: ledger)
            let key = try PseudonymKey(id: "t", secret: [UInt8](repeating: 7, count: 32))
            for declared in policy.views {
                let view = try engine.compiled.view(declared.id, key: key)
                kinds.insert(declared.kind)
                for _ in 0..<8 {
                    let record = RandomViews.record(policy: policy, subjects: base.subjectCount, random: &random)
                    let at = base.instants[Int(random.next() % UInt64(base.instants.count))]
                    let shown = engine.view(of: record, as: view, at: at)
                    for (position, field) in policy.fields.enumerated() where record.values[position] != nil {
                        let expected = reference.decision(
                            for: ConsentQuestion(
                                subject: record.subject, purpose: declared.purpose, field: field.id, at: at,
                                recipient: declared.recipient, destination: declared.destination,
                                channel: declared.channel))
                        if let dropped = shown.dropped {
                            #expect(!expected.isAllowed || ConsentEngine.dropsWholeRecord(dropped))
                            continue
                        }
                        let outcome = try #require(shown.outcomes[position])
                        outcomes.insert(RandomViews.kind(of: outcome))
                        if expected.isAllowed {
                            if case .withheld(.denied) = outcome {
                                Issue.record("seed \(seed): allowed \(field.id) withheld as denied")
                            }
                            if let reason = outcome.reason { #expect(reason == expected.reason, "seed \(seed)") }
                        } else {
                            #expect(
                                outcome == .withheld(.denied(expected.reason)), "seed \(seed): \(field.id) \(outcome)")
                        }
                        checked += 1
                    }
                    RandomViews.checkLeaks(shown, policy: policy, view: declared)
                }
            }
        }
        #expect(checked > 1_000, "seed \(seed): only \(checked) fields checked")
        #expect(kinds == Set(PrivacyView.Kind.allCases), "seed \(seed): kinds \(kinds)")
        #expect(
            outcomes.isSuperset(of: ["clear", "masked", "pseudonymised", "withheld.denied", "withheld.withheld"]),
            "seed \(seed): \(outcomes)")
    }

    /// The leak property over a million random records: no output labelled de-identified or anonymised holds a
    /// sensitive value in clear, and no mask shows more than its pattern's visible characters.
    @Test func aMillionRandomRecordsLeakNothing() throws {
        let total = Int(ProcessInfo.processInfo.environment["CONSENTKIT_VIEW_RECORDS"] ?? "") ?? 1_000_000
        let seed = UInt64.random(in: 1...1_000_000)
        print("views leak property seed: \(seed), \(total) records")
        var random = SplitMix64(seed: seed)
        var projected = 0
        var deidentified = 0
        var world = 0
        while projected < total {
            world += 1
            let base = try RandomWorld(seed: seed &+ UInt64(world))
            guard let policy = RandomViews.policy(adding: base.policy, random: &random, deidentifyingOnly: true) else {
                continue
            }
            var copy = base
            copy.policy = policy
            let engine = ConsentEngine(ledger: try copy.ledger())
            let key = try PseudonymKey(id: "t", secret: [UInt8](repeating: 9, count: 32))
            let records = (0..<2_000).map { _ in
                RandomViews.record(policy: policy, subjects: base.subjectCount, random: &random)
            }
            let at = base.instants[Int(random.next() % UInt64(base.instants.count))]
            for declared in policy.views {
                let view = try engine.compiled.view(declared.id, key: random.next() % 4 == 0 ? nil : key)
                engine.forEachView(of: records, as: view, at: at) { shown in
                    if shown.label != .identified { deidentified += 1 }
                    RandomViews.checkLeaks(shown, policy: policy, view: declared)
                }
                projected += records.count
            }
        }
        #expect(deidentified > total / 10, "seed \(seed): only \(deidentified) de-identified outputs")
    }
}
