internal import Foundation

/// Identities linked into one person, and the link that last joined them.
struct IdentityGroup: Sendable {
    /// In id order, so that ``ConsentLedger/identities(linkedWith:)`` need not sort them on every call.
    var members: [SubjectID]
    var link: IdentityLink

    /// The members of two disjoint groups, in id order: a merge of the two sorted lists, not a sort.
    static func merged(_ left: [SubjectID], _ right: [SubjectID]) -> [SubjectID] {
        var members: [SubjectID] = []
        members.reserveCapacity(left.count + right.count)
        var (l, r) = (left.startIndex, right.startIndex)
        while l < left.endIndex && r < right.endIndex {
            if right[r] < left[l] {
                members.append(right[r])
                r += 1
            } else {
                members.append(left[l])
                l += 1
            }
        }
        members += left[l...]
        members += right[r...]
        return members
    }
}

extension ConsentLedger {
    /// The first problem with a link, or `nil` when it can be appended.
    func check(_ link: IdentityLink) -> ConsentKitError? {
        func fail(_ code: ConsentKitError.Code, _ message: String, _ path: String) -> ConsentKitError {
            ConsentKitError(code: code, message: message, location: InputLocation(path: path))
        }
        if link.from == link.into {
            return fail(.invalidValue, "a link joins two different identities; both are `\(link.from)`", "into")
        }
        guard record(for: link.from) != nil else {
            return fail(
                .unknownIdentifier, "nothing is recorded for `\(link.from)`, so there is nothing to link", "from")
        }
        let fromGroup = identities(linkedWith: link.from)
        if fromGroup.contains(link.into) {
            return fail(.duplicateIdentifier, "`\(link.from)` and `\(link.into)` are already linked", "into")
        }
        for member in fromGroup + identities(linkedWith: link.into) {
            if let last = record(for: member)?.entries.last, last.event.at > link.at {
                return fail(
                    .inconsistentLedger,
                    "the link at \(RFC3339.format(link.at)) precedes an event recorded for `\(member)` at "
                        + "\(RFC3339.format(last.event.at)); links are appended in time order", "at")
            }
        }
        return nil
    }

    /// Merges the two identities' states at the link (see ``IdentityLink``) and joins their groups.
    mutating func appendLink(_ link: IdentityLink) throws(ConsentKitError) -> [SubjectID] {
        let fromSide = identities(linkedWith: link.from)
        let intoSide = identities(linkedWith: link.into)
        let fromStanding = Standing(record(for: link.from) ?? SubjectRecord(subject: link.from), at: link.at)
        let intoStanding = Standing(record(for: link.into) ?? SubjectRecord(subject: link.into), at: link.at)
        let sequence = count
        var notes: [String] = []
        insert(LedgerEntry(sequence: sequence, event: .link(link)), into: link.into)
        // One derived entry, copied to every member: built once rather than per member.
        let derived = LedgerEntry(
            sequence: sequence, event: .link(link),
            derivation: Derivation(link: link, note: "`\(link.from)` was linked into `\(link.into)`"))
        for member in fromSide + intoSide where member != link.into { insert(derived, into: member) }
        for (members, own, other, otherName) in [
            (intoSide, intoStanding, fromStanding, link.from), (fromSide, fromStanding, intoStanding, link.into),
        ] {
            for (event, note) in own.derivations(from: other, otherName: otherName, at: link.at) {
                notes.append("`\(own.subject)`: \(note.text)")
                guard let event else { continue }
                for member in members {
                    insert(
                        LedgerEntry(
                            sequence: sequence, event: event(member),
                            derivation: Derivation(link: link, note: note.text)
                        ), into: member)
                }
            }
        }
        let group = IdentityGroup(members: IdentityGroup.merged(fromSide, intoSide), link: link)
        for member in group.members { identityGroups[member] = group }
        linkResolutions[sequence] = notes
        count += 1
        return group.members
    }
}

/// One side's consent standing at an instant, as a link needs it.
private struct Standing {
    let subject: SubjectID
    let state: SubjectState
    /// Grants in force, with the purposes they still cover.
    let active: [(grant: ConsentGrant, purposes: [PurposeID])]
    /// Purposes some grant covered until a withdrawal, and no grant covers now: an explicit refusal.
    let withdrawn: Set<PurposeID>

    init(_ record: SubjectRecord, at instant: Date) {
        subject = record.subject
        state = record.state(at: instant)
        var active: [(ConsentGrant, [PurposeID])] = []
        var withdrawn: Set<PurposeID> = []
        // One pass over the withdrawals, not one per grant and purpose: a subject may hold very many grants.
        let withdrawals = record.withdrawals(asOf: instant)
        for grant in record.grants where grant.at <= instant {
            let inForce = grant.expiresAt.map { $0 > instant } ?? true
            var purposes: [PurposeID] = []
            for purpose in grant.purposes {
                if withdrawals.withdrawal(of: grant, for: purpose) != nil {
                    withdrawn.insert(purpose)
                } else if inForce {
                    purposes.append(purpose)
                }
            }
            if !purposes.isEmpty { active.append((grant, purposes)) }
        }
        self.active = active
        self.withdrawn = withdrawn.subtracting(active.flatMap(\.1))
    }

    struct Note { let text: String }

    /// What this side lacks from `other`, restrictively resolved: the event to derive for each member (or `nil`
    /// for a decision with no event, such as a grant not carried) and the note that explains it.
    func derivations(from other: Standing, otherName: SubjectID, at instant: Date)
        -> [(event: ((SubjectID) -> ConsentEvent)?, note: Note)]
    {
        var result: [(((SubjectID) -> ConsentEvent)?, Note)] = []
        func list<T: CustomStringConvertible>(_ items: some Sequence<T>) -> String {
            items.map { "`\($0)`" }.sorted().joined(separator: ", ")
        }
        let mine = Set(active.flatMap(\.purposes))
        let refused = other.withdrawn.intersection(mine).sorted()
        if !refused.isEmpty {
            result.append(
                (
                    { .withdraw(Withdrawal(.purposes($0, refused), at: instant)) },
                    Note(
                        text: "withdrew consent to \(list(refused)): `\(otherName)` had withdrawn it, and a link keeps "
                            + "the more restrictive state")
                ))
        }
        for (grant, purposes) in other.active {
            let kept = purposes.filter { !withdrawn.contains($0) }
            let dropped = purposes.filter { withdrawn.contains($0) }
            let droppedText = dropped.isEmpty ? "" : "; not for \(list(dropped)), which `\(subject)` had withdrawn"
            guard !kept.isEmpty else {
                result.append((nil, Note(text: "did not carry grant `\(grant.id)` from `\(otherName)`\(droppedText)")))
                continue
            }
            let carried = ConsentGrant(
                grant.id, subject: grant.subject, purposes: kept, fields: grant.fields, categories: grant.categories,
                kind: grant.kind, grantor: grant.grantor, guardianID: grant.guardianID, at: instant,
                expiresAt: grant.expiresAt, noticeVersion: grant.noticeVersion, recipients: grant.recipients,
                destinations: grant.destinations, evidence: grant.evidence)
            result.append(
                (
                    { _ in .grant(carried) },
                    Note(
                        text:
                            "carried grant `\(grant.id)` (given to `\(grant.subject)` at \(RFC3339.format(grant.at))) "
                            + "from `\(otherName)` for \(list(kept))\(droppedText)")
                ))
        }
        for kind in other.state.optedOut.subtracting(state.optedOut).sorted(by: { $0.ordinal < $1.ordinal }) {
            result.append(({ .optOut($0, kind, at: instant) }, Note(text: "carried the \(kind.rawValue) opt-out")))
        }
        for channel in other.state.channelsOptedOut.subtracting(state.channelsOptedOut).sorted() {
            result.append(
                (
                    { .channelOptOut($0, channel, at: instant) }, Note(text: "carried the opt-out from `\(channel)`")
                ))
        }
        for purpose in other.state.restricted.subtracting(state.restricted).sorted() {
            result.append(
                (
                    { .restrict($0, purpose, at: instant) }, Note(text: "carried the restriction of `\(purpose)`")
                ))
        }
        if other.state.erased && !state.erased {
            result.append(({ .erase($0, at: instant) }, Note(text: "carried the erasure of `\(otherName)`")))
        }
        let merged = Self.restrictiveMerge(state.facts, other.state.facts)
        if merged.facts != state.facts {
            let change = SubjectFactsChange(
                birthDate: merged.facts.birthDate.map { .set($0) } ?? .keep,
                minor: merged.facts.minor.map { .set($0) } ?? .keep,
                guardianship: merged.facts.guardianship.map { .set($0) } ?? .keep)
            result.append(
                (
                    { .subjectFacts($0, change, at: instant) },
                    Note(text: "took facts from `\(otherName)`\(merged.conflict.map { ": \($0)" } ?? "")")
                ))
        }
        return result
    }

    /// Facts merged so that a subject is never treated as older or more capable than either side says.
    static func restrictiveMerge(_ mine: SubjectFacts, _ theirs: SubjectFacts) -> (
        facts: SubjectFacts, conflict: String?
    ) {
        var merged = mine
        var conflict: String?
        switch (mine.birthDate, theirs.birthDate) {
        case (nil, let date): merged.birthDate = date
        case (let a?, let b?) where a != b:
            merged.birthDate = max(a, b)
            conflict =
                "the birth dates \(a) and \(b) differ; the later one, \(max(a, b)), is kept as the more "
                + "restrictive"
        default: break
        }
        if theirs.minor == true || mine.minor == nil { merged.minor = mine.minor == true ? true : theirs.minor }
        if theirs.guardianship == true || mine.guardianship == nil {
            merged.guardianship = mine.guardianship == true ? true : theirs.guardianship
        }
        return (merged, conflict)
    }
}
