import ConsentKit
import ConsentKitTestSupport
import Testing
import _ConsentKitWorkload

@Suite struct CRC32Tests {
    /// The bit-at-a-time definition the slicing-by-8 tables must agree with.
    static func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    @Test func matchesTheStandardCheckValue() {
        // The CRC-32/ISO-HDLC check value, as catalogued for the IEEE polynomial.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.hex(0x0000_ABCD) == "0000abcd")
    }

    @Test func agreesWithTheBitwiseDefinitionAtEveryLengthAndAlignment() {
        var random = SplitMix64(seed: 32)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                let slice = Array(bytes[start..<end])
                #expect(CRC32.checksum(slice) == Self.bitwise(slice), "bytes \(start)..<\(end)")
                #expect(CRC32.checksum(bytes[start..<end]) == Self.bitwise(slice))
                #expect(CRC32.checksum(slice.lazy.map { $0 }) == Self.bitwise(slice))
            }
        }
    }
}
