internal import ConsentCore
public import Foundation

/// What verifying an access log found.
public struct AccessLogVerification: Sendable, Hashable {
    /// The log's id, from its header.
    public let logID: String
    /// The id of the key it is sealed with.
    public let keyID: String
    /// When the log was created.
    public let created: Date
    /// How many entries verified (up to the first failure).
    public let entries: UInt64
    /// How many checkpoints verified.
    public let checkpoints: Int
    /// The last checkpoint that verified, if any.
    public let lastCheckpoint: LogCheckpoint?
    /// Entries left out of the log, summed over the checkpoints that verified.
    public let dropped: LogDropCounts
    /// The first problem found, or `nil` for an intact log: every line sealed in place, every entry under a
    /// checkpoint, nothing missing by the sealing state's or the given checkpoint's account.
    public let failure: LogFailure?
    /// Entries after the last checkpoint that verified: sealed by none yet. With `sealedPartOnly` they are counted
    /// here rather than failing the log; they are never handed to a reader.
    public let unsealedEntries: UInt64

    /// Whether the log verified.
    public var isIntact: Bool { failure == nil }
}
