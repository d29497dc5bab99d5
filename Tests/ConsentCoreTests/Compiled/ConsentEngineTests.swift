import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import Testing
import _ConsentKitWorkload

@Suite struct ConsentEngineTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func question(
        _ subject: SubjectID, _ purpose: PurposeID, _ field: FieldID, _ at: String, recipient: RecipientID? = nil
    ) throws
        -> ConsentQuestion
    {
        ConsentQuestion(subject: subject, purpose: purpose, field: field, at: try instant(at), recipient: recipient)
    }

    @Test func anAppendIsHonouredByTheNextDecision() throws {
        var engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        let ask = try question("c1", "marketing.email", "email", "2026-03-01T00:00:00Z")
        #expect(engine.decision(for: ask).reason == .noConsent)
        try engine.append(
            .grant(
                ConsentGrant(
                    "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .ordinary,
                    at: try instant("2026-01-01T00:00:00Z"), noticeVersion: 2)))
        #expect(engine.decision(for: ask) == Decision(.allowedByConsent, grant: "g1"))
        try engine.append(.withdraw(Withdrawal(.grant("g1"), at: try instant("2026-02-01T00:00:00Z"))))
        #expect(engine.decision(for: ask).reason == .withdrawn)
        try engine.declare("c2", facts: SubjectFacts(minor: true))
        #expect(
            engine.decision(for: try question("c2", "order.fulfilment", "address", "2026-03-01T00:00:00Z")).reason
                == .noConsent)
        #expect(engine.subjectCount == 2)
    }

    @Test func aRefusedAppendLeavesTheEngineUnchanged() throws {
        var engine = ConsentEngine(
            ledger: try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath))
        let before = engine.ledger.count
        #expect(throws: ConsentKitError(code: .unknownIdentifier)) {
            try engine.append(.restrict("alice", "nope", at: Date(timeIntervalSince1970: 0)))
        }
        #expect(engine.ledger.count == before)
    }

    @Test func decisionsNameTheirGrantLazilyAndExplainThemselves() throws {
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        let engine = ConsentEngine(ledger: ledger)
        let ask = try question("bob", "pharmacy.prescriptions", "prescription", "2026-05-01T00:00:00Z")
        let compiled = engine.decision(engine.compiled.compile(ask), for: engine.handle(for: "bob"))
        #expect(compiled.isAllowed && compiled.citesGrant)
        #expect(engine.grantID(of: compiled) == "bob-rx-written")
        #expect(engine.explanation(for: ask).decision == engine.decision(compiled))
        #expect(MemoryLayout<CompiledDecision>.size <= 8)
    }

    @Test func batchesAndRecordsMatchSingleDecisions() throws {
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        let engine = ConsentEngine(ledger: ledger)
        let questions = try ledger.subjects.flatMap { subject in
            try policy.fields.prefix(6).map { try question(subject, "marketing.email", $0.id, "2026-05-01T00:00:00Z") }
        }
        let byName = engine.decisions(for: questions)
        var results: [CompiledDecision] = []
        engine.decisions(
            questions.map { (subject: engine.handle(for: $0.subject), question: engine.compiled.compile($0)) },
            into: &results)
        #expect(results.map { engine.decision($0) } == byName)
        let reference = ReferenceEvaluator(ledger: ledger)
        #expect(byName == questions.map { reference.decision(for: $0) })
        let record = engine.decisions(
            for: "alice", purpose: "marketing.email", fields: policy.fields.map(\.id),
            at: try instant("2026-05-01T00:00:00Z"))
        #expect(
            record
                == reference.decisions(
                    for: "alice", purpose: "marketing.email", fields: policy.fields.map(\.id),
                    at: try instant("2026-05-01T00:00:00Z")))
    }

    @Test func unknownSubjectsAndNamesFailClosed() throws {
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        #expect(engine.handle(for: "ghost") == .empty)
        #expect(
            engine.decision(for: try question("ghost", "nope", "email", "2026-01-01T00:00:00Z")).reason
                == .unknownPurpose)
        #expect(
            engine.decision(for: try question("ghost", "marketing.email", "nope", "2026-01-01T00:00:00Z")).reason
                == .unknownField)
        #expect(
            engine.decision(for: try question("ghost", "marketing.email", "email", "2026-01-01T00:00:00Z")).reason
                == .noConsent)
        let invalid = CompiledQuestion(purpose: CompiledQuestion.unknown, field: 0, at: Date())
        #expect(engine.decision(invalid, for: .empty).reason == .unknownPurpose)
    }

    @Test func aSubjectTooLargeForTheCompactLayoutIsDecidedByTheReference() throws {
        var ledger = ConsentLedger(policy: policy)
        let many = (0..<300).map { RecipientID("r\($0)") } + ["star-airlines"]
        try ledger.append(
            .grant(
                ConsentGrant(
                    "big", subject: "c1", purposes: ["partner.coalition"], fields: ["name"], kind: .separate,
                    at: try instant("2026-01-01T00:00:00Z"), recipients: many)))
        let engine = ConsentEngine(ledger: ledger)
        let reference = ReferenceEvaluator(ledger: ledger)
        for recipient: RecipientID? in ["star-airlines", "acme-bank", nil, "unknown"] {
            let ask = try question("c1", "partner.coalition", "name", "2026-02-01T00:00:00Z", recipient: recipient)
            #expect(engine.decision(for: ask) == reference.decision(for: ask), "\(String(describing: recipient))")
            // An impossible instant is step 1, before an unknown recipient is (step 2), on this path too.
            for seconds in [Double.nan, 1e300] {
                let impossible = ConsentQuestion(
                    subject: "c1", purpose: "partner.coalition", field: "name",
                    at: Date(timeIntervalSince1970: seconds), recipient: recipient)
                #expect(engine.decision(for: impossible) == reference.decision(for: impossible))
                #expect(engine.decision(for: impossible).reason == .noConsent)
            }
        }
        var allowed = FieldSet()
        engine.allowedFields(
            for: engine.handle(for: "c1"), purpose: try #require(engine.compiled.index(ofPurpose: "partner.coalition")),
            at: try instant("2026-02-01T00:00:00Z"), into: &allowed)
        #expect(allowed.indices == [try #require(engine.compiled.index(ofField: "name"))])
    }

    /// The PIPL layout counts a grant's recipients and destinations in four bits each: 15 stay there, 16 move the
    /// subject to the regimes' layout; both decide as the reference, the named recipient first, middle and last.
    @Test func grantsNamingFifteenOrSixteenRecipientsDecideAsTheReference() throws {
        for count in [15, 16] {
            var ledger = ConsentLedger(policy: policy)
            let named = (0..<(count - 1)).map { RecipientID("r\($0)") } + ["star-airlines"]
            try ledger.append(
                .grant(
                    ConsentGrant(
                        GrantID("g\(count)"), subject: "c1", purposes: ["partner.coalition"], fields: ["name"],
                        kind: .separate, at: try instant("2026-01-01T00:00:00Z"), recipients: named.reversed())))
            let engine = ConsentEngine(ledger: ledger)
            let reference = ReferenceEvaluator(ledger: ledger)
            #expect(engine.referenceDecidedSubjects == 0)
            for recipient: RecipientID? in ["star-airlines", "acme-bank", nil, "r0", "unknown"] {
                let ask = try question("c1", "partner.coalition", "name", "2026-02-01T00:00:00Z", recipient: recipient)
                #expect(
                    engine.decision(for: ask) == reference.decision(for: ask),
                    "\(count) \(String(describing: recipient))")
                #expect(engine.compiledDecision(for: ask).reason == reference.decision(for: ask).reason)
            }
        }
    }

    @Test func policiesOfMoreThan64FieldsUseWideSets() throws {
        let fields = (0..<130).map { FieldDefinition(FieldID("f\($0)"), category: "contact", type: .string) }
        let wide = try Policy(fields: fields, purposes: [Purpose("p", basis: .consent, categories: ["contact"])])
        var ledger = ConsentLedger(policy: wide)
        try ledger.append(
            .grant(
                ConsentGrant(
                    "g", subject: "c1", purposes: ["p"], fields: ["f129", "f64"], kind: .ordinary,
                    at: Date(timeIntervalSince1970: 0))))
        let engine = ConsentEngine(ledger: ledger)
        #expect(engine.compiled.wordsPerSet == 3)
        for field in ["f129", "f64", "f63", "f0"] {
            let ask = ConsentQuestion(
                subject: "c1", purpose: "p", field: FieldID(field), at: Date(timeIntervalSince1970: 10))
            #expect(engine.decision(for: ask) == ReferenceEvaluator(ledger: ledger).decision(for: ask))
        }
    }

    @Test func theSyntheticWorkloadIsDeterministicAndCompilesToTheSameDecisions() throws {
        let first = try SyntheticWorkload(subjects: 300, questions: 3_000, seed: 7)
        let second = try SyntheticWorkload(subjects: 300, questions: 3_000, seed: 7)
        #expect(first.questions == second.questions)
        #expect(first.ledger.jsonLines() == second.ledger.jsonLines())
        #expect(first.policy.fields.count == 40)
        #expect(first.policy.fields.filter { first.policy.sensitivity(of: $0.id)?.isSensitive == true }.count == 8)
        #expect(first.policy.purposes.count == 12)
        #expect(Set(first.policy.purposes.map(\.basis)) == Regime.pipl.profile.bases)
        let engine = ConsentEngine(ledger: first.ledger)
        let reference = ReferenceEvaluator(ledger: first.ledger)
        let compiled = first.questions.map { engine.decision(for: $0) }
        #expect(compiled == first.questions.map { reference.decision(for: $0) })
        #expect(
            SyntheticWorkload.checksum(compiled.map(\.reason))
                == SyntheticWorkload.checksum(first.questions.map { reference.decision(for: $0).reason }))
    }
}
