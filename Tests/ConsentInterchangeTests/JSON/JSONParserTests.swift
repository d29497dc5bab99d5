import ConsentKit
import ConsentKitTestSupport
import Testing

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
    /// Strings are validated as UTF-8 whether or not they hold an escape (two paths in the parser).
    @Test(
        arguments: [
            [0xFF],  // never valid
            [0xC3],  // a lead byte cut off by the closing quote
            [0xC0, 0xAF],  // overlong "/"
            [0xED, 0xA0, 0x80],  // a surrogate encoded directly
            [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0x80],  // a lone continuation byte
        ] as [[UInt8]])
    func refusesInvalidUTF8InStrings(invalid: [UInt8]) {
        for (prefix, suffix) in [(#""a"#, #"b""#), (#""\n"#, #"""#), (#"""#, #"\t""#)] {
            let bytes = Array(prefix.utf8) + invalid + Array(suffix.utf8)
            let error = expectError(.malformedJSON) { _ = try JSONParser.parse(bytes) }
            #expect(error?.message.contains("not valid UTF-8") == true, "\(invalid) in \(prefix)…\(suffix)")
        }
    }

    @Test func keepsValidUTF8WithAndWithoutEscapes() throws {
        for text in ["张三", "é😀", "a\u{3000}b", "\u{FFFD}"] {
            #expect(try parse("\"\(text)\"") == .string(text))
            #expect(try parse(#""\n"# + text + #"""#) == .string("\n" + text))
        }
    }
}

@Suite struct JSONReaderIdentifierTests {
    func identifier(_ text: String) -> (String?, [Diagnostic]) {
        var reader = JSONReader(file: nil)
        let result = reader.identifier(.string(text), at: JSONPath())
        return (result, reader.diagnostics)
    }

    @Test(arguments: ["", " a", "a ", "\ta", "a\n", "\u{3000}客户", "客户\u{00A0}", "a\u{2028}", "\u{85}a"])
    func refusesEmptyOrWhiteSpaceEdgedIdentifiers(text: String) {
        let (result, diagnostics) = identifier(text)
        #expect(result == nil)
        #expect(diagnostics.first?.code == .invalidValue)
        #expect(diagnostics.first?.message.contains("not a valid identifier") == true)
    }

    @Test(arguments: ["a", "customer-1", "a b", "客户 一", "😀"])
    func acceptsIdentifiersWithInnerWhiteSpace(text: String) {
        let (result, diagnostics) = identifier(text)
        #expect(result == text)
        #expect(diagnostics.isEmpty)
    }
}
