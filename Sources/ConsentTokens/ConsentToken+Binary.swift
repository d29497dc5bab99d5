package import ConsentCore
internal import ConsentInterchange
internal import Foundation

// The binary form of a token, version 1 (Documentation/Tokens.md). Every choice is canonical — one byte string per
// token — and the decoder refuses anything else: reserved bits set, trailing bytes, empty ids, invalid UTF-8.

extension ConsentToken {
    /// The signed bytes (everything but the tag).
    package func encoded() throws(ConsentKitError) -> [UInt8] {
        func invalid(_ message: String) -> ConsentKitError { ConsentKitError(code: .invalidValue, message: message) }
        guard issuedAt.timeIntervalSince1970 >= 0, RFC3339.isRepresentable(issuedAt),
            RFC3339.isRepresentable(expiresAt)
        else { throw invalid("a token is issued and expires between 1970 and the end of year 9999") }
        guard !issuer.isEmpty, !audience.isEmpty else { throw invalid("a token needs an issuer and an audience") }
        var writer = BinaryWriter()
        writer.byte(Self.version)
        switch content {
        case .grant: writer.byte(1)
        case .snapshot: writer.byte(2)
        }
        writer.string(keyID)
        writer.string(issuer)
        writer.string(audience)
        let issued = Int(issuedAt.timeIntervalSince1970)
        writer.varint(issued)
        writer.varint(Int(expiresAt.timeIntervalSince1970) - issued)
        let base = issued * 1000
        switch content {
        case .grant(let grant):
            try Self.encode(grant, subject: true, base: base, to: &writer)
        case .snapshot(let snapshot):
            guard !snapshot.subject.rawValue.isEmpty else { throw invalid("a snapshot names its subject") }
            writer.string(snapshot.subject.rawValue)
            writer.signed(try Self.offset(of: snapshot.at, from: base))
            writer.byte(
                (snapshot.minor ? 1 : 0) | (snapshot.guardianship ? 2 : 0) | (snapshot.erased ? 4 : 0)
                    | (snapshot.regimeState != nil ? 8 : 0))
            var kinds: UInt8 = 0
            for kind in snapshot.optedOut { kinds |= 1 << UInt8(kind.ordinal) }
            writer.byte(kinds)
            writer.array(snapshot.channelsOptedOut) { $0.string($1.rawValue) }
            writer.array(snapshot.restricted) { $0.string($1.rawValue) }
            writer.varint(snapshot.grants.count)
            for grant in snapshot.grants {
                guard grant.subject == snapshot.subject else {
                    throw invalid("grant `\(grant.id)` is for `\(grant.subject)`, not the snapshot's subject")
                }
                try Self.encode(grant, subject: false, base: base, to: &writer)
            }
            if let state = snapshot.regimeState {
                // Flag bit 3: what the regimes beyond PIPL read (Tokens.md); verifiers before it refuse the bit.
                writer.array(state.regimes) { $0.string($1) }
                writer.optional(state.ageRange) { writer, range in
                    writer.varint(range.min)
                    writer.varint(range.max)
                }
                writer.byte(state.emancipated ? 1 : 0)
                writer.array(state.objections) { writer, objection in
                    writer.byte(UInt8(ObjectionKind.allCases.firstIndex(of: objection.kind)!))
                    writer.array(objection.purposes) { $0.string($1.rawValue) }
                }
                writer.array(state.softOptInChannels) { $0.string($1.rawValue) }
            }
        }
        return writer.bytes
    }

    private static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }

    /// An instant as milliseconds from the issue time, refusing what the decoder would refuse: an instant no file can
    /// hold (NaN has no milliseconds), or one more than ±2^45 ms (about 1,100 years) from the issue time.
    private static func offset(of date: Date, from base: Int) throws(ConsentKitError) -> Int {
        if let problem = RFC3339.problem(with: date) { throw ConsentKitError(code: .invalidDate, message: problem) }
        let offset = milliseconds(date) - base
        // Rounded to the millisecond, the last instant of year 9999 could round into year 10000.
        if let problem = RFC3339.problem(with: Self.date(milliseconds: base + offset)) {
            throw ConsentKitError(code: .invalidDate, message: problem)
        }
        guard offset > -(1 << 45), offset < 1 << 45 else {
            throw ConsentKitError(
                code: .invalidDate, message: "\(RFC3339.format(date)) is more than 1,100 years from the issue time")
        }
        return offset
    }

    private static func date(milliseconds: Int) -> Date {
        let (seconds, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        return Date(timeIntervalSince1970: Double(seconds) + Double(remainder) / 1000)
    }

    private static func encode(_ grant: ConsentGrant, subject: Bool, base: Int, to writer: inout BinaryWriter)
        throws(ConsentKitError)
    {
        let ids = [grant.id.rawValue, grant.subject.rawValue] + grant.purposes.map(\.rawValue)
        guard !ids.contains(where: \.isEmpty), !grant.purposes.isEmpty, grant.noticeVersion >= 0 else {
            throw ConsentKitError(
                code: .invalidValue,
                message: "grant `\(grant.id)` has an empty id or purpose list, or a negative notice")
        }
        // Instants are written as whole milliseconds: a NaN or infinite one has none.
        for instant in [grant.at] + (grant.expiresAt.map { [$0] } ?? []) {
            if let problem = RFC3339.problem(with: instant) {
                throw ConsentKitError(code: .invalidDate, message: "grant `\(grant.id)`: \(problem)")
            }
        }
        writer.string(grant.id.rawValue)
        if subject { writer.string(grant.subject.rawValue) }
        writer.array(grant.purposes) { $0.string($1.rawValue) }
        writer.array(grant.fields) { $0.string($1.rawValue) }
        writer.array(grant.categories) { $0.string($1.rawValue) }
        var flags = UInt8(ConsentKind.allCases.firstIndex(of: grant.kind)!)
        if grant.grantor == .guardian { flags |= 1 << 2 }
        if grant.guardianID != nil { flags |= 1 << 3 }
        if grant.expiresAt != nil { flags |= 1 << 4 }
        if !grant.recipients.isEmpty || !grant.destinations.isEmpty { flags |= 1 << 5 }
        if grant.evidence != nil { flags |= 1 << 6 }
        // Only a grant with recorded attributes sets bit 7, so every other grant encodes as it always has.
        if !grant.attributes.isEmpty { flags |= 1 << 7 }
        writer.byte(flags)
        if !grant.attributes.isEmpty { writer.byte(grant.attributes.rawValue) }
        if let guardian = grant.guardianID { writer.string(guardian) }
        let offset = try Self.offset(of: grant.at, from: base)
        let at = base + offset
        writer.signed(offset)
        if let expiry = grant.expiresAt {
            let end = milliseconds(expiry)
            if let problem = RFC3339.problem(with: Self.date(milliseconds: end)) {
                throw ConsentKitError(code: .invalidDate, message: "grant `\(grant.id)` expiry: \(problem)")
            }
            let lifetime = end - at
            guard lifetime > 0 else {
                throw ConsentKitError(code: .invalidDate, message: "grant `\(grant.id)` expires before it is given")
            }
            writer.varint(lifetime)
        }
        writer.varint(grant.noticeVersion)
        if flags & 1 << 5 != 0 {
            writer.array(grant.recipients) { $0.string($1.rawValue) }
            writer.array(grant.destinations) { $0.string($1.rawValue) }
        }
        if let evidence = grant.evidence {
            let parts = [evidence.channel, evidence.touchpoint, evidence.reference]
            var present: UInt8 = 0
            for (index, part) in parts.enumerated() where part != nil { present |= 1 << UInt8(index) }
            writer.byte(present)
            for part in parts.compactMap({ $0 }) { writer.string(part) }
        }
    }

    /// Decodes the signed bytes (the tag already checked and removed).
    package init(decoding body: [UInt8]) throws(ConsentKitError) {
        var reader = BinaryReader(body)
        do {
            self = try Self.decode(&reader)
        } catch {
            throw ConsentKitError.token(.malformedToken, "at byte \(error.offset): \(error.what)")
        }
        guard reader.isAtEnd else {
            throw ConsentKitError.token(.malformedToken, "\(body.count - reader.offset) bytes after the end")
        }
    }

    private static func decode(_ reader: inout BinaryReader) throws(BinaryReader.Damaged) -> ConsentToken {
        guard try reader.byte() == version else { throw reader.damaged("unsupported version") }
        let kind = try reader.byte()
        guard kind == 1 || kind == 2 else { throw reader.damaged("unknown content kind \(kind)") }
        let keyID = try reader.text()
        let issuer = try reader.text()
        let audience = try reader.text()
        let issued = try reader.varint()
        let lifetime = try reader.varint()
        // The encoder's limits: issued from 1970, expiring by the end of year 9999.
        guard issued >= 0, lifetime >= 1, issued < 1 << 40, lifetime < 1 << 40,
            Double(issued + lifetime) <= RFC3339.latest
        else {
            throw reader.damaged("impossible validity")
        }
        let base = issued * 1000
        let content: Content
        if kind == 1 {
            content = .grant(try decodeGrant(&reader, subject: nil, base: base))
        } else {
            let subject = SubjectID(try reader.text())
            let at = try reader.instantOffset() + base
            guard RFC3339.isRepresentable(date(milliseconds: at)) else {
                throw reader.damaged("an instant outside years 1–9999")
            }
            let flags = try reader.byte()
            guard flags & ~15 == 0 else { throw reader.damaged("reserved snapshot flags set") }
            let kinds = try reader.byte()
            guard kinds & ~31 == 0 else { throw reader.damaged("unknown opt-out kinds") }
            let channels = try reader.array { (reader) throws(BinaryReader.Damaged) in Channel(try reader.text()) }
            let restricted = try reader.array { (reader) throws(BinaryReader.Damaged) in PurposeID(try reader.text()) }
            let count = try reader.count()
            var grants: [ConsentGrant] = []
            for _ in 0..<count { grants.append(try decodeGrant(&reader, subject: subject, base: base)) }
            var regimeState: ConsentSnapshot.RegimeState?
            if flags & 8 != 0 {
                let regimes = try reader.array { (reader) throws(BinaryReader.Damaged) in try reader.text() }
                let range = try reader.optional { (reader) throws(BinaryReader.Damaged) -> AgeRange in
                    guard let range = AgeRange(min: try reader.varint(), max: try reader.varint()) else {
                        throw reader.damaged("an impossible age range")
                    }
                    return range
                }
                let emancipated = try reader.byte()
                guard emancipated <= 1 else { throw reader.damaged("bad boolean \(emancipated)") }
                let objections = try reader.array { (reader) throws(BinaryReader.Damaged) -> Objection in
                    let kind = Int(try reader.byte())
                    guard kind < ObjectionKind.allCases.count else { throw reader.damaged("bad objection kind") }
                    let purposes = try reader.array { (reader) throws(BinaryReader.Damaged) in
                        PurposeID(try reader.text())
                    }
                    guard !purposes.isEmpty else { throw reader.damaged("an objection to no purpose") }
                    return Objection(
                        subject: subject, kind: ObjectionKind.allCases[kind], purposes: purposes,
                        at: date(milliseconds: at))
                }
                let channels = try reader.array { (reader) throws(BinaryReader.Damaged) in Channel(try reader.text()) }
                regimeState = ConsentSnapshot.RegimeState(
                    regimes: regimes, ageRange: range, emancipated: emancipated == 1, objections: objections,
                    softOptInChannels: channels)
            }
            content = .snapshot(
                ConsentSnapshot(
                    subject: subject, at: date(milliseconds: at), minor: flags & 1 != 0, guardianship: flags & 2 != 0,
                    erased: flags & 4 != 0, grants: grants,
                    optedOut: OptOutKind.allCases.filter { kinds & 1 << UInt8($0.ordinal) != 0 },
                    channelsOptedOut: channels, restricted: restricted, regimeState: regimeState))
        }
        return ConsentToken(
            issuer: issuer, keyID: keyID, audience: audience, issuedAt: Date(timeIntervalSince1970: Double(issued)),
            expiresAt: Date(timeIntervalSince1970: Double(issued + lifetime)), content: content)
    }

    private static func decodeGrant(_ reader: inout BinaryReader, subject known: SubjectID?, base: Int)
        throws(BinaryReader.Damaged) -> ConsentGrant
    {
        func ids<ID: ConsentIdentifier>(_: ID.Type) throws(BinaryReader.Damaged) -> [ID] {
            try reader.array { (reader) throws(BinaryReader.Damaged) in ID(try reader.text()) }
        }
        let id = GrantID(try reader.text())
        let subject: SubjectID
        if let known { subject = known } else { subject = SubjectID(try reader.text()) }
        let purposes = try ids(PurposeID.self)
        guard !purposes.isEmpty else { throw reader.damaged("a grant with no purpose") }
        let fields = try ids(FieldID.self)
        let categories = try ids(CategoryID.self)
        let flags = try reader.byte()
        guard flags & 3 < 3 else { throw reader.damaged("bad grant flags") }
        var attributes = ConsentAttributes()
        if flags & 1 << 7 != 0 {
            attributes = ConsentAttributes(rawValue: try reader.byte())
            // One byte string per token: the flag is set only when some attribute is recorded.
            guard !attributes.isEmpty else { throw reader.damaged("an empty attribute set") }
        }
        let guardian = flags & 1 << 3 != 0 ? try reader.text() : nil
        let at = try reader.instantOffset() + base
        let expiry: Int? = flags & 1 << 4 != 0 ? try reader.varint() : nil
        if let expiry, expiry <= 0 || expiry > 1 << 50 { throw reader.damaged("impossible expiry") }
        // Instants the encoder would refuse are refused here too: one byte string per token, and none the ledger
        // could not hold.
        guard RFC3339.isRepresentable(date(milliseconds: at)),
            RFC3339.isRepresentable(date(milliseconds: at + (expiry ?? 0)))
        else { throw reader.damaged("an instant outside years 1–9999") }
        let notice = try reader.varint()
        guard notice >= 0, notice <= Int(Int32.max) else { throw reader.damaged("impossible notice version") }
        var recipients: [RecipientID] = []
        var destinations: [Destination] = []
        if flags & 1 << 5 != 0 {
            recipients = try ids(RecipientID.self)
            destinations = try ids(Destination.self)
            guard !recipients.isEmpty || !destinations.isEmpty else { throw reader.damaged("empty recipient lists") }
        }
        var evidence: ConsentEvidence?
        if flags & 1 << 6 != 0 {
            let present = try reader.byte()
            guard present & ~7 == 0 else { throw reader.damaged("bad evidence flags") }
            let channel = present & 1 != 0 ? try reader.text(allowEmpty: true) : nil
            let touchpoint = present & 2 != 0 ? try reader.text(allowEmpty: true) : nil
            let reference = present & 4 != 0 ? try reader.text(allowEmpty: true) : nil
            evidence = ConsentEvidence(channel: channel, touchpoint: touchpoint, reference: reference)
        }
        return ConsentGrant(
            id, subject: subject, purposes: purposes, fields: fields, categories: categories,
            kind: ConsentKind.allCases[Int(flags & 3)], attributes: attributes,
            grantor: flags & 1 << 2 != 0 ? .guardian : .individual,
            guardianID: guardian, at: date(milliseconds: at), expiresAt: expiry.map { date(milliseconds: at + $0) },
            noticeVersion: notice, recipients: recipients, destinations: destinations, evidence: evidence)
    }
}

extension BinaryWriter {
    /// Zigzag then LEB128: small magnitudes of either sign take few bytes.
    mutating func signed(_ value: Int) {
        varint(Int(bitPattern: UInt(bitPattern: value << 1) ^ UInt(bitPattern: value >> 63)))
    }
}

extension BinaryReader {
    mutating func signed() throws(Damaged) -> Int {
        let raw = UInt(bitPattern: try varint())
        return Int(bitPattern: raw >> 1) ^ -Int(bitPattern: raw & 1)
    }

    /// Milliseconds relative to the issue time, within ±2^45 (about 1,100 years), so that sums cannot overflow.
    mutating func instantOffset() throws(Damaged) -> Int {
        let value = try signed()
        guard value > -(1 << 45), value < 1 << 45 else { throw damaged("an instant out of range") }
        return value
    }

    /// A valid UTF-8 string that, unless allowed, is not empty.
    mutating func text(allowEmpty: Bool = false) throws(Damaged) -> String {
        let value = try validString()
        guard allowEmpty || !value.isEmpty else { throw damaged("an empty id") }
        return value
    }
}
