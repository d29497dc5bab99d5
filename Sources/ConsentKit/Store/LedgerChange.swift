/// One event a store accepted, as followers of ``ConsentStore/changes()`` see it.
public struct LedgerChange: Sendable, Hashable {
    /// The event's position in the store's append order (its ``LedgerEntry/sequence``).
    public let sequence: Int
    /// The event.
    public let event: ConsentEvent
    /// The subjects whose state it changed: the one it names and every identity linked with it.
    public let subjects: [SubjectID]

    /// Creates a change.
    public init(sequence: Int, event: ConsentEvent, subjects: [SubjectID]) {
        self.sequence = sequence
        self.event = event
        self.subjects = subjects
    }
}
