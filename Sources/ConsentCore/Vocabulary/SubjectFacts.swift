/// What is known about a subject that changes a decision: age, capacity, and which regimes apply.
public struct SubjectFacts: Sendable, Hashable {
    /// The birth date, if known.
    public var birthDate: CalendarDate?
    /// `true` makes the subject a minor at every instant, whatever the birth date; `false` asserts nothing.
    public var minor: Bool?
    /// `true` when the subject is an adult lacking capacity and under guardianship (Civil Code Art. 28).
    public var guardianship: Bool?
    /// The regimes that apply to the subject, in order (the first breaks ties when reporting); `nil`: the policy's
    /// regime alone. The application decides applicability; ConsentKit never infers it.
    public var regimes: [Regime]?
    /// The subject's age in whole years as far as age assurance knows it, when there is no birth date.
    public var ageRange: AgeRange?
    /// `true` when the subject is emancipated, which ends minority where the regime recognises it.
    public var emancipated: Bool?

    /// Creates facts.
    public init(
        birthDate: CalendarDate? = nil, minor: Bool? = nil, guardianship: Bool? = nil, regimes: [Regime]? = nil,
        ageRange: AgeRange? = nil, emancipated: Bool? = nil
    ) {
        self.birthDate = birthDate
        self.minor = minor
        self.guardianship = guardianship
        self.regimes = regimes
        self.ageRange = ageRange
        self.emancipated = emancipated
    }

    /// Whether the subject is under guardianship.
    public var isUnderGuardianship: Bool { guardianship == true }
}

/// A change to a subject's facts from an instant on: each fact is kept, cleared or set.
public struct SubjectFactsChange: Sendable, Hashable {
    /// What happens to one fact.
    public enum Change<Value: Sendable & Hashable>: Sendable, Hashable {
        /// The key was absent: the fact keeps its value.
        case keep
        /// The key was `null`: the fact is no longer known.
        case clear
        /// The fact takes this value.
        case set(Value)

        func applied(to value: Value?) -> Value? {
            switch self {
            case .keep: value
            case .clear: nil
            case .set(let new): new
            }
        }
    }

    /// The birth date's change.
    public var birthDate: Change<CalendarDate>
    /// The minor flag's change.
    public var minor: Change<Bool>
    /// The guardianship flag's change.
    public var guardianship: Change<Bool>
    /// The regimes' change.
    public var regimes: Change<[Regime]>
    /// The age range's change.
    public var ageRange: Change<AgeRange>
    /// The emancipation flag's change.
    public var emancipated: Change<Bool>

    /// Creates a change; every fact is kept unless given.
    public init(
        birthDate: Change<CalendarDate> = .keep, minor: Change<Bool> = .keep, guardianship: Change<Bool> = .keep,
        regimes: Change<[Regime]> = .keep, ageRange: Change<AgeRange> = .keep, emancipated: Change<Bool> = .keep
    ) {
        self.birthDate = birthDate
        self.minor = minor
        self.guardianship = guardianship
        self.regimes = regimes
        self.ageRange = ageRange
        self.emancipated = emancipated
    }

    /// Whether the change touches only the facts v1 knew (birth date, minor, guardianship).
    public var touchesOnlyAgeAndCapacity: Bool {
        regimes == .keep && ageRange == .keep && emancipated == .keep
    }

    /// The facts after this change.
    public func applied(to facts: SubjectFacts) -> SubjectFacts {
        SubjectFacts(
            birthDate: birthDate.applied(to: facts.birthDate), minor: minor.applied(to: facts.minor),
            guardianship: guardianship.applied(to: facts.guardianship), regimes: regimes.applied(to: facts.regimes),
            ageRange: ageRange.applied(to: facts.ageRange), emancipated: emancipated.applied(to: facts.emancipated))
    }
}

/// A subject's age in whole years as far as age assurance knows it: at least ``min`` and at most ``max``.
public struct AgeRange: Sendable, Hashable, CustomStringConvertible {
    /// The least age the subject may have.
    public let min: Int
    /// The greatest age the subject may have.
    public let max: Int

    /// Creates a range, or `nil` when a bound is negative or `min` exceeds `max`.
    public init?(min: Int, max: Int) {
        guard min >= 0, max >= min else { return nil }
        self.min = min
        self.max = max
    }

    /// `13–15`.
    public var description: String { "\(min)–\(max)" }
}

extension SubjectFactsChange {
    /// A change that sets every fact `facts` holds and keeps the others: `SubjectFactsChange(setting:
    /// SubjectFacts(birthDate: born))`.
    public init(setting facts: SubjectFacts) {
        self.init(
            birthDate: facts.birthDate.map { .set($0) } ?? .keep, minor: facts.minor.map { .set($0) } ?? .keep,
            guardianship: facts.guardianship.map { .set($0) } ?? .keep,
            regimes: facts.regimes.map { .set($0) } ?? .keep,
            ageRange: facts.ageRange.map { .set($0) } ?? .keep, emancipated: facts.emancipated.map { .set($0) } ?? .keep
        )
    }
}
