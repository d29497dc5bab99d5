package import ConsentCore
internal import Foundation

extension AccessLog {
    /// The writer's work for `entries` without the disk — checking each entry, classifying it, looking up the
    /// customer's and principal's references, encoding its line, chaining, sealing and adding it to the tree, with a
    /// checkpoint every `checkpointEntries` — as `consent bench --log` times it. Returns the bytes encoded and each
    /// entry line's length.
    package static func encodeInMemory(
        _ entries: [AccessEntry], policy: Policy, key: AccessLogKey, checkpointEntries: Int = 10_000
    ) throws(ConsentKitError) -> (bytes: Int, lineLengths: [Int]) {
        let classifier = AccessClassifier(policy: policy)
        var references = SubjectReferences(inMemoryFor: "benchmark")
        var encoder = AccessLogEncoder(
            logID: "benchmark", policyHash: "0123456789abcdef", epoch: 0, key: key.key(ofEpoch: 0),
            chain: MerkleHash.empty,
            frontier: MerkleFrontier())
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var newSubjects: [UInt8] = []
        var principals: [String: String] = [:]
        var total = 0
        var lengths: [Int] = []
        lengths.reserveCapacity(entries.count)
        for entry in entries {
            let flags = try classifier.flags(of: entry)
            let subject = references.reference(of: entry.subject, newLines: &newSubjects)
            let principal = entry.actor.principal.map { principal in
                if let known = principals[principal] { return known }
                let reference = Base64URL.encode(
                    Array(HMACSHA256.authenticationCode(for: Array(principal.utf8), key: key.referenceKey).prefix(16)))
                principals[principal] = reference
                return reference
            }
            let before = buffer.count
            encoder.append(
                entry, classifier: classifier, flags: flags, subjectReference: subject,
                principalReference: principal,
                grantReference: entry.grant.flatMap { references.grantReference($0, of: entry.subject) },
                into: &buffer)
            lengths.append(buffer.count - before - 1)
            if encoder.entriesInEpoch >= checkpointEntries {
                _ = encoder.appendCheckpoint(at: Date(), dropped: LogDropCounts(), into: &buffer)
            }
            if buffer.count > 1 << 20 {
                total += buffer.count
                buffer.removeAll(keepingCapacity: true)
                newSubjects.removeAll(keepingCapacity: true)
            }
        }
        return (total + buffer.count, lengths)
    }
}
