package import Foundation

/// A subject's standing at one instant, derived from the events at or before it.
package struct SubjectState: Sendable {
    package var facts: SubjectFacts
    package var erased = false
    package var restricted: Set<PurposeID> = []
    package var optedOut: Set<OptOutKind> = []
    package var channelsOptedOut: Set<Channel> = []
}

extension SubjectRecord {
    /// The subject's facts, erasure, restrictions and opt-outs as of `instant`, replaying the events at or before
    /// it in ledger order (so the later of two events at the same instant wins).
    package func state(at instant: Date) -> SubjectState {
        var state = SubjectState(facts: initialFacts)
        for entry in entries {
            guard entry.event.at <= instant else { break }
            switch entry.event {
            case .subjectFacts(_, let change, _): state.facts = change.applied(to: state.facts)
            case .erase: state.erased = true
            case .restrict(_, let purpose, _): state.restricted.insert(purpose)
            case .unrestrict(_, let purpose, _): state.restricted.remove(purpose)
            case .optOut(_, let kind, _): state.optedOut.insert(kind)
            case .optIn(_, let kind, _): state.optedOut.remove(kind)
            case .channelOptOut(_, let channel, _): state.channelsOptedOut.insert(channel)
            case .channelOptIn(_, let channel, _): state.channelsOptedOut.remove(channel)
            case .grant, .withdraw, .link: break
            }
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
