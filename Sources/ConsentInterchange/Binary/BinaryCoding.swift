internal import ConsentCore
package import Foundation

/// Appends little-endian integers, doubles and length-prefixed UTF-8 strings to a byte buffer: the encoding of
/// journal snapshots, which must load a million events in well under a second.
package struct BinaryWriter {
    package init() {}
    package private(set) var bytes: [UInt8] = []

    package mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// LEB128: small numbers, the common case, take one byte.
    package mutating func varint(_ value: Int) {
        var rest = UInt64(bitPattern: Int64(value))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    package mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The exact bits, so that instants read back equal.
    package mutating func double(_ value: Double) { uint64(value.bitPattern) }

    package mutating func date(_ value: Date) { double(value.timeIntervalSinceReferenceDate) }

    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    package mutating func optional<T>(_ value: T?, _ write: (inout Self, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }

    package mutating func array<T>(_ values: [T], _ write: (inout Self, T) -> Void) {
        varint(values.count)
        for value in values { write(&self, value) }
    }
}

/// Reads what ``BinaryWriter`` wrote; any inconsistency (a length past the end, an unknown tag) throws, so a damaged
/// snapshot is never half-trusted.
package struct BinaryReader {
    package struct Damaged: Error {
        package let offset: Int
        package let what: String
    }

    private let bytes: [UInt8]
    package private(set) var offset: Int

    package init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    package var isAtEnd: Bool { offset == bytes.count }

    package func damaged(_ what: String) -> Damaged { Damaged(offset: offset, what: what) }

    package mutating func byte() throws(Damaged) -> UInt8 {
        guard offset < bytes.count else { throw damaged("unexpected end") }
        defer { offset += 1 }
        return bytes[offset]
    }

    package mutating func varint() throws(Damaged) -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw damaged("overlong integer") }
            // The tenth byte holds bit 63 alone: anything more would overflow, and bits dropped silently would give
            // one number two encodings.
            guard shift < 63 || next <= 1 else { throw damaged("overlong integer") }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 {
                // One encoding per number: a trailing zero group would make two byte strings mean one value.
                guard next != 0 || shift == 0 else { throw damaged("overlong integer") }
                return Int(Int64(bitPattern: result))
            }
            shift += 7
        }
    }

    /// A count or length: never negative and never more than the bytes left (each item takes at least one).
    package mutating func count() throws(Damaged) -> Int {
        let value = try varint()
        guard value >= 0, value <= bytes.count - offset else { throw damaged("impossible length \(value)") }
        return value
    }

    package mutating func uint64() throws(Damaged) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw damaged("unexpected end") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    package mutating func double() throws(Damaged) -> Double { Double(bitPattern: try uint64()) }

    /// An instant, refused unless finite and within years 1–9999: a snapshot holds only what the ledger accepted.
    package mutating func date() throws(Damaged) -> Date {
        let date = Date(timeIntervalSinceReferenceDate: try double())
        guard RFC3339.isRepresentable(date) else { throw damaged("an instant outside years 1–9999") }
        return date
    }

    package mutating func string() throws(Damaged) -> String {
        let length = try count()
        defer { offset += length }
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<offset + length]), as: UTF8.self)
        }
    }

    /// A string whose bytes must be valid UTF-8: a replacement character would let two byte strings read equal.
    package mutating func validString() throws(Damaged) -> String {
        let length = try count()
        let start = offset
        offset += length
        let (value, valid) = bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeBufferPointer(rebasing: buffer[start..<start + length])
            let value = String(decoding: raw, as: UTF8.self)
            // ASCII is valid UTF-8 as it stands; anything else must come back unchanged.
            return (value, raw.allSatisfy { $0 < 0x80 } || value.utf8.elementsEqual(raw))
        }
        guard valid else { throw damaged("invalid UTF-8") }
        return value
    }

    package mutating func optional<T>(_ read: (inout Self) throws(Damaged) -> T) throws(Damaged) -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try read(&self)
        case let tag: throw damaged("bad optional tag \(tag)")
        }
    }

    package mutating func array<T>(_ read: (inout Self) throws(Damaged) -> T) throws(Damaged) -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}
