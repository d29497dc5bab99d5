public import ConsentCore
package import Foundation

extension ConsentLedger {
    /// Records `erase` for `subject` and removes the personal data the ledger holds about it and every identity
    /// linked with it: birth dates, in `subject` events and initial facts. Grants (with their grantor, guardian and
    /// evidence), withdrawals, objections and the erasure stay: they prove what was consented to, by whom and when,
    /// which PIPL Art. 47 lets a processor keep.
    ///
    /// - Returns: the subjects whose records changed.
    /// - Throws: ``ConsentKitError/Code/unknownIdentifier`` when the ledger holds nothing about `subject`; the
    ///   ledger is then unchanged.
    package mutating func erase(_ subject: SubjectID, at instant: Date) throws(ConsentKitError) -> [SubjectID] {
        guard record(for: subject) != nil else {
            throw .unknownSubject(subject)
        }
        let changed = try appendReportingSubjects(.erase(subject, at: instant))
        removePersonalData(of: subject)
        return changed
    }

    /// Removes the birth dates held about `subject` and every identity linked with it, as ``erase(_:at:)`` does
    /// after recording the event. Stores call it for every `erase` event they accept.
    package mutating func removePersonalData(of subject: SubjectID) {
        for identity in identities(linkedWith: subject) {
            guard var record = records[identity] else { continue }
            record.initialFacts.birthDate = nil
            record.entries = record.entries.map { entry in
                guard let redacted = entry.event.withoutPersonalData else { return entry }
                return LedgerEntry(sequence: entry.sequence, event: redacted, derivation: entry.derivation)
            }
            records[identity] = record
        }
    }

    /// Subjects erased whose personal data is still held: what a store must finish removing (a journal whose
    /// process died between recording an erasure and rewriting its file).
    package var erasedSubjectsStillHoldingPersonalData: [SubjectID] {
        records.values.compactMap { record in
            let erased = record.entries.contains { if case .erase = $0.event { true } else { false } }
            let holding =
                record.initialFacts.birthDate != nil || record.entries.contains { $0.event.withoutPersonalData != nil }
            return erased && holding ? record.subject : nil
        }
    }
}

extension ConsentEvent {
    /// The event with the personal data it carries removed, or `nil` when it carries none. Only a `subject` event's
    /// birth date is personal data here; ids are the pseudonymous keys consent proof needs. What a store writes in
    /// place of such an event when its subject is erased (see ``LedgerReplica/PreparedAppend/erasedIdentities``).
    public var withoutPersonalData: ConsentEvent? {
        guard case .subjectFacts(let subject, var change, let at) = self, case .set = change.birthDate else {
            return nil
        }
        change.birthDate = .keep
        return .subjectFacts(subject, change, at: at)
    }
}
