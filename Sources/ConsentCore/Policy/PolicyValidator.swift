package import Foundation

/// The semantic checks of a policy, shared by policies built in Swift and those read from JSON, reporting every
/// problem at the JSON path it has (or would have) in a policy file.
package struct PolicyValidator {
    package var collector: DiagnosticCollector
    package let regime: Regime
    /// The regimes the policy is written for.
    package let regimes: [Regime]
    /// Each field's category, for the regimes' lints.
    private var fieldCategories: [FieldID: CategoryID] = [:]

    package init(collector: DiagnosticCollector, regime: Regime, regimes: [Regime]? = nil) {
        self.collector = collector
        self.regime = regime
        self.regimes = regimes ?? [regime]
    }

    /// Checks the policy's `regimes` list: not empty, no repeats, and holding the default regime.
    package mutating func regimes(_ list: [Regime], at path: JSONPath) {
        if list.isEmpty {
            collector.fail(
                .invalidValue, "`regimes` must not be empty: list the regimes the policy is written for", at: path)
            return
        }
        checkUnique(list.enumerated().map { (path + $0, $1.name) }, what: "regime")
        if !list.contains(regime) {
            collector.fail(
                .invalidValue, "the policy's `regime` `\(regime)` is not in its `regimes` list", at: path)
        }
    }

    package mutating func timeZone(_ id: String, at path: JSONPath) -> TimeZone? {
        guard let zone = TimeZone(identifier: id) else {
            collector.fail(.invalidValue, "`\(id)` is not a known IANA time zone", at: path)
            return nil
        }
        return zone
    }

    package mutating func minorAge(_ age: Int, at path: JSONPath) {
        if !(1...25).contains(age) { collector.fail(.invalidValue, "`\(age)` is out of range 1...25", at: path) }
    }

    package mutating func validate(
        categories: [(JSONPath, DataCategory)], fields: [(JSONPath, FieldDefinition)],
        purposes: [(JSONPath, Purpose)]
    ) {
        checkUnique(categories.map { ($0.0 + "id", $0.1.id.rawValue) }, what: "category")
        checkUnique(fields.map { ($0.0 + "id", $0.1.id.rawValue) }, what: "field")
        checkUnique(purposes.map { ($0.0 + "id", $0.1.id.rawValue) }, what: "purpose")
        // The identifier rule for policies built in Swift too: an id a file could not hold would be accepted in
        // grants, written to a journal, and then refused when the journal is read back.
        for (path, id) in categories.map({ ($0.0 + "id", $0.1.id.rawValue) })
            + fields.map({ ($0.0 + "id", $0.1.id.rawValue) })
            + purposes.map({ ($0.0 + "id", $0.1.id.rawValue) })
        {
            if let problem = IdentifierRule.problem(with: id) {
                collector.fail(.invalidValue, "not a valid identifier: \(problem)", at: path)
            }
        }

        let catalog = CategoryCatalog(regimes: regimes, declared: categories.map(\.1))
        for (path, category) in categories {
            if !category.id.isWellFormed {
                collector.fail(.invalidValue, "`\(category.id)` is not a dotted category id", at: path + "id")
            } else if category.sensitive == false,
                let source = catalog.sensitiveSource(forUnmarking: category.id, regimes: regimes)
            {
                let why = source == category.id ? "is sensitive in \(regime)" : "inherits sensitive from `\(source)`"
                collector.fail(
                    .invalidValue, "category `\(category.id)` cannot be marked not sensitive: it \(why)",
                    at: path + "sensitive")
            }
        }
        for (path, field) in fields where !catalog.isKnown(field.category) {
            collector.fail(.unknownIdentifier, Self.unknownCategory(field.category), at: path + "category")
        }
        let fieldIDs = Set(fields.map(\.1.id))
        fieldCategories = Dictionary(fields.map { ($0.1.id, $0.1.category) }, uniquingKeysWith: { first, _ in first })
        for (path, purpose) in purposes {
            validate(purpose, at: path, fieldIDs: fieldIDs, catalog: catalog)
        }
    }

    package static func unknownCategory(_ id: CategoryID) -> String {
        "unknown category `\(id)`: not built-in, not declared by the policy, nor a dotted descendant of either"
    }

    private mutating func validate(
        _ purpose: Purpose, at path: JSONPath, fieldIDs: Set<FieldID>, catalog: CategoryCatalog
    ) {
        if purpose.fields.isEmpty && purpose.categories.isEmpty {
            collector.fail(
                .missingKey, "purpose `\(purpose.id)` declares no field or category (Art. 6: say what it processes)",
                at: path)
        }
        for (offset, field) in purpose.fields.enumerated() where !fieldIDs.contains(field) {
            collector.fail(.unknownIdentifier, "unknown field `\(field)`", at: path + "fields" + offset)
        }
        for (offset, category) in purpose.categories.enumerated() where !catalog.isKnown(category) {
            collector.fail(.unknownIdentifier, Self.unknownCategory(category), at: path + "categories" + offset)
        }
        checkUnique(purpose.fields.enumerated().map { (path + "fields" + $0, $1.rawValue) }, what: "field")
        checkUnique(purpose.categories.enumerated().map { (path + "categories" + $0, $1.rawValue) }, what: "category")
        for (offset, channel) in purpose.channels.enumerated() where !Channel.knownChannels.contains(channel) {
            let known = Channel.knownChannels.map { "`\($0)`" }.joined(separator: ", ")
            collector.fail(.invalidValue, "`\(channel)` is not one of \(known)", at: path + "channels" + offset)
        }
        checkUnique(purpose.channels.enumerated().map { (path + "channels" + $0, $1.rawValue) }, what: "channel")
        if let thirdParty = purpose.thirdParty {
            let recipients = path + "thirdParty" + "recipients"
            checkUnique(thirdParty.recipients.enumerated().map { (recipients + $0, $1.rawValue) }, what: "recipient")
        }
        if let crossBorder = purpose.crossBorder {
            let destinations = path + "crossBorder" + "destinations"
            checkUnique(
                crossBorder.destinations.enumerated().map { (destinations + $0, $1.rawValue) }, what: "destination")
        }
        for (key, text) in [("title", purpose.title), ("description", purpose.description)] {
            for problem in text?.problems(lineBreaks: key == "description") ?? [] {
                collector.fail(.invalidValue, problem.message, at: problem.key.map { path + key + $0 } ?? path + key)
            }
        }
        if purpose.consentVersion < 0 || purpose.consentVersion > Int(Int32.max) {
            collector.fail(
                .invalidValue, "`consentVersion` must be between 0 and 2147483647", at: path + "consentVersion")
        }
        if purpose.marketing && purpose.basis == .contract {
            collector.warn(
                .lint,
                "marketing purpose `\(purpose.id)` claims `contract`: marketing is not necessary to perform a "
                    + "contract, and a service may not be refused for lack of consent to it (PIPL Art. 16)",
                at: path + "basis")
        }
        validateRegimes(purpose, at: path, catalog: catalog)
    }

    /// The checks of each regime the policy is written for: bases, map keys and completeness, conditions,
    /// mechanisms, and the regimes' own refusals and lints.
    private mutating func validateRegimes(_ purpose: Purpose, at path: JSONPath, catalog: CategoryCatalog) {
        let listed = regimes.map(\.profile)
        func checkKeys(_ keys: some Sequence<String>, at mapPath: JSONPath, allowed: (RegimeProfile) -> Bool) {
            for key in keys.sorted() {
                // A listed regime's id or base id, or an overlay of a listed base (`GDPR-FR` when `GDPR` is listed).
                let overlayBase = Regime(named: key)?.profile.base
                guard
                    let profile = listed.first(where: { $0.mapKeys.contains(key) || $0.base == overlayBase })
                else {
                    let known = Regime(named: key) != nil
                    collector.fail(
                        known ? .invalidValue : .unknownIdentifier,
                        known
                            ? "`\(key)` is not one of the policy's regimes" : "`\(key)` is not a known regime id",
                        at: mapPath + key)
                    continue
                }
                if !allowed(profile) {
                    collector.fail(
                        .invalidValue, "\(profile.id) has nothing to declare here: an entry is not allowed",
                        at: mapPath + key)
                }
            }
        }
        // Bases.
        checkKeys(purpose.basisByRegime.keys, at: path + "basis") { _ in true }
        for profile in listed {
            guard let basis = purpose.basis(in: profile) else {
                collector.fail(
                    .missingKey, "purpose `\(purpose.id)` gives no basis for \(profile.id)", at: path + "basis")
                continue
            }
            let basisPath = purpose.basisByRegime.isEmpty ? path + "basis" : path + "basis" + profile.base
            if !profile.bases.contains(basis) {
                let list = LegalBasis.allCases.filter(profile.bases.contains).map { "`\($0.rawValue)`" }
                collector.fail(
                    .invalidValue,
                    "`\(basis.rawValue)` is not a basis of \(profile.id), which has \(list.joined(separator: " "))",
                    at: basisPath)
            } else if basis == .childContact && !purpose.flags.contains(.childContactOnly) {
                collector.fail(
                    .invalidValue, "`childContact` serves only purposes flagged `childContactOnly` (LGPD Art. 14 §3)",
                    at: basisPath)
            }
            if profile.base == "CCPA" {
                if purpose.flagsDeclaredFalse.contains(.compatibleWithCollection) && basis != .consent {
                    collector.fail(
                        .invalidValue,
                        "purpose `\(purpose.id)` is not compatible with the purpose of collection, so it needs the "
                            + "consumer's consent, not `\(basis.rawValue)` (CCPA 1798.100(c); Regs § 7002(e))",
                        at: path + "compatibleWithCollection")
                }
                if purpose.flags.contains(.financialIncentive) && basis == .disclosedPurpose {
                    collector.fail(
                        .invalidValue,
                        "a financial incentive needs the consumer's opt-in, not `disclosedPurpose` (CCPA Regs § 7016)",
                        at: path + "financialIncentive")
                }
            }
            if basis == .legitimateInterests && purpose.marketing && profile.base == "PDPA-TH" {
                collector.warn(
                    .lint,
                    "marketing purpose `\(purpose.id)` relies on legitimate interests under PDPA: the PDPC expects "
                        + "consent for direct marketing (PDPA Sec. 24(5), 32(2)); the decision follows the basis",
                    at: basisPath)
            }
            if basis == .contract && purpose.flags.contains(.profilingAds) {
                collector.warn(
                    .lint,
                    "profiling-ads purpose `\(purpose.id)` claims `contract` under \(profile.id): advertising is not "
                        + "necessary to perform a contract (CJEU C-252/21)",
                    at: basisPath)
            }
        }
        if purpose.flags.contains(.childContactOnly) && !(purpose.thirdParty?.recipients.isEmpty ?? true),
            listed.contains(where: { $0.base == "LGPD" })
        {
            collector.fail(
                .invalidValue, "a `childContactOnly` purpose may not pass data to others (LGPD Art. 14 §3)",
                at: path + "thirdParty")
        }
        // Sensitive-data conditions.
        checkKeys(purpose.sensitiveConditionByRegime.keys, at: path + "sensitiveCondition") {
            $0.sensitive.model == .listedConditions
        }
        let conditionRegimes = listed.filter { $0.sensitive.model == .listedConditions }
        if purpose.sensitiveCondition != nil || !purpose.sensitiveConditionByRegime.isEmpty {
            for profile in conditionRegimes {
                guard let condition = purpose.sensitiveCondition(in: profile) else {
                    collector.fail(
                        .missingKey, "purpose `\(purpose.id)` gives no sensitive-data condition for \(profile.id)",
                        at: path + "sensitiveCondition")
                    continue
                }
                if !profile.sensitive.conditions.contains(condition) {
                    let list = SensitiveCondition.allCases.filter(profile.sensitive.conditions.contains)
                    collector.fail(
                        .invalidValue,
                        "`\(condition.rawValue)` is not a sensitive-data condition of \(profile.id), which has "
                            + list.map { "`\($0.rawValue)`" }.joined(separator: " "),
                        at: path + "sensitiveCondition")
                }
            }
        }
        // Transfer mechanisms.
        if let crossBorder = purpose.crossBorder {
            checkKeys(crossBorder.mechanismByRegime.keys, at: path + "crossBorder" + "mechanism") {
                !$0.transfers.mechanisms.isEmpty
            }
            for profile in listed where !profile.transfers.mechanisms.isEmpty {
                guard let mechanism = crossBorder.mechanism(in: profile) else {
                    collector.fail(
                        .missingKey, "purpose `\(purpose.id)` gives no transfer mechanism for \(profile.id)",
                        at: path + "crossBorder" + "mechanism")
                    continue
                }
                if !profile.transfers.mechanisms.contains(mechanism) {
                    let list = TransferMechanism.allCases.filter(profile.transfers.mechanisms.contains)
                    collector.fail(
                        .invalidValue,
                        "`\(mechanism.rawValue)` is not a transfer mechanism of \(profile.id), which has "
                            + list.map { "`\($0.rawValue)`" }.joined(separator: " "),
                        at: path + "crossBorder" + "mechanism")
                }
            }
        }
        // Lints on the sensitive data the purpose declares, by category or through its fields.
        let declared = purpose.categories + purpose.fields.compactMap { fieldCategories[$0] }
        for profile in listed {
            guard let basis = purpose.basis(in: profile), basis != .consent,
                profile.sensitive.model == .listedConditions, purpose.sensitiveCondition(in: profile) == nil,
                let sensitive = profile.sensitive.categories
            else { continue }
            let hits = declared.filter { category in sensitive.contains { $0.covers(category) } }
            if !hits.isEmpty {
                collector.warn(
                    .lint,
                    "purpose `\(purpose.id)` declares \(hits.map { "`\($0)`" }.joined(separator: ", ")), sensitive in "
                        + "\(profile.id), on `\(basis.rawValue)` with no `sensitiveCondition`: those fields will be denied",
                    at: path + "sensitiveCondition")
            }
        }
        if listed.contains(where: { !$0.sensitive.lawOnly.isEmpty }), !purpose.flags.contains(.authorisedByLaw),
            declared.contains(where: { CategoryID.criminalRecord.covers($0) })
        {
            collector.warn(
                .lint,
                "purpose `\(purpose.id)` declares criminal-record data without `authorisedByLaw` (GDPR Art. 10): "
                    + "those fields will be denied",
                at: path + "categories")
        }
    }

    mutating func checkUnique(_ ids: [(JSONPath, String)], what: String) {
        var seen: [String: JSONPath] = [:]
        for (path, id) in ids {
            if let first = seen[id] {
                collector.fail(.duplicateIdentifier, "duplicate \(what) id `\(id)` (first at \(first))", at: path)
            } else {
                seen[id] = path
            }
        }
    }
}
