/// What is known about a subject that changes a decision: age, and capacity.
public struct SubjectFacts: Sendable, Hashable {
    /// The birth date, if known.
    public var birthDate: CalendarDate?
    /// `true` makes the subject a minor at every instant, whatever the birth date; `false` asserts nothing.
    public var minor: Bool?
    /// `true` when the subject is an adult lacking capacity and under guardianship (Civil Code Art. 28).
    public var guardianship: Bool?

    /// Creates facts.
    public init(birthDate: CalendarDate? = nil, minor: Bool? = nil, guardianship: Bool? = nil) {
        self.birthDate = birthDate
        self.minor = minor
        self.guardianship = guardianship
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

    /// Creates a change; every fact is kept unless given.
    public init(
        birthDate: Change<CalendarDate> = .keep, minor: Change<Bool> = .keep, guardianship: Change<Bool> = .keep
    ) {
        self.birthDate = birthDate
        self.minor = minor
        self.guardianship = guardianship
    }

    /// The facts after this change.
    public func applied(to facts: SubjectFacts) -> SubjectFacts {
        SubjectFacts(
            birthDate: birthDate.applied(to: facts.birthDate), minor: minor.applied(to: facts.minor),
            guardianship: guardianship.applied(to: facts.guardianship))
    }
}
