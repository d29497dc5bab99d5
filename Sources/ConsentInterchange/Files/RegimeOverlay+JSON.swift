public import ConsentCore
public import Foundation

extension RegimeOverlay {
    /// The format tag of regime documents.
    public static let format = "consentkit.regime/1"

    /// Reads and validates a `consentkit.regime/1` document: an overlay of a built-in regime.
    ///
    /// - Throws: ``ConsentKitError`` listing every problem, each with its JSON path.
    public init(jsonData: Data, file: String? = nil) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(jsonData), file: file)
        var reader = JSONReader(file: file)
        let overlay = Self.read(value, at: JSONPath(), reader: &reader)
        try reader.throwIfErrors()
        guard let overlay else { throw ConsentKitError(reporting: reader.diagnostics) }
        self = overlay
    }

    /// Reads the regime document at `path`.
    public init(contentsOfFile path: String) throws(ConsentKitError) {
        try self.init(jsonData: try FileInput.read(path), file: path)
    }

    package static func read(
        _ value: JSONValue, at path: JSONPath, reader: inout JSONReader, earlier: [String: Regime] = [:]
    ) -> RegimeOverlay? {
        let keys = [
            "format", "id", "extends", "version", "age", "ageBands", "sensitiveCategories", "territory", "adequacy",
            "guardianGrantSurvivesMajority",
        ]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let before = reader.diagnostics.count
        if let format = reader.required(object, "format", at: path, { $0.string($1, at: $2) }), format != Self.format {
            reader.fail(
                .unsupportedFormat,
                "unsupported format `\(format.escapingControlCharacters)`; expected `\(Self.format)`",
                at: path + "format")
        }
        let id = reader.required(object, "id", at: path) { reader, value, path -> String? in
            guard let id = reader.identifier(value, at: path) else { return nil }
            if Regime(named: id) != nil || earlier[id] != nil {
                reader.fail(
                    .duplicateIdentifier, "`\(id)` is already a regime: an overlay needs an id of its own", at: path)
                return nil
            }
            return id
        }
        let base = reader.required(object, "extends", at: path) { reader, value, path -> Regime? in
            guard let name = reader.string(value, at: path) else { return nil }
            guard let base = earlier[name] ?? Regime(named: name) else {
                reader.fail(
                    .unknownIdentifier, "unknown regime `\(name.escapingControlCharacters)` to extend", at: path)
                return nil
            }
            // Each overlay holds its base whole: a long chain would grow with the square of its length.
            guard base.profile.lineage.count < RegimeOverlay.maximumDepth else {
                reader.fail(
                    .invalidValue,
                    "`\(name.escapingControlCharacters)` is already \(RegimeOverlay.maximumDepth) overlays deep; "
                        + "extend a regime nearer its base", at: path)
                return nil
            }
            return base
        }
        guard let id, let base else { return nil }
        var overlay = RegimeOverlay(id: id, extends: base)
        overlay.version = reader.optional(object, "version", at: path) { $0.text($1, at: $2) }
        _ = reader.optional(object, "age", at: path) { reader, value, path -> Bool? in
            let keys = ["timeZone", "reachedOn", "leapDay", "majority", "emancipation"]
            guard let age = reader.object(value, at: path, allowed: keys) else { return nil }
            overlay.zone = reader.optional(age, "timeZone", at: path) { reader, value, path -> String? in
                guard let zone = reader.string(value, at: path) else { return nil }
                guard TimeZone(identifier: zone) != nil else {
                    reader.fail(
                        .invalidValue, "`\(zone.escapingControlCharacters)` is not a known IANA time zone", at: path)
                    return nil
                }
                return zone
            }
            overlay.reachedOn = reader.optional(age, "reachedOn", at: path) {
                $0.choice($1, at: $2, of: AgeBoundary.self)
            }
            overlay.leapDay = reader.optional(age, "leapDay", at: path) { $0.choice($1, at: $2, of: LeapDayRule.self) }
            overlay.majority = reader.optional(age, "majority", at: path) { $0.integer($1, at: $2, in: 1...25) }
            overlay.emancipation = reader.optional(age, "emancipation", at: path) { $0.bool($1, at: $2) }
            return true
        }
        // Age bands, and the bans keyed on age written among them (`"effect": "prohibit"`).
        var prohibitions: [Prohibition] = []
        let bands = reader.optional(object, "ageBands", at: path) { reader, value, path in
            reader.array(value, at: path) { reader, item, itemPath -> AgeBand?? in
                if case .object(let band) = item, case .string("prohibit")? = band["effect"] {
                    guard let prohibition = Self.readProhibition(item, at: itemPath, reader: &reader) else {
                        return nil
                    }
                    prohibitions.append(prohibition)
                    return .some(nil)
                }
                return Self.readBand(item, at: itemPath, reader: &reader).map { .some($0) }
            }
        }
        // Bans alone leave the base's bands; any band replaces them.
        if let bands, bands.contains(where: { $0 != nil }) { overlay.ageBands = bands.compactMap { $0 } }
        overlay.prohibitions = prohibitions
        overlay.sensitiveCategories = reader.optional(object, "sensitiveCategories", at: path) { reader, value, path in
            reader.identifiers(value, at: path, as: CategoryID.self).map { categories in
                // A misspelt id would silently make nothing sensitive: only built-in categories (and their dotted
                // descendants) are accepted.
                let known = CategoryCatalog(regimes: [base], declared: [])
                for (offset, category) in categories.enumerated() where !known.isKnown(category) {
                    reader.fail(
                        .unknownIdentifier,
                        "`\(category.rawValue.escapingControlCharacters)` is not a built-in category (nor a dotted descendant of one)",
                        at: path + offset)
                }
                return categories
            }
        }
        overlay.territory = reader.optional(object, "territory", at: path) { reader, value, path in
            reader.identifiers(value, at: path, as: Destination.self).map { Set($0.map(\.rawValue)) }
        }
        overlay.adequacy =
            reader.optional(object, "adequacy", at: path) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath -> DatedDestinations? in
                    let keys = ["destinations", "effectiveFrom", "effectiveUntil"]
                    guard let entry = reader.object(item, at: itemPath, allowed: keys) else { return nil }
                    let destinations = reader.required(entry, "destinations", at: itemPath) {
                        $0.identifiers($1, at: $2, nonEmpty: true, as: Destination.self)
                    }
                    let from = reader.optional(entry, "effectiveFrom", at: itemPath) { $0.date($1, at: $2) }
                    let until = reader.optional(entry, "effectiveUntil", at: itemPath) { $0.date($1, at: $2) }
                    if let from, let until, until <= from {
                        reader.fail(.invalidDate, "`effectiveUntil` must come after `effectiveFrom`", at: itemPath)
                    }
                    return destinations.map {
                        DatedDestinations(Set($0.map(\.rawValue)), effectiveFrom: from, effectiveUntil: until)
                    }
                }
            } ?? []
        overlay.guardianGrantSurvivesMajority = reader.optional(object, "guardianGrantSurvivesMajority", at: path) {
            $0.bool($1, at: $2)
        }
        return reader.diagnostics.count == before ? overlay : nil
    }

    /// An age band that bans rather than asks: `{below, scope: profilingAds | profilingAdsOnOnlinePlatform,
    /// effect: prohibit, reason: denied.prohibited.*, cite?}`.
    private static func readProhibition(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader)
        -> Prohibition?
    {
        let keys = ["below", "scope", "effect", "reason", "cite"]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let below = reader.required(object, "below", at: path) { $0.integer($1, at: $2, in: 1...25) }
        let scope = reader.required(object, "scope", at: path) { reader, value, path -> Bool? in
            guard let scope = reader.string(value, at: path) else { return nil }
            switch scope {
            case "profilingAds": return false
            case "profilingAdsOnOnlinePlatform": return true
            default:
                reader.fail(
                    .invalidValue,
                    "`\(scope.escapingControlCharacters)` is not a scope a ban applies to; expected `profilingAds` or "
                        + "`profilingAdsOnOnlinePlatform`", at: path)
                return nil
            }
        }
        let reason = reader.required(object, "reason", at: path) { reader, value, path -> ReasonCode? in
            guard let text = reader.string(value, at: path) else { return nil }
            guard let code = ReasonCode(rawValue: text), code.matches(prefix: "denied.prohibited") else {
                reader.fail(.invalidValue, "a ban's `reason` is a `denied.prohibited.*` code", at: path)
                return nil
            }
            return code
        }
        _ = reader.optional(object, "cite", at: path) { $0.text($1, at: $2) }
        guard let below, let scope, let reason else { return nil }
        return Prohibition(reason: reason, purposeFlag: .profilingAds, onlinePlatformOnly: scope, minorBelow: below)
    }

    private static func readBand(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader) -> AgeBand? {
        let keys = [
            "below", "scope", "grantors", "extraAttributes", "convertsBases", "dataSensitive", "effect", "cite",
        ]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        _ = reader.optional(object, "effect", at: path) { reader, value, path -> Bool? in
            guard let effect = reader.string(value, at: path) else { return nil }
            guard effect == "consentRequired" else {
                reader.fail(.invalidValue, "`effect` is `consentRequired` (the default) or `prohibit`", at: path)
                return nil
            }
            return true
        }
        let citation = reader.optional(object, "cite", at: path) { $0.text($1, at: $2) }
        let below = reader.required(object, "below", at: path) { $0.integer($1, at: $2, in: 1...25) }
        let scope = reader.required(object, "scope", at: path) { $0.choice($1, at: $2, of: BandScope.self) }
        let grantors = reader.required(object, "grantors", at: path) { $0.choice($1, at: $2, of: BandGrantors.self) }
        let attributes = reader.optional(object, "extraAttributes", at: path) { reader, value, path in
            reader.array(value, at: path) { $0.choice($1, at: $2, of: ConsentAttribute.self) }
        }
        let converts = reader.optional(object, "convertsBases", at: path) { reader, value, path in
            reader.array(value, at: path) { $0.choice($1, at: $2, of: LegalBasis.self) }
        }
        let sensitive = reader.optional(object, "dataSensitive", at: path) { $0.bool($1, at: $2) }
        guard let below, let scope, let grantors else { return nil }
        return AgeBand(
            below: below, scope: scope, grantors: grantors, extraAttributes: ConsentAttributes(attributes ?? []),
            convertsBases: Set(converts ?? []), dataSensitive: sensitive ?? false, citation: citation)
    }

    /// The overlay as a `consentkit.regime/1` object, keys in the documented order, only what it states.
    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "format": .string(Self.format), "id": .string(id), "extends": .string(base.id),
        ]
        func add(_ key: String, _ value: JSONValue) { object.members.append((key, value)) }
        if let version { add("version", .string(version)) }
        var age = JSONObject()
        if let zone { age.members.append(("timeZone", .string(zone))) }
        if let reachedOn { age.members.append(("reachedOn", .string(reachedOn.rawValue))) }
        if let leapDay { age.members.append(("leapDay", .string(leapDay.rawValue))) }
        if let majority { age.members.append(("majority", .number(String(majority)))) }
        if let emancipation { age.members.append(("emancipation", .bool(emancipation))) }
        if !age.members.isEmpty { add("age", .object(age)) }
        // Bans keyed on age are written among the bands, as they are read.
        let bans: [JSONValue] = prohibitions.map { prohibition in
            .object([
                "below": .number(String(prohibition.minorBelow ?? 18)),
                "scope": .string(prohibition.onlinePlatformOnly ? "profilingAdsOnOnlinePlatform" : "profilingAds"),
                "effect": .string("prohibit"), "reason": .string(prohibition.reason.rawValue),
            ])
        }
        if let ageBands {
            add(
                "ageBands",
                .array(
                    ageBands.map { band in
                        var item: JSONObject = [
                            "below": .number(String(band.below ?? 0)), "scope": .string(band.scope.rawValue),
                            "grantors": .string(band.grantors.rawValue),
                        ]
                        if !band.extraAttributes.isEmpty {
                            item.members.append(
                                (
                                    "extraAttributes",
                                    .array(band.extraAttributes.attributes.map { .string($0.rawValue) })
                                ))
                        }
                        if !band.convertsBases.isEmpty {
                            let bases = LegalBasis.allCases.filter(band.convertsBases.contains)
                            item.members.append(("convertsBases", .array(bases.map { .string($0.rawValue) })))
                        }
                        if band.dataSensitive { item.members.append(("dataSensitive", .bool(true))) }
                        if let citation = band.citation { item.members.append(("cite", .string(citation))) }
                        return .object(item)
                    } + bans))
        } else if !bans.isEmpty {
            add("ageBands", .array(bans))
        }
        if let sensitiveCategories {
            add("sensitiveCategories", .array(sensitiveCategories.map { .string($0.rawValue) }))
        }
        if let territory { add("territory", .array(territory.sorted().map { .string($0) })) }
        if !adequacy.isEmpty {
            add(
                "adequacy",
                .array(
                    adequacy.map { entry in
                        var item: JSONObject = ["destinations": .array(entry.destinations.sorted().map { .string($0) })]
                        if let from = entry.effectiveFrom {
                            item.members.append(("effectiveFrom", .string(from.description)))
                        }
                        if let until = entry.effectiveUntil {
                            item.members.append(("effectiveUntil", .string(until.description)))
                        }
                        return .object(item)
                    }))
        }
        if let survives = guardianGrantSurvivesMajority { add("guardianGrantSurvivesMajority", .bool(survives)) }
        return .object(object)
    }

    /// The overlay as a `consentkit.regime/1` document that reads back equal.
    public func jsonData() -> Data { Data((jsonValue.serialized(pretty: true) + "\n").utf8) }
}
