public import Foundation

/// A validated policy: the logical data model (fields and categories), the purposes with their legal bases, and
/// the regime's settings for minors.
///
/// Build one in Swift or load it from `consentkit.policy/1` JSON; both go through the same validation, which
/// reports every problem it finds with its JSON path:
///
/// ```swift
/// let email = PersonalDataField<String>("email", category: .contactEmail)
/// let policy = try Policy(
///     fields: [email.definition],
///     purposes: [Purpose("marketing.email", basis: .consent, fields: [email.id], marketing: true)])
/// ```
///
/// A `Policy` is an immutable value, safe to share between any number of tasks.
public struct Policy: Sendable {
    /// The regime the policy is written under: the one a subject without a `regimes` fact is judged by.
    public let regime: Regime
    /// The regimes the policy is written for (``regime`` first when the file does not list them): validation checks
    /// that every purpose has a basis, and where needed a condition and a mechanism, in each of them.
    public let regimes: [Regime]
    /// Whether the business runs an online platform (DSA Art. 3(i)), which the DSA advertising bans need.
    public let onlinePlatform: Bool
    /// The regimes the policy defines itself (`profiles`): overlays of built-in ones that its `regime`, its
    /// `regimes` and its subjects' `regimes` facts may name.
    public let profiles: [Regime]
    /// The IANA id of the time zone ages are computed in.
    public let timeZoneID: String
    /// The time zone ages are computed in.
    public let timeZone: TimeZone
    /// The age below which a subject is a minor (PIPL: 14).
    public let minorAge: Int
    /// When an age counts as reached.
    public let ageReachedOn: AgeBoundary
    /// The categories the policy declares, on top of the regime's built-ins.
    public let categories: [DataCategory]
    /// The fields of the logical data model.
    public let fields: [FieldDefinition]
    /// The purposes.
    public let purposes: [Purpose]
    /// The mask patterns the policy declares, beside the built-in ones (``MaskPattern/builtIn``).
    public let maskPatterns: [MaskPattern]
    /// The privacy views over customer records (``PrivacyView``).
    public let views: [PrivacyView]
    /// What records of processing and impact assessments need beyond deciding (``ProcessingRecords``).
    public let processing: ProcessingRecords
    /// The layout of the policy's records: its fields in order (``PersonalRecord``).
    public let recordSchema: RecordSchema
    /// Lints: problems that do not stop the policy from loading but break a rule of the regime.
    public let warnings: [Diagnostic]

    package let catalog: CategoryCatalog
    /// `[regime]`, built once: the regimes of every subject without a `regimes` fact.
    package let regimeAlone: [Regime]
    private let purposeIndex: [PurposeID: Int]
    private let fieldIndex: [FieldID: Int]

    /// Creates and validates a policy.
    ///
    /// - Throws: ``ConsentKitError`` listing every problem in ``ConsentKitError/diagnostics``, each located by the
    ///   JSON path it would have in a policy file (`purposes[2].fields[0]`).
    public init(
        regime: Regime = .pipl, regimes: [Regime]? = nil, onlinePlatform: Bool = false, profiles: [Regime] = [],
        timeZone: String? = nil,
        minorAge: Int? = nil, ageReachedOn: AgeBoundary? = nil, categories: [DataCategory] = [],
        fields: [FieldDefinition], purposes: [Purpose], maskPatterns: [MaskPattern] = [], views: [PrivacyView] = [],
        processing: ProcessingRecords = ProcessingRecords()
    ) throws(ConsentKitError) {
        var validator = PolicyValidator(
            collector: DiagnosticCollector(file: nil), regime: regime, regimes: regimes ?? [regime])
        if let regimes { validator.regimes(regimes, at: JSONPath("regimes")) }
        for (offset, profile) in profiles.enumerated() {
            let builtIn = Regime(named: profile.name) != nil
            let repeated = profiles[..<offset].contains { $0.name == profile.name }
            if builtIn || repeated {
                validator.collector.fail(
                    .duplicateIdentifier, "`\(profile.name)` is already a regime: a profile needs an id of its own",
                    at: JSONPath("profiles") + offset + "id")
            }
            // A policy writes its profiles as overlays, so only overlays can be read back from its file.
            if profile.overlay == nil {
                validator.collector.fail(
                    .invalidValue, "`\(profile.name)`: a policy's profiles are overlays (`RegimeOverlay.regime`)",
                    at: JSONPath("profiles") + offset)
            }
        }
        let zone = validator.timeZone(timeZone ?? regime.defaultTimeZone, at: JSONPath("timeZone"))
        validator.minorAge(minorAge ?? regime.defaultMinorAge, at: JSONPath("minorAge"))
        validator.validate(
            categories: categories.enumerated().map { (JSONPath("categories") + $0, $1) },
            fields: fields.enumerated().map { (JSONPath("fields") + $0, $1) },
            purposes: purposes.enumerated().map { (JSONPath("purposes") + $0, $1) })
        validator.validate(
            maskPatterns: maskPatterns.enumerated().map { (JSONPath("maskPatterns") + $0, $1) },
            views: views.enumerated().map { (JSONPath("views") + $0, $1) }, fields: fields, purposes: purposes,
            categories: categories, minorAge: minorAge ?? regime.defaultMinorAge)
        validator.validate(processing: processing, at: JSONPath("processing"), purposes: purposes)
        try validator.collector.throwIfErrors()
        guard let zone else { throw ConsentKitError(reporting: validator.collector.diagnostics) }
        self.init(
            validated: regime, regimes: regimes ?? [regime], onlinePlatform: onlinePlatform, profiles: profiles,
            timeZone: zone,
            minorAge: minorAge ?? regime.defaultMinorAge, ageReachedOn: ageReachedOn ?? regime.defaultAgeReachedOn,
            categories: categories, fields: fields, purposes: purposes, maskPatterns: maskPatterns, views: views,
            processing: processing, warnings: validator.collector.diagnostics)
    }

    package init(
        validated regime: Regime, regimes: [Regime], onlinePlatform: Bool, profiles: [Regime] = [],
        timeZone: TimeZone, minorAge: Int,
        ageReachedOn: AgeBoundary, categories: [DataCategory], fields: [FieldDefinition], purposes: [Purpose],
        maskPatterns: [MaskPattern] = [], views: [PrivacyView] = [],
        processing: ProcessingRecords = ProcessingRecords(), warnings: [Diagnostic]
    ) {
        self.regime = regime
        self.regimeAlone = [regime]
        self.regimes = regimes
        self.onlinePlatform = onlinePlatform
        self.profiles = profiles
        self.timeZoneID = timeZone.identifier
        self.timeZone = timeZone
        self.minorAge = minorAge
        self.ageReachedOn = ageReachedOn
        self.categories = categories
        self.fields = fields
        self.purposes = purposes
        self.maskPatterns = maskPatterns
        self.views = views
        self.processing = processing
        self.recordSchema = RecordSchema(fields: fields)
        self.warnings = warnings
        self.catalog = CategoryCatalog(regimes: regimes, declared: categories)
        self.purposeIndex = Dictionary(
            purposes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.fieldIndex = Dictionary(fields.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Looking things up

    /// The purpose with this id, or `nil`.
    public func purpose(_ id: PurposeID) -> Purpose? { purposeIndex[id].map { purposes[$0] } }

    /// The view with this id, or `nil`.
    public func view(_ id: String) -> PrivacyView? { views.first { $0.id == id } }

    /// The field with this id, or `nil`.
    public func field(_ id: FieldID) -> FieldDefinition? { fieldIndex[id].map { fields[$0] } }

    /// The position of a purpose in ``purposes``, for compiled forms.
    package func purposeOffset(_ id: PurposeID) -> Int? { purposeIndex[id] }

    /// The position of a field in ``fields``, for compiled forms.
    package func fieldOffset(_ id: FieldID) -> Int? { fieldIndex[id] }

    /// Whether a category id is built-in, declared by the policy, or a dotted descendant of one of them.
    public func knowsCategory(_ id: CategoryID) -> Bool { catalog.isKnown(id) }

    /// The sensitivity of a field's category under this policy (not counting a subject's minority), or `nil`
    /// for an unknown field.
    public func sensitivity(of field: FieldID) -> Sensitivity? {
        self.field(field).map { catalog.sensitivity(of: $0.category) }
    }

    /// Whether a law requires written consent for the field's category under this policy.
    public func requiresWrittenConsent(_ field: FieldID) -> Bool {
        self.field(field).flatMap { catalog.resolve($0.category)?.writtenConsent } ?? false
    }

    /// The policy's own regimes by id, for readers of its ledgers.
    package var customRegimeTable: [String: Regime] {
        Dictionary(profiles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The regime with this id: one the policy defines in ``profiles``, or a built-in.
    public func regime(named name: String) -> Regime? {
        profiles.first { $0.name == name } ?? Regime(named: name)
    }

    /// Whether the policy uses anything beyond PIPL v1: another regime, a basis, flag, map or recipient role only
    /// the other regimes read. The compiled engine decides such policies with the reference evaluator.
    public var usesRegimesBeyondPIPL: Bool {
        regime != .pipl || regimes != [.pipl] || onlinePlatform || !profiles.isEmpty
            || purposes.contains { purpose in
                !purpose.basisByRegime.isEmpty || purpose.sensitiveCondition != nil
                    || !purpose.sensitiveConditionByRegime.isEmpty || !purpose.flags.isEmpty
                    || !(purpose.thirdParty?.roles.isEmpty ?? true)
                    || !(purpose.crossBorder?.mechanismByRegime.isEmpty ?? true)
                    || !Regime.pipl.profile.bases.contains(purpose.basis)
            }
    }

    /// Whether `purpose` declares `field`, by name or through a category that covers the field's category.
    public func purpose(_ purpose: Purpose, declares field: FieldDefinition) -> Bool {
        purpose.fields.contains(field.id) || purpose.categories.contains { $0.covers(field.category) }
    }
}
