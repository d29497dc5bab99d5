import ConsentKit
import Foundation
import Testing

/// The Merkle tree against the RFC 6962 reference vectors published by transparency-dev/merkle
/// (`testonly/constants.go`, `proof/verify_test.go`) and google/certificate-transparency (`merkle_tree_test.cc`): the
/// 8-leaf tree of the leaves below, its roots for sizes 0–8, and its published inclusion and consistency proofs.
@Suite struct MerkleTreeTests {
    static let leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6f),
    ]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    /// (leaf index, tree size, path) as published (the sources number leaves from 1; these are 0-based).
    static let inclusion: [(Int, Int, [String])] = [
        (0, 1, []),
        (
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
    ]
    /// (old size, new size, proof) as published.
    static let consistency: [(Int, Int, [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
        (
            6, 7,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
    ]

    let tree = MerkleTree(leafHashes: Self.leaves.map(MerkleHash.leaf))

    @Test func rootsMatchThePublishedVectors() {
        var frontier = MerkleFrontier()
        #expect(frontier.root.hex == Self.roots[0])
        for (size, expected) in Self.roots.enumerated() {
            #expect(tree.root(size: size).hex == expected, "root of \(size) leaves")
            if size > 0 {
                frontier.append(MerkleHash.leaf(Self.leaves[size - 1]))
                #expect(frontier.root.hex == expected, "frontier root of \(size) leaves")
            }
        }
        #expect(MerkleHash.empty.hex == Self.roots[0])
    }

    @Test func inclusionProofsMatchAndVerify() {
        for (index, size, path) in Self.inclusion {
            let proof = tree.inclusionProof(leaf: index, size: size)
            #expect(proof.hashes.map(\.hex) == path, "PATH(\(index), \(size))")
            let root = LogHash(hex: Self.roots[size])!
            #expect(proof.verify(leafHash: tree.leafHash(index), root: root))
        }
    }

    @Test func consistencyProofsMatchAndVerify() {
        for (old, new, path) in Self.consistency {
            let proof = tree.consistencyProof(from: old, to: new)
            #expect(proof.hashes.map(\.hex) == path, "PROOF(\(old), \(new))")
            #expect(proof.verify(oldRoot: LogHash(hex: Self.roots[old])!, newRoot: LogHash(hex: Self.roots[new])!))
        }
    }

    /// Every proof of every size up to 8 verifies, and changing any one part of it — a hash, the index, a size, a
    /// hash too many or too few — makes it fail.
    @Test func everyProofVerifiesAndNoAlteredOneDoes() {
        let other = LogHash(hex: String(repeating: "ab", count: 32))!
        for size in 1...8 {
            let root = tree.root(size: size)
            for index in 0..<size {
                let proof = tree.inclusionProof(leaf: index, size: size)
                #expect(proof.verify(leafHash: tree.leafHash(index), root: root))
                #expect(!proof.verify(leafHash: other, root: root))
                #expect(!proof.verify(leafHash: tree.leafHash(index), root: other))
                for position in proof.hashes.indices {
                    var altered = proof
                    altered.hashes[position] = other
                    #expect(!altered.verify(leafHash: tree.leafHash(index), root: root))
                }
                var longer = proof
                longer.hashes.append(other)
                #expect(!longer.verify(leafHash: tree.leafHash(index), root: root))
                if !proof.hashes.isEmpty {
                    var shorter = proof
                    shorter.hashes.removeLast()
                    #expect(!shorter.verify(leafHash: tree.leafHash(index), root: root))
                }
                var moved = proof
                moved.leafIndex = UInt64((index + 1) % size)
                if size > 1 { #expect(!moved.verify(leafHash: tree.leafHash(index), root: root)) }
            }
            for old in 1...size {
                let proof = tree.consistencyProof(from: old, to: size)
                let oldRoot = tree.root(size: old)
                #expect(proof.verify(oldRoot: oldRoot, newRoot: root), "PROOF(\(old), \(size))")
                #expect(!proof.verify(oldRoot: other, newRoot: root))
                for position in proof.hashes.indices {
                    var altered = proof
                    altered.hashes[position] = other
                    #expect(!altered.verify(oldRoot: oldRoot, newRoot: root))
                }
                if old < size {
                    #expect(!proof.verify(oldRoot: oldRoot, newRoot: other))
                }
            }
        }
    }

    /// Proofs stay within 32 × ⌈log₂ n⌉ bytes on a large tree, and the frontier agrees with the whole tree.
    @Test func proofsAreLogarithmic() {
        let count = 100_003
        let hashes = (0..<count).map { MerkleHash.leaf(Array(String($0).utf8)) }
        let big = MerkleTree(leafHashes: hashes)
        var frontier = MerkleFrontier()
        for hash in hashes { frontier.append(hash) }
        #expect(frontier.root == big.root(size: count))
        let bound = Int((log2(Double(count))).rounded(.up))
        for index in [0, 1, 65_535, 65_536, 99_999, count - 1] {
            let proof = big.inclusionProof(leaf: index, size: count)
            #expect(proof.hashes.count <= bound)
            #expect(proof.verify(leafHash: hashes[index], root: big.root(size: count)))
        }
        for old in [1, 2, 1_000, 65_536, 70_000, count - 1] {
            let proof = big.consistencyProof(from: old, to: count)
            #expect(proof.hashes.count <= bound)
            #expect(proof.verify(oldRoot: big.root(size: old), newRoot: big.root(size: count)))
        }
    }
}

/// The log writes instants with its own civil-date arithmetic; it must agree with the library's RFC 3339 writer on
/// every day of years 1–9999, before and after 1970, and at leap days.
@Suite struct LogInstantTests {
    @Test func civilDatesAgreeWithTheRFC3339Writer() {
        var generator = SystemRandomNumberGenerator()
        let seconds: [Int64] =
            [0, -1, 86_399, 86_400, -62_135_596_800, 253_402_300_799, 951_782_400, 951_868_799, 4_107_542_399]
            + (0..<20_000).map { _ in Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator) }
        for second in seconds {
            let text = String(decoding: AccessLogEncoder.civilText(secondsSince1970: second), as: UTF8.self)
            let expected = Date(timeIntervalSince1970: Double(second)).rfc3339
            #expect(text + "Z" == expected, "\(second)")
        }
    }
}
