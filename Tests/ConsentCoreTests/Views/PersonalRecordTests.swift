import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Records: typed access, and JSON Lines checked against the policy's field types — every bad line named, nothing
/// returned from a file with one.
@Suite struct PersonalRecordTests {
    static let name = PersonalDataField<String>("name", category: .identityName)
    static let birthDate = PersonalDataField<CalendarDate>("birthDate", category: .demographicBirthDate)
    static let points = PersonalDataField<Int>("points", category: "loyalty.points")

    func schema() throws -> RecordSchema { try TestSupport.retailPolicy().recordSchema }

    @Test func typedGetAndSet() throws {
        var record = PersonalRecord(subject: "alice", schema: try schema())
        try record.set(Self.name, to: "欧阳娜娜")
        try record.set(Self.birthDate, to: CalendarDate(year: 2013, month: 9, day: 1)!)
        #expect(record[Self.name] == "欧阳娜娜")
        #expect(record[Self.birthDate] == CalendarDate(year: 2013, month: 9, day: 1))
        #expect(record.presentFields == ["name", "birthDate"])
        try record.set(Self.name, to: nil)
        #expect(record[Self.name] == nil && record.presentFields == ["birthDate"])
    }

    @Test func wrongTypesUnknownFieldsAndNaNAreRefused() throws {
        var record = PersonalRecord(subject: "alice", schema: try schema())
        let wrong = PersonalDataField<Int>("name", category: .identityName)
        #expect(throws: ConsentKitError(code: .wrongType)) { try record.set(wrong, to: 3) }
        #expect(throws: ConsentKitError(code: .unknownIdentifier)) {
            try record.set(PersonalDataField<String>("nope", category: .identityName), to: "x")
        }
        #expect(record.presentFields.isEmpty)
        let measured = try Policy(
            fields: [FieldDefinition("height", category: "demographic", type: .double)],
            purposes: [Purpose("p", basis: .contract, fields: ["height"])])
        var other = PersonalRecord(subject: "a", schema: measured.recordSchema)
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(throws: ConsentKitError(code: .invalidValue)) { try other.set("height", to: .double(bad)) }
        }
        try other.set("height", to: .double(1.75))
        #expect(other[FieldID("height")] == .double(1.75))
    }

    @Test func jsonLinesReadBothForms() throws {
        let text = """
            {"subject":"a","fields":{"name":"张三","birthDate":"2013-09-01","points":12,"productViews":["x"],"faceTemplate":"AAEC"}}

            {"subject":"b","name":"李四","points":null}
            """
        let records = try PersonalRecord.records(jsonLines: Data(text.utf8), schema: try schema())
        #expect(records.count == 2)
        #expect(records[0][Self.points] == 12 && records[0][FieldID("faceTemplate")] == .bytes(Data([0, 1, 2])))
        #expect(records[1][Self.name] == "李四" && records[1][Self.points] == nil)
    }

    @Test func everyBadLineIsNamedAndNothingIsReturned() throws {
        let text = """
            {"subject":"a","fields":{"name":"ok"}}
            {"subject":"b","fields":{"name":3,"points":1.5,"birthDate":"2026-02-30","ghost":1}}
            {"fields":{"name":"x"}}
            {"subject":"c\\u0007","fields":{}}
            not json
            {"subject":"d","fields":{"name":"x","name":"y"}}
            {"subject":"e","fields":{"productViews":["a",1]},"extra":true}
            """
        let schema = try schema()
        do {
            _ = try PersonalRecord.records(jsonLines: Data(text.utf8), schema: schema, file: "r.jsonl")
            Issue.record("a bad file was read")
        } catch {
            let lines = error.diagnostics.map { "\($0.location.line ?? 0) \($0.location.path): \($0.code)" }
            for expected in [
                "2 fields.name: wrongType", "2 fields.points: invalidValue", "2 fields.birthDate: invalidDate",
                "2 fields.ghost: unknownIdentifier", "3 subject: missingKey", "4 subject: invalidValue",
                "5 : malformedJSON", "7 fields.productViews[1]: wrongType", "7 extra: unknownKey",
            ] {
                #expect(lines.contains { $0.hasPrefix(expected) }, "missing \(expected) in \(lines)")
            }
            #expect(error.diagnostics.allSatisfy { $0.location.file == "r.jsonl" })
            #expect(lines.contains { $0.hasPrefix("6 ") }, "a key given twice is refused: \(lines)")
        }
    }

    @Test func aMillionKeysStopsAtAHundredProblems() throws {
        var text = #"{"subject":"a","fields":{"#
        text += (0..<20_000).map { #""k\#($0)":1"# }.joined(separator: ",")
        text += "}}\n"
        let many = String(repeating: text, count: 3)
        let schema = try schema()
        do {
            _ = try PersonalRecord.records(jsonLines: Data(many.utf8), schema: schema)
            Issue.record("read")
        } catch {
            #expect(error.diagnostics.count <= PersonalRecord.maximumReportedProblems + 1)
            #expect(error.diagnostics.first?.code == .unknownIdentifier)
        }
    }

    @Test func viewOutputIsDeterministicJSON() throws {
        let policy = try TestSupport.retailPolicy()
        let engine = ConsentEngine(
            ledger: try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath))
        var record = PersonalRecord(subject: "alice", schema: policy.recordSchema)
        try record.set(Self.name, to: "欧阳\"娜娜\"\n")
        try record.set(Self.points, to: 12_840)
        let shown = try engine.view(
            of: record, as: "privacy.officer", at: try RFC3339.parseInstant("2026-06-01T00:00:00Z"))
        #expect(
            shown.jsonLine
                == #"{"subject":"alice","view":"privacy.officer","label":"identified","fields":{"name":"欧阳\"娜娜\"\n","points":{"withheld":"denied.notDeclared"}}}"#
        )
    }
}
