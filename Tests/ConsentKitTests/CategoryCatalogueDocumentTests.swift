import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCore

/// Documentation/Categories.md lists the built-in categories as the code defines them; this test renders the table
/// from the code and fails if the page drifts. `CONSENTKIT_WRITE_CATALOGUE=1 swift test --filter
/// CategoryCatalogueDocumentTests` rewrites the table.
@Suite struct CategoryCatalogueDocumentTests {
    static let page = TestSupport.path("Documentation/Categories.md")
    static let begin = "<!-- generated from the code by CategoryCatalogueDocumentTests: do not edit by hand -->"
    static let end = "<!-- end of generated table -->"
    static let regimes: [Regime] = [.pipl, .gdpr, .ccpa, .lgpd, .pdpaTH]

    /// Whether a category is sensitive under a regime, as the evaluator reads it (its own list, else the catalogue).
    static func isSensitive(_ id: CategoryID, under regime: Regime) -> Bool {
        let catalog = CategoryCatalog(regimes: [regime], declared: [])
        if let categories = regime.profile.sensitive.categories {
            return categories.contains { $0.covers(id) } || catalog.isDeclaredSensitive(id)
        }
        return catalog.sensitivity(of: id).isSensitive
    }

    static func table() -> String {
        var lines = [
            "| category | built in for | " + regimes.map(\.name).joined(separator: " | ") + " |",
            "| --- | --- | " + regimes.map { _ in "---" }.joined(separator: " | ") + " |",
        ]
        let extensionIDs = Set(DataCategory.regimesExtension.map(\.id))
        for category in DataCategory.pipl + DataCategory.regimesExtension {
            let scope = extensionIDs.contains(category.id) ? "policies listing a regime beyond PIPL" : "every policy"
            let marks = regimes.map { isSensitive(category.id, under: $0) ? "sensitive" : "" }
            lines.append("| `\(category.id)` | \(scope) | " + marks.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    @Test func thePageListsTheCodesCategories() throws {
        let text = try String(contentsOfFile: Self.page, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "no generated-table marker in Categories.md")
        let stop = try #require(text.range(of: Self.end))
        let current = String(text[start.upperBound..<stop.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        let table = Self.table()
        if ProcessInfo.processInfo.environment["CONSENTKIT_WRITE_CATALOGUE"] != nil {
            let updated = text[..<start.upperBound] + "\n\n" + table + "\n\n" + text[stop.lowerBound...]
            try updated.write(toFile: Self.page, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == table, "Categories.md is out of date: rerun with CONSENTKIT_WRITE_CATALOGUE=1")
    }

    @Test func noBuiltInCategoryNeedsWrittenConsentByItself() {
        // The page says so: written consent comes from a policy's categories, fields or purposes (PIPL Art. 29).
        #expect((DataCategory.pipl + DataCategory.regimesExtension).allSatisfy { $0.writtenConsent != true })
    }
}
