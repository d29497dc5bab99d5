public import ConsentCore

/// One event a store accepted, as followers of ``ConsentStore/changes()`` see it.
public struct LedgerChange: Sendable, Hashable {
    /// The event's position in the store's append order (its ``LedgerEntry/sequence``).
    public let sequence: Int
    /// The event.
    public let event: ConsentEvent
    /// The subjects whose records it changed: for an event, the identity it names and every identity linked with
    /// it; for a `link`, the two identities it names and those that received what it carried. (Other identities of
    /// the merged group keep their records as they were; ``ConsentLedger/identities(linkedWith:)`` names the group.)
    public let subjects: [SubjectID]

    /// Creates a change.
    public init(sequence: Int, event: ConsentEvent, subjects: [SubjectID]) {
        self.sequence = sequence
        self.event = event
        self.subjects = subjects
    }
}
