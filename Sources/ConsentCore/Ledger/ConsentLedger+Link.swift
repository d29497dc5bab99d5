package import Foundation

/// Identities linked into one person, and the link that last joined them.
package struct IdentityGroup: Sendable {
    /// In id order, so that ``ConsentLedger/identities(linkedWith:)`` need not sort them on every call.
    package var members: [SubjectID]
    package var link: IdentityLink
    /// The latest instant of an entry recorded for any member: a link may not precede it. (Every event after the
    /// group formed reaches every member, so this is the latest of any member's last entry.)
    package var latest: Date

    package init(members: [SubjectID], link: IdentityLink, latest: Date) {
        self.members = members
        self.link = link
        self.latest = latest
    }

    /// `members` with `others` (sorted, not members) inserted in id order: a few by a binary search and an
    /// insertion each, so that adding an identity to a large group moves memory rather than comparing every member;
    /// many by merging the two sorted lists.
    static func insert(_ others: [SubjectID], into members: inout [SubjectID]) {
        guard others.count <= 16 else {
            var merged: [SubjectID] = []
            merged.reserveCapacity(members.count + others.count)
            var (left, right) = (members.startIndex, others.startIndex)
            while left < members.endIndex && right < others.endIndex {
                if others[right] < members[left] {
                    merged.append(others[right])
                    right += 1
                } else {
                    merged.append(members[left])
                    left += 1
                }
            }
            merged += members[left...]
            merged += others[right...]
            members = merged
            return
        }
        for other in others {
            var (low, high) = (0, members.count)
            while low < high {
                let middle = (low + high) / 2
                if members[middle] < other { low = middle + 1 } else { high = middle }
            }
            members.insert(other, at: low)
        }
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
        if let number = groupNumbers[link.from], number == groupNumbers[link.into] {
            return fail(.duplicateIdentifier, "`\(link.from)` and `\(link.into)` are already linked", "into")
        }
        for side in [link.from, link.into] {
            if let latest = latestEntry(of: side), latest > link.at {
                return fail(
                    .inconsistentLedger,
                    "the link at \(RFC3339.format(link.at)) precedes an event recorded for `\(side)`"
                        + "\(groupNumbers[side] == nil ? "" : " or an identity linked with it") at "
                        + "\(RFC3339.format(latest)); links are appended in time order", "at")
            }
        }
        return nil
    }

    /// The latest instant of an entry recorded for `subject` or any identity linked with it.
    private func latestEntry(of subject: SubjectID) -> Date? {
        if let group = group(of: subject) { return group.latest }
        return record(for: subject)?.entries.last?.event.at
    }

    /// Merges the two identities' states at the link (see ``IdentityLink``) and joins their groups.
    mutating func appendLink(_ link: IdentityLink) throws(ConsentKitError) -> [SubjectID] {
        let fromSide = identities(linkedWith: link.from)
        let intoSide = identities(linkedWith: link.into)
        let fromStanding = Standing(record(for: link.from) ?? SubjectRecord(subject: link.from), at: link.at)
        let intoStanding = Standing(record(for: link.into) ?? SubjectRecord(subject: link.into), at: link.at)
        let sequence = count
        let latest = max(latestEntry(of: link.from) ?? link.at, latestEntry(of: link.into) ?? link.at, link.at)
        var notes: [String] = []
        // The link is recorded for the two identities it names. The other members' records change only by what
        // the link derives for them, below: a copy of the link in every member's record would make a long chain
        // of links quadratic in its length.
        insert(LedgerEntry(sequence: sequence, event: .link(link)), into: link.into)
        insert(
            LedgerEntry(
                sequence: sequence, event: .link(link),
                derivation: Derivation(link: link, note: "`\(link.from)` was linked into `\(link.into)`")),
            into: link.from)
        var changed: Set<SubjectID> = [link.from, link.into]
        for (members, own, other, otherName) in [
            (intoSide, intoStanding, fromStanding, link.from), (fromSide, fromStanding, intoStanding, link.into),
        ] {
            for (event, note) in own.derivations(from: other, otherName: otherName, at: link.at, policy: policy) {
                notes.append("`\(own.subject)`: \(note.text)")
                guard let event else { continue }
                for member in members {
                    insert(
                        LedgerEntry(
                            sequence: sequence, event: event(member),
                            derivation: Derivation(link: link, note: note.text)
                        ), into: member)
                    changed.insert(member)
                }
            }
        }
        // Join the groups: the larger keeps its number and the smaller side's identities are relabelled, so each
        // identity is relabelled O(log n) times over any sequence of links.
        let (large, small) = fromSide.count >= intoSide.count ? (link.from, link.into) : (link.into, link.from)
        let smallMembers = identities(linkedWith: small)
        let number = groupNumbers[large] ?? sequence
        // Taken out of the table first, so that (outside a batch that may be taken back) the insertion below
        // mutates the only reference rather than copying the members.
        var members = groups[number]?.members ?? [large]
        setGroup(nil, number: number)
        IdentityGroup.insert(smallMembers, into: &members)
        if let old = groupNumbers[small] { setGroup(nil, number: old) }
        setGroup(IdentityGroup(members: members, link: link, latest: latest), number: number)
        if groupNumbers[large] == nil { setGroupNumber(number, of: large) }
        for member in smallMembers { setGroupNumber(number, of: member) }
        linkResolutions[sequence] = notes
        count += 1
        return changed.sorted()
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
    func derivations(from other: Standing, otherName: SubjectID, at instant: Date, policy: Policy)
        -> [(event: ((SubjectID) -> ConsentEvent)?, note: Note)]
    {
        let mergedFacts = Self.restrictiveMerge(state.facts, other.state.facts, policyRegime: policy.regime).facts
        let regimes = mergedFacts.regimes ?? [policy.regime]
        /// Whether the subject's own grant, given at `at`, was given in an age band where it could not count alone
        /// under some regime. A carried grant is dated at the link, so it would otherwise be judged as if given
        /// then: a child's own grant would turn valid by being carried after majority.
        func givenAsAMinor(_ grant: ConsentGrant, for purpose: PurposeID) -> Bool {
            guard grant.grantor == .individual, let declared = policy.purpose(purpose) else { return false }
            return regimes.contains { regime in
                let age = RegimeAge(regime: regime, policy: policy, facts: mergedFacts)
                let basis = declared.basis(in: regime.profile) ?? .consent
                let band =
                    age.band(for: declared, basis: basis == .consent ? .consent : basis, at: grant.at)
                    ?? age.band(for: declared, basis: .consent, at: grant.at)
                return band?.grantors == .guardian || band?.grantors == .joint
            }
        }
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
            let minorPurposes = purposes.filter { givenAsAMinor(grant, for: $0) }
            let kept = purposes.filter { !withdrawn.contains($0) && !minorPurposes.contains($0) }
            let dropped = purposes.filter { withdrawn.contains($0) }
            var droppedText = dropped.isEmpty ? "" : "; not for \(list(dropped)), which `\(subject)` had withdrawn"
            if !minorPurposes.isEmpty {
                droppedText += "; not for \(list(minorPurposes)), given by a minor whose own grant did not count then"
            }
            guard !kept.isEmpty else {
                result.append((nil, Note(text: "did not carry grant `\(grant.id)` from `\(otherName)`\(droppedText)")))
                continue
            }
            let carried = ConsentGrant(
                grant.id, subject: grant.subject, purposes: kept, fields: grant.fields, categories: grant.categories,
                kind: grant.kind, attributes: grant.attributes, grantor: grant.grantor, guardianID: grant.guardianID,
                at: instant,
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
        // An opt-out in force under the strictest lifting rule (a business's early opt-in does not lift it), and not
        // only through a device-scoped signal, which binds only the id it was recorded for.
        let carriedKinds = Set(
            OptOutKind.allCases.filter { kind in
                other.state.isOptedOut(kind, businessOptInWaitMonths: 12, subjectScopedOnly: true)
                    && !state.isOptedOut(kind, businessOptInWaitMonths: 12, subjectScopedOnly: true)
            })
        for kind in carriedKinds.sorted(by: { $0.ordinal < $1.ordinal }) {
            result.append(({ .optOut($0, kind, at: instant) }, Note(text: "carried the \(kind.rawValue) opt-out")))
        }
        // An objection is carried for the purposes no rejection after it has answered.
        for objection in other.state.objections {
            let open = objection.purposes.filter { purpose in
                !other.state.rejections.contains { $0.at >= objection.at && $0.purposes.contains(purpose) }
            }
            guard !open.isEmpty else { continue }
            result.append(
                (
                    { .objection(Objection(subject: $0, kind: objection.kind, purposes: open, at: instant)) },
                    Note(text: "carried the \(objection.kind.rawValue) objection to \(list(open))")
                ))
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
        let merged = Self.restrictiveMerge(state.facts, other.state.facts, policyRegime: policy.regime)
        if merged.facts != state.facts {
            let change = SubjectFactsChange(
                birthDate: merged.facts.birthDate.map { .set($0) } ?? .keep,
                minor: merged.facts.minor.map { .set($0) } ?? .keep,
                guardianship: merged.facts.guardianship.map { .set($0) } ?? .keep,
                regimes: merged.facts.regimes.map { .set($0) } ?? .keep,
                ageRange: merged.facts.ageRange.map { .set($0) } ?? .keep,
                emancipated: merged.facts.emancipated.map { .set($0) } ?? .keep)
            result.append(
                (
                    { .subjectFacts($0, change, at: instant) },
                    Note(text: "took facts from `\(otherName)`\(merged.conflict.map { ": \($0)" } ?? "")")
                ))
        }
        return result
    }

    /// Facts merged so that a subject is never treated as older or more capable than either side says.
    static func restrictiveMerge(_ mine: SubjectFacts, _ theirs: SubjectFacts, policyRegime: Regime) -> (
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
        // Every regime either side is under (more regimes can only deny more), the younger age range, and
        // emancipation only when both sides say so.
        // A side without the fact is under the policy's regime, which the merged person keeps too.
        if mine.regimes != nil || theirs.regimes != nil {
            let left = mine.regimes ?? [policyRegime]
            let right = theirs.regimes ?? [policyRegime]
            merged.regimes = left + right.filter { !left.contains($0) }
        }
        switch (mine.ageRange, theirs.ageRange) {
        case (nil, let range): merged.ageRange = range
        case (let a?, let b?): merged.ageRange = AgeRange(min: min(a.min, b.min), max: max(a.max, b.max))
        default: break
        }
        merged.emancipated =
            mine.emancipated == true && theirs.emancipated == true
            ? true : (mine.emancipated == false || theirs.emancipated == false ? false : nil)
        return (merged, conflict)
    }
}
