package import ConsentCore
package import ConsentInterchange
internal import Foundation

extension ConsentLedger {
    /// Writes everything the ledger holds — records with their derived entries, identity groups, link resolutions —
    /// so that ``init(policy:snapshot:)`` rebuilds it without re-checking or re-deriving anything.
    func encodeSnapshot(to writer: inout BinaryWriter) {
        writer.varint(count)
        writer.varint(grantSubjects.count)
        writer.varint(records.count)
        for record in records.values {
            writer.string(record.subject.rawValue)
            let facts = record.initialFacts
            writer.optional(facts.birthDate) { $0.varint($1.daysSinceEpoch) }
            writer.optional(facts.minor) { $0.byte($1 ? 1 : 0) }
            writer.optional(facts.guardianship) { $0.byte($1 ? 1 : 0) }
            writer.array(record.entries) { writer, entry in
                writer.varint(entry.sequence)
                writer.optional(entry.derivation) { writer, derivation in
                    Self.encode(derivation.link, to: &writer)
                    writer.string(derivation.note)
                }
                entry.event.encode(to: &writer)
            }
        }
        writer.array(Array(groups.values)) { writer, group in
            writer.array(group.members) { $0.string($1.rawValue) }
            Self.encode(group.link, to: &writer)
        }
        writer.array(Array(linkResolutions)) { writer, resolution in
            writer.varint(resolution.key)
            writer.array(resolution.value) { $0.string($1) }
        }
    }

    /// Rebuilds a ledger from ``encodeSnapshot(to:)``. The snapshot was checked against `policy` when it was
    /// written (its caller verifies the policy fingerprint), so events are not checked again.
    package init(policy: Policy, snapshot reader: inout BinaryReader) throws(BinaryReader.Damaged) {
        self.init(policy: policy)
        let custom = policy.customRegimeTable
        count = try reader.varint()
        // Sequences count events; each took at least a line of the journal, so no count near `Int.max` is real.
        guard count >= 0, count < 1 << 48 else { throw reader.damaged("impossible event count \(count)") }
        grantSubjects.reserveCapacity(try reader.count())
        let recordCount = try reader.count()
        records.reserveCapacity(recordCount)
        for _ in 0..<recordCount {
            var record = SubjectRecord(subject: SubjectID(try reader.string()))
            let birth = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.varint() }
            let minor = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
            let guardianship = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.byte() }
            record.initialFacts = SubjectFacts(
                birthDate: birth.flatMap(CalendarDate.init(daysSinceEpoch:)), minor: minor.map { $0 != 0 },
                guardianship: guardianship.map { $0 != 0 })
            record.entries = try reader.array { (reader) throws(BinaryReader.Damaged) -> LedgerEntry in
                let sequence = try reader.varint()
                let derivation = try reader.optional { (reader) throws(BinaryReader.Damaged) -> Derivation in
                    Derivation(link: try Self.decodeLink(from: &reader), note: try reader.string())
                }
                let event = try ConsentEvent.decode(from: &reader, regimes: custom)
                if derivation == nil, case .grant(let grant) = event {
                    grantSubjects[grant.id] = (grant.subject, grant.at)
                }
                return LedgerEntry(sequence: sequence, event: event, derivation: derivation)
            }
            guard records.updateValue(record, forKey: record.subject) == nil else {
                throw reader.damaged("subject `\(record.subject)` twice")
            }
        }
        let groupCount = try reader.count()
        for _ in 0..<groupCount {
            let members = try reader.array { (reader) throws(BinaryReader.Damaged) in SubjectID(try reader.string()) }
            guard members.count >= 2, zip(members, members.dropFirst()).allSatisfy({ $0 < $1 }),
                members.allSatisfy({ groupNumbers[$0] == nil })
            else { throw reader.damaged("a group of identities that is not sorted, or shares an identity") }
            let link = try Self.decodeLink(from: &reader)
            // The latest entry of any member: every event after the group formed reached them all.
            let latest = members.compactMap { records[$0]?.entries.last?.event.at }.max() ?? link.at
            let number = groups.count
            groups[number] = IdentityGroup(members: members, link: link, latest: max(latest, link.at))
            for member in members { groupNumbers[member] = number }
        }
        let resolutionCount = try reader.count()
        for _ in 0..<resolutionCount {
            let sequence = try reader.varint()
            linkResolutions[sequence] = try reader.array { (reader) throws(BinaryReader.Damaged) in
                try reader.string()
            }
        }
    }

    private static func encode(_ link: IdentityLink, to writer: inout BinaryWriter) {
        writer.string(link.from.rawValue)
        writer.string(link.into.rawValue)
        writer.date(link.at)
    }

    private static func decodeLink(from reader: inout BinaryReader) throws(BinaryReader.Damaged) -> IdentityLink {
        IdentityLink(from: SubjectID(try reader.string()), into: SubjectID(try reader.string()), at: try reader.date())
    }
}
