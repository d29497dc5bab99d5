package import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// The snapshot beside a journal (`<journal>.snapshot`): the replayed ledger in a binary encoding, valid for the
/// first `coveredLength` bytes of the journal, so that opening replays only the lines after it.
///
/// The journal stays the record: a snapshot that is missing, damaged, written for another policy, or that does not
/// match the journal's bytes is ignored (and the journal replayed in full), never trusted.
///
/// A snapshot is bound to its journal's whole covered region, in two steps:
/// - **when it is read** (cheap, so opening stays fast): the covered length is within the journal, and the first
///   and last bytes of the covered region — which begin and end with a line and its checksum — match;
/// - **after it is used**: the SHA-256 of the whole covered region must equal ``prefixDigest``. The journal checks
///   this in the background after opening; a mismatch (a snapshot of another journal with the same ends, or bits
///   flipped inside the covered region) puts the journal in a failed state that refuses to answer.
///
/// Layout: `CKSNAP4\n` (version 4: grants keep their recorded consent attributes; version 3 records hold a link only
/// for the two identities it names), then a body — policy fingerprint (8 bytes), covered length and line count (LEB128), the
/// first and last bytes of the covered region, the SHA-256 of the covered region (32 bytes), the ledger — then the
/// CRC-32 of the body.
package struct JournalSnapshot {
    package static let magic = Array("CKSNAP4\n".utf8)
    /// How many bytes at each end of the covered region are kept to recognise the journal.
    static let guardLength = 64

    let coveredLength: Int
    let coveredLines: Int
    let prefixDigest: [UInt8]
    package let ledger: ConsentLedger

    package static func path(for journal: String) -> String { journal + ".snapshot" }

    /// A fingerprint of the policy events were checked against: a snapshot written for another policy is ignored.
    static func fingerprint(_ policy: Policy) -> UInt64 {
        let json = Array(policy.jsonData())
        return UInt64(CRC32.checksum(json)) << 32 | UInt64(json.count & 0xFFFF_FFFF)
    }

    /// The file's bytes.
    package static func encode(
        _ ledger: ConsentLedger, coveredLength: Int, coveredLines: Int, head: [UInt8], tail: [UInt8],
        prefixDigest: [UInt8]
    ) -> [UInt8] {
        var writer = BinaryWriter()
        writer.uint64(fingerprint(ledger.policy))
        writer.varint(coveredLength)
        writer.varint(coveredLines)
        writer.array(head) { $0.byte($1) }
        writer.array(tail) { $0.byte($1) }
        for byte in prefixDigest { writer.byte(byte) }
        ledger.encodeSnapshot(to: &writer)
        var bytes = magic + writer.bytes
        withUnsafeBytes(of: CRC32.checksum(writer.bytes).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Why a snapshot was not used.
    package struct Unusable: Error {
        package let reason: String
    }

    /// Reads a snapshot and checks it against the policy and the ends of the journal's covered region (`journalBytes`
    /// reads the journal's bytes at an offset). The digest of the whole region is checked later, by the caller.
    package static func decode(
        _ bytes: [UInt8], policy: Policy, journalLength: Int, journalBytes: (Int, Int) -> [UInt8]?
    ) throws(Unusable) -> JournalSnapshot {
        guard bytes.count >= magic.count + 4, bytes.starts(with: magic) else {
            throw Unusable(reason: "it is not a ConsentKit journal snapshot of this version")
        }
        let body = Array(bytes[magic.count..<(bytes.count - 4)])
        var stored: UInt32 = 0
        for (index, byte) in bytes.suffix(4).enumerated() { stored |= UInt32(byte) << UInt32(8 * index) }
        guard CRC32.checksum(body) == stored else { throw Unusable(reason: "its checksum does not match (damaged)") }
        var reader = BinaryReader(body)
        do {
            guard try reader.uint64() == fingerprint(policy) else {
                throw Unusable(reason: "it was written for a different policy")
            }
            let covered = try reader.varint()
            let lines = try reader.varint()
            let head = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
            let tail = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
            var digest: [UInt8] = []
            for _ in 0..<32 { digest.append(try reader.byte()) }
            // Every line takes at least one byte (its newline): a larger count is damage, and would overflow later.
            guard covered >= 0, lines >= 0, lines <= covered, covered <= journalLength, head.count <= covered,
                tail.count <= covered,
                journalBytes(0, head.count) == head, journalBytes(covered - tail.count, tail.count) == tail
            else { throw Unusable(reason: "the journal does not hold the bytes it was taken from") }
            let ledger = try ConsentLedger(policy: policy, snapshot: &reader)
            guard reader.isAtEnd else { throw Unusable(reason: "it has bytes after the ledger") }
            return JournalSnapshot(coveredLength: covered, coveredLines: lines, prefixDigest: digest, ledger: ledger)
        } catch let damaged as BinaryReader.Damaged {
            throw Unusable(reason: "it is damaged at byte \(damaged.offset + magic.count): \(damaged.what)")
        } catch let unusable as Unusable {
            throw unusable
        } catch {
            throw Unusable(reason: "\(error)")
        }
    }
}
