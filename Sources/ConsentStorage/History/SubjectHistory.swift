public import ConsentCore
public import Foundation

/// Every version of a subject's consent state over time: one version per instant at which something changed — an
/// event (granted, withdrawn, opted out, linked…, with its channel, touchpoint and evidence on the grant) or a
/// grant's expiry.
public struct SubjectHistory: Sendable, Hashable {
    /// The subject.
    public let subject: SubjectID
    /// The identities linked with it (itself included).
    public let identities: [SubjectID]
    /// The versions, oldest first.
    public let versions: [ConsentVersion]

    /// The state as of `instant`: the last version at or before it (an empty state before the first).
    public func state(at instant: Date) -> ConsentState? {
        versions.last { $0.at <= instant }?.state
    }
}

/// The state after everything that happened at one instant.
public struct ConsentVersion: Sendable, Hashable {
    /// When.
    public let at: Date
    /// The ledger entries at this instant, derived ones (from identity links) included with their notes.
    public let entries: [LedgerEntry]
    /// The grants that expired at this instant.
    public let expired: [GrantID]
    /// The state from this instant on, until the next version.
    public let state: ConsentState
}

extension ConsentLedger {
    /// Every version of a subject's consent state. A subject the ledger knows nothing about has no versions.
    public func history(of subject: SubjectID) -> SubjectHistory {
        guard let record = record(for: subject) else {
            return SubjectHistory(subject: subject, identities: [subject], versions: [])
        }
        var expiries: [Date: [GrantID]] = [:]
        for grant in record.grants {
            if let expiry = grant.expiresAt { expiries[expiry, default: []].append(grant.id) }
        }
        let instants = Set(record.entries.map(\.event.at)).union(expiries.keys).sorted()
        var versions: [ConsentVersion] = []
        var index = record.entries.startIndex
        for instant in instants {
            var entries: [LedgerEntry] = []
            while index < record.entries.endIndex, record.entries[index].event.at == instant {
                entries.append(record.entries[index])
                index += 1
            }
            versions.append(
                ConsentVersion(
                    at: instant, entries: entries, expired: expiries[instant] ?? [],
                    state: record.consentState(at: instant, in: self)))
        }
        return SubjectHistory(subject: subject, identities: identities(linkedWith: subject), versions: versions)
    }
}
