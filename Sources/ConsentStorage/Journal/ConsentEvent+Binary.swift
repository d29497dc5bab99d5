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
        case .optOut(let who, let kind, _, nil, .subject), .optIn(let who, let kind, _, .subject):
            let tag: UInt8 = if case .optOut = self { 2 } else { 3 }
            writer.byte(tag)
            subject(who)
            writer.byte(UInt8(kind.ordinal))
        case .optOut(let who, let kind, _, let source, let scope):
            // Tags 11 and up came with the regimes beyond PIPL; v1 events keep their tags, so old snapshots read.
            writer.byte(11)
            subject(who)
            writer.byte(UInt8(kind.ordinal))
            writer.optional(source) { $0.string($1) }
            writer.byte(scope == .device ? 1 : 0)
        case .optIn(let who, let kind, _, let initiatedBy):
            writer.byte(12)
            subject(who)
            writer.byte(UInt8(kind.ordinal))
            writer.byte(UInt8(OptInInitiator.allCases.firstIndex(of: initiatedBy)!))
        case .objection(let objection):
            writer.byte(13)
            subject(objection.subject)
            writer.byte(UInt8(ObjectionKind.allCases.firstIndex(of: objection.kind)!))
            ids(objection.purposes)
        case .objectionRejected(let rejection):
            writer.byte(14)
            subject(rejection.subject)
            ids(rejection.purposes)
            writer.string(rejection.reason)
        case .customer(let customer):
            writer.byte(15)
            subject(customer.subject)
            ids(customer.channels)
            writer.byte(customer.objectionOffered ? 1 : 0)
        case .reviewRequested(let request):
            writer.byte(16)
            subject(request.subject)
            ids(request.purposes)
        case .channelOptOut(let who, let channel, _), .channelOptIn(let who, let channel, _):
            let tag: UInt8 = if case .channelOptOut = self { 4 } else { 5 }
            writer.byte(tag)
            subject(who)
            writer.string(channel.rawValue)
        case .restrict(let who, let purpose, _, let ground?):
            writer.byte(17)
            subject(who)
            writer.string(purpose.rawValue)
            writer.string(ground)
        case .restrict(let who, let purpose, _, nil), .unrestrict(let who, let purpose, _):
            let tag: UInt8 = if case .restrict = self { 6 } else { 7 }
            writer.byte(tag)
            subject(who)
            writer.string(purpose.rawValue)
        case .erase(let who, _):
            writer.byte(8)
            subject(who)
        case .subjectFacts(let who, let change, _):
            writer.byte(change.touchesOnlyAgeAndCapacity ? 9 : 18)
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
            if !change.touchesOnlyAgeAndCapacity {
                put(change.regimes) { writer, regimes in writer.array(regimes) { $0.string($1.name) } }
                put(change.ageRange) { writer, range in
                    writer.varint(range.min)
                    writer.varint(range.max)
                }
                put(change.emancipated) { $0.byte($1 ? 1 : 0) }
            }
        case .link(let link):
            writer.byte(10)
            subject(link.from)
            subject(link.into)
        }
        writer.date(at)
    }

    /// Reads what ``encode(to:)`` wrote.
    /// `regimes`: the policy's own regimes (its `profiles`), which a `regimes` fact may name.
    static func decode(from reader: inout BinaryReader, regimes custom: [String: Regime] = [:])
        throws(BinaryReader.Damaged) -> ConsentEvent
    {
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
        func optOutKind() throws(BinaryReader.Damaged) -> OptOutKind {
            let index = Int(try reader.byte())
            guard index < OptOutKind.allCases.count else { throw reader.damaged("bad opt-out kind") }
            return OptOutKind.allCases[index]
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
            let kind = try optOutKind()
            let at = try reader.date()
            event = tag == 2 ? .optOut(who, kind, at: at) : .optIn(who, kind, at: at)
        case 11:
            let who = try subject()
            let kind = try optOutKind()
            let source = try optionalString()
            let device = try bool()
            event = .optOut(who, kind, at: try reader.date(), source: source, scope: device ? .device : .subject)
        case 12:
            let who = try subject()
            let kind = try optOutKind()
            let index = Int(try reader.byte())
            guard index < OptInInitiator.allCases.count else { throw reader.damaged("bad opt-in initiator") }
            event = .optIn(who, kind, at: try reader.date(), initiatedBy: OptInInitiator.allCases[index])
        case 13:
            let who = try subject()
            let index = Int(try reader.byte())
            guard index < ObjectionKind.allCases.count else { throw reader.damaged("bad objection kind") }
            let purposes = try ids(PurposeID.self)
            event = .objection(
                Objection(subject: who, kind: ObjectionKind.allCases[index], purposes: purposes, at: try reader.date()))
        case 14:
            let who = try subject()
            let purposes = try ids(PurposeID.self)
            let reason = try reader.string()
            event = .objectionRejected(
                ObjectionRejection(subject: who, purposes: purposes, reason: reason, at: try reader.date()))
        case 15:
            let who = try subject()
            let channels = try ids(Channel.self)
            let offered = try bool()
            event = .customer(
                CustomerRelationship(subject: who, channels: channels, objectionOffered: offered, at: try reader.date())
            )
        case 16:
            let who = try subject()
            let purposes = try ids(PurposeID.self)
            event = .reviewRequested(ReviewRequest(subject: who, purposes: purposes, at: try reader.date()))
        case 17:
            let who = try subject()
            let purpose = PurposeID(try reader.string())
            let ground = try reader.string()
            event = .restrict(who, purpose, at: try reader.date(), ground: ground)
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
        case 9, 18:
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
            var facts = SubjectFactsChange(birthDate: birth, minor: minor, guardianship: guardianship)
            if tag == 18 {
                facts.regimes = try change { () throws(BinaryReader.Damaged) -> [Regime] in
                    let names = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.string() }
                    var regimes: [Regime] = []
                    for name in names {
                        guard let regime = custom[name] ?? Regime(named: name) else {
                            throw reader.damaged("unknown regime")
                        }
                        regimes.append(regime)
                    }
                    guard !regimes.isEmpty else { throw reader.damaged("an empty regimes list") }
                    return regimes
                }
                facts.ageRange = try change { () throws(BinaryReader.Damaged) -> AgeRange in
                    guard let range = AgeRange(min: try reader.varint(), max: try reader.varint()) else {
                        throw reader.damaged("an impossible age range")
                    }
                    return range
                }
                facts.emancipated = try change(bool)
            }
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
