internal import Foundation

extension PolicyValidator {
    /// Checks the policy's mask patterns and views against its fields, categories and purposes: every problem at its
    /// path, and lints for overlapping rules and masks that show more than the view allows.
    package mutating func validate(
        maskPatterns: [(JSONPath, MaskPattern)], views: [(JSONPath, PrivacyView)], fields: [FieldDefinition],
        purposes: [Purpose], categories: [DataCategory], minorAge: Int
    ) {
        checkUnique(maskPatterns.map { ($0.0 + "id", $0.1.id) }, what: "mask pattern")
        for (path, pattern) in maskPatterns {
            if MaskPattern.builtIn[pattern.id] != nil {
                collector.fail(
                    .duplicateIdentifier, "`\(pattern.id)` is a built-in mask pattern: give yours an id of its own",
                    at: path + "id")
            }
            validate(pattern, at: path)
        }
        checkUnique(views.map { ($0.0 + "id", $0.1.id) }, what: "view")
        let catalog = CategoryCatalog(regimes: regimes, declared: categories)
        let fieldsByID = Dictionary(fields.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let purposesByID = Dictionary(purposes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (path, view) in views {
            validate(
                view, at: path, fields: fields, fieldsByID: fieldsByID, purposes: purposesByID, catalog: catalog,
                minorAge: minorAge)
        }
    }

    private mutating func validate(_ pattern: MaskPattern, at path: JSONPath) {
        if let problem = IdentifierRule.problem(with: pattern.id) {
            collector.fail(.invalidValue, "not a valid identifier: \(problem)", at: path + "id")
        }
        for (key, value) in [
            ("keepFirst", pattern.keepFirst), ("keepLast", pattern.keepLast), ("minimumHidden", pattern.minimumHidden),
        ] where !(0...64).contains(value) {
            collector.fail(.invalidValue, "`\(key)` must be between 0 and 64; got \(value)", at: path + key)
        }
        if let width = pattern.fixedWidth, !(1...64).contains(width) {
            collector.fail(
                .invalidValue, "`fixedWidth` must be between 1 and 64; got \(width)", at: path + "fixedWidth")
        }
        // One visible scalar: punctuation or a symbol. A letter or digit reads as data; a space, control, format
        // (joiner, direction override) or combining character hides or reorders the mask on screen.
        let fillScalars = pattern.fill.unicodeScalars
        let visible: Bool = {
            guard fillScalars.count == 1, let scalar = fillScalars.first else { return false }
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                return true
            default: return false
            }
        }()
        if !visible {
            collector.fail(
                .invalidValue,
                "the fill character must be one visible punctuation mark or symbol (`*`, `•`, `×`), not a letter, "
                    + "digit, space, control, format or combining character", at: path + "fill")
        }
        if pattern.style == .email && pattern.keepLast > 0 {
            collector.fail(
                .invalidValue, "an `email` pattern shows the domain: `keepLast` must be 0", at: path + "keepLast")
        }
    }

    // The checks of one view, in the order a reader of the file meets them.
    // swiftlint:disable:next function_body_length
    private mutating func validate(
        _ view: PrivacyView, at path: JSONPath, fields: [FieldDefinition], fieldsByID: [FieldID: FieldDefinition],
        purposes: [PurposeID: Purpose], catalog: CategoryCatalog, minorAge: Int
    ) {
        if let problem = IdentifierRule.problem(with: view.id) {
            collector.fail(.invalidValue, "not a valid identifier: \(problem)", at: path + "id")
        }
        guard let purpose = purposes[view.purpose] else {
            collector.fail(.unknownIdentifier, "unknown purpose `\(view.purpose)`", at: path + "purpose")
            return
        }
        // The question's optional parts must be ones the purpose declares, or every field would be denied.
        if let recipient = view.recipient, !(purpose.thirdParty?.recipients.contains(recipient) ?? false) {
            collector.fail(
                .unknownIdentifier, "purpose `\(purpose.id)` does not provide data to `\(recipient)`",
                at: path + "recipient")
        }
        if view.kind == .disclosure {
            if purpose.thirdParty == nil {
                collector.fail(
                    .invalidValue,
                    "a disclosure view serves a purpose that provides data to others; `\(purpose.id)` has no "
                        + "`thirdParty`", at: path + "purpose")
            } else if view.recipient == nil {
                collector.fail(
                    .missingKey, "a disclosure view names its `recipient`: pseudonyms are kept apart per recipient",
                    at: path)
            }
        }
        if let destination = view.destination, !(purpose.crossBorder?.destinations.contains(destination) ?? false) {
            collector.fail(
                .unknownIdentifier, "purpose `\(purpose.id)` declares no destination `\(destination)`",
                at: path + "destination")
        }
        if let channel = view.channel, !Channel.knownChannels.contains(channel) {
            collector.fail(.invalidValue, "`\(channel)` is not a known channel", at: path + "channel")
        }
        if view.kind == .personalData {
            let text = view.justification?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if text.isEmpty {
                collector.fail(
                    .missingKey,
                    "a personal-data view records why privileged readers need clear values: give a `justification` "
                        + "(GB/T 35273 §7.1)", at: path + "justification")
            }
        }
        if let text = view.justification,
            text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" })
        {
            collector.fail(.invalidValue, "the justification holds a control character", at: path + "justification")
        }
        if view.kind == .optOut && !purpose.marketing && purpose.thirdParty == nil && !purpose.automatedDecision {
            collector.warn(
                .lint,
                "opt-out view `\(view.id)` serves `\(purpose.id)`, which is not direct marketing, a disclosure or an "
                    + "automated decision: no opt-out applies to it, so only denials drop records", at: path + "purpose"
            )
        }
        if !(1...64).contains(view.maximumVisible) {
            collector.fail(
                .invalidValue, "`maximumVisible` must be between 1 and 64; got \(view.maximumVisible)",
                at: path + "maximumVisible")
        }
        validateRules(view, at: path, fieldsByID: fieldsByID, catalog: catalog, minorAge: minorAge)
        validateAnonymity(view, at: path, fieldsByID: fieldsByID)

        // What each field resolves to: overlaps are linted, and the de-identifying kinds' promises checked.
        for field in fields {
            let matching = view.rules.enumerated().filter { $0.element.applies(to: field) }
            let resolved = view.transform(for: field)
            if Set(matching.map(\.element.transform)).count > 1 {
                let where_ = matching.map { "rules[\($0.offset)] (\($0.element.transform.name))" }
                collector.warn(
                    .lint,
                    "rules overlap on field `\(field.id)`: \(where_.joined(separator: ", ")); the most restrictive, "
                        + "\(resolved.name), applies", at: path + "rules" + matching[0].offset)
            }
            if let rule = matching.first, !rule.element.transform.applies(to: field.type) {
                if case .category = rule.element.target {
                    collector.warn(
                        .lint,
                        "`\(rule.element.transform.name)` cannot apply to `\(field.id)` (\(field.type.rawValue)): "
                            + "the field is withheld", at: path + "rules" + rule.offset)
                }
            }
            let sensitive = catalog.sensitivity(of: field.category).isSensitive
            let direct = PrivacyView.directIdentifierCategories.contains { $0.covers(field.category) }
            let rulePath = matching.first.map { path + "rules" + $0.offset } ?? path
            if view.kind.deidentifies, sensitive, resolved == .clear {
                collector.fail(
                    .invalidValue,
                    "\(view.kind.rawValue) view `\(view.id)` would show sensitive field `\(field.id)` in clear; a "
                        + "de-identified output never does (PIPL Art. 73)", at: rulePath)
            }
            if view.kind == .anonymised, direct, resolved == .clear || resolved.restriction == 1 {
                collector.fail(
                    .invalidValue,
                    "anonymised view `\(view.id)` would show direct identifier `\(field.id)` "
                        + "\(resolved == .clear ? "in clear" : "masked"); generalise or withhold it", at: rulePath)
            }
            if view.kind == .anonymised, resolved != .withhold, !view.quasiIdentifiers.contains(field.id) {
                collector.warn(
                    .lint,
                    "anonymised view `\(view.id)` shows `\(field.id)` but does not list it among its "
                        + "`quasiIdentifiers`: k-anonymity does not cover it, so a rare value can single a record out",
                    at: rulePath)
            }
            if case .mask(let pattern) = resolved, pattern.maximumVisible > view.maximumVisible {
                collector.warn(
                    .lint,
                    "mask `\(pattern.id)` on `\(field.id)` can show \(pattern.maximumVisible) characters, more than "
                        + "the view's `maximumVisible` \(view.maximumVisible)", at: rulePath)
            }
        }
    }

    private mutating func validateRules(
        _ view: PrivacyView, at path: JSONPath, fieldsByID: [FieldID: FieldDefinition], catalog: CategoryCatalog,
        minorAge: Int
    ) {
        for (offset, rule) in view.rules.enumerated() {
            let rulePath = path + "rules" + offset
            switch rule.target {
            case .field(let id):
                guard let field = fieldsByID[id] else {
                    collector.fail(.unknownIdentifier, "unknown field `\(id)`", at: rulePath + "field")
                    continue
                }
                if !rule.transform.applies(to: field.type) {
                    collector.fail(
                        .invalidValue,
                        "`\(rule.transform.name)` cannot apply to `\(id)`, which holds `\(field.type.rawValue)` values",
                        at: rulePath)
                }
            case .category(let category):
                if !catalog.isKnown(category) {
                    collector.fail(.unknownIdentifier, Self.unknownCategory(category), at: rulePath + "category")
                }
            }
            switch rule.transform {
            case .generalise(.ageBand(let bounds)):
                if bounds.isEmpty || bounds != bounds.sorted() || Set(bounds).count != bounds.count
                    || bounds.contains(where: { !(1...150).contains($0) })
                {
                    collector.fail(
                        .invalidValue, "age band bounds are distinct ages from 1 to 150, ascending",
                        at: rulePath + "bounds")
                } else if !bounds.contains(minorAge) {
                    collector.fail(
                        .invalidValue,
                        "age bands must start a band at the minor age \(minorAge), so that no band mixes minors with "
                            + "adults", at: rulePath + "bounds")
                }
            case .generalise(.prefix(let keep)) where !(1...64).contains(keep):
                collector.fail(.invalidValue, "`keep` must be between 1 and 64; got \(keep)", at: rulePath + "keep")
            case .generalise(.range(let width)) where width < 1:
                collector.fail(.invalidValue, "`width` must be at least 1; got \(width)", at: rulePath + "width")
            case .pseudonymise where view.kind == .anonymised:
                collector.fail(
                    .invalidValue,
                    "an anonymised view cannot hold pseudonyms: pseudonymised data is de-identified, not anonymised "
                        + "(PIPL Art. 73); use a disclosure view", at: rulePath)
            case .mask(let pattern) where view.kind == .anonymised && pattern.shortValue == .pseudonymise:
                collector.fail(
                    .invalidValue,
                    "mask `\(pattern.id)` falls back to pseudonyms, which an anonymised view cannot hold "
                        + "(PIPL Art. 73)", at: rulePath)
            case .generalise(.range(1)) where view.kind.deidentifies:
                collector.fail(
                    .invalidValue,
                    "a range of width 1 shows the number itself: a de-identifying view needs a wider one",
                    at: rulePath + "width")
            default: break
            }
        }
    }

    private mutating func validateAnonymity(
        _ view: PrivacyView, at path: JSONPath, fieldsByID: [FieldID: FieldDefinition]
    ) {
        guard view.kind == .anonymised else {
            if !view.quasiIdentifiers.isEmpty || view.k != 0 {
                collector.fail(
                    .invalidValue, "only anonymised views check k-anonymity over quasi-identifiers",
                    at: path + (view.quasiIdentifiers.isEmpty ? "k" : "quasiIdentifiers"))
            }
            return
        }
        if view.quasiIdentifiers.isEmpty {
            collector.fail(
                .missingKey, "an anonymised view declares its `quasiIdentifiers` (the fields k-anonymity is over)",
                at: path)
        }
        for (offset, id) in view.quasiIdentifiers.enumerated() where fieldsByID[id] == nil {
            collector.fail(.unknownIdentifier, "unknown field `\(id)`", at: path + "quasiIdentifiers" + offset)
        }
        checkUnique(
            view.quasiIdentifiers.enumerated().map { (path + "quasiIdentifiers" + $0, $1.rawValue) }, what: "field")
        if !(2...1_000_000).contains(view.k) {
            collector.fail(
                .invalidValue, "an anonymised view's `k` is between 2 and 1000000; got \(view.k)", at: path + "k")
        }
    }
}
