package import Foundation

/// An in-memory consent ledger: every grant, withdrawal, objection, restriction, erasure and fact change, kept in
/// time order so that it can answer for any instant using only the events at or before it.
///
/// Events are checked against the ledger's ``policy`` as they are appended: a grant naming an unknown purpose,
/// field or category, a duplicate grant id, or a withdrawal of a grant that does not exist is refused with a
/// ``ConsentKitError`` and leaves the ledger unchanged.
///
/// ```swift
/// var ledger = ConsentLedger(policy: policy)
/// try ledger.append(.grant(ConsentGrant("g1", subject: "c1", purposes: ["marketing.email"],
///                                       fields: ["email"], kind: .ordinary, at: .now)))
/// ```
public struct ConsentLedger: Sendable {
    /// The policy events are checked against.
    public let policy: Policy
    package var records: [SubjectID: SubjectRecord] = [:]
    package var grantSubjects: [GrantID: (subject: SubjectID, at: Date)] = [:]
    /// The group number of every linked identity (identities never linked are absent), and the groups by number.
    /// Two maps rather than a group per identity: a link then relabels only the smaller group's identities, so a
    /// long chain of links costs O(n log n), not O(n²).
    package var groupNumbers: [SubjectID: Int] = [:]
    package var groups: [Int: IdentityGroup] = [:]
    /// Where ``insert(_:into:)`` put each entry, and what group numbers and groups were before a batch changed them,
    /// while ``appendAtomically(_:positions:batchCount:)`` needs it to take a batch back.
    private var insertions: [(subject: SubjectID, index: Int)]?
    private var groupLog: [(numbers: [(SubjectID, Int?)], groups: [(Int, IdentityGroup?)])]?
    /// What each link resolved, by the link's sequence.
    package var linkResolutions: [Int: [String]] = [:]
    /// The number of events appended.
    public package(set) var count = 0

    /// Creates an empty ledger for a policy.
    public init(policy: Policy) { self.policy = policy }

    /// The subjects with facts or events, in id order.
    public var subjects: [SubjectID] { records.keys.sorted() }

    /// Every subject's record, in no particular order (cheaper than ``subjects`` for a full pass).
    package var recordsInAnyOrder: Dictionary<SubjectID, SubjectRecord>.Values { records.values }

    /// The record of a subject, or `nil` when the ledger holds nothing about it.
    public func record(for subject: SubjectID) -> SubjectRecord? { records[subject] }

    /// A subject's events in time order.
    public func events(for subject: SubjectID) -> [ConsentEvent] { records[subject]?.entries.map(\.event) ?? [] }

    /// Every event appended (not the entries derived from identity links), ordered by instant, then by append
    /// order.
    public var entries: [LedgerEntry] {
        records.values.flatMap { $0.entries.filter { $0.derivation == nil } }.sorted { $0.precedes($1) }
    }

    /// The identities linked with `subject` (itself included), in id order; just `subject` when it was never linked.
    public func identities(linkedWith subject: SubjectID) -> [SubjectID] {
        group(of: subject)?.members ?? [subject]
    }

    /// The merged group of a linked identity, or `nil`.
    func group(of subject: SubjectID) -> IdentityGroup? { groupNumbers[subject].flatMap { groups[$0] } }

    /// How the link appended with `sequence` resolved the two identities' states: one sentence per carried,
    /// dropped or restricted item, or `nil` when that sequence is not a link.
    public func resolution(ofLinkAt sequence: Int) -> [String]? { linkResolutions[sequence] }

    /// The grant with this id and the subject it belongs to, or `nil`.
    public func grant(_ id: GrantID) -> ConsentGrant? {
        guard let location = grantSubjects[id] else { return nil }
        for entry in records[location.subject]?.entries ?? [] {
            if case .grant(let grant) = entry.event, grant.id == id { return grant }
        }
        return nil
    }

    /// Records facts about a subject that hold from the beginning of time, such as a scenario's `subjects` entry.
    ///
    /// - Throws: ``ConsentKitError/Code/duplicateIdentifier`` when the subject's initial facts were declared already.
    public mutating func declare(_ subject: SubjectID, facts: SubjectFacts) throws(ConsentKitError) {
        if facts.regimes?.isEmpty == true {
            throw ConsentKitError(
                code: .invalidValue, message: "subject `\(subject)`: `regimes` must not be empty",
                location: InputLocation(path: "regimes"))
        }
        var record = records[subject] ?? SubjectRecord(subject: subject)
        guard record.initialFacts == SubjectFacts() || record.initialFacts == facts else {
            throw ConsentKitError(
                code: .duplicateIdentifier, message: "subject `\(subject)` already has initial facts")
        }
        record.initialFacts = facts
        records[subject] = record
    }

    /// Appends an event after checking it against the policy and the events already held. Events may arrive out
    /// of time order; the ledger keeps them ordered by instant, then append order.
    ///
    /// - Throws: ``ConsentKitError`` naming the offending id and JSON key; the ledger is unchanged.
    public mutating func append(_ event: ConsentEvent) throws(ConsentKitError) {
        _ = try appendReportingSubjects(event)
    }

    /// Appends an event and returns every subject whose record changed: the one it names and, after a link, the
    /// identities linked with it; for a link, the two identities and those that received what it carried.
    package mutating func appendReportingSubjects(_ event: ConsentEvent) throws(ConsentKitError) -> [SubjectID] {
        // A grant identical to one recorded is recorded already: appending it again (a seed batch run twice) is a
        // no-op, not an error. A grant reusing an id with other content is still refused.
        if case .grant(let grant) = event, self.grant(grant.id) == grant { return [] }
        if let problem = check(event) { throw problem }
        if case .link(let link) = event { return try appendLink(link) }
        let subject = owner(of: event)
        if case .grant(let grant) = event { grantSubjects[grant.id] = (grant.subject, grant.at) }
        insert(LedgerEntry(sequence: count, event: event), into: subject)
        var changed = [subject]
        if let number = groupNumbers[subject], var group = groups[number] {
            group.latest = max(group.latest, event.at)
            setGroup(group, number: number)
            // `check` refused events before the link, so this one belongs to the merged person.
            for member in group.members where member != subject {
                let note = "recorded for `\(subject)`, linked with `\(member)` since \(RFC3339.format(group.link.at))"
                insert(
                    LedgerEntry(sequence: count, event: event, derivation: Derivation(link: group.link, note: note)),
                    into: member)
                changed.append(member)
            }
        }
        count += 1
        return changed
    }

    /// The subject whose record holds an event: the one it names, or the owner of the grant it withdraws.
    private func owner(of event: ConsentEvent) -> SubjectID {
        if case .withdraw(let withdrawal) = event, case .grant(let id) = withdrawal.target {
            return grantSubjects[id]?.subject ?? SubjectID("")
        }
        return event.namedSubject ?? SubjectID("")
    }

    /// Sets an identity's group number, noting the old one while a batch may be taken back.
    mutating func setGroupNumber(_ number: Int?, of subject: SubjectID) {
        if groupLog != nil { groupLog!.append(([(subject, groupNumbers[subject])], [])) }
        groupNumbers[subject] = number
    }

    /// Sets a group, noting the old one while a batch may be taken back.
    mutating func setGroup(_ group: IdentityGroup?, number: Int) {
        if groupLog != nil { groupLog!.append(([], [(number, groups[number])])) }
        groups[number] = group
    }

    mutating func insert(_ entry: LedgerEntry, into subject: SubjectID) {
        let index = records[subject, default: SubjectRecord(subject: subject)].insert(entry)
        insertions?.append((subject, index))
    }

    /// What ``appendAtomically(_:positions:batchCount:)`` needs to take a batch back.
    ///
    /// Not a copy of each record the batch touched: the next insert would then copy the whole record, which makes a
    /// store that appends one event at a time quadratic in the events of one subject. It notes where each entry
    /// went instead, and removes them in reverse.
    package struct Undo: Sendable {
        fileprivate var count: Int
        /// Subjects the batch touched that had no record before it.
        fileprivate var created: Set<SubjectID> = []
        /// Whole records, saved only for a batch that erases: erasure rewrites entries in place (see
        /// ``removePersonalData(of:)``), which only a copy takes back.
        fileprivate var records: [SubjectID: SubjectRecord] = [:]
        /// Where each entry of the batch was inserted, in order.
        fileprivate var insertions: [(subject: SubjectID, index: Int)] = []
        /// Group numbers and groups as they were before each change of the batch, in order.
        fileprivate var groupLog: [(numbers: [(SubjectID, Int?)], groups: [(Int, IdentityGroup?)])] = []
        fileprivate var seen: Set<SubjectID> = []
        fileprivate var grants: [GrantID] = []
    }

    /// Appends a batch in place, all or nothing: when an event is refused, the events of the batch before it are
    /// taken back and the ledger is as it was. Returns, per event, the subjects whose records changed, and what
    /// ``undo(_:)`` needs to take the whole batch back later (when writing it to storage fails).
    ///
    /// Stores use it rather than appending to a copy, which would copy every record of a large ledger per batch.
    package mutating func appendAtomically(
        _ events: [ConsentEvent], positions: [Int]? = nil, batchCount: Int? = nil
    ) throws(ConsentKitError) -> (changed: [[SubjectID]], undo: Undo) {
        var saved = Undo(count: count)
        var changed: [[SubjectID]] = []
        changed.reserveCapacity(events.count)
        let erases = events.contains { if case .erase = $0 { true } else { false } }
        insertions = []
        groupLog = []
        defer {
            insertions = nil
            groupLog = nil
        }
        for (offset, event) in events.enumerated() {
            let touched: [SubjectID]
            if case .link(let link) = event {
                // A link inserts into its two identities, and into other members only the entries it derives,
                // which the insertion log takes back; in a batch that erases, whole records are saved, so all.
                touched =
                    erases
                    ? identities(linkedWith: link.from) + identities(linkedWith: link.into) : [link.from, link.into]
            } else {
                let subject = owner(of: event)
                touched = erases || groupNumbers[subject] == nil ? identities(linkedWith: subject) : [subject]
            }
            for subject in touched where !saved.seen.contains(subject) {
                saved.seen.insert(subject)
                if let record = records[subject] {
                    if erases { saved.records[subject] = record }
                } else {
                    saved.created.insert(subject)
                }
            }
            do {
                changed.append(try appendReportingSubjects(event))
            } catch {
                saved.insertions = insertions ?? []
                saved.groupLog = groupLog ?? []
                undo(saved)
                let count = batchCount ?? events.count
                throw count > 1 ? error.inBatch(positions?[offset] ?? offset, of: count) : error
            }
            // Only a grant actually inserted is taken back by an undo (an identical one was a no-op).
            if case .grant(let grant) = event, !(changed.last ?? []).isEmpty { saved.grants.append(grant.id) }
        }
        saved.insertions = insertions ?? []
        saved.groupLog = groupLog ?? []
        return (changed, saved)
    }

    /// Takes back a batch appended by ``appendAtomically(_:positions:batchCount:)`` (and any erasure of personal data since).
    package mutating func undo(_ saved: Undo) {
        for (subject, index) in saved.insertions.reversed()
        where saved.records[subject] == nil && !saved.created.contains(subject) {
            records[subject]?.entries.remove(at: index)
        }
        for subject in saved.created { records[subject] = nil }
        for (subject, record) in saved.records { records[subject] = record }
        for change in saved.groupLog.reversed() {
            for (subject, number) in change.numbers { groupNumbers[subject] = number }
            for (number, group) in change.groups { groups[number] = group }
        }
        for grant in saved.grants { grantSubjects[grant] = nil }
        for sequence in saved.count..<max(saved.count, count) { linkResolutions[sequence] = nil }
        count = saved.count
    }

    /// The positions in `events` of those not already recorded: a grant identical to one held, or to an earlier
    /// grant of the batch with its id, is left out (another grant reusing the id stays, to be refused). What a store
    /// appends, so that appending the same grants twice changes nothing and numbers nothing; the positions let a
    /// refusal name the event as the caller numbered it.
    package func unrecordedPositions(of events: [ConsentEvent]) -> [Int] {
        var first: [GrantID: ConsentGrant] = [:]
        var kept: [Int] = []
        for (offset, event) in events.enumerated() {
            if case .grant(let grant) = event {
                if self.grant(grant.id) == grant { continue }
                if let earlier = first[grant.id] {
                    if earlier == grant { continue }
                } else {
                    first[grant.id] = grant
                }
            }
            kept.append(offset)
        }
        return kept
    }

    /// Appends several events; stops at the first that fails, keeping those before it.
    public mutating func append(contentsOf events: some Sequence<ConsentEvent>) throws(ConsentKitError) {
        for event in events { try append(event) }
    }

    /// The first problem with `event`, or `nil` when it can be appended.
    private func check(_ event: ConsentEvent) -> ConsentKitError? {
        func fail(_ code: ConsentKitError.Code, _ message: String, _ path: String) -> ConsentKitError {
            ConsentKitError(code: code, message: message, location: InputLocation(path: path))
        }
        // What enters the ledger must be writable and readable again as the same event: ids by the one identifier
        // rule, instants within years 1–9999 (a file could not hold the others).
        for (path, id) in event.identifiers {
            if let problem = IdentifierRule.problem(with: id) { return fail(.invalidValue, problem, path) }
        }
        for (path, instant) in event.instants {
            if let problem = RFC3339.problem(with: instant) { return fail(.invalidDate, problem, path) }
        }
        func unknownPurposes(_ purposes: [PurposeID]) -> ConsentKitError? {
            if purposes.isEmpty { return fail(.invalidValue, "`purposes` must not be empty", "purposes") }
            for (offset, purpose) in purposes.enumerated() where policy.purpose(purpose) == nil {
                return fail(.unknownIdentifier, "unknown purpose `\(purpose)`", "purposes[\(offset)]")
            }
            return nil
        }
        switch event {
        case .grant(let grant):
            if grantSubjects[grant.id] != nil {
                // An identical grant never gets here: appending it again is a no-op.
                return fail(
                    .duplicateIdentifier,
                    "duplicate grant id `\(grant.id)`: another grant, with different content, has it", "id")
            }
            if let problem = unknownPurposes(grant.purposes) { return problem }
            if grant.fields.isEmpty && grant.categories.isEmpty {
                return fail(.missingKey, "grant `\(grant.id)` names no field or category", "fields")
            }
            for (offset, field) in grant.fields.enumerated() where policy.field(field) == nil {
                return fail(.unknownIdentifier, "unknown field `\(field)`", "fields[\(offset)]")
            }
            for (offset, category) in grant.categories.enumerated() where !policy.knowsCategory(category) {
                return fail(.unknownIdentifier, PolicyValidator.unknownCategory(category), "categories[\(offset)]")
            }
            if let expiry = grant.expiresAt, expiry <= grant.at {
                return fail(
                    .invalidDate, "grant `\(grant.id)` expires at \(RFC3339.format(expiry)), not after it is given",
                    "expiresAt")
            }
            if grant.noticeVersion < 0 || grant.noticeVersion > Int(Int32.max) {
                return fail(.invalidValue, "`noticeVersion` must be between 0 and 2147483647", "noticeVersion")
            }
            if grant.guardianID != nil && grant.grantor != .guardian {
                return fail(.invalidValue, "`guardianId` is given but `grantor` is not `guardian`", "guardianId")
            }
        case .withdraw(let withdrawal):
            switch withdrawal.target {
            case .grant(let id):
                guard let location = grantSubjects[id] else {
                    return fail(.unknownIdentifier, "withdrawal of unknown grant `\(id)`", "grant")
                }
                if withdrawal.at < location.at {
                    return fail(
                        .inconsistentLedger,
                        "withdrawal at \(RFC3339.format(withdrawal.at)) precedes grant `\(id)` given at "
                            + RFC3339.format(location.at),
                        "at")
                }
            case .purposes(_, let purposes):
                if let problem = unknownPurposes(purposes) { return problem }
            }
        case .restrict(_, let purpose, _, let ground):
            if policy.purpose(purpose) == nil {
                return fail(.unknownIdentifier, "unknown purpose `\(purpose)`", "purpose")
            }
            if let ground, let problem = TextRule.problem(with: ground) {
                return fail(.invalidValue, problem, "ground")
            }
        case .unrestrict(_, let purpose, _):
            if policy.purpose(purpose) == nil {
                return fail(.unknownIdentifier, "unknown purpose `\(purpose)`", "purpose")
            }
        case .objection(let objection):
            if let problem = unknownPurposes(objection.purposes) { return problem }
        case .objectionRejected(let rejection):
            if let problem = unknownPurposes(rejection.purposes) { return problem }
            if let problem = TextRule.problem(with: rejection.reason) { return fail(.invalidValue, problem, "reason") }
        case .reviewRequested(let request):
            if let problem = unknownPurposes(request.purposes) { return problem }
        case .customer(let customer):
            for (offset, channel) in customer.channels.enumerated() where !Channel.knownChannels.contains(channel) {
                return fail(.invalidValue, "unknown channel `\(channel)`", "channels[\(offset)]")
            }
        case .subjectFacts(_, let change, _):
            if case .set(let regimes) = change.regimes, regimes.isEmpty {
                return fail(.invalidValue, "`regimes` must not be empty", "regimes")
            }
        case .optOut(_, _, _, let source?, _):
            if let problem = TextRule.problem(with: source) { return fail(.invalidValue, problem, "source") }
        case .channelOptOut(_, let channel, _), .channelOptIn(_, let channel, _):
            if !Channel.knownChannels.contains(channel) {
                return fail(.invalidValue, "unknown channel `\(channel)`", "channel")
            }
        case .optOut, .optIn, .erase:
            break
        case .link(let link):
            return check(link)
        }
        let subject = owner(of: event)
        if let group = group(of: subject), event.at < group.link.at {
            return fail(
                .inconsistentLedger,
                "`\(subject)` was linked with \(group.members.filter { $0 != subject }.map { "`\($0)`" }.joined(separator: ", ")) "
                    + "at \(RFC3339.format(group.link.at)); an event before that instant can no longer be added",
                "at")
        }
        return nil
    }
}

extension ConsentLedger {
    /// Replaces a subject's whole record (how a layered engine copies a record from the ledger it follows).
    package mutating func setRecord(_ record: SubjectRecord) {
        records[record.subject] = record
        // Keep the group's latest instant, which checks later links, in step with the record.
        if let number = groupNumbers[record.subject], var group = groups[number],
            let last = record.entries.last?.event.at, last > group.latest
        {
            group.latest = last
            groups[number] = group
        }
    }
}
