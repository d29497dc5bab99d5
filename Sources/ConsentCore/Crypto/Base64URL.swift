/// base64url without padding (RFC 4648 §5), strict: one text for one byte string, so a token's text cannot be
/// altered (say, in the unused low bits of its last character) and still verify.
package enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// The text of `bytes`, after `prefix` (ASCII), built in place.
    package static func encode(_ bytes: [UInt8], prefix: StaticString = "") -> String {
        let length = prefix.utf8CodeUnitCount + encodedLength(of: bytes.count)
        return String(unsafeUninitializedCapacity: length) { output in
            for index in 0..<prefix.utf8CodeUnitCount { output[index] = prefix.utf8Start[index] }
            return bytes.withUnsafeBytes { write($0, into: output, at: prefix.utf8CodeUnitCount) }
        }
    }

    /// The length of the text of `count` bytes.
    package static func encodedLength(of count: Int) -> Int {
        count / 3 * 4 + (count % 3 == 0 ? 0 : count % 3 + 1)
    }

    /// Writes the text of `bytes` into `output` from `start`, returning where it ended.
    package static func write(
        _ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) -> Int {
        alphabet.withUnsafeBufferPointer { alphabet in
            var written = start
            func put(_ value: UInt32) {
                output[written] = alphabet[Int(value & 63)]
                written += 1
            }
            var index = 0
            while index + 3 <= bytes.count {
                let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                put(value >> 18)
                put(value >> 12)
                put(value >> 6)
                put(value)
                index += 3
            }
            if bytes.count - index == 1 {
                let value = UInt32(bytes[index]) << 16
                put(value >> 18)
                put(value >> 12)
            } else if bytes.count - index == 2 {
                let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                put(value >> 18)
                put(value >> 12)
                put(value >> 6)
            }
            return written
        }
    }

    /// Decodes exactly 22 characters into the first 16 bytes of `output`, without allocating; `false` for a
    /// character outside the alphabet or non-zero unused bits.
    package static func decode16(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard text.count == 22, output.count >= 16 else { return false }
        func value(_ character: UInt8) -> UInt32? {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"): 62
            case UInt8(ascii: "_"): 63
            default: nil
            }
        }
        var written = 0
        var index = 0
        while index + 4 <= 20 {
            guard let a = value(text[index]), let b = value(text[index + 1]), let c = value(text[index + 2]),
                let d = value(text[index + 3])
            else { return false }
            let group = a << 18 | b << 12 | c << 6 | d
            output[written] = UInt8(truncatingIfNeeded: group >> 16)
            output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
            output[written + 2] = UInt8(truncatingIfNeeded: group)
            written += 3
            index += 4
        }
        guard let a = value(text[20]), let b = value(text[21]), b & 0x0F == 0 else { return false }
        output[15] = UInt8(truncatingIfNeeded: a << 2 | b >> 4)
        return true
    }

    /// The bytes, or `nil` for a character outside the alphabet, an impossible length, or non-zero unused bits.
    package static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode($0) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode($0) }
    }

    package static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        return values.withUnsafeBufferPointer { values -> [UInt8]? in
            var output: [UInt8] = []
            output.reserveCapacity(text.count * 3 / 4)
            var accumulator: UInt32 = 0
            var bits: UInt32 = 0
            for character in text {
                let value = values[Int(character)]
                guard value != 0xFF else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: accumulator >> bits))
                    accumulator &= (1 << bits) - 1
                }
            }
            return accumulator == 0 ? output : nil
        }
    }
}
