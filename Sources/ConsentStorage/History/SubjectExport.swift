public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// Everything held about a subject — every identity linked with it, every event, the current state and every
/// version of it — as one JSON document: PIPL Art. 45, the right to access and copy, and to have the data
/// transferred to another processor.
///
/// The document's `events` are the record: reading it back (``init(jsonData:policy:file:)``) replays them into a fresh
/// ledger, so another system holding the same policy gets the same state and history. `state` and `history` are
/// written for people and recomputed on reading.
///
/// ```swift
/// let export = try await store.export("c1")
/// try export.jsonData().write(to: url)
/// ```
public struct SubjectExport: Sendable, Hashable {
    /// The `format` member of the document.
    public static let format = "consentkit.export/1"

    /// The subject asked about.
    public let subject: SubjectID
    /// The subject and every identity linked with it, in id order.
    public let identities: [SubjectID]
    /// When the export was taken; ``state`` holds at this instant.
    public let exportedAt: Date
    /// Every event appended for those identities, in ledger order.
    public let events: [ConsentEvent]
    /// The consent state at ``exportedAt``.
    public let state: ConsentState
    /// Every version of the consent state.
    public let history: SubjectHistory

    /// Takes the export of `subject` from `ledger`.
    ///
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when the ledger holds nothing about `subject`.
    public init(_ subject: SubjectID, from ledger: ConsentLedger, at instant: Date) throws(ConsentKitError) {
        guard ledger.record(for: subject) != nil else {
            throw .unknownSubject(subject)
        }
        let identities = ledger.identities(linkedWith: subject)
        let entries = identities.flatMap { ledger.record(for: $0)?.entries ?? [] }.filter { $0.derivation == nil }
        let events = entries.sorted { $0.precedes($1) }.map(\.event)
        try self.init(
            subject: subject, identities: identities, exportedAt: instant, events: events, policy: ledger.policy)
    }

    /// Replays the events so that the state and history are the same however the export was obtained.
    private init(
        subject: SubjectID, identities: [SubjectID], exportedAt: Date, events: [ConsentEvent], policy: Policy
    ) throws(ConsentKitError) {
        var replay = ConsentLedger(policy: policy)
        try replay.append(contentsOf: events)
        self.subject = subject
        self.identities = identities
        self.exportedAt = exportedAt
        self.events = events
        state = replay.state(of: subject, at: exportedAt)
        history = replay.history(of: subject)
    }

    /// The events replayed into a ledger of `policy`: the subject's data, ready for another processor.
    public func ledger(policy: Policy) throws(ConsentKitError) -> ConsentLedger {
        var ledger = ConsentLedger(policy: policy)
        try ledger.append(contentsOf: events)
        return ledger
    }

    // MARK: JSON

    /// The document, pretty-printed.
    public func jsonData() -> Data {
        let document: JSONObject = [
            "format": .string(Self.format),
            "subject": .string(subject.rawValue),
            "identities": .array(identities.map { .string($0.rawValue) }),
            "exportedAt": .string(RFC3339.format(exportedAt)),
            "state": Self.json(state),
            "history": .array(
                history.versions.map { version in
                    .object([
                        "at": .string(RFC3339.format(version.at)),
                        "changes": .array(version.entries.map(Self.json)),
                        "expired": .array(version.expired.map { .string($0.rawValue) }),
                        "state": Self.json(version.state),
                    ])
                }),
            "events": .array(events.map(\.jsonValue)),
        ]
        return Data((JSONValue.object(document).serialized(pretty: true) + "\n").utf8)
    }

    /// Reads a document written by ``jsonData()``, replaying its events against `policy`.
    ///
    /// - Throws: ``ConsentKitError`` naming the JSON path of what is wrong: another format, a missing member, a
    ///   malformed event, or an event the policy refuses.
    public init(jsonData data: Data, policy: Policy, file: String? = nil) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(data), file: file)
        var reader = JSONReader(file: file)
        reader.customRegimes = policy.customRegimeTable
        let root = JSONPath()
        guard case .object(let object) = value else {
            throw ConsentKitError(
                code: .wrongType, message: "an export is a JSON object", location: InputLocation(file: file))
        }
        let format = reader.required(object, "format", at: root) { $0.string($1, at: $2) }
        if let format, format != Self.format {
            reader.fail(.invalidValue, "unknown format `\(format)`; expected `\(Self.format)`", at: root + "format")
        }
        let subject = reader.required(object, "subject", at: root) { $0.identifier($1, at: $2) }
        let identities = reader.required(object, "identities", at: root) {
            $0.identifiers($1, at: $2, as: SubjectID.self)
        }
        let exportedAt = reader.required(object, "exportedAt", at: root) { $0.instant($1, at: $2) }
        var events: [ConsentEvent] = []
        if case .array(let items)? = object["events"] {
            for (offset, item) in items.enumerated() {
                if let event = ConsentEvent.read(item, at: root + "events" + offset, reader: &reader) {
                    events.append(event)
                }
            }
        } else {
            reader.fail(.missingKey, "an export needs its `events` array", at: root + "events")
        }
        try reader.throwIfErrors()
        guard let subject, let identities, let exportedAt else {
            throw ConsentKitError(code: .missingKey, message: "incomplete export", location: InputLocation(file: file))
        }
        try self.init(
            subject: SubjectID(subject), identities: identities, exportedAt: exportedAt, events: events,
            policy: policy)
    }

    private static func json(_ state: ConsentState) -> JSONValue {
        var facts = JSONObject()
        if let birth = state.facts.birthDate { facts.members.append(("birthDate", .string(birth.description))) }
        if let minor = state.facts.minor { facts.members.append(("minor", .bool(minor))) }
        if let guardianship = state.facts.guardianship { facts.members.append(("guardianship", .bool(guardianship))) }
        return .object([
            "at": .string(RFC3339.format(state.at)),
            "facts": .object(facts),
            "purposesInForce": .array(state.purposesInForce.map { .string($0.rawValue) }),
            "grants": .array(
                state.grants.map { standing in
                    var object: JSONObject = [
                        "grant": ConsentEvent.grant(standing.grant).jsonValue,
                        "inForce": .array(standing.inForce.map { .string($0.rawValue) }),
                        "active": .array(standing.active.map { .string($0.rawValue) }),
                        "notCounting": .array(
                            standing.notCounting.map {
                                .object([
                                    "purpose": .string($0.purpose.rawValue), "reason": .string($0.reason.rawValue),
                                ])
                            }),
                        "withdrawn": .array(
                            standing.withdrawn.map {
                                .object(["purpose": .string($0.purpose.rawValue), "at": .string(RFC3339.format($0.at))])
                            }),
                        "expired": .bool(standing.expired),
                    ]
                    if let note = standing.derivation?.note { object.members.append(("note", .string(note))) }
                    return .object(object)
                }),
            "optedOut": .array(state.optedOut.map { .string($0.rawValue) }),
            "channelsOptedOut": .array(state.channelsOptedOut.map { .string($0.rawValue) }),
            "restricted": .array(state.restricted.map { .string($0.rawValue) }),
            "erased": .bool(state.erased),
        ])
    }

    private static func json(_ entry: LedgerEntry) -> JSONValue {
        var object: JSONObject = ["event": entry.event.jsonValue]
        if let note = entry.derivation?.note { object.members.append(("note", .string(note))) }
        return .object(object)
    }
}
