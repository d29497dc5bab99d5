public import Foundation

/// Progressive identity: from an instant on, the identity `from` (an anonymous device or cookie id, or a light
/// registration) and the identity `into` (a fuller registration) are the same person.
///
/// Appending a link merges the two identities' consent state at ``at`` and keeps them merged: each side receives,
/// as derived ledger entries, what it lacked from the other — grants still in force, opt-outs, channel opt-outs,
/// restrictions, erasure and facts — with these rules:
///
/// - **Nothing unknown becomes granted.** Only grants in force at the link are carried; a purpose neither side
///   consented to stays without consent, and an expired grant is not revived.
/// - **Conflicts resolve to the more restrictive state.** A purpose one side withdrew is withdrawn on the other side
///   too (and is not carried); opt-outs, channel opt-outs, restrictions and erasure are united; of two different
///   birth dates the later (younger) one is kept; `minor` and `guardianship` hold if either side says so.
/// - **Lineage is kept.** Carried grants keep their ids, take effect at the link (never before it), and every
///   derived entry carries a note saying where it came from and why (``LedgerEntry/derivation``).
///
/// After the link, an event recorded for any identity of the merged group reaches all of them, so a withdrawal
/// recorded against the device id is honoured for the registered id and the other way round.
public struct IdentityLink: Sendable, Hashable {
    /// The identity whose consent is carried over (for example `device-7f3a`).
    public let from: SubjectID
    /// The identity it is linked into (for example the registered customer id).
    public let into: SubjectID
    /// When the two identities became one.
    public let at: Date

    /// Creates a link.
    public init(from: SubjectID, into: SubjectID, at: Date) {
        self.from = from
        self.into = into
        self.at = at
    }
}

/// Why the ledger added an entry that was not appended as such: the link that caused it and a sentence for people.
public struct Derivation: Sendable, Hashable {
    /// The identity link the entry follows from.
    public let link: IdentityLink
    /// What was derived and why, for history views and exports.
    public let note: String

    /// Creates a derivation.
    public init(link: IdentityLink, note: String) {
        self.link = link
        self.note = note
    }
}
