package import Foundation

/// The semantic checks of a policy, shared by policies built in Swift and those read from JSON, reporting every
/// problem at the JSON path it has (or would have) in a policy file.
package struct PolicyValidator {
    package var collector: DiagnosticCollector
    package let regime: Regime

    package init(collector: DiagnosticCollector, regime: Regime) {
        self.collector = collector
        self.regime = regime
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

        let catalog = CategoryCatalog(regime: regime, declared: categories.map(\.1))
        for (path, category) in categories {
            if !category.id.isWellFormed {
                collector.fail(.invalidValue, "`\(category.id)` is not a dotted category id", at: path + "id")
            } else if category.sensitive == false,
                let source = catalog.sensitiveSource(forUnmarking: category.id, regime: regime)
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
        if purpose.consentVersion < 0 {
            collector.fail(.invalidValue, "`consentVersion` must not be negative", at: path + "consentVersion")
        }
        if purpose.marketing && purpose.basis == .contract {
            collector.warn(
                .lint,
                "marketing purpose `\(purpose.id)` claims `contract`: marketing is not necessary to perform a "
                    + "contract, and a service may not be refused for lack of consent to it (PIPL Art. 16)",
                at: path + "basis")
        }
    }

    private mutating func checkUnique(_ ids: [(JSONPath, String)], what: String) {
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
