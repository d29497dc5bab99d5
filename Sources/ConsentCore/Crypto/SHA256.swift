/// SHA-256 (FIPS 180-4), in the package because Foundation has no cryptography on Linux. Used for HMAC-SHA256 token
/// signatures; checked against the NIST example vectors.
package struct SHA256: Sendable {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    package typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    private var state: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes waiting for a full 64-byte block, kept inline so that hashing never allocates.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var length: UInt64 = 0

    package init() {}

    /// The digest of `bytes`.
    package static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    package mutating func update(_ bytes: some Collection<UInt8>) {
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if contiguous == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// Adds one byte (a domain-separation prefix) without going through a generic collection.
    package mutating func update(byte: UInt8) {
        var value = byte
        withUnsafeBytes(of: &value) { update($0) }
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, remaining)
            let count = pendingCount
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.advanced(by: count).copyMemory(from: next, byteCount: take)
            }
            pendingCount += take
            next += take
            remaining -= take
            guard pendingCount == 64 else { return }
            var block = pending
            withUnsafeBytes(of: &block) { compress($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
            pendingCount = 0
        }
        while remaining >= 64 {
            compress(next.assumingMemoryBound(to: UInt8.self))
            next += 64
            remaining -= 64
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.baseAddress!.copyMemory(from: next, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    package mutating func finalize() -> [UInt8] {
        let words = finalizeWords()
        return withUnsafeBytes(of: words) { Array($0) }
    }

    /// The digest as it is laid out in memory: eight big-endian words, 32 bytes, without allocating.
    package mutating func finalizeWords() -> State {
        let bits = length &* 8
        var block = pending
        var count = pendingCount
        withUnsafeMutableBytes(of: &block) { buffer in
            buffer[count] = 0x80
            count += 1
            if count > 56 {
                for index in count..<64 { buffer[index] = 0 }
                compress(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self))
                count = 0
            }
            for index in count..<56 { buffer[index] = 0 }
            for index in 0..<8 { buffer[56 + index] = UInt8(truncatingIfNeeded: bits >> UInt64(56 - 8 * index)) }
            compress(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self))
        }
        return (
            state.0.bigEndian, state.1.bigEndian, state.2.bigEndian, state.3.bigEndian, state.4.bigEndian,
            state.5.bigEndian, state.6.bigEndian, state.7.bigEndian
        )
    }

    /// One 64-byte block: the whole message schedule first, then the 64 rounds, eight at a time with the working
    /// variables renamed instead of moved (what keeps them in registers).
    private mutating func compress(_ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for index in 0..<16 {
                let base = index &* 4
                w[index] =
                    UInt32(block[base]) << 24 | UInt32(block[base &+ 1]) << 16 | UInt32(block[base &+ 2]) << 8
                    | UInt32(block[base &+ 3])
            }
            for index in 16..<64 {
                let w15 = w[index &- 15]
                let w2 = w[index &- 2]
                let s0 = w15.rotated(7) ^ w15.rotated(18) ^ (w15 >> 3)
                let s1 = w2.rotated(17) ^ w2.rotated(19) ^ (w2 >> 10)
                w[index] = w[index &- 16] &+ s0 &+ w[index &- 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            Self.roundConstants.withUnsafeBufferPointer { k in
                @inline(__always)
                func round(
                    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
                    _ h: inout UInt32, _ index: Int
                ) {
                    let t1 =
                        h &+ (e.rotated(6) ^ e.rotated(11) ^ e.rotated(25)) &+ ((e & f) ^ (~e & g)) &+ k[index]
                        &+ w[index]
                    let t2 = (a.rotated(2) ^ a.rotated(13) ^ a.rotated(22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                    d = d &+ t1
                    h = t1 &+ t2
                }
                var index = 0
                while index < 64 {
                    round(a, b, c, &d, e, f, g, &h, index)
                    round(h, a, b, &c, d, e, f, &g, index &+ 1)
                    round(g, h, a, &b, c, d, e, &f, index &+ 2)
                    round(f, g, h, &a, b, c, d, &e, index &+ 3)
                    round(e, f, g, &h, a, b, c, &d, index &+ 4)
                    round(d, e, f, &g, h, a, b, &c, index &+ 5)
                    round(c, d, e, &f, g, h, a, &b, index &+ 6)
                    round(b, c, d, &e, f, g, h, &a, index &+ 7)
                    index &+= 8
                }
            }
            state = (
                state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g,
                state.7 &+ h
            )
        }
    }
}

extension UInt32 {
    /// Right rotation.
    @inline(__always) fileprivate func rotated(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}

/// An HMAC-SHA256 key schedule (RFC 2104): the hash states after the key padded with `ipad` and with `opad`, worked
/// out once, so that each code hashes only its message. Tokens and pseudonyms share it.
package struct HMACKeySchedule: Sendable {
    /// After the key XOR `ipad`: the inner hash continues from here.
    package let inner: SHA256
    /// After the key XOR `opad`: the outer hash continues from here.
    package let outer: SHA256

    package init(secret: some Collection<UInt8>) {
        var block = secret.count > 64 ? SHA256.hash(secret) : Array(secret)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }
}

/// HMAC-SHA256 (RFC 2104), with a constant-time comparison for tags.
package enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    package static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8]
    {
        var block = key.count > 64 ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        let digest = inner.finalizeWords()
        withUnsafeBytes(of: digest) { outer.update($0) }
        return outer.finalize()
    }

    /// Whether two byte strings are equal, taking the same time wherever they differ (lengths are not secret).
    package static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
