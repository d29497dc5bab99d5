public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// The proof, for one customer, of every access to their data the log holds (PIPL Art. 45: the right to know how
/// one's data was handled): their entries, each with an inclusion proof against a sealed checkpoint. Only the
/// sibling hashes of the proofs leave the log — nothing about other customers' entries.
///
/// The customer (or anyone) checks it with ``verify()`` and compares the checkpoint with one published or kept
/// elsewhere; that the list is complete rests on the operator's verified scan of the whole log, which an auditor
/// holding the key can repeat.
public struct SubjectReceipt: Sendable, Hashable {
    /// One entry and its proof.
    public struct Item: Sendable, Hashable {
        /// The entry as the tree's leaf holds it: its line without the seal.
        public let entry: String
        /// The proof that the leaf is in the checkpoint's tree.
        public let proof: InclusionProof
    }

    /// The customer's reference, as the entries carry it.
    public let subjectReference: String
    /// The checkpoint the proofs are against.
    public let checkpoint: LogCheckpoint
    /// The customer's entries, in order.
    public let items: [Item]

    /// Whether every entry is the customer's and its proof leads to the checkpoint's root.
    public func verify() -> Bool {
        items.allSatisfy { item in
            guard let entry = LoggedEntry(text: item.entry), entry.subjectReference == subjectReference,
                entry.sequence == item.proof.leafIndex, item.proof.treeSize == checkpoint.size
            else { return false }
            return item.proof.verify(leafHash: MerkleHash.leaf(Array(item.entry.utf8)), root: checkpoint.root)
        }
    }

    /// The receipt as JSON: the reference, the checkpoint's note, and each entry with its index and proof (hex).
    public func jsonData() throws -> Data {
        let object: JSONObject = [
            "receipt": .number("1"), "subject": .string(subjectReference), "checkpoint": .string(try checkpoint.note()),
            "entries": .array(
                items.map { item in
                    .object([
                        "entry": .string(item.entry), "index": .number(String(item.proof.leafIndex)),
                        "treeSize": .number(String(item.proof.treeSize)),
                        "proof": .array(item.proof.hashes.map { .string($0.hex) }),
                    ])
                }),
        ]
        return Data((JSONValue.object(object).serialized(pretty: true) + "\n").utf8)
    }
}

extension AccessLogVerifier {
    /// The receipt of every entry of `subject` in the verified log at `path`, against its last checkpoint.
    ///
    /// - Throws: ``ConsentKitError/Code/corruptedData`` when the log does not verify (naming the failure);
    ///   ``ConsentKitError/Code/unknownIdentifier`` when the log holds no key for the customer (never logged, or
    ///   forgotten by an erasure); what ``verify(path:key:anchor:useSealingState:)`` throws.
    public static func receipt(for subject: SubjectID, path: String, key: AccessLogKey) throws(ConsentKitError)
        -> SubjectReceipt
    {
        var sequences: [UInt64] = []
        var texts: [String] = []
        let references = try SubjectReferences(log: path, logID: try logID(of: path), referenceKey: key.referenceKey)
        guard let reference = references.entries[subject]?.reference else {
            throw ConsentKitError(
                code: .unknownIdentifier,
                message:
                    "access log `\(path)` holds no key for customer `\(subject.rawValue.escapingControlCharacters)`: "
                    + "never logged, or forgotten by an erasure")
        }
        let (verification, leaves) = try verify(
            path: path, key: key, anchor: nil, useSealingState: true, sealedPartOnly: true, keepLeaves: true
        ) { sequence, line in
            guard LoggedEntry(line: line)?.subjectReference == reference else { return }
            sequences.append(sequence)
            texts.append(
                String(decoding: line[0..<(line.count - AccessLogEncoder.entrySuffixLength)], as: UTF8.self) + "}")
        }
        if let failure = verification.failure {
            throw ConsentKitError(
                code: .corruptedData, message: "access log `\(path)` does not verify: \(failure)",
                location: InputLocation(file: path, line: failure.line))
        }
        guard let checkpoint = verification.lastCheckpoint else {
            throw ConsentKitError(code: .corruptedData, message: "access log `\(path)` has no checkpoint yet")
        }
        let tree = MerkleTree(leafHashes: leaves)
        let items = zip(sequences, texts).map { sequence, text in
            SubjectReceipt.Item(
                entry: text, proof: tree.inclusionProof(leaf: Int(sequence), size: Int(checkpoint.size)))
        }
        return SubjectReceipt(subjectReference: reference, checkpoint: checkpoint, items: items)
    }

    /// The id in the log's header.
    static func logID(of path: String) throws(ConsentKitError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConsentKitError(
                code: .fileNotFound, message: "no access log at `\(path)`", location: InputLocation(file: path))
        }
        defer { try? handle.close() }
        let head = Array(handle.readData(ofLength: 1_024))
        guard let end = head.firstIndex(of: 0x0A),
            let header = head[..<end].withUnsafeBytes({ LogWalk.header($0) })
        else {
            throw ConsentKitError(
                code: .unsupportedFormat, message: "`\(path)` is not an access log", location: InputLocation(file: path)
            )
        }
        return header.id
    }
}
