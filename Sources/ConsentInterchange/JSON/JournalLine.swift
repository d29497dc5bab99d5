package import ConsentCore

/// One line of a journal file: an event's JSON object with a last member `"checksum":"crc32:xxxxxxxx"`, the CRC-32
/// of the same object written without that member. The line stays a Formats.md event object, so ledger readers
/// read journals too (verifying the checksum when it is there).
package enum JournalLine {
    /// `,"checksum":"crc32:` + 8 hex digits + `"}`.
    private static let prefix = Array(#","checksum":"crc32:"#.utf8)
    private static let suffixLength = prefix.count + 8 + 2

    /// The line for an event, without the newline.
    package static func encode(_ event: ConsentEvent) -> String {
        let json = event.jsonLine
        let checksum = CRC32.hex(CRC32.checksum(json.utf8))
        // Cut the closing brace by bytes: `String.dropLast()` walks grapheme clusters.
        var line = Array(json.utf8.dropLast())
        line.reserveCapacity(line.count + suffixLength)
        line += prefix
        line += checksum.utf8
        line += #""}"#.utf8
        return String(decoding: line, as: UTF8.self)
    }

    /// What a line holds once its checksum is checked.
    package enum Content {
        /// The line has no checksum member: a plain event.
        case plain
        /// The checksum matches; these are the event's bytes without it.
        case verified([UInt8])
        /// The line has a checksum member that does not match its content.
        case corrupt
    }

    /// Checks a line's checksum, if it carries one.
    package static func verify(_ line: ArraySlice<UInt8>) -> Content {
        guard line.count > suffixLength, line.last == UInt8(ascii: "}") else { return .plain }
        let suffixStart = line.endIndex - suffixLength
        guard line[suffixStart..<suffixStart + prefix.count].elementsEqual(prefix),
            line[line.endIndex - 2] == UInt8(ascii: "\"")
        else { return .plain }
        let digits = line[(suffixStart + prefix.count)..<(line.endIndex - 2)]
        var event = Array(line[line.startIndex..<suffixStart])
        event.append(UInt8(ascii: "}"))
        // Compare the exact digits written (lower-case): parsing them would accept a flipped case bit.
        return digits.elementsEqual(CRC32.hex(CRC32.checksum(event)).utf8) ? .verified(event) : .corrupt
    }
}
