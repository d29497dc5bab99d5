import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Views in the policy file: read, written back, and validated — every problem at its path, overlaps linted and
/// resolved the same whatever their order.
@Suite struct PrivacyViewPolicyTests {
    static let fields = """
        "fields": [
          { "id": "name", "category": "identity.name", "type": "string" },
          { "id": "phone", "category": "contact.phone", "type": "string" },
          { "id": "birthDate", "category": "demographic.birthDate", "type": "date" },
          { "id": "points", "category": "loyalty.points", "type": "int" },
          { "id": "card", "category": "financialAccount.bankCard", "type": "string" }
        ],
        "categories": [{ "id": "loyalty" }],
        "purposes": [
          { "id": "crm", "basis": "contract", "fields": ["name", "phone", "birthDate", "points", "card"] },
          { "id": "share", "basis": "consent", "fields": ["name", "points"], "thirdParty": { "recipients": ["acme"] } }
        ]
        """

    func policy(_ views: String, maskPatterns: String = "[]") throws(ConsentKitError) -> Policy {
        let text = """
            { "format": "consentkit.policy/1", "regime": "PIPL", \(Self.fields),
              "maskPatterns": \(maskPatterns), "views": \(views) }
            """
        return try Policy(jsonData: Data(text.utf8), file: "p.json")
    }

    func problems(_ views: String, maskPatterns: String = "[]") -> [String] {
        do {
            _ = try policy(views, maskPatterns: maskPatterns)
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }.map { "\($0.location.path): \($0.message)" }
        }
    }

    @Test func viewsReadAndWriteBack() throws {
        let policy = try policy(
            """
            [{ "id": "std", "kind": "standard", "purpose": "crm", "withheldFields": "omitted",
               "rules": [{ "field": "name", "transform": "mask", "pattern": "short" },
                         { "field": "birthDate", "transform": "ageBand", "bounds": [14, 18, 65] },
                         { "field": "points", "transform": "range", "width": 100 },
                         { "category": "contact", "transform": "withhold" }] },
             { "id": "out", "kind": "disclosure", "purpose": "share", "recipient": "acme",
               "rules": [{ "field": "name", "transform": "pseudonymise" }, { "field": "points", "transform": "clear" }] },
             { "id": "stats", "kind": "anonymised", "purpose": "crm", "quasiIdentifiers": ["birthDate"], "k": 5,
               "shortfall": "generalise", "rules": [{ "field": "birthDate", "transform": "ageBand" }] }]
            """,
            maskPatterns:
                #"[{ "id": "short", "keepFirst": 1, "fixedWidth": 3, "fill": "•", "shortValue": "pseudonymise" }]"#)
        #expect(policy.views.map(\.id) == ["std", "out", "stats"])
        let name = try #require(policy.field("name"))
        guard case .mask(let pattern) = policy.views[0].transform(for: name) else {
            Issue.record("name is not masked")
            return
        }
        #expect(pattern.fill == "•" && pattern.fixedWidth == 3 && pattern.shortValue == .pseudonymise)
        // Default bands start at the minor age.
        #expect(
            policy.views[2].transform(for: try #require(policy.field("birthDate")))
                == .generalise(.ageBand(bounds: [14, 18, 30, 45, 60])))
        let again = try Policy(jsonData: policy.jsonData())
        #expect(again.views == policy.views && again.maskPatterns == policy.maskPatterns)
    }

    @Test func absenceMeansWithheldExceptInThePersonalDataView() throws {
        let policy = try policy(
            #"""
            [{ "id": "std", "kind": "standard", "purpose": "crm" },
             { "id": "admin", "kind": "personalData", "purpose": "crm", "justification": "access requests" }]
            """#)
        let phone = try #require(policy.field("phone"))
        #expect(policy.views[0].transform(for: phone) == .withhold)
        #expect(policy.views[1].transform(for: phone) == .clear)
    }

    @Test func overlappingRulesResolveToTheMostRestrictiveWhateverTheirOrder() throws {
        let rules = [
            #"{ "field": "phone", "transform": "clear" }"#,
            #"{ "category": "contact", "transform": "mask", "pattern": "mobile" }"#,
            #"{ "field": "phone", "transform": "pseudonymise" }"#,
        ]
        var seen = Set<FieldTransform>()
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]] {
            let list = order.map { rules[$0] }.joined(separator: ", ")
            let policy = try policy(#"[{ "id": "v", "kind": "standard", "purpose": "crm", "rules": [\#(list)] }]"#)
            seen.insert(policy.views[0].transform(for: try #require(policy.field("phone"))))
            #expect(policy.warnings.contains { $0.message.contains("rules overlap on field `phone`") })
        }
        #expect(seen == [.pseudonymise])
        let withheld = try policy(
            #"[{ "id": "v", "kind": "standard", "purpose": "crm", "rules": [{ "field": "phone", "transform": "withhold" }, \#(rules[0])] }]"#
        )
        #expect(withheld.views[0].transform(for: try #require(withheld.field("phone"))) == .withhold)
    }

    @Test func everyProblemIsNamedAtItsPath() {
        let found = problems(
            """
            [{ "id": "a", "kind": "personalData", "purpose": "crm" },
             { "id": "b", "kind": "anonymised", "purpose": "crm", "k": 1,
               "rules": [{ "field": "name", "transform": "pseudonymise" }] },
             { "id": "c", "kind": "disclosure", "purpose": "share", "rules": [{ "field": "card", "transform": "clear" }] },
             { "id": "d", "kind": "standard", "purpose": "nope" },
             { "id": "e", "kind": "standard", "purpose": "crm",
               "rules": [{ "field": "points", "transform": "mask", "pattern": "mobile" },
                         { "field": "ghost", "transform": "clear" },
                         { "field": "name", "transform": "mask", "pattern": "mobile" },
                         { "field": "birthDate", "transform": "ageBand", "bounds": [18, 65] }] },
             { "id": "f", "kind": "standard", "purpose": "crm",
               "rules": [{ "field": "name", "category": "contact", "transform": "clear" },
                         { "field": "name", "transform": "mask", "keep": 2, "pattern": "mobile" },
                         { "field": "name", "transform": "mask", "pattern": "nope" }] },
             { "id": "a", "kind": "standard", "purpose": "crm", "extra": 1 }]
            """)
        let expected = [
            "views[0].justification: a personal-data view records why",
            "views[1].rules[0]: an anonymised view cannot hold pseudonyms",
            "views[1]: an anonymised view declares its `quasiIdentifiers`",
            "views[1].k: an anonymised view's `k` is between 2",
            "views[2]: a disclosure view names its `recipient`",
            "views[3].purpose: unknown purpose `nope`",
            "views[4].rules[0]: `mask` cannot apply to `points`",
            "views[4].rules[1].field: unknown field `ghost`",
            "views[5].rules[2].pattern: unknown mask pattern `nope`",
            "views[4].rules[3].bounds: age bands must start a band at the minor age 14",
            "views[5].rules[0]: a rule names exactly one of `field` and `category`",
            "views[5].rules[1].keep: `keep` belongs to the `prefix` transform",
            "views[6].extra: unknown key `extra`",
        ]
        for prefix in expected {
            #expect(
                found.contains { $0.hasPrefix(prefix) }, "missing: \(prefix)\nfound:\n\(found.joined(separator: "\n"))")
        }
        // The disclosure's clear bank card is refused too (a sensitive value in clear).
        #expect(found.contains { $0.contains("would show sensitive field `card` in clear") }, "\(found)")
        #expect(found.contains { $0.contains("duplicate view id `a`") })
    }

    @Test func masksThatShowTooMuchAreLinted() throws {
        let policy = try policy(
            #"""
            [{ "id": "v", "kind": "standard", "purpose": "crm", "maximumVisible": 4,
               "rules": [{ "field": "phone", "transform": "mask", "pattern": "mobile" },
                         { "field": "name", "transform": "mask", "pattern": "chineseName" }] }]
            """#)
        #expect(policy.warnings.contains { $0.message.contains("mask `mobile` on `phone` can show 7 characters") })
        #expect(!policy.warnings.contains { $0.message.contains("`chineseName`") })
    }

    @Test func maskPatternsAreChecked() {
        let found = problems(
            "[]",
            maskPatterns: #"""
                [{ "id": "mobile" }, { "id": "x", "keepFirst": 65, "fill": "a" }, { "id": "y", "fill": "**" },
                 { "id": "z", "style": "email", "keepLast": 2 }, { "id": "x" }]
                """#)
        for prefix in [
            "maskPatterns[0].id: `mobile` is a built-in mask pattern", "maskPatterns[1].keepFirst:",
            "maskPatterns[1].fill: the fill character must be one visible",
            "maskPatterns[2].fill: the fill is one character",
            "maskPatterns[3].keepLast: an `email` pattern shows the domain",
            "maskPatterns[4].id: duplicate mask pattern id",
        ] {
            #expect(
                found.contains { $0.hasPrefix(prefix) }, "missing: \(prefix)\nfound:\n\(found.joined(separator: "\n"))")
        }
    }

    @Test func theRetailExampleDeclaresAllFiveKinds() throws {
        let policy = try TestSupport.retailPolicy()
        #expect(Set(policy.views.map(\.kind)) == Set(PrivacyView.Kind.allCases))
        #expect(policy.warnings.isEmpty, "\(policy.warnings)")
    }
}
