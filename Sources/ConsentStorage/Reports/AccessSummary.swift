public import ConsentCore
public import Foundation

/// A verified access log, counted: what the access, inventory and impact-assessment reports say about it. Built only
/// by verifying the log as it is read, so a report never counts entries that did not verify.
public struct AccessSummary: Sendable {
    /// What verification found (a report refuses a log that is not intact).
    public let verification: AccessLogVerification
    /// Entries by (role, purpose, view): allowed and denied.
    public private(set) var byRolePurposeView: [Key: Tally] = [:]
    /// Entries touching sensitive fields, by (role, principal, purpose, view, field class).
    public private(set) var sensitive: [Key: Tally] = [:]
    /// Denies by reason.
    public private(set) var denyReasons: [ReasonCode: Int] = [:]
    /// Entries through privileged views, by (role, principal, purpose, view).
    public private(set) var privileged: [Key: Tally] = [:]
    /// Entries that disclosed data, by (purpose, recipient, destination).
    public private(set) var disclosures: [Key: Tally] = [:]
    /// Entries about minors.
    public private(set) var minors = 0
    /// The policy versions (hashes) the entries were decided under, with their counts.
    public private(set) var policyHashes: [String: Int] = [:]
    /// The first and last instants logged.
    public private(set) var first: Date?
    public private(set) var last: Date?

    /// A grouping key: up to five named parts (empty when not applicable).
    public struct Key: Sendable, Hashable, Comparable {
        /// The parts.
        public var parts: [String]
        public static func < (lhs: Key, rhs: Key) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }
    }

    /// Allowed and denied counts.
    public struct Tally: Sendable, Hashable {
        /// Allowed entries.
        public var allowed = 0
        /// Denied entries.
        public var denied = 0
        /// Both.
        public var total: Int { allowed + denied }

        mutating func count(_ entry: LoggedEntry) {
            if entry.isAllowed { allowed += 1 } else { denied += 1 }
        }
    }

    /// Verifies the log at `path` with `key` and counts its entries.
    ///
    /// - Throws: what ``AccessLogVerifier/verify(path:key:anchor:useSealingState:)`` throws.
    public init(path: String, key: AccessLogKey, anchor: LogCheckpoint? = nil) throws(ConsentKitError) {
        var summary = Counting()
        verification = try AccessLogVerifier.verify(path: path, key: key, anchor: anchor, sealedPartOnly: true) {
            summary.count($0)
        }
        byRolePurposeView = summary.byRolePurposeView
        sensitive = summary.sensitive
        denyReasons = summary.denyReasons
        privileged = summary.privileged
        disclosures = summary.disclosures
        minors = summary.minors
        policyHashes = summary.policyHashes
        first = summary.first
        last = summary.last
    }

    /// Every entry counted.
    public var entries: Int { byRolePurposeView.values.reduce(0) { $0 + $1.total } }

    /// The sentence a report states about the log's completeness.
    public var completeness: String {
        let verified =
            verification.isIntact
            ? "verified intact: \(verification.entries - verification.unsealedEntries) entries under \(verification.checkpoints) "
                + (verification.checkpoints == 1 ? "checkpoint" : "checkpoints")
                + (verification.lastCheckpoint.map { ", last root \($0.root.hex)" } ?? "")
            : "NOT verified: \(verification.failure.map(\.description) ?? "")"
        let dropped = verification.dropped
        let classes =
            dropped.overflowNeverDropped == 0
            ? "complete for denies, sensitive fields, minors, privileged views and disclosures (none dropped)"
            : "INCOMPLETE: \(dropped.overflowNeverDropped) entries of classes that are never dropped were lost to "
                + "a full buffer"
        let unsealed =
            verification.unsealedEntries == 0
            ? ""
            : "; \(verification.unsealedEntries) entries written after the last checkpoint are not counted (no "
                + "checkpoint seals them yet)"
        return "\(verified); \(dropped.sampled) entries sampled away and \(dropped.overflow) dropped on overflow "
            + "(only allowed, ordinary, standard-view accesses); \(classes)\(unsealed)"
    }

    /// The counting as entries stream by.
    private struct Counting {
        var byRolePurposeView: [Key: Tally] = [:]
        var sensitive: [Key: Tally] = [:]
        var denyReasons: [ReasonCode: Int] = [:]
        var privileged: [Key: Tally] = [:]
        var disclosures: [Key: Tally] = [:]
        var minors = 0
        var policyHashes: [String: Int] = [:]
        var first: Date?
        var last: Date?

        mutating func count(_ entry: LoggedEntry) {
            let view = entry.view ?? ""
            byRolePurposeView[Key(parts: [entry.role, entry.purpose.rawValue, view]), default: Tally()].count(entry)
            if entry.flags.contains(.sensitive) {
                for fieldClass in Set(entry.classes) where fieldClass != "ordinary" {
                    sensitive[
                        Key(parts: [
                            entry.role, entry.principalReference ?? "", entry.purpose.rawValue, view, fieldClass,
                        ]), default: Tally()
                    ].count(entry)
                }
            }
            if !entry.isAllowed { denyReasons[entry.reason, default: 0] += 1 }
            if entry.flags.contains(.privileged) {
                privileged[
                    Key(parts: [entry.role, entry.principalReference ?? "", entry.purpose.rawValue, view]),
                    default: Tally()
                ].count(entry)
            }
            if entry.flags.contains(.disclosure) {
                disclosures[
                    Key(parts: [
                        entry.purpose.rawValue, entry.recipient?.rawValue ?? "", entry.destination?.rawValue ?? "",
                    ]), default: Tally()
                ].count(entry)
            }
            if entry.flags.contains(.minor) { minors += 1 }
            policyHashes[entry.policyHash, default: 0] += 1
            if first.map({ entry.instant < $0 }) ?? true { first = entry.instant }
            if last.map({ entry.instant > $0 }) ?? true { last = entry.instant }
        }
    }
}
