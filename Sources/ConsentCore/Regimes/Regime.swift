package import Foundation

/// A legal regime: a name and its ``RegimeProfile``. A policy is written under one (its default) and may list
/// others; a subject's `regimes` fact names the ones that apply to it.
public struct Regime: Sendable, Hashable, CustomStringConvertible {
    /// The regime's id in files: `PIPL`, `GDPR`, `GDPR-FR`, `CCPA`, `LGPD`, `PDPA-TH`.
    public var name: String { profile.id }
    /// Everything a decision looks up for this regime.
    public var profile: RegimeProfile { storage.profile }
    /// The default time zone for computing ages under a policy written for this regime.
    public var defaultTimeZone: String { profile.age.zone ?? "Asia/Shanghai" }
    /// The default age below which a subject is a minor under a policy written for this regime.
    public var defaultMinorAge: Int { profile.base == "PIPL" ? 14 : profile.age.majority }
    /// The default reading of when an age is reached.
    public var defaultAgeReachedOn: AgeBoundary { profile.age.reachedOn ?? .dayAfterBirthday }
    /// The built-in categories: PIPL's, and for the other regimes the ids they added
    /// (``DataCategory/regimesExtension``); which are sensitive in a regime is its profile's business.
    public var categories: [DataCategory] {
        profile.base == "PIPL" ? DataCategory.pipl : DataCategory.pipl + DataCategory.regimesExtension
    }

    /// The profile's time zone, resolved once (`nil` when the profile leaves it to the policy).
    package var timeZone: TimeZone? { storage.timeZone }

    /// The overlay a user wrote this regime from, or `nil` for a built-in or one made from a profile directly.
    public var overlay: RegimeOverlay? { storage.overlay }

    /// The regime's parts, shared by every copy: a profile holds dozens of strings, sets and arrays, and a regime is
    /// copied into every ``Decision``, so a copy must cost one reference count, not one per part.
    private final class Storage: Sendable {
        let profile: RegimeProfile
        let overlay: RegimeOverlay?
        let timeZone: TimeZone?

        init(profile: RegimeProfile, overlay: RegimeOverlay?) {
            self.profile = profile
            self.overlay = overlay
            self.timeZone = profile.age.zone.flatMap(TimeZone.init(identifier:))
        }
    }

    private let storage: Storage

    /// A regime with this profile.
    public init(profile: RegimeProfile) {
        self.init(profile: profile, overlay: nil)
    }

    init(profile: RegimeProfile, overlay: RegimeOverlay?) {
        storage = Storage(profile: profile, overlay: overlay)
    }

    /// The built-in regime named `name` (`PIPL`, `GDPR`, `GDPR-<country>`, `CCPA`, `LGPD`, `PDPA-TH`), or `nil`.
    public init?(named name: String) {
        guard let regime = Self.builtIn[name] else { return nil }
        self = regime
    }

    /// The regime's name.
    public var description: String { name }

    /// Regimes are identified by id: two regimes with the same id are the same regime.
    public static func == (lhs: Regime, rhs: Regime) -> Bool {
        lhs.storage === rhs.storage || lhs.profile.id == rhs.profile.id
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(profile.id) }

    // MARK: Built-in regimes

    /// China's Personal Information Protection Law: ages in the policy's zone (Asia/Shanghai), reached the day after
    /// the birthday (Civil Code Arts. 201–203), guardians below 14 (Arts. 28, 31).
    public static let pipl = Regime(profile: .pipl)
    /// The EU General Data Protection Regulation without a member-state overlay: Art. 8 age 16, Europe/Brussels.
    public static let gdpr = Regime(profile: .gdpr(id: "GDPR", zone: "Europe/Brussels", age: 16, joint: false))
    /// California's CCPA as amended by the CPRA, with the TCPA and CAN-SPAM channel rules.
    public static let ccpa = Regime(profile: .ccpa)
    /// Brazil's LGPD, with the ECA Digital.
    public static let lgpd = Regime(profile: .lgpd)
    /// Thailand's Personal Data Protection Act.
    public static let pdpaTH = Regime(profile: .pdpaTH)

    /// The GDPR overlay of one EU/EEA state by ISO 3166 alpha-2 code (`FR`), or `nil` for a code that is not one.
    public static func gdpr(_ country: String) -> Regime? { builtIn["GDPR-" + country] }

    /// The member states' Art. 8 ages and capitals' zones: all EU 27 plus IS, LI and NO.
    static let gdprStates: [(code: String, age: Int, zone: String)] = [
        ("BE", 13, "Europe/Brussels"), ("DK", 13, "Europe/Copenhagen"), ("EE", 13, "Europe/Tallinn"),
        ("FI", 13, "Europe/Helsinki"), ("LV", 13, "Europe/Riga"), ("MT", 13, "Europe/Malta"),
        ("PT", 13, "Europe/Lisbon"), ("SE", 13, "Europe/Stockholm"), ("IS", 13, "Atlantic/Reykjavik"),
        ("NO", 13, "Europe/Oslo"), ("AT", 14, "Europe/Vienna"), ("BG", 14, "Europe/Sofia"),
        ("CY", 14, "Asia/Nicosia"), ("IT", 14, "Europe/Rome"), ("LT", 14, "Europe/Vilnius"),
        ("ES", 14, "Europe/Madrid"), ("CZ", 15, "Europe/Prague"), ("FR", 15, "Europe/Paris"),
        ("GR", 15, "Europe/Athens"), ("SI", 15, "Europe/Ljubljana"), ("DE", 16, "Europe/Berlin"),
        ("HR", 16, "Europe/Zagreb"), ("HU", 16, "Europe/Budapest"), ("IE", 16, "Europe/Dublin"),
        ("LU", 16, "Europe/Luxembourg"), ("NL", 16, "Europe/Amsterdam"), ("PL", 16, "Europe/Warsaw"),
        ("RO", 16, "Europe/Bucharest"), ("SK", 16, "Europe/Bratislava"), ("LI", 16, "Europe/Vaduz"),
    ]

    /// Every built-in regime: PIPL, GDPR, the 30 overlays, CCPA, LGPD, PDPA-TH.
    public static let all: [Regime] =
        [.pipl, .gdpr]
        + gdprStates.map { state in
            Regime(
                profile: .gdpr(id: "GDPR-" + state.code, zone: state.zone, age: state.age, joint: state.code == "FR"))
        } + [.ccpa, .lgpd, .pdpaTH]

    private static let builtIn: [String: Regime] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}

/// When an age counts as reached.
public enum AgeBoundary: String, Sendable, Hashable, CaseIterable {
    /// At 00:00 of the birthday (everyday usage).
    case birthday
    /// At 00:00 of the day after the birthday: the Chinese courts' reading of 周岁 (full years of age).
    case dayAfterBirthday
}
