package import Foundation

/// A subject's standing at one instant, derived from the events at or before it.
package struct SubjectState: Sendable {
    package var facts: SubjectFacts
    package var erased = false
    package var restricted: Set<PurposeID> = []
    /// When each restriction in force was recorded (GDPR 18(2): a grant after it lifts it).
    package var restrictedSince: [PurposeID: Date] = [:]
    /// The opt-out kinds in force when every `optIn` lifts (PIPL and v1).
    package var optedOut: Set<OptOutKind> = []
    package var channelsOptedOut: Set<Channel> = []
    /// Every opt-out and opt-in of each kind at or before the instant, in ledger order, for regimes in which not
    /// every `optIn` lifts an opt-out (CCPA).
    package var optOutHistory: [OptOutKind: [(optOut: Bool, at: Date, initiatedBy: OptInInitiator, device: Bool)]] = [:]
    /// Objections at or before the instant.
    package var objections: [Objection] = []
    /// Rejections of objections at or before the instant.
    package var rejections: [ObjectionRejection] = []
    /// Channels with soft opt-in evidence: a `customer` event naming them with the objection offered.
    package var softOptInChannels: Set<Channel> = []

    /// Whether an opt-out of `kind` is in force when an `optIn` by the business less than `waitMonths` after the
    /// opt-out does not lift it.
    package func isOptedOut(
        _ kind: OptOutKind, businessOptInWaitMonths waitMonths: Int?, subjectScopedOnly: Bool = false
    ) -> Bool {
        guard waitMonths != nil || subjectScopedOnly else { return optedOut.contains(kind) }
        var since: Date?
        for change in optOutHistory[kind] ?? [] {
            if change.optOut {
                if subjectScopedOnly && change.device { continue }
                since = change.at
            } else if let opened = since {
                let early =
                    change.initiatedBy == .business && waitMonths != nil
                    && change.at < Calendar.gregorianUTC.date(byAdding: .month, value: waitMonths ?? 0, to: opened)
                        ?? .distantFuture
                if !early { since = nil }
            }
        }
        return since != nil
    }

    /// Applies one entry of the subject's record, as ``SubjectRecord/state(at:)`` replays them: the compiled
    /// evaluator replays a record once, through this same function, and keeps the state after each instant.
    package mutating func apply(_ entry: LedgerEntry) {
        switch entry.event {
        case .subjectFacts(_, let change, _): facts = change.applied(to: facts)
        case .erase: erased = true
        case .restrict(_, let purpose, let at, _):
            // The latest restriction counts: only a grant after it lifts it (GDPR Art. 18(2)).
            restricted.insert(purpose)
            restrictedSince[purpose] = at
        case .unrestrict(_, let purpose, _):
            restricted.remove(purpose)
            restrictedSince[purpose] = nil
        case .optOut(_, let kind, let at, _, let scope):
            // A device-scoped opt-out binds only the id it was recorded for, not identities linked with it.
            if scope == .device && entry.derivation != nil { return }
            optedOut.insert(kind)
            optOutHistory[kind, default: []].append((true, at, .subject, scope == .device))
        case .optIn(_, let kind, let at, let initiatedBy):
            optedOut.remove(kind)
            optOutHistory[kind, default: []].append((false, at, initiatedBy, false))
        case .channelOptOut(_, let channel, _): channelsOptedOut.insert(channel)
        case .channelOptIn(_, let channel, _): channelsOptedOut.remove(channel)
        case .objection(let objection): objections.append(objection)
        case .objectionRejected(let rejection): rejections.append(rejection)
        case .customer(let customer):
            if customer.objectionOffered { softOptInChannels.formUnion(customer.channels) }
        case .grant, .withdraw, .link, .reviewRequested: break
        }
    }

    /// The kind of an objection to `purpose` that no rejection at or after it has answered, in kind order, or `nil`.
    package func openObjection(to purpose: PurposeID, kinds: (ObjectionKind) -> Bool) -> ObjectionKind? {
        guard !objections.isEmpty else { return nil }
        for kind in ObjectionKind.allCases where kinds(kind) {
            for objection in objections where objection.kind == kind && objection.purposes.contains(purpose) {
                let answered = rejections.contains { $0.purposes.contains(purpose) && $0.at >= objection.at }
                if !answered { return kind }
            }
        }
        return nil
    }
}

extension Calendar {
    /// The proleptic Gregorian calendar in UTC, for month arithmetic on instants.
    package static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension SubjectRecord {
    /// The subject's facts, erasure, restrictions and opt-outs as of `instant`, replaying the events at or before
    /// it in ledger order (so the later of two events at the same instant wins).
    package func state(at instant: Date) -> SubjectState {
        var state = SubjectState(facts: initialFacts)
        for entry in entries {
            guard entry.event.at <= instant else { break }
            state.apply(entry)
        }
        return state
    }

    /// The grants in ledger order (by instant, then append order).
    package var grants: [ConsentGrant] {
        entries.compactMap { entry in
            if case .grant(let grant) = entry.event { grant } else { nil }
        }
    }

    /// When `grant` stopped covering `purpose` through a withdrawal at or before `instant`, or `nil` if it has not.
    /// A withdrawal by purposes reaches only grants given at or before it.
    package func withdrawal(of grant: ConsentGrant, for purpose: PurposeID, asOf instant: Date) -> Date? {
        for entry in entries {
            guard entry.event.at <= instant else { break }
            guard case .withdraw(let withdrawal) = entry.event else { continue }
            switch withdrawal.target {
            case .grant(let id) where id == grant.id:
                return withdrawal.at
            case .purposes(_, let purposes) where purposes.contains(purpose) && grant.at <= withdrawal.at:
                return withdrawal.at
            default:
                continue
            }
        }
        return nil
    }

    /// The withdrawals at or before `instant`, gathered in one pass for ``Withdrawals/withdrawal(of:for:)``.
    package func withdrawals(asOf instant: Date) -> Withdrawals {
        var withdrawals = Withdrawals()
        for entry in entries {
            guard entry.event.at <= instant else { break }
            guard case .withdraw(let withdrawal) = entry.event else { continue }
            switch withdrawal.target {
            case .grant(let id):
                if withdrawals.byGrant[id] == nil { withdrawals.byGrant[id] = withdrawal.at }
            case .purposes(_, let purposes):
                for purpose in purposes { withdrawals.byPurpose[purpose, default: []].append(withdrawal.at) }
            }
        }
        return withdrawals
    }
}

/// A record's withdrawals up to an instant, indexed so that asking about many grants does not rescan the record
/// per grant and purpose.
package struct Withdrawals {
    /// The first withdrawal of each grant by id.
    fileprivate var byGrant: [GrantID: Date] = [:]
    /// The instants of withdrawals by purposes, per purpose, in ledger order (so in time order).
    fileprivate var byPurpose: [PurposeID: [Date]] = [:]

    /// What ``SubjectRecord/withdrawal(of:for:asOf:)`` answers for the instant these were gathered at: the earliest
    /// withdrawal reaching the grant, by its id or by a withdrawal of `purpose` at or after the grant.
    package func withdrawal(of grant: ConsentGrant, for purpose: PurposeID) -> Date? {
        var earliest = byGrant[grant.id]
        if let instants = byPurpose[purpose] {
            // The first instant not before the grant: a binary search over instants in time order.
            var (low, high) = (instants.startIndex, instants.endIndex)
            while low < high {
                let middle = (low + high) / 2
                if instants[middle] < grant.at { low = middle + 1 } else { high = middle }
            }
            if low < instants.endIndex { earliest = min(earliest ?? instants[low], instants[low]) }
        }
        return earliest
    }
}
