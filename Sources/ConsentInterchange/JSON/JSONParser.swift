package import ConsentCore

/// A strict RFC 8259 JSON parser that reports the line and column of the first syntax error.
///
/// Duplicate keys in one object are an error: which of two values a policy means cannot be guessed.
package struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    /// Deeper documents are refused rather than risking the stack; no ConsentKit format nests beyond ten.
    private static let maximumDepth = 256
    /// Objects with up to this many members are checked for a duplicate key by a scan, which beats hashing for the
    /// small objects ConsentKit's formats use; larger ones by a set of their keys.
    private static let scanLimit = 16

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document that fills `bytes` (surrounding white space allowed).
    ///
    /// - Parameters:
    ///   - file: the file to name in errors.
    ///   - line: the line the bytes start on, for one line of a JSON Lines file.
    package static func parse(_ bytes: [UInt8], file: String? = nil, line: Int = 1) throws(ConsentKitError)
        -> JSONValue
    {
        var parser = JSONParser(bytes)
        parser.line = line
        do throws(SyntaxError) {
            parser.skipWhitespace()
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.index < bytes.count { throw parser.syntaxError("unexpected text after the JSON value") }
            return value
        } catch {
            throw ConsentKitError(
                code: .malformedJSON, message: error.message,
                location: InputLocation(file: file, line: error.line, column: error.column))
        }
    }

    private struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    private func syntaxError(_ message: String) -> SyntaxError {
        SyntaxError(message: message, line: line, column: index - lineStart + 1)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue() throws(SyntaxError) -> JSONValue {
        guard index < bytes.count else { throw syntaxError("the JSON ends too early (is it cut off?)") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw syntaxError("unexpected character `\(Self.printable(bytes[index]))`")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected in
            index + count <= bytes.count && bytes[index..<index + count].elementsEqual(expected)
        }
        guard matches else { throw syntaxError("expected `\(word)`") }
        index += count
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw syntaxError("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = JSONObject()
        // The keys so far, once the object has more than `scanLimit` members: a scan per key would make an object
        // with very many keys quadratic to read.
        var keys: Set<String> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("the JSON ends inside an object (is it cut off?)") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw syntaxError("expected a quoted key") }
            let keyError = syntaxError("")
            let key = try parseString()
            let duplicate: Bool
            if object.members.count < Self.scanLimit {
                duplicate = object[key] != nil
            } else {
                if keys.isEmpty { keys = Set(object.members.lazy.map(\.key)) }
                duplicate = !keys.insert(key).inserted
            }
            if duplicate {
                throw SyntaxError(
                    message: "duplicate key `\(key)` in one object", line: keyError.line, column: keyError.column)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw syntaxError(index < bytes.count ? "expected `:` after a key" : "the JSON ends too early")
            }
            index += 1
            skipWhitespace()
            object.members.append((key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("the JSON ends inside an object (is it cut off?)") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(object)
            default: throw syntaxError("expected `,` or `}` in an object")
            }
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("the JSON ends inside an array (is it cut off?)") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw syntaxError("expected `,` or `]` in an array")
            }
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        // Fast path: most strings have no escape, so they are validated and copied once, straight from the input.
        let start = index
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let string = bytes.withUnsafeBufferPointer { buffer in
                    let content = UnsafeBufferPointer(rebasing: buffer[start..<index])
                    return bits < 0x80 ? String(decoding: content, as: UTF8.self) : Self.validatedString(content)
                }
                guard let string else { throw syntaxError("a string is not valid UTF-8") }
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            bits |= byte
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw syntaxError("the JSON ends inside a string (is it cut off?)") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = utf8.withUnsafeBufferPointer(Self.validatedString) else {
                    throw syntaxError("a string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                utf8.append(contentsOf: Array(String(try parseEscape()).utf8))
            case 0..<0x20:
                throw syntaxError("a control character inside a string (is a line cut off?)")
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    /// The string `bytes` encode, or `nil` if they are not valid UTF-8.
    ///
    /// `String(validating:as:)` needs macOS 15 and iOS 18. Decoding instead replaces each ill-formed sequence with
    /// U+FFFD, and its output is always valid UTF-8, so output bytes equal to the input prove the input valid.
    private static func validatedString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let string = String(decoding: bytes, as: UTF8.self)
        return string.utf8.count == bytes.count && string.utf8.elementsEqual(bytes) ? string : nil
    }

    private mutating func parseEscape() throws(SyntaxError) -> Unicode.Scalar {
        guard index < bytes.count else { throw syntaxError("the JSON ends inside an escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw syntaxError("a lone UTF-16 surrogate in `\\u` escape") }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw syntaxError("an invalid UTF-16 surrogate pair") }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                if let scalar = Unicode.Scalar(value) { return scalar }
                throw syntaxError("an invalid `\\u` escape")
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw syntaxError("a lone UTF-16 surrogate in `\\u` escape")
            }
            return scalar
        default:
            throw syntaxError("an invalid escape `\\\(Self.printable(byte))`")
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw syntaxError("the JSON ends inside a `\\u` escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntaxError("an invalid hex digit in a `\\u` escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw syntaxError("a number ends too early") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw syntaxError("a number needs a digit")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw syntaxError("a number needs a digit after `.`") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw syntaxError("a number needs a digit in its exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16)
    }
}
