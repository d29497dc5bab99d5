/// The categories a policy knows — built-in and its own — resolved with inheritance, answering for any dotted id
/// whether it is known, sensitive (and of which kind) and whether it requires written consent.
package struct CategoryCatalog: Sendable {
    package struct Entry: Sendable, Hashable {
        package var sensitive: Bool
        package var writtenConsent: Bool
        package var builtIn: Bool
    }

    /// What a category id resolves to.
    package struct Resolution: Sendable, Hashable {
        package var sensitivity: Sensitivity
        package var writtenConsent: Bool
    }

    package private(set) var entries: [CategoryID: Entry] = [:]
    /// The ids the policy itself marks sensitive: sensitive in every regime, not only PIPL.
    package private(set) var declaredSensitive: Set<CategoryID> = []

    package static let builtIn = CategoryCatalog(regimes: [.pipl], declared: [])

    /// The built-in categories of a policy written for `regimes`: the union of theirs.
    package static func builtIns(of regimes: [Regime]) -> [DataCategory] {
        var seen: Set<CategoryID> = []
        return regimes.flatMap(\.categories).filter { seen.insert($0.id).inserted }
    }

    /// Merges the policy's declarations over the regimes' built-ins; a declaration of a built-in id overrides the
    /// flags it sets (validation has already refused un-marking a sensitive category).
    package init(regimes: [Regime], declared: [DataCategory]) {
        for category in Self.builtIns(of: regimes) {
            entries[category.id] = Entry(
                sensitive: category.sensitive ?? false, writtenConsent: category.writtenConsent ?? false,
                builtIn: true)
        }
        for category in declared {
            var entry = entries[category.id] ?? Entry(sensitive: false, writtenConsent: false, builtIn: false)
            if let sensitive = category.sensitive { entry.sensitive = entry.sensitive || sensitive }
            if category.sensitive == true { declaredSensitive.insert(category.id) }
            if let written = category.writtenConsent { entry.writtenConsent = written }
            entries[category.id] = entry
        }
    }

    /// Whether the id is declared or a dotted descendant of a declared category.
    package func isKnown(_ id: CategoryID) -> Bool {
        id.isWellFormed && id.lineage.contains { entries[$0] != nil }
    }

    /// The id's resolution, or `nil` when it is not known.
    package func resolve(_ id: CategoryID) -> Resolution? {
        guard isKnown(id) else { return nil }
        var sensitivity = Sensitivity.notSensitive
        var written = false
        for ancestor in id.lineage {
            guard let entry = entries[ancestor] else { continue }
            if entry.sensitive, !sensitivity.isSensitive {
                let kind = entry.builtIn ? DataCategory.piplSensitiveKind(ofRoot: ancestor) : nil
                sensitivity = .sensitive(kind ?? .declaredByPolicy)
            }
            written = written || entry.writtenConsent
        }
        return Resolution(sensitivity: sensitivity, writtenConsent: written)
    }

    /// Whether the policy marks the id, or a category it descends from, sensitive.
    package func isDeclaredSensitive(_ id: CategoryID) -> Bool {
        !declaredSensitive.isEmpty && id.lineage.contains { declaredSensitive.contains($0) }
    }

    /// The id's sensitivity; an unknown id is reported not sensitive (validation rejects unknown ids first).
    package func sensitivity(of id: CategoryID) -> Sensitivity {
        resolve(id)?.sensitivity ?? .notSensitive
    }

    /// The nearest strict ancestor (or built-in of the same id) that is sensitive, for the un-marking check.
    package func sensitiveSource(forUnmarking id: CategoryID, regimes: [Regime]) -> CategoryID? {
        if Self.builtIns(of: regimes).contains(where: { $0.id == id && $0.sensitive == true }) { return id }
        return id.lineage.dropLast().last { entries[$0]?.sensitive == true }
    }
}
