public import ConsentCore
public import Foundation

extension Policy {
    /// The format tag of policy files.
    public static let format = "consentkit.policy/1"

    /// Reads and validates a `consentkit.policy/1` document.
    ///
    /// - Parameters:
    ///   - jsonData: the document's bytes, UTF-8.
    ///   - file: the file name to put in errors.
    /// - Throws: ``ConsentKitError`` listing every problem found, each with its JSON path.
    public init(jsonData: Data, file: String? = nil) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(jsonData), file: file)
        try self.init(json: value, file: file)
    }

    /// Reads and validates the policy file at `path`.
    public init(contentsOfFile path: String) throws(ConsentKitError) {
        try self.init(jsonData: try FileInput.read(path), file: path)
    }

    /// Every problem in a policy document, errors and lint warnings, without throwing: what `consent check`
    /// prints.
    public static func diagnostics(forJSON jsonData: Data, file: String? = nil) -> [Diagnostic] {
        do {
            let policy = try Policy(jsonData: jsonData, file: file)
            return policy.warnings
        } catch {
            return error.diagnostics.isEmpty
                ? [Diagnostic(code: error.code, message: error.message, location: error.location)] : error.diagnostics
        }
    }

    package init(json: JSONValue, file: String?, basePath: JSONPath = JSONPath()) throws(ConsentKitError) {
        var reader = JSONReader(file: file)
        let keys = [
            "format", "regime", "regimes", "onlinePlatform", "profiles", "timeZone", "minorAge", "ageReachedOn",
            "categories", "fields", "purposes", "maskPatterns", "views", "processing",
        ]
        guard let root = reader.object(json, at: basePath, allowed: keys) else {
            throw ConsentKitError(reporting: reader.diagnostics)
        }
        let format = reader.required(root, "format", at: basePath) { $0.string($1, at: $2) }
        if let format, format != Policy.format {
            reader.fail(
                .unsupportedFormat, "unsupported format `\(format)`; expected `\(Policy.format)`",
                at: basePath + "format")
        }
        // The policy's own regimes come first: `regime`, `regimes` and (in its ledgers) subjects may name them.
        var profiles: [Regime] = []
        _ = reader.optional(root, "profiles", at: basePath) { reader, value, path -> [Bool]? in
            if case .array(let items) = value, items.count > RegimeOverlay.maximumProfiles {
                reader.fail(
                    .invalidValue,
                    "\(items.count) profiles are more than the \(RegimeOverlay.maximumProfiles) a policy may define",
                    at: path)
                return nil
            }
            return reader.array(value, at: path) { reader, item, itemPath -> Bool? in
                let overlay = RegimeOverlay.read(item, at: itemPath, reader: &reader, earlier: reader.customRegimes)
                guard let regime = overlay?.regime else { return nil }
                reader.customRegimes[regime.name] = regime
                profiles.append(regime)
                return true
            }
        }
        let regimes = reader.optional(root, "regimes", at: basePath) { $0.regimes($1, at: $2) }
        let onlinePlatform = reader.optional(root, "onlinePlatform", at: basePath) { $0.bool($1, at: $2) }
        // `regime` names the default; with a `regimes` list it may be left out, and the list's first is the default.
        let regime: Regime?
        if root["regime"] == nil, let first = regimes?.first {
            regime = first
        } else {
            regime = reader.required(root, "regime", at: basePath) { reader, value, path in
                guard let name = reader.string(value, at: path) else { return nil }
                guard let regime = reader.customRegimes[name] ?? Regime(named: name) else {
                    reader.fail(
                        .unsupportedFormat,
                        "unsupported regime `\(name.escapingControlCharacters)`; expected `PIPL`, `GDPR`, "
                            + "`GDPR-<country>`, `CCPA`, `LGPD` or `PDPA-TH`",
                        at: path)
                    return nil
                }
                return regime
            }
        }
        let zoneName = reader.optional(root, "timeZone", at: basePath) { $0.string($1, at: $2) }
        let minorAge = reader.optional(root, "minorAge", at: basePath) { $0.integer($1, at: $2, in: 1...25) }
        let boundary = reader.optional(root, "ageReachedOn", at: basePath) {
            $0.choice($1, at: $2, of: AgeBoundary.self)
        }
        let categories =
            reader.optional(root, "categories", at: basePath) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath in
                    Self.readCategory(item, at: itemPath, reader: &reader).map { (itemPath, $0) }
                }
            } ?? []
        let fields =
            reader.required(root, "fields", at: basePath) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath in
                    Self.readField(item, at: itemPath, reader: &reader).map { (itemPath, $0) }
                }
            } ?? []
        let purposes =
            reader.required(root, "purposes", at: basePath) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath in
                    Self.readPurpose(item, at: itemPath, defaultRegime: regime ?? .pipl, reader: &reader).map {
                        (itemPath, $0)
                    }
                }
            } ?? []

        let maskPatterns =
            reader.optional(root, "maskPatterns", at: basePath) { reader, value, path in
                Self.readMaskPatterns(value, at: path, reader: &reader)
            } ?? []
        let declaredPatterns = Dictionary(maskPatterns.map { ($0.1.id, $0.1) }, uniquingKeysWith: { first, _ in first })
        let effectiveMinorAge = minorAge ?? (regime ?? .pipl).defaultMinorAge
        let views =
            reader.optional(root, "views", at: basePath) { reader, value, path in
                Self.readViews(
                    value, at: path, patterns: declaredPatterns, minorAge: effectiveMinorAge, reader: &reader)
            } ?? []

        let processing =
            reader.optional(root, "processing", at: basePath) { reader, value, path in
                Self.readProcessing(value, at: path, reader: &reader)
            } ?? ProcessingRecords()
        var validator = PolicyValidator(
            collector: reader, regime: regime ?? .pipl, regimes: regimes ?? [regime ?? .pipl])
        if let regimes { validator.regimes(regimes, at: basePath + "regimes") }
        let zone = validator.timeZone(zoneName ?? (regime ?? .pipl).defaultTimeZone, at: basePath + "timeZone")
        validator.validate(categories: categories, fields: fields, purposes: purposes)
        validator.validate(
            maskPatterns: maskPatterns, views: views, fields: fields.map(\.1), purposes: purposes.map(\.1),
            categories: categories.map(\.1), minorAge: effectiveMinorAge)
        validator.validate(processing: processing, at: basePath + "processing", purposes: purposes.map(\.1))
        try validator.collector.throwIfErrors()
        guard let regime, let zone else { throw ConsentKitError(reporting: validator.collector.diagnostics) }
        self.init(
            validated: regime, regimes: regimes ?? [regime], onlinePlatform: onlinePlatform ?? false,
            profiles: profiles, timeZone: zone,
            minorAge: minorAge ?? regime.defaultMinorAge,
            ageReachedOn: boundary ?? regime.defaultAgeReachedOn, categories: categories.map(\.1),
            fields: fields.map(\.1), purposes: purposes.map(\.1), maskPatterns: maskPatterns.map(\.1),
            views: views.map(\.1), processing: processing, warnings: validator.collector.diagnostics)
    }

    private static func readCategory(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader) -> DataCategory? {
        guard let object = reader.object(value, at: path, allowed: ["id", "sensitive", "writtenConsent"]) else {
            return nil
        }
        let id = reader.required(object, "id", at: path) { $0.identifier($1, at: $2) }
        let sensitive = reader.optional(object, "sensitive", at: path) { $0.bool($1, at: $2) }
        let written = reader.optional(object, "writtenConsent", at: path) { $0.bool($1, at: $2) }
        guard let id else { return nil }
        return DataCategory(CategoryID(id), sensitive: sensitive, writtenConsent: written)
    }

    private static func readField(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader) -> FieldDefinition? {
        guard let object = reader.object(value, at: path, allowed: ["id", "category", "type"]) else { return nil }
        let id = reader.required(object, "id", at: path) { $0.identifier($1, at: $2) }
        let category = reader.required(object, "category", at: path) { $0.identifier($1, at: $2) }
        let type = reader.required(object, "type", at: path) { $0.choice($1, at: $2, of: FieldType.self) }
        guard let id, let category, let type else { return nil }
        return FieldDefinition(FieldID(id), category: CategoryID(category), type: type)
    }

    private static func readPurpose(
        _ value: JSONValue, at path: JSONPath, defaultRegime: Regime, reader: inout JSONReader
    ) -> Purpose? {
        /// A map's entry for the default regime (its base's, else the first key's in order): the purpose's ``Purpose/basis``
        /// and ``CrossBorderTransfer/mechanism`` under the policy's own regime, the same on every read.
        func defaultEntry<T>(_ map: [String: T]) -> T? {
            map[defaultRegime.name] ?? map[defaultRegime.profile.base] ?? map.min { $0.key < $1.key }?.value
        }
        let keys =
            [
                "id", "basis", "fields", "categories", "marketing", "automatedDecision", "publicDisclosure",
                "surveillanceImages", "writtenConsent", "thirdParty", "crossBorder", "channels", "consentVersion",
                "sensitiveCondition", "title", "description",
            ] + PurposeFlags.named.map(\.name)
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let id = reader.required(object, "id", at: path) { $0.identifier($1, at: $2) }
        let basisRead = reader.required(object, "basis", at: path) { reader, value, path in
            Self.readRegimeMap(value, at: path, reader: &reader, of: LegalBasis.self)
        }
        let basis = basisRead.flatMap { $0.plain ?? defaultEntry($0.map) }
        let conditionRead = reader.optional(object, "sensitiveCondition", at: path) { reader, value, path in
            Self.readRegimeMap(value, at: path, reader: &reader, of: SensitiveCondition.self)
        }
        var flags = PurposeFlags()
        var declaredFalse = PurposeFlags()
        for (name, flag) in PurposeFlags.named {
            guard let value = reader.optional(object, name, at: path, { $0.bool($1, at: $2) }) else { continue }
            if value { flags.insert(flag) } else { declaredFalse.insert(flag) }
        }
        let fields = reader.optional(object, "fields", at: path) { $0.identifiers($1, at: $2, as: FieldID.self) }
        let categories = reader.optional(object, "categories", at: path) {
            $0.identifiers($1, at: $2, as: CategoryID.self)
        }
        func flag(_ key: String) -> Bool { reader.optional(object, key, at: path) { $0.bool($1, at: $2) } ?? false }
        let marketing = flag("marketing")
        let automated = flag("automatedDecision")
        let publicDisclosure = flag("publicDisclosure")
        let surveillance = flag("surveillanceImages")
        let written = flag("writtenConsent")
        let thirdParty = reader.optional(object, "thirdParty", at: path) { reader, value, path in
            reader.object(value, at: path, allowed: ["recipients"]).map { object in
                reader.optional(object, "recipients", at: path) { reader, value, path in
                    Self.readRecipients(value, at: path, reader: &reader)
                } ?? ThirdPartyProvision()
            }
        }
        let crossBorder = reader.optional(object, "crossBorder", at: path) {
            reader, value, path -> CrossBorderTransfer? in
            guard let object = reader.object(value, at: path, allowed: ["destinations", "mechanism"]) else {
                return nil
            }
            let destinations = reader.optional(object, "destinations", at: path) {
                $0.identifiers($1, at: $2, as: Destination.self)
            }
            let mechanism = reader.required(object, "mechanism", at: path) { reader, value, path in
                Self.readRegimeMap(value, at: path, reader: &reader, of: TransferMechanism.self)
            }
            guard let mechanism, let plain = mechanism.plain ?? defaultEntry(mechanism.map) else { return nil }
            return CrossBorderTransfer(
                destinations: destinations ?? [], mechanism: plain, mechanismByRegime: mechanism.map)
        }
        let channels = reader.optional(object, "channels", at: path) { $0.identifiers($1, at: $2, as: Channel.self) }
        let version = reader.optional(object, "consentVersion", at: path) {
            $0.integer($1, at: $2, in: 0...Int(Int32.max))
        }
        let title = reader.optional(object, "title", at: path) { reader, value, path in
            Self.readText(&reader, value, at: path)
        }
        let description = reader.optional(object, "description", at: path) { reader, value, path in
            Self.readText(&reader, value, at: path)
        }
        // A purpose whose id, basis or declared data could not be read is left out, so later checks never report
        // on a half-read declaration; problems elsewhere in it (a flag, a mechanism) leave the rest checkable.
        let declarationRead =
            (object["fields"] == nil || fields != nil) && (object["categories"] == nil || categories != nil)
        guard let id, let basis, declarationRead else { return nil }
        return Purpose(
            PurposeID(id), basis: basis, fields: fields ?? [], categories: categories ?? [], marketing: marketing,
            automatedDecision: automated, publicDisclosure: publicDisclosure, surveillanceImages: surveillance,
            writtenConsent: written, thirdParty: thirdParty, crossBorder: crossBorder, channels: channels ?? [],
            consentVersion: version ?? 0, basisByRegime: basisRead?.map ?? [:],
            sensitiveCondition: conditionRead?.plain, sensitiveConditionByRegime: conditionRead?.map ?? [:],
            flags: flags, flagsDeclaredFalse: declaredFalse, title: title, description: description)
    }

    /// A purpose's `title` or `description`: a string (language undetermined) or an object from language tag to
    /// string. Tags and texts are checked by validation.
    private static func readText(_ reader: inout JSONReader, _ value: JSONValue, at path: JSONPath) -> LocalizedText? {
        if case .object(let object) = value {
            var texts: [String: String] = [:]
            let before = reader.diagnostics.count
            for (key, item) in object.members {
                if let text = reader.string(item, at: path + key) { texts[key] = text }
            }
            return reader.diagnostics.count == before ? LocalizedText(texts) : nil
        }
        return reader.string(value, at: path).map { LocalizedText(["und": $0]) }
    }

    /// A value given as a string for every regime, or as a map from regime id to value.
    private struct RegimeMap<T> {
        var plain: T?
        var map: [String: T] = [:]
    }

    /// Reads a string, or an object keyed by regime id whose values are strings; keys are checked against the
    /// policy's regimes by validation.
    private static func readRegimeMap<T: RawRepresentable & CaseIterable>(
        _ value: JSONValue, at path: JSONPath, reader: inout JSONReader, of type: T.Type
    ) -> RegimeMap<T>? where T.RawValue == String {
        if case .object(let object) = value {
            if object.members.isEmpty {
                reader.fail(.invalidValue, "a map by regime must not be empty", at: path)
                return nil
            }
            var map: [String: T] = [:]
            let before = reader.diagnostics.count
            for (key, item) in object.members {
                if let choice = reader.choice(item, at: path + key, of: type) { map[key] = choice }
            }
            return reader.diagnostics.count == before ? RegimeMap(map: map) : nil
        }
        return reader.choice(value, at: path, of: type).map { RegimeMap(plain: $0) }
    }

    /// `recipients`: plain ids (third parties) or `{"id", "role"}` objects, none twice.
    private static func readRecipients(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader)
        -> ThirdPartyProvision?
    {
        var seen: Set<String> = []
        var roles: [RecipientID: RecipientRole] = [:]
        let before = reader.diagnostics.count
        let list = reader.array(value, at: path) { reader, item, itemPath -> RecipientID? in
            let id: String?
            if case .object = item {
                guard let object = reader.object(item, at: itemPath, allowed: ["id", "role"]) else { return nil }
                id = reader.required(object, "id", at: itemPath) { $0.identifier($1, at: $2) }
                let role = reader.required(object, "role", at: itemPath) {
                    $0.choice($1, at: $2, of: RecipientRole.self)
                }
                if let id, let role, role != .thirdParty { roles[RecipientID(id)] = role }
            } else {
                id = reader.identifier(item, at: itemPath)
            }
            guard let id else { return nil }
            if !seen.insert(id).inserted { reader.fail(.duplicateIdentifier, "`\(id)` is listed twice", at: itemPath) }
            return RecipientID(id)
        }
        guard let list, reader.diagnostics.count == before else { return nil }
        return ThirdPartyProvision(recipients: list, roles: roles)
    }

    // MARK: Writing

    /// The policy as a `consentkit.policy/1` document, indented, that reads back to an equal policy.
    public func jsonData() -> Data {
        Data((jsonValue.serialized(pretty: true) + "\n").utf8)
    }

    package var jsonValue: JSONValue {
        func ids<ID: ConsentIdentifier>(_ list: [ID]) -> JSONValue { .array(list.map { .string($0.rawValue) }) }
        var root: JSONObject = [
            "format": .string(Policy.format), "regime": .string(regime.name), "timeZone": .string(timeZoneID),
            "minorAge": .number(String(minorAge)), "ageReachedOn": .string(ageReachedOn.rawValue),
        ]
        if regimes != [regime] { root.members.append(("regimes", .array(regimes.map { .string($0.name) }))) }
        if onlinePlatform { root.members.append(("onlinePlatform", .bool(true))) }
        let overlays = profiles.compactMap(\.overlay)
        if !overlays.isEmpty { root.members.append(("profiles", .array(overlays.map(\.jsonValue)))) }
        func regimeMap<T: RawRepresentable>(_ plain: T?, _ map: [String: T]) -> JSONValue? where T.RawValue == String {
            if !map.isEmpty {
                return .object(
                    JSONObject(
                        map.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value.rawValue)) }
                    ))
            }
            return plain.map { .string($0.rawValue) }
        }
        if !categories.isEmpty {
            root.members.append(
                (
                    "categories",
                    .array(
                        categories.map { category in
                            var object: JSONObject = ["id": .string(category.id.rawValue)]
                            if let sensitive = category.sensitive {
                                object.members.append(("sensitive", .bool(sensitive)))
                            }
                            if let written = category.writtenConsent {
                                object.members.append(("writtenConsent", .bool(written)))
                            }
                            return .object(object)
                        })
                ))
        }
        root.members.append(
            (
                "fields",
                .array(
                    fields.map { field in
                        .object([
                            "id": .string(field.id.rawValue), "category": .string(field.category.rawValue),
                            "type": .string(field.type.rawValue),
                        ])
                    })
            ))
        root.members.append(
            (
                "purposes",
                .array(
                    purposes.map { purpose in
                        var object: JSONObject = [
                            "id": .string(purpose.id.rawValue),
                            "basis": regimeMap(purpose.basis, purpose.basisByRegime)!,
                        ]
                        if let condition = regimeMap(purpose.sensitiveCondition, purpose.sensitiveConditionByRegime) {
                            object.members.append(("sensitiveCondition", condition))
                        }
                        if !purpose.fields.isEmpty { object.members.append(("fields", ids(purpose.fields))) }
                        if !purpose.categories.isEmpty {
                            object.members.append(("categories", ids(purpose.categories)))
                        }
                        for (key, flag) in [
                            ("marketing", purpose.marketing), ("automatedDecision", purpose.automatedDecision),
                            ("publicDisclosure", purpose.publicDisclosure),
                            ("surveillanceImages", purpose.surveillanceImages),
                            ("writtenConsent", purpose.writtenConsent),
                        ] where flag {
                            object.members.append((key, .bool(true)))
                        }
                        for (name, flag) in PurposeFlags.named where purpose.flags.contains(flag) {
                            object.members.append((name, .bool(true)))
                        }
                        for (name, flag) in PurposeFlags.named where purpose.flagsDeclaredFalse.contains(flag) {
                            object.members.append((name, .bool(false)))
                        }
                        if let thirdParty = purpose.thirdParty {
                            let recipients: [JSONValue] = thirdParty.recipients.map { id in
                                guard let role = thirdParty.roles[id] else { return .string(id.rawValue) }
                                return .object(["id": .string(id.rawValue), "role": .string(role.rawValue)])
                            }
                            object.members.append(("thirdParty", .object(["recipients": .array(recipients)])))
                        }
                        if let crossBorder = purpose.crossBorder {
                            object.members.append(
                                (
                                    "crossBorder",
                                    .object([
                                        "destinations": ids(crossBorder.destinations),
                                        "mechanism": regimeMap(crossBorder.mechanism, crossBorder.mechanismByRegime)!,
                                    ])
                                ))
                        }
                        if !purpose.channels.isEmpty { object.members.append(("channels", ids(purpose.channels))) }
                        if purpose.consentVersion != 0 {
                            object.members.append(("consentVersion", .number(String(purpose.consentVersion))))
                        }
                        for (key, text) in [("title", purpose.title), ("description", purpose.description)] {
                            guard let text else { continue }
                            object.members.append(
                                (
                                    key,
                                    .object(
                                        JSONObject(text.languages.map { ($0, JSONValue.string(text.texts[$0] ?? "")) }))
                                ))
                        }
                        return .object(object)
                    })
            ))
        if !maskPatterns.isEmpty { root.members.append(("maskPatterns", maskPatternsJSON)) }
        if !views.isEmpty { root.members.append(("views", viewsJSON)) }
        if !processing.isEmpty { root.members.append(("processing", processingJSON)) }
        return .object(root)
    }
}
