internal import ConsentCore

/// The Merkle tree hashing of RFC 6962 §2.1 (kept by RFC 9162 §2.1): what an access log's roots, inclusion proofs
/// and consistency proofs are made of.
///
/// - A leaf's hash is SHA-256(0x00 ‖ leaf) and a node's SHA-256(0x01 ‖ left ‖ right): the two prefixes keep a leaf
///   from passing for a node (second-preimage attacks).
/// - The tree of *n* leaves splits at the largest power of two strictly less than *n*; the empty tree's hash is
///   SHA-256 of nothing.
public enum MerkleHash {
    /// SHA-256(0x00 ‖ `leaf`).
    public static func leaf(_ leaf: some Collection<UInt8>) -> LogHash {
        var hasher = SHA256()
        hasher.update(byte: 0)
        hasher.update(leaf)
        return LogHash(&hasher)
    }

    /// SHA-256(0x01 ‖ `left` ‖ `right`).
    public static func node(_ left: LogHash, _ right: LogHash) -> LogHash {
        var hasher = SHA256()
        hasher.update(byte: 1)
        left.feed(&hasher)
        right.feed(&hasher)
        return LogHash(&hasher)
    }

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let empty = LogHash.of([UInt8]())

    /// The largest power of two strictly less than `count` (which is at least 2).
    static func split(_ count: Int) -> Int {
        var power = 1
        while power << 1 < count { power <<= 1 }
        return power
    }
}

/// The right edge of a Merkle tree: the roots of its perfect subtrees, largest first — all a writer keeps to append
/// a leaf and to know the root, O(log n) hashes however long the log grows.
public struct MerkleFrontier: Sendable, Hashable {
    /// The perfect subtrees' roots, one per set bit of ``size``, from the highest bit down.
    public private(set) var nodes: [LogHash] = []
    /// How many leaves the tree holds.
    public private(set) var size: UInt64 = 0

    /// An empty tree.
    public init() {}

    /// A tree with these subtree roots (as ``nodes`` gives them) and size, or `nil` when they do not fit together.
    public init?(nodes: [LogHash], size: UInt64) {
        guard nodes.count == size.nonzeroBitCount else { return nil }
        self.nodes = nodes
        self.size = size
    }

    /// Adds the leaf whose hash is `leafHash`.
    public mutating func append(_ leafHash: LogHash) {
        var hash = leafHash
        var remaining = size
        // Each trailing one bit is a perfect subtree of the new leaf's size: merge it into a tree twice as large.
        while remaining & 1 == 1 {
            hash = MerkleHash.node(nodes.removeLast(), hash)
            remaining >>= 1
        }
        nodes.append(hash)
        size += 1
    }

    /// The tree's root (RFC 6962's MTH).
    public var root: LogHash {
        guard var hash = nodes.last else { return MerkleHash.empty }
        for node in nodes.dropLast().reversed() { hash = MerkleHash.node(node, hash) }
        return hash
    }
}

/// A whole tree of leaf hashes with every perfect subtree's root stored, so that any root, inclusion proof or
/// consistency proof costs O(log n) hashes: what a verifier builds from a log to issue receipts.
public struct MerkleTree: Sendable {
    /// `levels[h][i]` is the root of the perfect subtree of 2^h leaves starting at leaf i·2^h.
    private var levels: [[LogHash]]

    /// The tree of these leaf hashes (each already ``MerkleHash/leaf(_:)``).
    public init(leafHashes: [LogHash]) {
        levels = [leafHashes]
        while let below = levels.last, below.count > 1 {
            var level: [LogHash] = []
            level.reserveCapacity(below.count / 2)
            var index = 0
            while index + 1 < below.count {
                level.append(MerkleHash.node(below[index], below[index + 1]))
                index += 2
            }
            levels.append(level)
        }
    }

    /// How many leaves the tree holds.
    public var size: Int { levels[0].count }

    /// The hash of leaf `index`.
    public func leafHash(_ index: Int) -> LogHash { levels[0][index] }

    /// The root of the tree's first `size` leaves (`size` at most ``size``).
    public func root(size: Int) -> LogHash {
        precondition(size >= 0 && size <= self.size, "tree size out of range")
        return size == 0 ? MerkleHash.empty : root(0, size)
    }

    /// The proof that leaf `index` is in the tree of the first `size` leaves (RFC 6962 §2.1.1 `PATH`).
    public func inclusionProof(leaf index: Int, size: Int) -> InclusionProof {
        precondition(index >= 0 && index < size && size <= self.size, "leaf or size out of range")
        var hashes: [LogHash] = []
        path(index, 0, size, into: &hashes)
        return InclusionProof(leafIndex: UInt64(index), treeSize: UInt64(size), hashes: hashes)
    }

    /// The proof that the tree of the first `old` leaves is a prefix of the tree of the first `new` (RFC 6962
    /// §2.1.2 `PROOF`).
    public func consistencyProof(from old: Int, to new: Int) -> ConsistencyProof {
        precondition(old >= 0 && old <= new && new <= self.size, "sizes out of range")
        var hashes: [LogHash] = []
        if old > 0 && old < new { subproof(old, 0, new, complete: true, into: &hashes) }
        return ConsistencyProof(oldSize: UInt64(old), newSize: UInt64(new), hashes: hashes)
    }

    /// The root of leaves `low..<high`: a stored perfect subtree when the range is one, else split as MTH does.
    private func root(_ low: Int, _ high: Int) -> LogHash {
        let count = high - low
        if count & (count - 1) == 0 && low % count == 0 {
            return levels[count.trailingZeroBitCount][low / count]
        }
        let split = MerkleHash.split(count)
        return MerkleHash.node(root(low, low + split), root(low + split, high))
    }

    private func path(_ index: Int, _ low: Int, _ high: Int, into hashes: inout [LogHash]) {
        let count = high - low
        guard count > 1 else { return }
        let split = MerkleHash.split(count)
        if index < low + split {
            path(index, low, low + split, into: &hashes)
            hashes.append(root(low + split, high))
        } else {
            path(index, low + split, high, into: &hashes)
            hashes.append(root(low, low + split))
        }
    }

    private func subproof(_ old: Int, _ low: Int, _ high: Int, complete: Bool, into hashes: inout [LogHash]) {
        let count = high - low
        if old == count {
            if !complete { hashes.append(root(low, high)) }
            return
        }
        let split = MerkleHash.split(count)
        if old <= split {
            subproof(old, low, low + split, complete: complete, into: &hashes)
            hashes.append(root(low + split, high))
        } else {
            subproof(old - split, low + split, high, complete: false, into: &hashes)
            hashes.append(root(low, low + split))
        }
    }
}

/// The proof that one leaf is in a tree of a given size: the sibling hashes from the leaf up (at most
/// ⌈log₂ size⌉ of them, 32 bytes each).
public struct InclusionProof: Sendable, Hashable {
    /// The leaf's 0-based index.
    public var leafIndex: UInt64
    /// The size of the tree the proof is for.
    public var treeSize: UInt64
    /// The sibling hashes, from the leaf up.
    public var hashes: [LogHash]

    /// Creates a proof from its parts.
    public init(leafIndex: UInt64, treeSize: UInt64, hashes: [LogHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Whether the leaf whose hash is `leafHash` is at ``leafIndex`` in the tree of ``treeSize`` leaves whose root is
    /// `root` (RFC 9162 §2.1.3.2). A proof with a hash too many or too few fails.
    public func verify(leafHash: LogHash, root: LogHash) -> Bool {
        guard leafIndex < treeSize else { return false }
        var index = leafIndex
        var last = treeSize - 1
        var hash = leafHash
        for sibling in hashes {
            guard last != 0 else { return false }
            if index & 1 == 1 || index == last {
                hash = MerkleHash.node(sibling, hash)
                while index & 1 == 0 && index != 0 {
                    index >>= 1
                    last >>= 1
                }
            } else {
                hash = MerkleHash.node(hash, sibling)
            }
            index >>= 1
            last >>= 1
        }
        return last == 0 && hash == root
    }
}

/// The proof that a tree of one size is a prefix of a tree of a larger size: the log only grew.
public struct ConsistencyProof: Sendable, Hashable {
    /// The earlier tree's size.
    public var oldSize: UInt64
    /// The later tree's size.
    public var newSize: UInt64
    /// The proof's hashes (RFC 6962 §2.1.2 order).
    public var hashes: [LogHash]

    /// Creates a proof from its parts.
    public init(oldSize: UInt64, newSize: UInt64, hashes: [LogHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Whether the tree of ``oldSize`` leaves with root `oldRoot` is a prefix of the tree of ``newSize`` leaves with
    /// root `newRoot` (RFC 9162 §2.1.4.2). The empty tree is a prefix of every tree.
    public func verify(oldRoot: LogHash, newRoot: LogHash) -> Bool {
        guard oldSize <= newSize else { return false }
        if oldSize == newSize { return hashes.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return hashes.isEmpty && oldRoot == MerkleHash.empty }
        var path = hashes
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var index = oldSize - 1
        var last = newSize - 1
        while index & 1 == 1 {
            index >>= 1
            last >>= 1
        }
        var oldHash = first
        var newHash = first
        for hash in path.dropFirst() {
            guard last != 0 else { return false }
            if index & 1 == 1 || index == last {
                oldHash = MerkleHash.node(hash, oldHash)
                newHash = MerkleHash.node(hash, newHash)
                while index & 1 == 0 && index != 0 {
                    index >>= 1
                    last >>= 1
                }
            } else {
                newHash = MerkleHash.node(newHash, hash)
            }
            index >>= 1
            last >>= 1
        }
        return oldHash == oldRoot && newHash == newRoot && last == 0
    }
}
