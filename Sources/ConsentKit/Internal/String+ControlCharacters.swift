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
    /// C0 controls, DEL and C1 controls; also the line and paragraph separators, which some terminals and log viewers
    /// treat as line breaks.
    fileprivate var isControlCharacter: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }
}
