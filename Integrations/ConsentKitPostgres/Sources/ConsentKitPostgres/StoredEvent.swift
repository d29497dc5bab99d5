internal import ConsentKit

/// One row of the events table: what the store writes for an event, and reads back.
struct StoredEvent: Sendable {
    let sequence: Int
    let kind: String
    /// The subject whose record holds the event (a withdrawal by grant: the grant's subject; a link: `from`).
    let subject: String
    /// The grant's id, for a grant: unique in the table.
    let grantID: String?
    /// The event as FORMATS' JSON (stored as jsonb).
    let json: String
    /// `crc32:` and the CRC-32 of ``json`` as ConsentKit writes it.
    let checksum: String

    init(_ event: ConsentEvent, sequence: Int, subject: SubjectID) {
        self.sequence = sequence
        kind = event.typeName
        self.subject = subject.rawValue
        if case .grant(let grant) = event { grantID = grant.id.rawValue } else { grantID = nil }
        json = event.jsonLine
        checksum = ConsentEvent.checksum(ofJSONLine: json)
    }
}

extension ConsentEvent {
    /// The event as every process reads it back from the table: instants at the millisecond the JSON holds. The
    /// writer applies this form too, so that it decides exactly as its followers do. `nil` when the event cannot be
    /// written and read again (the ledger refuses such an event and says why).
    func storedForm(policy: Policy) -> ConsentEvent? {
        let json = jsonLine
        return try? ConsentEvent(storedJSON: json, checksum: ConsentEvent.checksum(ofJSONLine: json), policy: policy)
    }
}
