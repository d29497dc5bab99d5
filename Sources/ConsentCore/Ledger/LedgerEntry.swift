/// An event as the ledger holds it, with its position in the order events were appended (file order), which
/// breaks ties between events at the same instant.
public struct LedgerEntry: Sendable, Hashable {
    /// The 0-based position in append order.
    public let sequence: Int
    /// The event.
    public let event: ConsentEvent
    /// Why the ledger derived this entry from an ``IdentityLink``, or `nil` for an event appended as such. Derived
    /// entries share the sequence of the event they follow from and are never written to files: reading the
    /// appended events back derives them again.
    public let derivation: Derivation?

    /// Creates an entry.
    public init(sequence: Int, event: ConsentEvent, derivation: Derivation? = nil) {
        self.sequence = sequence
        self.event = event
        self.derivation = derivation
    }

    /// Orders by instant, then by append order.
    package func precedes(_ other: LedgerEntry) -> Bool {
        event.at < other.event.at || (event.at == other.event.at && sequence < other.sequence)
    }
}

/// Everything the ledger holds about one subject: the facts known from the beginning of time and the events in
/// time order.
public struct SubjectRecord: Sendable, Hashable {
    /// The subject.
    public let subject: SubjectID
    /// Facts that hold from the beginning of time (a scenario's `subjects` entry).
    public package(set) var initialFacts: SubjectFacts
    /// The subject's events, ordered by instant, then by append order.
    public package(set) var entries: [LedgerEntry]

    package init(subject: SubjectID) {
        self.subject = subject
        self.initialFacts = SubjectFacts()
        self.entries = []
    }

    /// Inserts keeping the order, and returns where; appends in time order are the common case and cost O(1).
    @discardableResult
    mutating func insert(_ entry: LedgerEntry) -> Int {
        var index = entries.endIndex
        while index > entries.startIndex, entry.precedes(entries[index - 1]) { index -= 1 }
        entries.insert(entry, at: index)
        return index
    }
}
