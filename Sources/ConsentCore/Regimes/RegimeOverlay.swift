/// A regime written by a user: a built-in profile it extends, with some entries replaced or added — the form of
/// a `consentkit.regime/1` document, and what a policy's `profiles` holds.
///
/// Only what an overlay states changes; everything else is the base profile's. A state that sets its own Art. 8 age,
/// a company's stricter reading of an age band, an adequacy decision adopted after this release: each is a few keys.
///
/// ```swift
/// var overlay = RegimeOverlay(id: "GDPR-FR-2027", extends: .gdpr("FR")!)
/// overlay.adequacy = [DatedDestinations(["BR"], effectiveFrom: CalendarDate(year: 2027, month: 1, day: 1))]
/// let regime = overlay.regime
/// ```
public struct RegimeOverlay: Sendable, Hashable {
    /// How many overlays may stand on one another (a built-in member-state profile counts as one).
    public static let maximumDepth = 8
    /// How many profiles a policy may define.
    public static let maximumProfiles = 64

    /// The new regime's id. It may not be a built-in's.
    public var id: String
    /// The profile of the regime it changes (its ``RegimeProfile/id`` is what the overlay `extends`).
    public var base: RegimeProfile
    /// A free-text version, for the record.
    public var version: String?
    /// Replaces the time zone ages are counted in.
    public var zone: String?
    /// Replaces when an age is reached.
    public var reachedOn: AgeBoundary?
    /// Replaces where 29 February's anniversary falls.
    public var leapDay: LeapDayRule?
    /// Replaces the age of majority.
    public var majority: Int?
    /// Replaces whether emancipation ends minority.
    public var emancipation: Bool?
    /// Replaces the age bands.
    public var ageBands: [AgeBand]?
    /// Replaces the sensitive categories.
    public var sensitiveCategories: [CategoryID]?
    /// Replaces the territory.
    public var territory: Set<String>?
    /// Adequacy decisions added to the base's.
    public var adequacy: [DatedDestinations]
    /// Replaces whether a guardian's grant keeps counting after majority.
    public var guardianGrantSurvivesMajority: Bool?
    /// Bans added to the base's (in files: age bands with `"effect": "prohibit"`).
    public var prohibitions: [Prohibition] = []

    /// An overlay that changes nothing yet.
    public init(id: String, extends base: Regime) {
        self.id = id
        self.base = base.profile
        self.adequacy = []
    }

    /// The base profile with this overlay's entries.
    public var profile: RegimeProfile {
        var profile = base
        profile.id = id
        profile.lineage = (base.id == base.base ? [] : [base.id]) + base.lineage
        if let zone { profile.age.zone = zone }
        if let reachedOn { profile.age.reachedOn = reachedOn }
        if let leapDay { profile.age.leapDay = leapDay }
        if let majority { profile.age.majority = majority }
        if let emancipation { profile.age.emancipation = emancipation }
        if let ageBands { profile.ageBands = ageBands }
        if let sensitiveCategories { profile.sensitive.categories = sensitiveCategories }
        if let territory { profile.territory = territory }
        profile.transfers.adequacy += adequacy
        if let guardianGrantSurvivesMajority {
            profile.consent.guardianGrantSurvivesMajority = guardianGrantSurvivesMajority
        }
        profile.prohibitions += prohibitions
        return profile
    }

    /// The regime the overlay defines.
    public var regime: Regime { Regime(profile: profile, overlay: self) }
}
