package import ConsentCore

/// Reading and writing the policy file's `maskPatterns` and `views` (Formats.md, "Privacy views").
extension Policy {
    /// `maskPatterns`: the policy's own patterns.
    package static func readMaskPatterns(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader)
        -> [(JSONPath, MaskPattern)]?
    {
        reader.array(value, at: path) { reader, item, itemPath -> (JSONPath, MaskPattern)? in
            let keys = ["id", "style", "keepFirst", "keepLast", "minimumHidden", "fill", "fixedWidth", "shortValue"]
            guard let object = reader.object(item, at: itemPath, allowed: keys) else { return nil }
            let id = reader.required(object, "id", at: itemPath) { $0.identifier($1, at: $2) }
            let style = reader.optional(object, "style", at: itemPath) {
                $0.choice($1, at: $2, of: MaskPattern.Style.self)
            }
            func count(_ key: String) -> Int? {
                reader.optional(object, key, at: itemPath) { $0.integer($1, at: $2, in: 0...64) }
            }
            let keepFirst = count("keepFirst")
            let keepLast = count("keepLast")
            let minimumHidden = count("minimumHidden")
            let fixedWidth = reader.optional(object, "fixedWidth", at: itemPath) { $0.integer($1, at: $2, in: 1...64) }
            let fill = reader.optional(object, "fill", at: itemPath) { reader, value, path -> Character? in
                guard let text = reader.string(value, at: path) else { return nil }
                guard text.count == 1, let character = text.first else {
                    reader.fail(.invalidValue, "the fill is one character", at: path)
                    return nil
                }
                return character
            }
            let shortValue = reader.optional(object, "shortValue", at: itemPath) {
                $0.choice($1, at: $2, of: MaskPattern.ShortValue.self)
            }
            guard let id else { return nil }
            return (
                itemPath,
                MaskPattern(
                    id: id, style: style ?? .text, keepFirst: keepFirst ?? 0, keepLast: keepLast ?? 0,
                    minimumHidden: minimumHidden ?? 1, fill: fill ?? "*", fixedWidth: fixedWidth,
                    shortValue: shortValue ?? .redact)
            )
        }
    }

    /// `views`, with mask patterns named from the built-ins and `patterns`.
    package static func readViews(
        _ value: JSONValue, at path: JSONPath, patterns: [String: MaskPattern], minorAge: Int,
        reader: inout JSONReader
    ) -> [(JSONPath, PrivacyView)]? {
        reader.array(value, at: path) { reader, item, itemPath -> (JSONPath, PrivacyView)? in
            let keys = [
                "id", "kind", "purpose", "recipient", "destination", "channel", "rules", "withheldFields",
                "justification", "quasiIdentifiers", "k", "shortfall", "maximumVisible",
            ]
            guard let object = reader.object(item, at: itemPath, allowed: keys) else { return nil }
            let id = reader.required(object, "id", at: itemPath) { $0.identifier($1, at: $2) }
            let kind = reader.required(object, "kind", at: itemPath) {
                $0.choice($1, at: $2, of: PrivacyView.Kind.self)
            }
            let purpose = reader.required(object, "purpose", at: itemPath) { $0.identifier($1, at: $2) }
            let recipient = reader.optional(object, "recipient", at: itemPath) { $0.identifier($1, at: $2) }
            let destination = reader.optional(object, "destination", at: itemPath) { $0.identifier($1, at: $2) }
            let channel = reader.optional(object, "channel", at: itemPath) { $0.identifier($1, at: $2) }
            let before = reader.diagnostics.count
            let rules =
                reader.optional(object, "rules", at: itemPath) { reader, value, path in
                    reader.array(value, at: path) { reader, item, rulePath in
                        readRule(item, at: rulePath, patterns: patterns, minorAge: minorAge, reader: &reader)
                    }
                } ?? []
            let rulesRead = reader.diagnostics.count == before
            let withheld = reader.optional(object, "withheldFields", at: itemPath) {
                $0.choice($1, at: $2, of: PrivacyView.WithheldFields.self)
            }
            let justification = reader.optional(object, "justification", at: itemPath) { $0.string($1, at: $2) }
            let quasi = reader.optional(object, "quasiIdentifiers", at: itemPath) {
                $0.identifiers($1, at: $2, as: FieldID.self)
            }
            let k = reader.optional(object, "k", at: itemPath) { $0.integer($1, at: $2, in: 0...1_000_000) }
            let shortfall = reader.optional(object, "shortfall", at: itemPath) {
                $0.choice($1, at: $2, of: PrivacyView.Shortfall.self)
            }
            let visible = reader.optional(object, "maximumVisible", at: itemPath) {
                $0.integer($1, at: $2, in: 1...64)
            }
            // A view whose rules could not all be read is left out: a missing rule would show a field by default.
            guard let id, let kind, let purpose, rulesRead else { return nil }
            return (
                itemPath,
                PrivacyView(
                    id: id, kind: kind, purpose: PurposeID(purpose), recipient: recipient.map(RecipientID.init),
                    destination: destination.map(Destination.init), channel: channel.map(Channel.init),
                    rules: rules, withheldFields: withheld ?? .withheld, justification: justification,
                    quasiIdentifiers: quasi ?? [], k: k ?? 0, shortfall: shortfall ?? .suppress,
                    maximumVisible: visible ?? 8)
            )
        }
    }

    /// The ages age bands start at when a rule names none: the minor age, 18, then 30, 45 and 60.
    package static func defaultAgeBounds(minorAge: Int) -> [Int] {
        Set([minorAge, 18, 30, 45, 60]).sorted()
    }

    private static func readRule(
        _ value: JSONValue, at path: JSONPath, patterns: [String: MaskPattern], minorAge: Int,
        reader: inout JSONReader
    ) -> ViewRule? {
        let keys = ["field", "category", "transform", "pattern", "bounds", "keep", "width"]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let field = reader.optional(object, "field", at: path) { $0.identifier($1, at: $2) }
        let category = reader.optional(object, "category", at: path) { $0.identifier($1, at: $2) }
        if (field == nil) == (category == nil) && object["field"] == nil && object["category"] == nil
            || (object["field"] != nil && object["category"] != nil)
        {
            reader.fail(.invalidValue, "a rule names exactly one of `field` and `category`", at: path)
            return nil
        }
        let names = ["clear", "mask", "ageBand", "prefix", "range", "pseudonymise", "withhold"]
        let name = reader.required(object, "transform", at: path) { reader, value, path -> String? in
            guard let text = reader.string(value, at: path) else { return nil }
            guard names.contains(text) else {
                reader.fail(
                    .invalidValue,
                    "`\(text.escapingControlCharacters)` is not one of \(names.map { "`\($0)`" }.joined(separator: ", "))",
                    at: path)
                return nil
            }
            return text
        }
        // Parameters belong to one transform each: `keep` on a mask is a typo, not a setting.
        let parameters = ["pattern": "mask", "bounds": "ageBand", "keep": "prefix", "width": "range"]
        for (key, owner) in parameters where object[key] != nil && name != nil && name != owner {
            reader.fail(.unknownKey, "`\(key)` belongs to the `\(owner)` transform", at: path + key)
        }
        let transform: FieldTransform?
        switch name {
        case "clear": transform = .clear
        case "withhold": transform = .withhold
        case "pseudonymise": transform = .pseudonymise
        case "mask":
            transform = reader.required(object, "pattern", at: path) { reader, value, path -> FieldTransform? in
                guard let id = reader.string(value, at: path) else { return nil }
                guard let pattern = patterns[id] ?? MaskPattern.builtIn[id] else {
                    let known = Set(MaskPattern.builtIn.keys).union(patterns.keys).sorted().map { "`\($0)`" }
                    reader.fail(
                        .unknownIdentifier,
                        "unknown mask pattern `\(id.escapingControlCharacters)`; known: \(known.joined(separator: ", "))",
                        at: path)
                    return nil
                }
                return .mask(pattern)
            }
        case "ageBand":
            let bounds = reader.optional(object, "bounds", at: path) { reader, value, path in
                reader.array(value, at: path, nonEmpty: true) { $0.integer($1, at: $2, in: 1...150) }
            }
            transform = .generalise(.ageBand(bounds: bounds ?? defaultAgeBounds(minorAge: minorAge)))
        case "prefix":
            transform = reader.required(object, "keep", at: path) { $0.integer($1, at: $2, in: 1...64) }.map {
                .generalise(.prefix(keep: $0))
            }
        case "range":
            transform = reader.required(object, "width", at: path) { $0.integer($1, at: $2, in: 1...Int(Int32.max)) }
                .map { .generalise(.range(width: $0)) }
        default: transform = nil
        }
        guard let transform else { return nil }
        if let field { return ViewRule(field: FieldID(field), transform) }
        if let category { return ViewRule(category: CategoryID(category), transform) }
        return nil
    }

    /// `maskPatterns` as written.
    package var maskPatternsJSON: JSONValue {
        .array(
            maskPatterns.map { pattern in
                var object: JSONObject = [
                    "id": .string(pattern.id), "style": .string(pattern.style.rawValue),
                    "keepFirst": .number(String(pattern.keepFirst)), "keepLast": .number(String(pattern.keepLast)),
                    "minimumHidden": .number(String(pattern.minimumHidden)), "fill": .string(String(pattern.fill)),
                ]
                if let width = pattern.fixedWidth { object.members.append(("fixedWidth", .number(String(width)))) }
                object.members.append(("shortValue", .string(pattern.shortValue.rawValue)))
                return .object(object)
            })
    }

    /// `views` as written.
    package var viewsJSON: JSONValue {
        .array(
            views.map { view in
                var object: JSONObject = [
                    "id": .string(view.id), "kind": .string(view.kind.rawValue),
                    "purpose": .string(view.purpose.rawValue),
                ]
                if let recipient = view.recipient { object.members.append(("recipient", .string(recipient.rawValue))) }
                if let destination = view.destination {
                    object.members.append(("destination", .string(destination.rawValue)))
                }
                if let channel = view.channel { object.members.append(("channel", .string(channel.rawValue))) }
                if view.withheldFields != .withheld {
                    object.members.append(("withheldFields", .string(view.withheldFields.rawValue)))
                }
                if let justification = view.justification {
                    object.members.append(("justification", .string(justification)))
                }
                if !view.quasiIdentifiers.isEmpty {
                    object.members.append(
                        ("quasiIdentifiers", .array(view.quasiIdentifiers.map { .string($0.rawValue) })))
                }
                if view.k != 0 { object.members.append(("k", .number(String(view.k)))) }
                if view.shortfall != .suppress {
                    object.members.append(("shortfall", .string(view.shortfall.rawValue)))
                }
                if view.maximumVisible != 8 {
                    object.members.append(("maximumVisible", .number(String(view.maximumVisible))))
                }
                object.members.append(("rules", .array(view.rules.map(Self.ruleJSON))))
                return .object(object)
            })
    }

    private static func ruleJSON(_ rule: ViewRule) -> JSONValue {
        var object = JSONObject()
        switch rule.target {
        case .field(let id): object.members.append(("field", .string(id.rawValue)))
        case .category(let id): object.members.append(("category", .string(id.rawValue)))
        }
        object.members.append(("transform", .string(rule.transform.name)))
        switch rule.transform {
        case .mask(let pattern): object.members.append(("pattern", .string(pattern.id)))
        case .generalise(.ageBand(let bounds)):
            object.members.append(("bounds", .array(bounds.map { .number(String($0)) })))
        case .generalise(.prefix(let keep)): object.members.append(("keep", .number(String(keep))))
        case .generalise(.range(let width)): object.members.append(("width", .number(String(width))))
        default: break
        }
        return .object(object)
    }
}
