internal import Foundation

/// The hash the compiled engine's name and subject tables use: a folded 64×64→128-bit multiply over the
/// identifier's UTF-8 bytes, eight at a time (after wyhash, public domain), keyed by a seed.
///
/// Why not `Hasher`: its SipHash-1-3 costs 20–40 ns for a short id and cannot be computed over a byte buffer
/// without going through a `String`. This one reads a 15-byte id in four overlapping 4-byte loads and two
/// multiplies. It is not a
/// cryptographic hash: the subject table draws a random seed per engine so that ids chosen by an attacker cannot
/// be aimed at one bucket, and every match is confirmed byte for byte, so a collision costs time, never a
/// wrong answer.
enum IdentifierHash {
    private static let prime0: UInt64 = 0xa076_1d64_78bd_642f
    private static let prime1: UInt64 = 0xe703_7ed1_a0b4_28db

    @inline(__always)
    private static func fold(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let product = lhs.multipliedFullWidth(by: rhs)
        return product.high ^ product.low
    }

    @inline(__always)
    private static func load64(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func load32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// The hash of `bytes` under `seed`, and whether every byte is ASCII (read from the same loads).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> (hash: UInt64, isASCII: Bool) {
        let count = bytes.count
        var state = seed ^ prime0
        let first: UInt64
        let second: UInt64
        var highBits: UInt64
        if count <= 16 {
            if count >= 4 {
                // Two overlapping 4-byte reads from each end cover every byte of 4–16.
                let middle = (count &>> 3) &<< 2
                first = (load32(bytes, 0) &<< 32) | load32(bytes, middle)
                second = (load32(bytes, count &- 4) &<< 32) | load32(bytes, count &- 4 &- middle)
            } else if count > 0 {
                first =
                    (UInt64(bytes[0]) &<< 16) | (UInt64(bytes[count &>> 1]) &<< 8) | UInt64(bytes[count &- 1])
                second = 0
            } else {
                first = 0
                second = 0
            }
            highBits = first | second
        } else {
            var offset = 0
            var remaining = count
            highBits = 0
            while remaining > 16 {
                let lower = load64(bytes, offset)
                let upper = load64(bytes, offset &+ 8)
                highBits |= lower | upper
                state = fold(lower ^ prime1, upper ^ state)
                offset &+= 16
                remaining &-= 16
            }
            first = load64(bytes, count &- 16)
            second = load64(bytes, count &- 8)
            highBits |= first | second
        }
        let hash = fold(prime1 ^ UInt64(truncatingIfNeeded: count), fold(first ^ prime1, second ^ state))
        return (hash, highBits & 0x8080_8080_8080_8080 == 0)
    }

    /// Runs `body` over the UTF-8 bytes of `text` as Swift compares text — canonically equivalent spellings
    /// alike — with its hash under `seed`.
    ///
    /// Why: `String ==` (and so the ledger's dictionary of subjects and the reference evaluator's lookups) treats
    /// canonically equivalent spellings as one identifier — `"\u{212A}x1"` (KELVIN SIGN) is `"Kx1"` — so a table
    /// that hashed raw bytes would miss a subject the ledger knows and decide for an empty one. ASCII text (the
    /// common case, detected from the hash's own loads) is its own normal form and is read in place; other text is
    /// hashed and compared in Normalization Form C, which is equal exactly for canonically equivalent strings.
    @inline(__always)
    static func withCanonicalBytes<R>(
        of text: String, seed: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> R
    ) -> R {
        let ascii: R? = withBytes(of: text) { bytes in
            let (hash, isASCII) = hash(bytes, seed: seed)
            return isASCII ? body(bytes, hash) : nil
        }
        if let ascii { return ascii }
        return canonical(text, seed: seed, body)
    }

    @inline(never)
    private static func canonical<R>(
        _ text: String, seed: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> R
    ) -> R {
        let normalized = text.precomposedStringWithCanonicalMapping
        return withBytes(of: normalized) { bytes in body(bytes, hash(bytes, seed: seed).hash) }
    }

    /// Runs `body` over the UTF-8 bytes of `text` without copying a native string (a small one is read from the
    /// stack); a foreign string is copied once.
    @inline(__always)
    static func withBytes<R>(of text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(body)
    }

    /// Whether two byte buffers hold the same bytes: eight bytes at a time, the last word read overlapping the one
    /// before it rather than byte by byte.
    @inline(__always)
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let count = lhs.count
        guard count == rhs.count else { return false }
        guard count > 0, let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
        if count < 4 {
            for offset in 0..<count
            where left.load(fromByteOffset: offset, as: UInt8.self)
                != right.load(fromByteOffset: offset, as: UInt8.self)
            {
                return false
            }
            return true
        }
        if count < 8 {
            return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
                && left.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
                    == right.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        }
        var offset = 0
        while offset &+ 8 < count {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset &+= 8
        }
        return left.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }
}
