import Testing

@testable import ConsentKit

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), file: "t.json") }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": ""}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b", "e"])
        #expect(object["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(object["b"] == .object(["c": .string("d")]))
        #expect(object["e"] == .string(""))
    }

    @Test func keepsTrueDistinctFromOne() throws {
        #expect(try parse("[true, 1]") == .array([.bool(true), .number("1")]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00 个人""#) == .string("a\"b\\c/d\n\té😀 个人"))
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "duplicate key `a`", 1, 10),
        ("{\n  \"a\": [1, 2", "ends inside an array", 2, 13),
        (#"{"a": "cut"#, "ends inside a string", 1, 11),
        (#"[01]"#, "expected `,` or `]`", 1, 3),
        (#"[1.]"#, "digit after `.`", 1, 4),
        (#"{"a" 1}"#, "expected `:`", 1, 6),
        (#"[tru]"#, "expected `true`", 1, 2),
        ("\"a\u{01}\"", "control character", 1, 3),
        (#""\q""#, "invalid escape", 1, 4),
        (#""\ud83d""#, "lone UTF-16 surrogate", 1, 8),
        ("[1] 2", "unexpected text after", 1, 5),
        ("", "ends too early", 1, 1),
    ])
    func reportsSyntaxErrorsWithTheirPosition(text: String, message: String, line: Int, column: Int) {
        let error = expectError(.malformedJSON) { _ = try parse(text) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.location.file == "t.json")
        #expect(error?.location.line == line)
        #expect(error?.location.column == column)
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        expectError(.malformedJSON) { _ = try parse(deep) }
    }

    @Test func startsLineNumbersWhereAJSONLinesLineStarts() {
        let error = expectError(.malformedJSON) { _ = try JSONParser.parse(Array("{\"a\":".utf8), line: 7) }
        #expect(error?.location.line == 7)
    }

    @Test func writesWhatItReads() throws {
        let text = #"{"a":[1,true,null],"b":{"c":"q\"\n\u0001"},"d":"个"}"#
        let value = try parse(text)
        #expect(value.serialized() == text)
        #expect(try parse(value.serialized(pretty: true)) == value)
    }
}
