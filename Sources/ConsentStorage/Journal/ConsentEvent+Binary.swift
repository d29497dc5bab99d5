internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

extension ConsentEvent {
    /// Writes the event in the snapshot encoding: a tag byte, then the case's fields.
    func encode(to writer: inout BinaryWriter) {
        func subject(_ id: SubjectID) { writer.string(id.rawValue) }
        func ids<ID: ConsentIdentifier>(_ ids: [ID]) where ID.RawValue == String {
            writer.array(ids) { $0.string($1.rawValue) }
        }
        switch self {
        case .grant(let grant):
            writer.byte(0)
            writer.string(grant.id.rawValue)
            subject(grant.subject)
            ids(grant.purposes)
            ids(grant.fields)
            ids(grant.categories)
            writer.byte(UInt8(ConsentKind.allCases.firstIndex(of: grant.kind)!))
            writer.byte(grant.attributes.rawValue)
            writer.byte(grant.grantor == .individual ? 0 : 1)
            writer.optional(grant.guardianID) { $0.string($1) }
            writer.date(grant.at)
            writer.optional(grant.expiresAt) { $0.date($1) }
            writer.varint(grant.noticeVersion)
            ids(grant.recipients)
            ids(grant.destinations)
            writer.optional(grant.evidence) { writer, evidence in
                writer.optional(evidence.channel) { $0.string($1) }
                writer.optional(evidence.touchpoint) { $0.string($1) }
                writer.optional(evidence.reference) { $0.string($1) }
            }
            return
        case .withdraw(let withdrawal):
            writer.byte(1)
            switch withdrawal.target {
            case .grant(let id):
                writer.byte(0)
                writer.string(id.rawValue)
            case .purposes(let who, let purposes):
                writer.byte(1)
                subject(who)
                ids(purposes)
            }
        case .optOut(let who, let kind, _), .optIn(let who, let kind, _):
            let tag: UInt8 = if case .optOut = self { 2 } else { 3 }
            writer.byte(tag)
            subject(who)
            writer.byte(UInt8(kind.ordinal))
        case .channelOptOut(let who, let channel, _), .channelOptIn(let who, let channel, _):
            let tag: UInt8 = if case .channelOptOut = self { 4 } else { 5 }
            writer.byte(tag)
            subject(who)
            writer.string(channel.rawValue)
        case .restrict(let who, let purpose, _), .unrestrict(let who, let purpose, _):
            let tag: UInt8 = if case .restrict = self { 6 } else { 7 }
            writer.byte(tag)
            subject(who)
            writer.string(purpose.rawValue)
        case .erase(let who, _):
            writer.byte(8)
            subject(who)
        case .subjectFacts(let who, let change, _):
            writer.byte(9)
            subject(who)
            func put<T>(_ change: SubjectFactsChange.Change<T>, _ write: (inout BinaryWriter, T) -> Void) {
                switch change {
                case .keep: writer.byte(0)
                case .clear: writer.byte(1)
                case .set(let value):
                    writer.byte(2)
                    write(&writer, value)
                }
            }
            put(change.birthDate) { $0.varint($1.daysSinceEpoch) }
            put(change.minor) { $0.byte($1 ? 1 : 0) }
            put(change.guardianship) { $0.byte($1 ? 1 : 0) }
        case .link(let link):
            writer.byte(10)
            subject(link.from)
            subject(link.into)
        }
        writer.date(at)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout BinaryReader) throws(BinaryReader.Damaged) -> ConsentEvent {
        func subject() throws(BinaryReader.Damaged) -> SubjectID { SubjectID(try reader.string()) }
        func ids<ID: ConsentIdentifier>(_: ID.Type) throws(BinaryReader.Damaged) -> [ID] where ID.RawValue == String {
            try reader.array { (reader) throws(BinaryReader.Damaged) in ID(try reader.string()) }
        }
        func bool() throws(BinaryReader.Damaged) -> Bool {
            switch try reader.byte() {
            case 0: false
            case 1: true
            case let value: throw reader.damaged("bad boolean \(value)")
            }
        }
        func optionalString() throws(BinaryReader.Damaged) -> String? {
            try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.string() }
        }
        let tag = try reader.byte()
        let event: ConsentEvent
        switch tag {
        case 0:
            let id = GrantID(try reader.string())
            let who = try subject()
            let purposes = try ids(PurposeID.self)
            let fields = try ids(FieldID.self)
            let categories = try ids(CategoryID.self)
            let kindIndex = Int(try reader.byte())
            guard kindIndex < ConsentKind.allCases.count else { throw reader.damaged("bad consent kind") }
            let attributes = ConsentAttributes(rawValue: try reader.byte())
            let grantor: Grantor = try bool() ? .guardian : .individual
            let guardian = try optionalString()
            let at = try reader.date()
            let expiresAt = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.date() }
            let notice = try reader.varint()
            let recipients = try ids(RecipientID.self)
            let destinations = try ids(Destination.self)
            let evidence = try reader.optional { (reader) throws(BinaryReader.Damaged) -> ConsentEvidence in
                let channel = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.string() }
                let touchpoint = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.string() }
                let reference = try reader.optional { (reader) throws(BinaryReader.Damaged) in try reader.string() }
                return ConsentEvidence(channel: channel, touchpoint: touchpoint, reference: reference)
            }
            return .grant(
                ConsentGrant(
                    id, subject: who, purposes: purposes, fields: fields, categories: categories,
                    kind: ConsentKind.allCases[kindIndex], attributes: attributes, grantor: grantor,
                    guardianID: guardian, at: at,
                    expiresAt: expiresAt, noticeVersion: notice, recipients: recipients, destinations: destinations,
                    evidence: evidence))
        case 1:
            let target: Withdrawal.Target =
                try bool()
                ? .purposes(try subject(), try ids(PurposeID.self)) : .grant(GrantID(try reader.string()))
            return .withdraw(Withdrawal(target, at: try reader.date()))
        case 2, 3:
            let who = try subject()
            let index = Int(try reader.byte())
            guard index < OptOutKind.allCases.count else { throw reader.damaged("bad opt-out kind") }
            let kind = OptOutKind.allCases[index]
            let at = try reader.date()
            event = tag == 2 ? .optOut(who, kind, at: at) : .optIn(who, kind, at: at)
        case 4, 5:
            let who = try subject()
            let channel = Channel(try reader.string())
            let at = try reader.date()
            event = tag == 4 ? .channelOptOut(who, channel, at: at) : .channelOptIn(who, channel, at: at)
        case 6, 7:
            let who = try subject()
            let purpose = PurposeID(try reader.string())
            let at = try reader.date()
            event = tag == 6 ? .restrict(who, purpose, at: at) : .unrestrict(who, purpose, at: at)
        case 8:
            let who = try subject()
            event = .erase(who, at: try reader.date())
        case 9:
            let who = try subject()
            func change<T>(_ read: () throws(BinaryReader.Damaged) -> T) throws(BinaryReader.Damaged)
                -> SubjectFactsChange.Change<T>
            {
                switch try reader.byte() {
                case 0: return .keep
                case 1: return .clear
                case 2: return .set(try read())
                case let value: throw reader.damaged("bad fact change \(value)")
                }
            }
            let birth = try change { () throws(BinaryReader.Damaged) -> CalendarDate in
                guard let date = CalendarDate(daysSinceEpoch: try reader.varint()) else {
                    throw reader.damaged("impossible birth date")
                }
                return date
            }
            let minor = try change(bool)
            let guardianship = try change(bool)
            let facts = SubjectFactsChange(birthDate: birth, minor: minor, guardianship: guardianship)
            event = .subjectFacts(who, facts, at: try reader.date())
        case 10:
            let from = try subject()
            let into = try subject()
            event = .link(IdentityLink(from: from, into: into, at: try reader.date()))
        default:
            throw reader.damaged("unknown event tag \(tag)")
        }
        return event
    }
}
