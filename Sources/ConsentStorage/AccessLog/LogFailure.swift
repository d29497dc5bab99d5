internal import ConsentCore

/// Why an access log failed verification: the kind of change, where it was found, and the first bad entry.
public struct LogFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of change a verifier tells apart.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The log ends before what was sealed: cut inside a line, or shorter than its sealing state or a checkpoint
        /// kept elsewhere says.
        case truncated
        /// Entries or checkpoints are missing from the middle: the sequence jumps, or a checkpoint counts entries
        /// that are not there.
        case deleted
        /// Entries are out of order or repeated.
        case reordered
        /// A line's bytes were changed: its seal does not match under any key, or it is not a line the log writes.
        case modified
        /// The log and a checkpoint kept elsewhere disagree about the same size: two histories were written.
        case forked
        /// A line was sealed with a later epoch's key than its place in the log calls for: re-sealed by someone who
        /// held a newer key (systemd's CVE-2023-31439).
        case resealed
        /// The log ends in entries no checkpoint seals yet: they may be genuine, but nothing proves they were not
        /// changed, so the log is not reported intact until a checkpoint covers them.
        case unanchored
    }

    /// The kind of change.
    public let kind: Kind
    /// The 1-based line of the file where it was found (1 is the header).
    public let line: Int
    /// The sequence number of the first bad entry, when one is known.
    public let sequence: UInt64?
    /// A sentence saying what was found.
    public let message: String

    /// Creates a failure.
    public init(_ kind: Kind, line: Int, sequence: UInt64? = nil, _ message: String) {
        self.kind = kind
        self.line = line
        self.sequence = sequence
        self.message = message
    }

    /// `line 12 (entry 10): modified: …`.
    public var description: String {
        "line \(line)\(sequence.map { " (entry \($0))" } ?? ""): \(kind.rawValue): \(message)"
    }
}
