extension ConsentLedger {
    /// Warnings about an event the ledger accepts but that probably does not say what was meant: a grant naming a
    /// field or category none of its purposes declares, which no decision can ever rest on (PIPL Art. 6: a purpose
    /// uses only what it declares). `consent check` prints them for a ledger file.
    public func lints(for event: ConsentEvent) -> [Diagnostic] {
        guard case .grant(let grant) = event else { return [] }
        let purposes = grant.purposes.compactMap { policy.purpose($0) }
        guard !purposes.isEmpty else { return [] }
        var warnings: [Diagnostic] = []
        for (offset, id) in grant.fields.enumerated() {
            guard let field = policy.field(id), !purposes.contains(where: { policy.purpose($0, declares: field) })
            else { continue }
            warnings.append(
                Diagnostic(
                    severity: .warning, code: .lint,
                    message:
                        "grant `\(grant.id)` names field `\(id)`, which none of its purposes declares: no decision can rest on it",
                    location: InputLocation(path: "fields[\(offset)]")))
        }
        for (offset, category) in grant.categories.enumerated() {
            let covered = policy.fields.filter { category.covers($0.category) }
            guard !covered.isEmpty,
                !covered.contains(where: { field in purposes.contains { policy.purpose($0, declares: field) } })
            else { continue }
            warnings.append(
                Diagnostic(
                    severity: .warning, code: .lint,
                    message:
                        "grant `\(grant.id)` names category `\(category)`, none of whose fields its purposes declare",
                    location: InputLocation(path: "categories[\(offset)]")))
        }
        return warnings
    }
}
