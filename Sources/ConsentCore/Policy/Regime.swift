/// The legal regime a policy is written under; it supplies the defaults and the built-in categories.
public struct Regime: Sendable, Hashable, CustomStringConvertible {
    /// The regime's name in policy files.
    public let name: String
    /// The default time zone for computing ages.
    public let defaultTimeZone: String
    /// The default age below which a subject is a minor.
    public let defaultMinorAge: Int
    /// The default reading of when an age is reached.
    public let defaultAgeReachedOn: AgeBoundary
    /// The built-in categories.
    public let categories: [DataCategory]

    /// China's Personal Information Protection Law: Asia/Shanghai, minors under 14 (Art. 28, 31), ages reached on
    /// the day after the birthday (Civil Code Arts. 201–203; SPC 2006 Art. 2).
    public static let pipl = Regime(
        name: "PIPL", defaultTimeZone: "Asia/Shanghai", defaultMinorAge: 14, defaultAgeReachedOn: .dayAfterBirthday,
        categories: DataCategory.pipl)

    /// The regimes this version knows.
    public static let all: [Regime] = [.pipl]

    /// The regime named `name`, or `nil`.
    public init?(named name: String) {
        guard let regime = Self.all.first(where: { $0.name == name }) else { return nil }
        self = regime
    }

    private init(
        name: String, defaultTimeZone: String, defaultMinorAge: Int, defaultAgeReachedOn: AgeBoundary,
        categories: [DataCategory]
    ) {
        self.name = name
        self.defaultTimeZone = defaultTimeZone
        self.defaultMinorAge = defaultMinorAge
        self.defaultAgeReachedOn = defaultAgeReachedOn
        self.categories = categories
    }

    /// The regime's name.
    public var description: String { name }

    public static func == (lhs: Regime, rhs: Regime) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// When an age counts as reached.
public enum AgeBoundary: String, Sendable, Hashable, CaseIterable {
    /// At 00:00 of the birthday (everyday usage).
    case birthday
    /// At 00:00 of the day after the birthday: the Chinese courts' reading of 周岁 (full years of age).
    case dayAfterBirthday
}
