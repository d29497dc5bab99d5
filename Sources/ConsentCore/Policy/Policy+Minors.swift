public import Foundation

extension Policy {
    /// The calendar day `instant` falls on in the policy's time zone, or `nil` for an instant that is not finite or
    /// lies outside years 1–9999.
    public func localDate(of instant: Date) -> CalendarDate? {
        guard RFC3339.isRepresentable(instant) else { return nil }
        let seconds = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return CalendarDate(daysSinceEpoch: Int((seconds / 86_400).rounded(.down)))
    }

    /// The first local day on which someone born on `birthDate` is no longer a minor: the `minorAge`-th birthday
    /// (29 February → 28 February, Civil Code Art. 202), or the day after it under ``AgeBoundary/dayAfterBirthday``.
    public func majorityDate(forBirthDate birthDate: CalendarDate) -> CalendarDate? {
        guard let birthday = birthDate.addingYears(minorAge) else { return nil }
        switch ageReachedOn {
        case .birthday: return birthday
        case .dayAfterBirthday: return CalendarDate(daysSinceEpoch: birthday.daysSinceEpoch + 1)
        }
    }

    /// The first local day on which someone born on `birthDate` has reached `age` under the policy's rule
    /// (``ageReachedOn``; 29 February → 28 February), or `nil` beyond year 9999.
    public func dateOfReaching(age: Int, bornOn birthDate: CalendarDate) -> CalendarDate? {
        guard let birthday = birthDate.addingYears(age) else { return nil }
        switch ageReachedOn {
        case .birthday: return birthday
        case .dayAfterBirthday: return CalendarDate(daysSinceEpoch: birthday.daysSinceEpoch + 1)
        }
    }

    /// The age in whole years of someone born on `birthDate`, on local day `day`, under the same rule as
    /// ``isMinor(_:at:)``: the age is below ``minorAge`` exactly when the subject is a minor. `nil` for a birth date
    /// after `day`.
    public func age(bornOn birthDate: CalendarDate, on day: CalendarDate) -> Int? {
        guard birthDate <= day else { return nil }
        var age = day.year - birthDate.year
        // A day beyond year 9999 is never reached.
        while age > 0 {
            if let reached = dateOfReaching(age: age, bornOn: birthDate), day >= reached { break }
            age -= 1
        }
        return age
    }

    /// Whether a subject with these facts is a minor at `instant`: `minor: true` at every instant; otherwise
    /// under ``minorAge`` by the birth date on the policy's calendar; with neither, not known to be a minor.
    public func isMinor(_ facts: SubjectFacts, at instant: Date) -> Bool {
        if facts.minor == true { return true }
        guard let birthDate = facts.birthDate else { return false }
        guard let today = localDate(of: instant), let majority = majorityDate(forBirthDate: birthDate) else {
            // Outside years 1–9999: fail closed, as a minor needs more protection.
            return true
        }
        return today < majority
    }
}
