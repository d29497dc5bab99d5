public import ConsentCore
internal import Foundation

extension ConsentEvent {
    /// Reads one event object (Formats.md), reporting every structural problem with its JSON path.
    package static func read(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader) -> ConsentEvent? {
        guard case .object(let object) = value else {
            reader.fail(.wrongType, "expected an event object, found \(value.typeName)", at: path)
            return nil
        }
        guard let type = reader.required(object, "type", at: path, { $0.string($1, at: $2) }) else { return nil }
        let before = reader.diagnostics.count
        let event: ConsentEvent?
        func subject(_ object: JSONObject) -> SubjectID? {
            reader.required(object, "subject", at: path) { $0.identifier($1, at: $2) }.map(SubjectID.init)
        }
        func instant(_ object: JSONObject) -> Date? {
            reader.required(object, "at", at: path) { $0.instant($1, at: $2) }
        }
        switch type {
        case "grant":
            event = readGrant(object, at: path, reader: &reader).map(ConsentEvent.grant)
        case "withdraw":
            guard let object = reader.object(value, at: path, allowed: ["type", "grant", "subject", "purposes", "at"])
            else { return nil }
            let at = instant(object)
            let target: Withdrawal.Target?
            switch (object["grant"], object["subject"] ?? object["purposes"]) {
            case (.some, .some):
                reader.fail(
                    .invalidValue, "a withdrawal names either a `grant` or a `subject` with `purposes`, never both",
                    at: path)
                target = nil
            case (.some, .none):
                target = reader.required(object, "grant", at: path) { $0.identifier($1, at: $2) }
                    .map { .grant(GrantID($0)) }
            default:
                let who = subject(object)
                let purposes = reader.required(object, "purposes", at: path) {
                    $0.identifiers($1, at: $2, nonEmpty: true, as: PurposeID.self)
                }
                target = who.flatMap { who in purposes.map { .purposes(who, $0) } }
            }
            event = target.flatMap { target in at.map { .withdraw(Withdrawal(target, at: $0)) } }
        case "optOut":
            let keys = ["type", "subject", "kind", "source", "scope", "at"]
            guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
            let who = subject(object)
            let kind = reader.required(object, "kind", at: path) { $0.choice($1, at: $2, of: OptOutKind.self) }
            let source = reader.optional(object, "source", at: path) { $0.text($1, at: $2) }
            let scope = reader.optional(object, "scope", at: path) { $0.choice($1, at: $2, of: OptOutScope.self) }
            let at = instant(object)
            guard let who, let kind, let at else { return nil }
            event = .optOut(who, kind, at: at, source: source, scope: scope ?? .subject)
        case "optIn":
            guard
                let object = reader.object(value, at: path, allowed: ["type", "subject", "kind", "initiatedBy", "at"])
            else { return nil }
            let who = subject(object)
            let kind = reader.required(object, "kind", at: path) { $0.choice($1, at: $2, of: OptOutKind.self) }
            let initiatedBy = reader.optional(object, "initiatedBy", at: path) {
                $0.choice($1, at: $2, of: OptInInitiator.self)
            }
            let at = instant(object)
            guard let who, let kind, let at else { return nil }
            event = .optIn(who, kind, at: at, initiatedBy: initiatedBy ?? .subject)
        case "objection":
            guard let object = reader.object(value, at: path, allowed: ["type", "subject", "kind", "purposes", "at"])
            else { return nil }
            let who = subject(object)
            let kind = reader.required(object, "kind", at: path) { $0.choice($1, at: $2, of: ObjectionKind.self) }
            let purposes = reader.required(object, "purposes", at: path) {
                $0.identifiers($1, at: $2, nonEmpty: true, as: PurposeID.self)
            }
            let at = instant(object)
            guard let who, let kind, let purposes, let at else { return nil }
            event = .objection(Objection(subject: who, kind: kind, purposes: purposes, at: at))
        case "objectionRejected":
            let keys = ["type", "subject", "purposes", "reason", "at"]
            guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
            let who = subject(object)
            let purposes = reader.required(object, "purposes", at: path) {
                $0.identifiers($1, at: $2, nonEmpty: true, as: PurposeID.self)
            }
            let reason = reader.required(object, "reason", at: path) { $0.text($1, at: $2) }
            let at = instant(object)
            guard let who, let purposes, let reason, let at else { return nil }
            event = .objectionRejected(ObjectionRejection(subject: who, purposes: purposes, reason: reason, at: at))
        case "customer":
            let keys = ["type", "subject", "channels", "objectionOffered", "at"]
            guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
            let who = subject(object)
            let channels = reader.required(object, "channels", at: path) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath in reader.channel(item, at: itemPath) }
            }
            let offered = reader.optional(object, "objectionOffered", at: path) { $0.bool($1, at: $2) }
            let at = instant(object)
            guard let who, let channels, let at else { return nil }
            event = .customer(
                CustomerRelationship(subject: who, channels: channels, objectionOffered: offered ?? false, at: at))
        case "reviewRequested":
            guard let object = reader.object(value, at: path, allowed: ["type", "subject", "purposes", "at"]) else {
                return nil
            }
            let who = subject(object)
            let purposes = reader.required(object, "purposes", at: path) {
                $0.identifiers($1, at: $2, nonEmpty: true, as: PurposeID.self)
            }
            let at = instant(object)
            guard let who, let purposes, let at else { return nil }
            event = .reviewRequested(ReviewRequest(subject: who, purposes: purposes, at: at))
        case "channelOptOut", "channelOptIn":
            guard let object = reader.object(value, at: path, allowed: ["type", "subject", "channel", "at"]) else {
                return nil
            }
            let who = subject(object)
            let channel = reader.required(object, "channel", at: path) { $0.channel($1, at: $2) }
            let at = instant(object)
            guard let who, let channel, let at else { return nil }
            event = type == "channelOptOut" ? .channelOptOut(who, channel, at: at) : .channelOptIn(who, channel, at: at)
        case "restrict", "unrestrict":
            let keys =
                type == "restrict"
                ? ["type", "subject", "purpose", "ground", "at"] : ["type", "subject", "purpose", "at"]
            guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
            let who = subject(object)
            let purpose = reader.required(object, "purpose", at: path) { $0.identifier($1, at: $2) }
            let ground = reader.optional(object, "ground", at: path) { $0.text($1, at: $2) }
            let at = instant(object)
            guard let who, let purpose, let at else { return nil }
            event =
                type == "restrict"
                ? .restrict(who, PurposeID(purpose), at: at, ground: ground)
                : .unrestrict(who, PurposeID(purpose), at: at)
        case "erase":
            guard let object = reader.object(value, at: path, allowed: ["type", "subject", "at"]) else { return nil }
            let who = subject(object)
            let at = instant(object)
            guard let who, let at else { return nil }
            event = .erase(who, at: at)
        case "subject":
            let keys = [
                "type", "subject", "birthDate", "minor", "guardianship", "regimes", "ageRange", "emancipated", "at",
            ]
            guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
            let who = subject(object)
            let at = instant(object)
            func change<T>(_ key: String, _ read: (inout JSONReader, JSONValue, JSONPath) -> T?)
                -> SubjectFactsChange.Change<T>
            {
                switch object[key] {
                case .none: return .keep
                case .some(.null): return .clear
                case .some(let value): return read(&reader, value, path + key).map { .set($0) } ?? .keep
                }
            }
            let facts = SubjectFactsChange(
                birthDate: change("birthDate") { $0.date($1, at: $2) },
                minor: change("minor") { $0.bool($1, at: $2) },
                guardianship: change("guardianship") { $0.bool($1, at: $2) },
                regimes: change("regimes") { $0.regimes($1, at: $2) },
                ageRange: change("ageRange") { $0.ageRange($1, at: $2) },
                emancipated: change("emancipated") { $0.bool($1, at: $2) })
            guard let who, let at else { return nil }
            event = .subjectFacts(who, facts, at: at)
        case "link":
            guard let object = reader.object(value, at: path, allowed: ["type", "from", "into", "at"]) else {
                return nil
            }
            let from = reader.required(object, "from", at: path) { $0.identifier($1, at: $2) }
            let into = reader.required(object, "into", at: path) { $0.identifier($1, at: $2) }
            let at = instant(object)
            guard let from, let into, let at else { return nil }
            if from == into {
                reader.fail(
                    .invalidValue,
                    "a link joins two different identities; `from` and `into` are both "
                        + "`\(from)`", at: path + "into")
                return nil
            }
            event = .link(IdentityLink(from: SubjectID(from), into: SubjectID(into), at: at))
        default:
            reader.fail(
                .invalidValue,
                "unknown event type `\(type)`; expected `grant`, `withdraw`, `optOut`, `optIn`, `channelOptOut`, "
                    + "`channelOptIn`, `restrict`, `unrestrict`, `erase`, `subject`, `link`, `objection`, "
                    + "`objectionRejected`, `customer` or `reviewRequested`",
                at: path + "type")
            return nil
        }
        return reader.diagnostics.count == before ? event : nil
    }

    private static func readGrant(_ object: JSONObject, at path: JSONPath, reader: inout JSONReader) -> ConsentGrant? {
        let keys = [
            "type", "id", "subject", "purposes", "fields", "categories", "kind", "attributes", "grantor", "guardianId",
            "at", "expiresAt", "noticeVersion", "recipients", "destinations", "evidence",
        ]
        guard let object = reader.object(.object(object), at: path, allowed: keys) else { return nil }
        let id = reader.required(object, "id", at: path) { $0.identifier($1, at: $2) }
        let subject = reader.required(object, "subject", at: path) { $0.identifier($1, at: $2) }
        let purposes = reader.required(object, "purposes", at: path) {
            $0.identifiers($1, at: $2, nonEmpty: true, as: PurposeID.self)
        }
        let fields = reader.optional(object, "fields", at: path) { $0.identifiers($1, at: $2, as: FieldID.self) }
        let categories = reader.optional(object, "categories", at: path) {
            $0.identifiers($1, at: $2, as: CategoryID.self)
        }
        if object["fields"] == nil && object["categories"] == nil {
            reader.fail(.missingKey, "a grant needs `fields` or `categories`", at: path + "fields")
        }
        let kind = reader.required(object, "kind", at: path) { $0.choice($1, at: $2, of: ConsentKind.self) }
        let attributes = reader.optional(object, "attributes", at: path) { reader, value, path in
            Self.readAttributes(value, at: path, reader: &reader)
        }
        let grantor = reader.optional(object, "grantor", at: path) { $0.choice($1, at: $2, of: Grantor.self) }
        let guardian = reader.optional(object, "guardianId", at: path) { $0.identifier($1, at: $2) }
        let at = reader.required(object, "at", at: path) { $0.instant($1, at: $2) }
        let expiresAt = reader.optional(object, "expiresAt", at: path) { $0.instant($1, at: $2) }
        let notice = reader.optional(object, "noticeVersion", at: path) {
            $0.integer($1, at: $2, in: 0...Int(Int32.max))
        }
        let recipients = reader.optional(object, "recipients", at: path) {
            $0.identifiers($1, at: $2, as: RecipientID.self)
        }
        let destinations = reader.optional(object, "destinations", at: path) {
            $0.identifiers($1, at: $2, as: Destination.self)
        }
        let evidence = reader.optional(object, "evidence", at: path) { reader, value, path -> ConsentEvidence? in
            guard let object = reader.object(value, at: path, allowed: ["channel", "touchpoint", "reference"]) else {
                return nil
            }
            return ConsentEvidence(
                channel: reader.optional(object, "channel", at: path) { $0.string($1, at: $2) },
                touchpoint: reader.optional(object, "touchpoint", at: path) { $0.string($1, at: $2) },
                reference: reader.optional(object, "reference", at: path) { $0.string($1, at: $2) })
        }
        guard let id, let subject, let purposes, let kind, let at else { return nil }
        return ConsentGrant(
            GrantID(id), subject: SubjectID(subject), purposes: purposes, fields: fields ?? [],
            // Attributes the kind already stands for say nothing more: kept out, so that one grant has one form in
            // every file, snapshot and token.
            categories: categories ?? [], kind: kind, attributes: (attributes ?? []).subtracting(kind.attributes),
            grantor: grantor ?? .individual,
            guardianID: guardian, at: at, expiresAt: expiresAt, noticeVersion: notice ?? 0,
            recipients: recipients ?? [],
            destinations: destinations ?? [], evidence: evidence)
    }

    /// A grant's `attributes`: a list of attribute names, none twice. All or nothing, like an identifier list.
    private static func readAttributes(
        _ value: JSONValue, at path: JSONPath, reader: inout JSONReader
    ) -> ConsentAttributes? {
        let before = reader.diagnostics.count
        var seen = ConsentAttributes()
        let list = reader.array(value, at: path) { reader, item, itemPath -> ConsentAttribute? in
            guard let attribute = reader.choice(item, at: itemPath, of: ConsentAttribute.self) else { return nil }
            if seen.contains(ConsentAttributes(attribute)) {
                reader.fail(.duplicateIdentifier, "`\(attribute.rawValue)` is listed twice", at: itemPath)
            }
            seen.insert(ConsentAttributes(attribute))
            return attribute
        }
        guard let list, reader.diagnostics.count == before else { return nil }
        return ConsentAttributes(list)
    }

    /// The event as a Formats.md object, keys in the documented order.
    package var jsonValue: JSONValue {
        func ids<ID: ConsentIdentifier>(_ list: [ID]) -> JSONValue { .array(list.map { .string($0.rawValue) }) }
        func instant(_ date: Date) -> JSONValue { .string(RFC3339.format(date)) }
        var object: JSONObject = ["type": .string(typeName)]
        func add(_ key: String, _ value: JSONValue) { object.members.append((key, value)) }
        switch self {
        case .grant(let grant):
            add("id", .string(grant.id.rawValue))
            add("subject", .string(grant.subject.rawValue))
            add("purposes", ids(grant.purposes))
            if !grant.fields.isEmpty { add("fields", ids(grant.fields)) }
            if !grant.categories.isEmpty { add("categories", ids(grant.categories)) }
            add("kind", .string(grant.kind.rawValue))
            if !grant.attributes.isEmpty {
                add("attributes", .array(grant.attributes.attributes.map { .string($0.rawValue) }))
            }
            add("grantor", .string(grant.grantor.rawValue))
            if let guardian = grant.guardianID { add("guardianId", .string(guardian)) }
            add("at", instant(grant.at))
            if let expiry = grant.expiresAt { add("expiresAt", instant(expiry)) }
            if grant.noticeVersion != 0 { add("noticeVersion", .number(String(grant.noticeVersion))) }
            if !grant.recipients.isEmpty { add("recipients", ids(grant.recipients)) }
            if !grant.destinations.isEmpty { add("destinations", ids(grant.destinations)) }
            if let evidence = grant.evidence {
                var fields = JSONObject()
                if let channel = evidence.channel { fields.members.append(("channel", .string(channel))) }
                if let touchpoint = evidence.touchpoint { fields.members.append(("touchpoint", .string(touchpoint))) }
                if let reference = evidence.reference { fields.members.append(("reference", .string(reference))) }
                add("evidence", .object(fields))
            }
            return .object(object)
        case .withdraw(let withdrawal):
            switch withdrawal.target {
            case .grant(let id): add("grant", .string(id.rawValue))
            case .purposes(let subject, let purposes):
                add("subject", .string(subject.rawValue))
                add("purposes", ids(purposes))
            }
        case .optOut(let subject, let kind, _, let source, let scope):
            add("subject", .string(subject.rawValue))
            add("kind", .string(kind.rawValue))
            if let source { add("source", .string(source)) }
            if scope != .subject { add("scope", .string(scope.rawValue)) }
        case .optIn(let subject, let kind, _, let initiatedBy):
            add("subject", .string(subject.rawValue))
            add("kind", .string(kind.rawValue))
            if initiatedBy != .subject { add("initiatedBy", .string(initiatedBy.rawValue)) }
        case .objection(let objection):
            add("subject", .string(objection.subject.rawValue))
            add("kind", .string(objection.kind.rawValue))
            add("purposes", ids(objection.purposes))
        case .objectionRejected(let rejection):
            add("subject", .string(rejection.subject.rawValue))
            add("purposes", ids(rejection.purposes))
            add("reason", .string(rejection.reason))
        case .customer(let customer):
            add("subject", .string(customer.subject.rawValue))
            add("channels", ids(customer.channels))
            add("objectionOffered", .bool(customer.objectionOffered))
        case .reviewRequested(let request):
            add("subject", .string(request.subject.rawValue))
            add("purposes", ids(request.purposes))
        case .channelOptOut(let subject, let channel, _), .channelOptIn(let subject, let channel, _):
            add("subject", .string(subject.rawValue))
            add("channel", .string(channel.rawValue))
        case .restrict(let subject, let purpose, _, let ground):
            add("subject", .string(subject.rawValue))
            add("purpose", .string(purpose.rawValue))
            if let ground { add("ground", .string(ground)) }
        case .unrestrict(let subject, let purpose, _):
            add("subject", .string(subject.rawValue))
            add("purpose", .string(purpose.rawValue))
        case .erase(let subject, _):
            add("subject", .string(subject.rawValue))
        case .subjectFacts(let subject, let change, _):
            add("subject", .string(subject.rawValue))
            func put<T>(_ key: String, _ change: SubjectFactsChange.Change<T>, _ encode: (T) -> JSONValue) {
                switch change {
                case .keep: break
                case .clear: add(key, .null)
                case .set(let value): add(key, encode(value))
                }
            }
            put("birthDate", change.birthDate) { .string($0.description) }
            put("minor", change.minor) { .bool($0) }
            put("guardianship", change.guardianship) { .bool($0) }
            put("regimes", change.regimes) { .array($0.map { .string($0.name) }) }
            put("ageRange", change.ageRange) {
                .object(["min": .number(String($0.min)), "max": .number(String($0.max))])
            }
            put("emancipated", change.emancipated) { .bool($0) }
        case .link(let link):
            add("from", .string(link.from.rawValue))
            add("into", .string(link.into.rawValue))
        }
        add("at", instant(at))
        return .object(object)
    }
}

extension ConsentEvent {
    /// Reads one event from its JSON text (one line of a ledger).
    public init(jsonLine: String, file: String? = nil, line: Int? = nil) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(jsonLine.utf8), file: file, line: line ?? 1)
        var reader = JSONReader(file: file, line: line)
        let event = Self.read(value, at: JSONPath(), reader: &reader)
        try reader.throwIfErrors()
        guard let event else { throw ConsentKitError(code: .invalidValue, message: "unreadable event") }
        self = event
    }

    /// The event as one line of JSON.
    public var jsonLine: String { jsonValue.serialized() }

    /// The CRC-32 of ``jsonLine``, as a journal line carries it: `crc32:` and eight lower-case hex digits. A store
    /// that keeps events as JSON elsewhere (a database column) keeps it beside them, and reads them back with
    /// ``init(storedJSON:checksum:policy:)``, which checks it.
    public var checksum: String { Self.checksum(ofJSONLine: jsonLine) }

    /// ``checksum`` of an event whose ``jsonLine`` is `json`, without writing the event again: for a store that
    /// has the line already.
    public static func checksum(ofJSONLine json: String) -> String {
        "crc32:" + CRC32.hex(CRC32.checksum(json.utf8))
    }

    /// Reads an event kept as JSON by a store, checking it against the ``checksum`` kept beside it.
    ///
    /// The JSON need not be byte for byte what ``jsonLine`` wrote (a database may reorder members or respace it): the
    /// event read is written again and its checksum compared, so a changed value, a lost member or a flipped bit is
    /// found. Regimes the policy defines (its `profiles`) may be named.
    ///
    /// - Throws: ``ConsentKitError/Code/malformedJSON`` when the checksum does not match; the reader's error for
    ///   JSON that is not an event.
    public init(storedJSON json: String, checksum: String, policy: Policy) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(json.utf8), file: nil, line: 1)
        var reader = JSONReader(file: nil, line: nil)
        reader.customRegimes = policy.customRegimeTable
        let event = Self.read(value, at: JSONPath(), reader: &reader)
        try reader.throwIfErrors()
        guard let event else { throw ConsentKitError(code: .invalidValue, message: "unreadable event") }
        guard event.checksum == checksum else {
            throw ConsentKitError(
                code: .malformedJSON,
                message: "the event's checksum `\(event.checksum)` does not match the stored `\(checksum)` (corrupted)")
        }
        self = event
    }
}
