import ConsentKit
import Foundation
import Testing

/// The attacks an independent review tried on views, each now refused: near-whole prefixes of identifiers, minors
/// the ledger does not know, one customer's duplicates inflating k, domains that smuggle text, field-scoped opt-outs
/// dropping whole records, pseudonyms in anonymised output, invisible fill characters, loaded grapheme clusters.
@Suite struct ViewHardeningTests {
    static let at = Date(timeIntervalSince1970: 1_780_286_400)  // 2026-06-01T12:00:00+08:00

    static func policy(views: String, maskPatterns: String = "[]") throws(ConsentKitError) -> Policy {
        let text = """
            { "format": "consentkit.policy/1", "regime": "PIPL",
              "fields": [
                { "id": "nationalId", "category": "identityDocument.nationalId", "type": "string" },
                { "id": "birthDate", "category": "demographic.birthDate", "type": "date" },
                { "id": "gender", "category": "demographic.gender", "type": "string" },
                { "id": "note", "category": "preference.interests", "type": "string" },
                { "id": "rx", "category": "medicalHealth", "type": "string" },
                { "id": "email", "category": "contact.email", "type": "string" }
              ],
              "purposes": [
                { "id": "stats", "basis": "contract", "fields": ["nationalId", "birthDate", "gender", "note", "email"] },
                { "id": "care", "basis": "consent", "fields": ["note", "rx"], "marketing": true }
              ],
              "maskPatterns": \(maskPatterns), "views": \(views) }
            """
        return try Policy(jsonData: Data(text.utf8))
    }

    func record(_ policy: Policy, _ subject: SubjectID, _ values: [FieldID: FieldValue]) throws -> PersonalRecord {
        var record = PersonalRecord(subject: subject, schema: policy.recordSchema)
        for (field, value) in values { try record.set(field, to: value) }
        return record
    }

    @Test func aDeidentifyingPrefixShowsAtMostHalfOfAnIdentifier() throws {
        let policy = try Self.policy(
            views: #"""
                [{ "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["gender"], "k": 2,
                   "rules": [{ "field": "nationalId", "transform": "prefix", "keep": 17 },
                             { "field": "gender", "transform": "clear" }] },
                 { "id": "s", "kind": "standard", "purpose": "stats",
                   "rules": [{ "field": "nationalId", "transform": "prefix", "keep": 6 }] }]
                """#)
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        let record = try record(policy, "a", ["nationalId": .string("11010519491231002X"), "gender": .string("f")])
        let anonymised = engine.view(of: record, as: try engine.compiled.view("a"), at: Self.at)
        #expect(anonymised[FieldID("nationalId")] == .withheld(.notApplicable))
        // In a view of identified data the prefix is shown, and the record is labelled identified.
        let standard = engine.view(of: record, as: try engine.compiled.view("s"), at: Self.at)
        #expect(standard[FieldID("nationalId")] == .generalised("110105", .allowedByContract))
        #expect(standard.label == .identified)
    }

    @Test func aBirthDateInTheRecordMakesAMinorEvenWhenTheLedgerDoesNotKnow() throws {
        let policy = try Self.policy(
            views: #"""
                [{ "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["birthDate"], "k": 2,
                   "rules": [{ "field": "birthDate", "transform": "ageBand" }, { "field": "note", "transform": "clear" },
                             { "field": "gender", "transform": "clear" }] }]
                """#)
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        let child = try record(
            policy, "nobody", ["birthDate": .date(CalendarDate(year: 2016, month: 6, day: 1)!), "note": .string("kid")])
        let shown = engine.view(of: child, as: try engine.compiled.view("a"), at: Self.at)
        #expect(shown[FieldID("note")] == .withheld(.sensitive))
        #expect(shown[FieldID("birthDate")] == .generalised("0-13", .allowedByContract))
    }

    @Test func kCountsPeopleNotRecords() throws {
        let policy = try Self.policy(
            views: #"""
                [{ "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["gender"], "k": 2,
                   "rules": [{ "field": "gender", "transform": "clear" }] }]
                """#)
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        let twice = try record(policy, "a", ["gender": .string("x")])
        let others = try ["b", "c"].map { try record(policy, SubjectID($0), ["gender": .string("f")]) }
        let batch = engine.views(of: [twice, twice] + others, as: try engine.compiled.view("a"), at: Self.at)
        #expect(batch.summary.suppressed == 2 && batch.summary.written == 2 && batch.summary.kReached == 2)
    }

    @Test func anonymisedOutputOmitsWithheldFieldsAndGroupsByWhatItShows() throws {
        let policy = try Self.policy(
            views: #"""
                [{ "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["gender"], "k": 2,
                   "rules": [{ "field": "gender", "transform": "clear" }, { "field": "note", "transform": "clear" }] }]
                """#)
        #expect(policy.warnings.contains { $0.message.contains("shows `note` but does not list it") })
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        // Same gender, but one shows a note and the other does not: two classes of one, both suppressed.
        let records = [
            try record(policy, "a", ["gender": .string("f"), "note": .string("n")]),
            try record(policy, "b", ["gender": .string("f"), "nationalId": .string("11010519491231002X")]),
        ]
        let batch = engine.views(of: records, as: try engine.compiled.view("a"), at: Self.at)
        #expect(batch.summary.suppressed == 2)
        let alone = engine.view(of: records[1], as: try engine.compiled.view("a"), at: Self.at)
        #expect(alone.omitsWithheld)
    }

    @Test func emailDomainsMustBeDomains() {
        let email = MaskPattern.builtIn["email"]!
        #expect(email.apply(to: "ab@c.d\n13812345678") == nil)
        #expect(email.apply(to: "ab@exa mple.cn") == nil)
        #expect(email.apply(to: "ab@example..cn") == nil)
        #expect(email.apply(to: "ab@例子.中国") == "a****@例子.中国")
    }

    @Test func aKeptCharacterCannotCarryAHiddenTail() {
        let tags = String(
            String.UnicodeScalarView("13812345678".unicodeScalars.map { Unicode.Scalar(0xE0000 + $0.value)! }))
        let pattern = MaskPattern(id: "ends", keepFirst: 1, keepLast: 1)
        #expect(pattern.apply(to: "1" + tags + "xyz9") == nil)
        #expect(pattern.apply(to: "1e\u{301}xyz9") == "1****9")
    }

    @Test func fieldScopedOptOutsDoNotDropWholeRecords() throws {
        let policy = try Self.policy(
            views: #"""
                [{ "id": "o", "kind": "optOut", "purpose": "care",
                   "rules": [{ "field": "note", "transform": "clear" }, { "field": "rx", "transform": "clear" }] }]
                """#)
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(
            .grant(
                ConsentGrant(
                    "g", subject: "a", purposes: ["care"], fields: ["note", "rx"], kind: .separate,
                    at: Self.at.addingTimeInterval(-100))))
        try ledger.append(.optOut("a", .sensitiveData, at: Self.at.addingTimeInterval(-50)))
        let engine = ConsentEngine(ledger: ledger)
        let shown = engine.view(
            of: try record(policy, "a", ["note": .string("n"), "rx": .string("r")]), as: try engine.compiled.view("o"),
            at: Self.at)
        #expect(shown.dropped == nil)
        #expect(shown[FieldID("note")] == .clear(.string("n"), .allowedByConsent))
        #expect(shown[FieldID("rx")] == .withheld(.denied(.optedOutOfSensitiveData)))
    }

    @Test func validationRefusesHiddenPseudonymsInvisibleFillsAndWidthOne() {
        func problems(_ views: String, _ patterns: String = "[]") -> [String] {
            do {
                _ = try Self.policy(views: views, maskPatterns: patterns)
                return []
            } catch { return error.diagnostics.map(\.message) }
        }
        let pseudonymising = problems(
            #"""
            [{ "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["gender"], "k": 2,
               "rules": [{ "field": "note", "transform": "mask", "pattern": "p" },
                         { "field": "gender", "transform": "clear" }] }]
            """#, #"[{ "id": "p", "keepFirst": 1, "shortValue": "pseudonymise" }]"#)
        #expect(pseudonymising.contains { $0.contains("falls back to pseudonyms") }, "\(pseudonymising)")
        for fill in ["\u{200D}", "\u{202E}", "\u{301}", "a", " "] {
            let found = problems("[]", #"[{ "id": "p", "fill": "\#(fill)" }]"#)
            #expect(
                found.contains { $0.contains("one visible punctuation mark or symbol") },
                "\(fill.unicodeScalars.map(\.value))")
        }
        #expect(problems("[]", #"[{ "id": "p", "fill": "•" }]"#).isEmpty)
    }
}

/// Streams of records: the asynchronous batch gives what the synchronous one gives, in order.
@Suite struct ViewStreamTests {
    @Test func anAsyncStreamProjectsLikeABatch() async throws {
        let policy = try ViewHardeningTests.policy(
            views: #"""
                [{ "id": "s", "kind": "standard", "purpose": "stats", "rules": [{ "field": "email", "transform": "mask", "pattern": "email" }] },
                 { "id": "a", "kind": "anonymised", "purpose": "stats", "quasiIdentifiers": ["gender"], "k": 2,
                   "rules": [{ "field": "gender", "transform": "clear" }] }]
                """#)
        let engine = ConsentEngine(ledger: ConsentLedger(policy: policy))
        var records: [PersonalRecord] = []
        for index in 0..<20 {
            var record = PersonalRecord(subject: SubjectID("c\(index)"), schema: policy.recordSchema)
            try record.set("email", to: .string("person\(index)@example.cn"))
            try record.set("gender", to: .string(index % 3 == 0 ? "x" : "f"))
            records.append(record)
        }
        for id in ["s", "a"] {
            let view = try engine.compiled.view(id)
            let batch = engine.views(of: records, as: view, at: ViewHardeningTests.at)
            let stream = AsyncStream<PersonalRecord> { continuation in
                for record in records { continuation.yield(record) }
                continuation.finish()
            }
            var streamed: [RecordView] = []
            let summary = try await engine.forEachView(of: stream, as: view, at: ViewHardeningTests.at) {
                streamed.append($0)
            }
            #expect(streamed == batch.views)
            #expect(summary == batch.summary)
        }
    }
}
