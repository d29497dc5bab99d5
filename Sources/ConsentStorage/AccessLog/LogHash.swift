package import ConsentCore
internal import Foundation

/// A SHA-256 value in the access log: a leaf or node of its Merkle tree, a link of its hash chain, a tree root.
///
/// Thirty-two bytes held inline (four words), so that the tree's frontier and a proof's path never allocate per hash.
public struct LogHash: Sendable, Hashable, CustomStringConvertible {
    /// The digest's bytes, in order, as four words laid out in memory.
    package var words: (UInt64, UInt64, UInt64, UInt64)

    /// The hash whose 32 bytes are `bytes`, or `nil` when there are not exactly 32.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        words = (0, 0, 0, 0)
        let array = Array(bytes)
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: array) }
    }

    /// The hash a finished SHA-256 computation gives.
    package init(_ hasher: inout SHA256) {
        let state = hasher.finalizeWords()
        words = withUnsafeBytes(of: state) { $0.loadUnaligned(as: (UInt64, UInt64, UInt64, UInt64).self) }
    }

    /// The SHA-256 of `bytes`.
    package static func of(_ bytes: some Collection<UInt8>) -> LogHash {
        var hasher = SHA256()
        hasher.update(bytes)
        return LogHash(&hasher)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes(of: words) { Array($0) } }

    /// Feeds the 32 bytes to a hash computation.
    @inline(__always)
    package func feed(_ hasher: inout SHA256) {
        withUnsafeBytes(of: words) { hasher.update($0) }
    }

    /// Whether the first 16 bytes equal `other`'s, in time independent of where they differ.
    @inline(__always)
    package func prefix16Equals(_ other: LogHash) -> Bool {
        ((words.0 ^ other.words.0) | (words.1 ^ other.words.1)) == 0
    }

    /// Lower-case hexadecimal, as the RFC 6962 test vectors print hashes.
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Standard base64 (with padding), as checkpoint notes carry a root.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Base64url without padding (43 characters), as the log's lines carry hashes.
    public var base64URL: String { Base64URL.encode(bytes) }

    /// The hash written as ``hex``, or `nil`.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// The hash written as ``base64URL``, or `nil`.
    public init?(base64URL text: some StringProtocol) {
        guard text.utf8.count == 43, let bytes = Base64URL.decode(Array(text.utf8)) else { return nil }
        self.init(bytes: bytes)
    }

    /// The hash written as ``base64``, or `nil`.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        self.init(bytes: data)
    }

    public var description: String { hex }

    public static func == (lhs: LogHash, rhs: LogHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
