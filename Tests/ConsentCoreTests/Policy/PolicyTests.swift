import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct PolicyTests {
    func load(_ json: String) throws -> Policy { try Policy(jsonData: Data(json.utf8), file: "p.json") }

    func problems(_ json: String) -> [Diagnostic] { Policy.diagnostics(forJSON: Data(json.utf8), file: "p.json") }

    static let minimal = """
        {"format":"consentkit.policy/1","regime":"PIPL",
         "fields":[{"id":"email","category":"contact.email","type":"string"}],
         "purposes":[{"id":"news","basis":"consent","fields":["email"]}]}
        """

    @Test func appliesRegimeDefaults() throws {
        let policy = try load(Self.minimal)
        #expect(policy.timeZoneID == "Asia/Shanghai")
        #expect(policy.minorAge == 14)
        #expect(policy.ageReachedOn == .dayAfterBirthday)
        #expect(policy.warnings.isEmpty)
    }

    @Test func loadsTheRetailExample() throws {
        let policy = try TestSupport.retailPolicy()
        #expect(policy.fields.count == 23)
        #expect(policy.purpose("hq.analytics")?.crossBorder?.mechanism == .standardContract)
        #expect(policy.sensitivity(of: "prescription") == .sensitive(.medicalHealth))
        #expect(policy.requiresWrittenConsent("prescription"))
        #expect(policy.sensitivity(of: "loyaltyTier") == .notSensitive)
        #expect(policy.sensitivity(of: "nope") == nil)
    }

    @Test func roundTripsThroughJSON() throws {
        let policy = try TestSupport.retailPolicy()
        let again = try Policy(jsonData: policy.jsonData())
        #expect(again.jsonValue == policy.jsonValue)
        #expect(again.purposes == policy.purposes)
        #expect(again.fields == policy.fields)
        #expect(again.categories == policy.categories)
    }

    @Test func buildsInSwiftWithTheSameExpressiveness() throws {
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let genome = PersonalDataField<Data>("genome", category: "medicalHealth.genetic")
        let policy = try Policy(
            timeZone: "America/Los_Angeles", minorAge: 13, ageReachedOn: .birthday,
            categories: [DataCategory("medicalHealth.genetic", sensitive: true, writtenConsent: true)],
            fields: [email.definition, genome.definition],
            purposes: [
                Purpose(
                    "news", basis: .consent, fields: [email.id], marketing: true, channels: [.email], consentVersion: 2),
                Purpose(
                    "research", basis: .consent, categories: ["medicalHealth"],
                    thirdParty: ThirdPartyProvision(recipients: ["lab"]),
                    crossBorder: CrossBorderTransfer(destinations: ["SG"], mechanism: .certification)),
            ])
        let reloaded = try Policy(jsonData: policy.jsonData())
        #expect(reloaded.purposes == policy.purposes)
        #expect(reloaded.timeZoneID == "America/Los_Angeles" && reloaded.minorAge == 13)
        #expect(reloaded.requiresWrittenConsent("genome"))
    }

    @Test func swiftBuiltPoliciesReportProblemsAtTheirJSONPaths() {
        let error = expectError(.unknownIdentifier) {
            _ = try Policy(
                fields: [FieldDefinition("a", category: "contact", type: .string)],
                purposes: [
                    Purpose("ok", basis: .consent, fields: ["a"]), Purpose("bad", basis: .consent, fields: ["a", "b"]),
                ])
        }
        #expect(error?.location.path == "purposes[1].fields[1]")
    }

    @Test func reportsEveryProblemWithItsPath() {
        let found = problems(
            """
            {"format":"consentkit.policy/1","regime":"PIPL","timeZone":"Mars/Olympus","minorAge":14.5,"colour":1,
             "categories":[{"id":"biometric.face","sensitive":false},{"id":"x..y"}],
             "fields":[{"id":"a","category":"nope","type":"string"},{"id":"a","category":"contact","type":"string"},
                       {"id":"c","category":"contact","type":"blob"}],
             "purposes":[{"id":"p","basis":"consent","fields":["zz"],"channels":["fax"]},
                         {"id":"p","basis":"contract","marketing":true,"fields":["a"]},
                         {"id":"q","basis":"hope","fields":["a"]},
                         {"id":"r","basis":"consent"},
                         {"id":"s","basis":"consent","fields":["a"],"crossBorder":{"destinations":["SG"]}}]}
            """)
        let byPath = Dictionary(found.map { ($0.location.path, $0) }, uniquingKeysWith: { first, _ in first })
        let expected: [(String, ConsentKitError.Code)] = [
            ("timeZone", .invalidValue), ("minorAge", .invalidValue), ("colour", .unknownKey),
            ("categories[0].sensitive", .invalidValue), ("categories[1].id", .invalidValue),
            ("fields[0].category", .unknownIdentifier), ("fields[1].id", .duplicateIdentifier),
            ("fields[2].type", .invalidValue), ("purposes[0].fields[0]", .unknownIdentifier),
            ("purposes[0].channels[0]", .invalidValue), ("purposes[1].id", .duplicateIdentifier),
            ("purposes[1].basis", .lint), ("purposes[2].basis", .invalidValue), ("purposes[3]", .missingKey),
            ("purposes[4].crossBorder.mechanism", .missingKey),
        ]
        for (path, code) in expected {
            #expect(byPath[path]?.code == code, "\(path): \(String(describing: byPath[path]))")
            #expect(byPath[path]?.location.file == "p.json")
        }
        #expect(byPath["purposes[1].basis"]?.severity == .warning)
        #expect(byPath["purposes[1].basis"]?.message.contains("Art. 16") == true)
    }

    @Test func lintWarnsButStillLoads() throws {
        let policy = try load(
            """
            {"format":"consentkit.policy/1","regime":"PIPL",
             "fields":[{"id":"email","category":"contact.email","type":"string"}],
             "purposes":[{"id":"promo","basis":"contract","marketing":true,"fields":["email"]}]}
            """)
        #expect(policy.warnings.map(\.code) == [.lint])
    }

    @Test(arguments: [
        (#"{"format":"consentkit.policy/2","regime":"PIPL","fields":[],"purposes":[]}"#, "format"),
        (#"{"format":"consentkit.policy/1","regime":"XX","fields":[],"purposes":[]}"#, "regime"),
    ])
    func refusesUnsupportedFormatsAndRegimes(json: String, path: String) {
        let error = expectError(.unsupportedFormat) { _ = try load(json) }
        #expect(error?.location.path == path)
    }

    @Test func requiresFormatRegimeFieldsAndPurposes() {
        let error = expectError(.missingKey) { _ = try load("{}") }
        #expect(Set(error?.diagnostics.map(\.location.path) ?? []) == ["format", "regime", "fields", "purposes"])
    }

    @Test func wrongTypesAreNamed() {
        let error = expectError(.wrongType) {
            _ = try load(#"{"format":"consentkit.policy/1","regime":"PIPL","fields":{},"purposes":[]}"#)
        }
        #expect(error?.location.path == "fields")
        #expect(error?.message == "expected an array, found an object")
    }

    @Test func malformedJSONNamesLineAndColumn() {
        let error = expectError(.malformedJSON) { _ = try load("{\n\"format\": }") }
        #expect(error?.location.description == "p.json:2:11")
    }

    @Test func aMissingFileIsAnErrorNotACrash() {
        let missing = expectError(.fileNotFound) { _ = try Policy(contentsOfFile: "/nonexistent/policy.json") }
        #expect(missing?.systemError == ENOENT)
        // Not a missing file but one that cannot be read as one: `io`, with the operating system's reason.
        let directory = expectError(.io) { _ = try Policy(contentsOfFile: "/tmp") }
        #expect(directory?.systemError == EISDIR)
    }

    @Test func purposesDeclareByFieldOrCategory() throws {
        let policy = try TestSupport.retailPolicy()
        let analytics = try #require(policy.purpose("analytics.browsing"))
        #expect(policy.purpose(analytics, declares: try #require(policy.field("cartItems"))))
        #expect(policy.purpose(analytics, declares: try #require(policy.field("deviceId"))))
        #expect(!policy.purpose(analytics, declares: try #require(policy.field("email"))))
    }
}
