extension JSONValue {
    /// The value as JSON text: compact on one line, or indented by two spaces with short arrays kept on one line.
    package func serialized(pretty: Bool = false) -> String {
        var output = ""
        write(to: &output, pretty: pretty, indent: 0)
        return output
    }

    private func write(to output: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            let inline = !pretty || elements.allSatisfy(\.isScalar)
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += inline && pretty ? ", " : "," }
                if !inline { Self.newline(&output, indent + 2) }
                element.write(to: &output, pretty: pretty, indent: indent + 2)
            }
            if !inline && !elements.isEmpty { Self.newline(&output, indent) }
            output += "]"
        case .object(let object):
            output += "{"
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { output += "," }
                if pretty { Self.newline(&output, indent + 2) }
                Self.writeString(member.key, to: &output)
                output += pretty ? ": " : ":"
                member.value.write(to: &output, pretty: pretty, indent: indent + 2)
            }
            if pretty && !object.members.isEmpty { Self.newline(&output, indent) }
            output += "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private static func newline(_ output: inout String, _ indent: Int) {
        output += "\n" + String(repeating: " ", count: indent)
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        // Most strings (ids, instants, names) need no escape and are appended whole. 0xC2 and 0xE2 lead the UTF-8 of
        // C1 controls and of the line and paragraph separators, escaped below too (so that JSON printed to a
        // terminal cannot carry a control sequence, nor JSON Lines a line break some readers honour).
        if !text.utf8.contains(where: {
            $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2
        }) {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
