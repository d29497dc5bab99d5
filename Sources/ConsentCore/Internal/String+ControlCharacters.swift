extension String {
    /// The text with every control character (C0, DEL and C1, which includes the terminal's escape sequences and
    /// line breaks) written as a visible escape — `\n`, `\t`, `\r`, `\u{1B}` — so that untrusted text echoed into a
    /// message or a log stays on its line and cannot forge another.
    package var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: \.isControlCharacter) else { return self }
        var result = ""
        result.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.isControlCharacter:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls; the line and paragraph separators, which some terminals and log viewers
    /// treat as line breaks; and the bidirectional formatting controls, which reorder how the text around them is
    /// shown ("Trojan Source"): what identifiers may not hold and what messages escape.
    package var isControlCharacter: Bool {
        switch value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
        default: false
        }
    }
}
