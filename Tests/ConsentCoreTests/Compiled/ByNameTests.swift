import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Questions asked by name: the policy's name tables, the engine's subject table, grant ids named from the compiled
/// state, and the batch by name.
@Suite struct ByNameTests {
    /// Names of every length from 1 to 40 bytes, CJK ones, and pairs that differ only in their last byte, their
    /// length, or one byte in the middle: what a table comparing hashes or prefixes would confuse.
    static let awkwardNames: [String] = {
        var names: [String] = []
        for length in 1...40 {
            names.append(String((0..<length).map { index in "abcdefghij".randomElementOrFirst(index) }))
        }
        names += [
            "a.b", "a.c", "ab.", "营销.短信", "营销.邮件", "x" + String(repeating: "y", count: 200),
            "x" + String(repeating: "y", count: 199) + "z",
        ]
        names += ["abcdefgh", "abcdefgi", "abcdefghabcdefgh", "abcdefghabcdefgi", "bbcdefghabcdefgh"]
        return Array(Set(names)).sorted()
    }()

    static func policy() throws -> Policy {
        let fields = awkwardNames.map { FieldDefinition(FieldID($0), category: "contact.email", type: .string) }
        let purposes = awkwardNames.map { name in
            Purpose(
                PurposeID(name), basis: .consent,
                fields: Array(Set([FieldID(name), FieldID(awkwardNames[0])])).sorted(),
                thirdParty: ThirdPartyProvision(recipients: [RecipientID("r-" + name)]),
                crossBorder: CrossBorderTransfer(destinations: ["SG", "DE"], mechanism: .standardContract),
                channels: [.email, .sms])
        }
        return try Policy(fields: fields, purposes: purposes)
    }

    @Test func everyNameResolvesToItsIndexAndNoNearMissResolves() throws {
        let policy = try Self.policy()
        let compiled = CompiledPolicy(policy)
        for (offset, name) in Self.awkwardNames.enumerated() {
            #expect(compiled.index(ofPurpose: PurposeID(name)) == Int32(offset), "\(name)")
            #expect(compiled.index(ofField: FieldID(name)) == Int32(offset), "\(name)")
            let nearMisses = [
                name + "a", String(name.dropLast()), String(name.dropLast()) + "\u{0}", " " + name, name.uppercased(),
            ]
            for miss in nearMisses where !Self.awkwardNames.contains(miss) {
                #expect(compiled.index(ofPurpose: PurposeID(miss)) == nil, "\(miss.debugDescription)")
                #expect(compiled.index(ofField: FieldID(miss)) == nil, "\(miss.debugDescription)")
            }
        }
        #expect(compiled.index(ofPurpose: "") == nil)
        #expect(compiled.index(ofPurpose: PurposeID(String(repeating: "a", count: 100_000))) == nil)
        // A name spelled with a decomposed accent is another name: ids compare as bytes, as files hold them.
        #expect(compiled.index(ofField: "营销.短信") != nil && compiled.index(ofField: "营销.短信 ") == nil)

        // Recipients, destinations and channels resolve through tables of their own.
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let name = Self.awkwardNames[3]
        let question = compiled.compile(
            purpose: PurposeID(name), field: FieldID(name), at: at, recipient: RecipientID("r-" + name),
            destination: "DE", channel: .sms)
        #expect(question.recipient >= 0 && question.destination >= 0 && question.channel >= 0)
        let unknown = compiled.compile(
            purpose: PurposeID(name), field: FieldID(name), at: at, recipient: "r-nobody", destination: "XX",
            channel: Channel("fax"))
        #expect(unknown.recipient == CompiledQuestion.unknown && unknown.destination == CompiledQuestion.unknown)
        #expect(unknown.channel == CompiledQuestion.unknown)
        let absent = compiled.compile(purpose: PurposeID(name), field: FieldID(name), at: at)
        #expect(absent.recipient == CompiledQuestion.none && absent.channel == CompiledQuestion.none)
        #expect(
            compiled.compile(
                ConsentQuestion(
                    subject: "s", purpose: PurposeID(name), field: FieldID(name), at: at,
                    recipient: RecipientID("r-" + name), destination: "DE", channel: .sms)) == question)
    }

    @Test func subjectIdsOfEveryShapeFindTheirOwnSlot() throws {
        let policy = try Self.policy()
        // Grown one insert at a time (declare), then rebuilt at its final size (init from the ledger).
        var engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        var ids: [SubjectID] = []
        for number in 0..<20_000 {
            let id: String
            switch number % 5 {
            case 0: id = "c\(number)"
            case 1: id = "customer-\(number)-" + String(repeating: "0", count: number % 40)
            case 2: id = "客户\(number)"
            case 3: id = "\(number)"
            default: id = "user@example.com/\(number)"
            }
            ids.append(SubjectID(id))
            try engine.declare(SubjectID(id), facts: SubjectFacts(minor: number % 2 == 0))
        }
        let rebuilt = ConsentEngine(ledger: engine.ledger)
        for candidate in [engine, rebuilt] {
            var seen = Set<SubjectHandle>()
            for id in ids {
                let handle = candidate.handle(for: id)
                #expect(handle != .empty, "\(id)")
                seen.insert(handle)
            }
            #expect(seen.count == ids.count)
            for miss in ["c1x", "customer-1", "客户", "-1", "user@example.com/", "", "c0\u{0}"] {
                #expect(candidate.handle(for: SubjectID(miss)) == .empty, "\(miss.debugDescription)")
            }
        }
        // Same ids, same decisions, whichever way the table was built.
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        for id in ids.prefix(500) {
            let name = Self.awkwardNames[0]
            let question = ConsentQuestion(subject: id, purpose: PurposeID(name), field: FieldID(name), at: at)
            #expect(engine.compiledDecision(for: question) == rebuilt.compiledDecision(for: question))
        }
    }

    /// `String ==`, and so the ledger and the reference, treat canonically equivalent spellings as one identifier:
    /// the tables must too, or an erasure recorded under one spelling would not stop a question asked under the
    /// other (a deny turned into an allow).
    @Test func canonicallyEquivalentSpellingsAreOneIdentifier() throws {
        let policy = try Policy(
            fields: [FieldDefinition("café", category: "contact.email", type: .string)],
            purposes: [Purpose("KYC.check", basis: .contract, fields: ["café"])])
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        var engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        try engine.declare("Kx1", facts: SubjectFacts())
        // Erased and restricted under the other spellings: KELVIN SIGN for K, a combining acute for é.
        try engine.append(.erase("\u{212A}x1", at: at.addingTimeInterval(-60)))
        try engine.append(.restrict("Kx1", "\u{212A}YC.check", at: at.addingTimeInterval(-30)))
        #expect(engine.subjectCount == 1)
        for subject in ["Kx1", "\u{212A}x1"] {
            for purpose in ["KYC.check", "\u{212A}YC.check"] {
                for field in ["café", "cafe\u{301}"] {
                    let question = ConsentQuestion(
                        subject: SubjectID(subject), purpose: PurposeID(purpose), field: FieldID(field), at: at)
                    let expected = ReferenceEvaluator(ledger: engine.ledger).decision(for: question)
                    #expect(expected.reason == .erased)
                    #expect(engine.compiledDecision(for: question).reason == expected.reason, "\(question)")
                    #expect(engine.decision(for: question) == expected)
                    #expect(ConsentEngine(ledger: engine.ledger).compiledDecision(for: question).reason == .erased)
                }
            }
        }
        #expect(engine.handle(for: "\u{212A}x1") == engine.handle(for: "Kx1"))
        #expect(engine.compiled.index(ofPurpose: "\u{212A}YC.check") == 0)
        #expect(engine.compiled.index(ofField: "cafe\u{301}") == 0)
    }

    @Test func grantsAreNamedFromTheCompiledStateThroughAppendsAndCompaction() throws {
        let policy = try TestSupport.retailPolicy()
        var engine = ConsentEngine(
            ledger: try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath))
        let at = try instant("2026-05-01T00:00:00Z")
        let ask = ConsentQuestion(subject: "bob", purpose: "pharmacy.prescriptions", field: "prescription", at: at)
        #expect(engine.grantID(of: engine.compiledDecision(for: ask)) == "bob-rx-written")
        // Many grants for one subject, withdrawn and given again, with compaction in between.
        for round in 0..<300 {
            try engine.append(
                .grant(
                    ConsentGrant(
                        GrantID("c9-g\(round)"), subject: "c9", purposes: ["marketing.email"], fields: ["email"],
                        kind: .ordinary, at: at.addingTimeInterval(Double(round) * 60 - 86_400), noticeVersion: 2)))
            if round % 3 == 0 {
                try engine.append(
                    .withdraw(
                        Withdrawal(
                            .grant(GrantID("c9-g\(round)")), at: at.addingTimeInterval(Double(round) * 60 - 86_000))))
            }
            if round % 100 == 50 { engine.compact() }
            let question = ConsentQuestion(subject: "c9", purpose: "marketing.email", field: "email", at: at)
            let decision = engine.compiledDecision(for: question)
            let expected = ReferenceEvaluator(ledger: engine.ledger).decision(for: question)
            #expect(decision.reason == expected.reason)
            #expect(engine.grantID(of: decision) == expected.grant, "round \(round)")
            #expect(engine.decision(for: question) == expected)
        }
        #expect(engine.grantID(of: engine.compiledDecision(for: ask)) == "bob-rx-written")
        // A decision that cites no grant names none; so does one for a slot this engine does not have.
        #expect(
            engine.grantID(
                of: engine.compiledDecision(
                    for: ConsentQuestion(subject: "ghost", purpose: "marketing.email", field: "email", at: at))) == nil)
    }

    @Test func aBatchByNameAnswersInTheQuestionsOrder() throws {
        let policy = try TestSupport.retailPolicy()
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        let engine = ConsentEngine(ledger: ledger)
        let at = try instant("2026-05-01T00:00:00Z")
        // Subjects interleaved, unknown ones among them, names the policy does not have.
        var questions: [ConsentQuestion] = []
        for round in 0..<5 {
            for subject in ledger.subjects + ["ghost"] {
                for purpose in policy.purposes.map(\.id) + ["nope"] {
                    let field = policy.fields[(round + questions.count) % policy.fields.count].id
                    questions.append(ConsentQuestion(subject: subject, purpose: purpose, field: field, at: at))
                }
            }
        }
        questions.reverse()
        var batch: [CompiledDecision] = [CompiledDecision](
            repeating: engine.compiledDecision(for: questions[0]), count: 3)
        engine.decisions(for: questions, into: &batch)
        #expect(batch == questions.map { engine.compiledDecision(for: $0) })
        let reference = ReferenceEvaluator(ledger: ledger)
        #expect(batch.map(\.reason) == questions.map { reference.decision(for: $0).reason })
        engine.decisions(for: [ConsentQuestion](), into: &batch)
        #expect(batch.isEmpty)
        // The parts given one by one decide as the question does.
        for question in questions.prefix(200) {
            #expect(
                engine.compiledDecision(
                    subject: question.subject, purpose: question.purpose, field: question.field, at: question.instant)
                    == engine.compiledDecision(for: question))
        }
    }
}

extension String {
    fileprivate func randomElementOrFirst(_ index: Int) -> Character {
        let characters = Array(self)
        return characters[(index * 7 + index / 3) % characters.count]
    }
}
