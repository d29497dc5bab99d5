package import Foundation

/// A subject's age as one regime counts it — with the regime's zone, its rule for when an age is reached and for
/// 29 February — and the age band the subject is in for a purpose.
package struct RegimeAge {
    let profile: RegimeProfile
    let policy: Policy
    let facts: SubjectFacts
    let zone: TimeZone
    let reachedOn: AgeBoundary

    package init(regime: Regime, policy: Policy, facts: SubjectFacts) {
        let profile = regime.profile
        self.profile = profile
        self.policy = policy
        self.facts = facts
        // A profile that leaves its clock to the policy (PIPL) takes the policy's settings only when the policy is
        // written under it; under another policy it keeps its own defaults (Asia/Shanghai, the day after).
        let policyIsItsOwn = policy.regime.profile.base == profile.base
        self.zone = regime.timeZone ?? (policyIsItsOwn ? policy.timeZone : Self.shanghai ?? policy.timeZone)
        self.reachedOn = profile.age.reachedOn ?? (policyIsItsOwn ? policy.ageReachedOn : .dayAfterBirthday)
        self.defaultLimit = policyIsItsOwn ? policy.minorAge : 14
    }

    /// PIPL's default zone, resolved once.
    private static let shanghai = TimeZone(identifier: "Asia/Shanghai")

    /// The age limit of a band that leaves it to the policy (PIPL's `minorAge`).
    private let defaultLimit: Int

    /// What is known of the age at an instant.
    package enum Known: Equatable {
        /// Nothing: no birth date, no range, no `minor` flag.
        case unknown
        /// At least this many whole years (a birth date gives the exact age; a range its least).
        case years(Int)
        /// A minor of unknown age (`minor: true`): the youngest band.
        case youngest
        /// Emancipated: no longer a minor where the regime recognises it.
        case emancipated
    }

    /// The age at `instant`. An instant outside years 1–9999 reads as the youngest (fail closed).
    package func known(at instant: Date, countingEmancipation: Bool = true) -> Known {
        if countingEmancipation && profile.age.emancipation && facts.emancipated == true { return .emancipated }
        if facts.minor == true { return .youngest }
        if let birthDate = facts.birthDate {
            guard let years = years(of: birthDate, at: instant) else { return .youngest }
            // With an age range too (facts merged by an identity link), the younger reading counts.
            return .years(min(years, facts.ageRange?.min ?? years))
        }
        if let range = facts.ageRange { return .years(range.min) }
        return .unknown
    }

    /// Whole years since `birthDate` on the regime's calendar at `instant`, or `nil` outside years 1–9999.
    package func years(of birthDate: CalendarDate, at instant: Date) -> Int? {
        guard RFC3339.isRepresentable(instant) else { return nil }
        let seconds = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        guard let today = CalendarDate(daysSinceEpoch: Int((seconds / 86_400).rounded(.down))) else { return nil }
        var years = today.year - birthDate.year
        while years > 0 {
            // A day after 9999-12-31 (the day after a 31 December birthday in 9999) is never reached: the subject is
            // a year younger, not of unknown age.
            if let reached = reachedDate(of: birthDate, years: years), today >= reached { break }
            years -= 1
        }
        return max(years, 0)
    }

    /// The first local day on which someone born on `birthDate` is `years` old.
    package func reachedDate(of birthDate: CalendarDate, years: Int) -> CalendarDate? {
        let target = birthDate.year + years
        var anniversary: CalendarDate?
        if birthDate.month == 2 && birthDate.day == 29 && !CalendarDate.isLeapYear(target) {
            anniversary =
                profile.age.leapDay == .march1
                ? CalendarDate(year: target, month: 3, day: 1) : CalendarDate(year: target, month: 2, day: 28)
        } else {
            anniversary = CalendarDate(year: target, month: birthDate.month, day: birthDate.day)
        }
        guard let anniversary else { return nil }
        return reachedOn == .birthday ? anniversary : CalendarDate(daysSinceEpoch: anniversary.daysSinceEpoch + 1)
    }

    /// Whether the subject is known to be younger than `age` at `instant` (a range counts by its least age; a
    /// minor of unknown age counts). Emancipation does not count here: the bans keyed on age protect the young,
    /// whatever their capacity.
    package func isKnownYounger(than age: Int, at instant: Date) -> Bool {
        switch known(at: instant, countingEmancipation: false) {
        case .unknown, .emancipated: false
        case .youngest: true
        case .years(let years): years < age
        }
    }

    /// The band's age limit (PIPL's is the policy's `minorAge`).
    package func limit(of band: AgeBand) -> Int { band.below ?? defaultLimit }

    /// The band the subject is in at `instant` for a purpose on `basis` (before conversion), or `nil`: the
    /// youngest band whose scope holds the purpose and whose limit the age is below, when the basis is consent or
    /// one the band converts.
    package func band(for purpose: Purpose, basis: LegalBasis, at instant: Date) -> AgeBand? {
        let known = known(at: instant)
        if known == .unknown || known == .emancipated { return nil }
        // The youngest band that holds, found in one pass with no allocation (the reference evaluator asks this
        // for every candidate grant).
        var band: AgeBand?
        var bandLimit: Int?
        for candidate in profile.ageBands where Self.scopeHolds(candidate.scope, for: purpose) {
            let limit = limit(of: candidate)
            // No sentinel for "none yet": a band below `Int.max` (an overlay built in Swift) is a band too.
            if let bandLimit, limit >= bandLimit { continue }
            if case .years(let years) = known, years >= limit { continue }
            band = candidate
            bandLimit = limit
        }
        guard let band, basis == .consent || band.convertsBases.contains(basis) else { return nil }
        return band
    }

    /// Whether a band's scope reaches a purpose.
    static func scopeHolds(_ scope: BandScope, for purpose: Purpose) -> Bool {
        switch scope {
        case .consentBased: true
        case .informationSocietyService: purpose.flags.contains(.informationSocietyService)
        // A disclosure the consumer directs is not a sale (CCPA 1798.140(ad)(2)(A)).
        case .saleOrSharing: purpose.sellsOrShares && !purpose.flags.contains(.consumerDirected)
        case .consentBasedUnlessMinorMayConsentAlone: !purpose.flags.contains(.minorMayConsentAlone)
        }
    }
}
