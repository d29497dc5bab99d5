public import ConsentCore
internal import Foundation

/// One scenario of a scenario file: a policy, a ledger that starts empty and receives the scenario's subjects and
/// events, and the questions with their expected answers.
public struct Scenario: Sendable {
    /// The scenario's id, unique in its file.
    public let id: String
    /// A human title.
    public let title: String?
    /// The provision it tests, such as `PIPL Art. 29`.
    public let reference: String?
    /// The ledger (with its policy) the questions are asked of.
    public let ledger: ConsentLedger
    /// The expectations, in order.
    public let queries: [ScenarioQuery]

    static func read(
        _ value: JSONValue, at path: JSONPath, sharedPolicy: Policy?, sharedPolicyGiven: Bool,
        loader: inout PolicyLoader, reader: inout JSONReader
    ) -> Scenario? {
        let keys = ["id", "title", "reference", "policy", "subjects", "events", "queries"]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let before = reader.diagnostics.count
        let id = reader.required(object, "id", at: path) { $0.identifier($1, at: $2) }
        let title = reader.optional(object, "title", at: path) { $0.string($1, at: $2) }
        let reference = reader.optional(object, "reference", at: path) { $0.string($1, at: $2) }
        var policy = sharedPolicy
        if let own = object["policy"], own != .null {
            policy = loader.load(own, at: path + "policy", reader: &reader)
        } else if sharedPolicy == nil && !sharedPolicyGiven && reader.diagnostics.count == before {
            // (A top-level policy that was given but did not load has already been reported, at its own path.)
            reader.fail(.missingKey, "no policy: give one at the top level or in the scenario", at: path + "policy")
        }
        // The scenario's facts and events may name the regimes its policy defines.
        let outerRegimes = reader.customRegimes
        reader.customRegimes = policy?.customRegimeTable ?? [:]
        defer { reader.customRegimes = outerRegimes }
        var subjects: [(JSONPath, SubjectID, SubjectFacts)] = []
        _ = reader.optional(object, "subjects", at: path) { reader, value, path in
            reader.array(value, at: path) { reader, item, itemPath -> Void? in
                let keys = ["id", "birthDate", "minor", "guardianship", "regimes", "ageRange", "emancipated"]
                guard let subject = reader.object(item, at: itemPath, allowed: keys) else { return nil }
                guard let id = reader.required(subject, "id", at: itemPath, { $0.identifier($1, at: $2) }) else {
                    return nil
                }
                if subjects.contains(where: { $0.1.rawValue == id }) {
                    reader.fail(.duplicateIdentifier, "subject `\(id)` is listed twice", at: itemPath + "id")
                }
                let facts = SubjectFacts(
                    birthDate: reader.optional(subject, "birthDate", at: itemPath) { $0.date($1, at: $2) },
                    minor: reader.optional(subject, "minor", at: itemPath) { $0.bool($1, at: $2) },
                    guardianship: reader.optional(subject, "guardianship", at: itemPath) { $0.bool($1, at: $2) },
                    regimes: reader.optional(subject, "regimes", at: itemPath) { $0.regimes($1, at: $2) },
                    ageRange: reader.optional(subject, "ageRange", at: itemPath) { $0.ageRange($1, at: $2) },
                    emancipated: reader.optional(subject, "emancipated", at: itemPath) { $0.bool($1, at: $2) })
                subjects.append((itemPath, SubjectID(id), facts))
                return ()
            }
        }
        let events =
            reader.optional(object, "events", at: path) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath in
                    ConsentEvent.read(item, at: itemPath, reader: &reader).map {
                        (line: Int?.none, path: itemPath, event: $0)
                    }
                }
            } ?? []
        var queryIndex = 0
        let queries =
            reader.required(object, "queries", at: path) { reader, value, path in
                reader.array(value, at: path) { reader, item, itemPath -> ScenarioQuery? in
                    defer { queryIndex += 1 }
                    return ScenarioQuery.read(item, index: queryIndex, at: itemPath, reader: &reader)
                }
            } ?? []
        guard let id, let policy, reader.diagnostics.count == before else { return nil }
        do {
            // Initial facts hold from the beginning of time, so they are declared before any event: a link among the
            // events then sees them (a child's age, the regimes that apply).
            var built = ConsentLedger(policy: policy)
            for (_, subject, facts) in subjects { try built.declare(subject, facts: facts) }
            try built.append(lines: events, file: reader.file)
            return Scenario(id: id, title: title, reference: reference, ledger: built, queries: queries)
        } catch {
            reader.absorb([Diagnostic(code: error.code, message: error.message, location: error.location)])
            return nil
        }
    }
}

/// One expectation: a question and the answer it should get.
public struct ScenarioQuery: Sendable {
    /// The 0-based index in the scenario's `queries`.
    public let index: Int
    /// The question.
    public let question: ConsentQuestion
    /// The expected effect.
    public let expect: Effect
    /// The expected reason: the code or a dotted prefix of it.
    public let reason: String?
    /// The grant an allow must cite.
    public let grant: GrantID?
    /// The regime whose rules must give the decision, such as `PIPL`.
    public let regime: String?
    /// The grants the decision must rely on, in any order.
    public let grants: [GrantID]?
    /// Where the expectation is in its file.
    public let location: InputLocation

    static func read(_ value: JSONValue, index: Int, at path: JSONPath, reader: inout JSONReader) -> ScenarioQuery? {
        let keys = [
            "subject", "purpose", "field", "at", "recipient", "destination", "channel", "expect", "reason", "grant",
            "regime", "grants",
        ]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        let before = reader.diagnostics.count
        let subject = reader.required(object, "subject", at: path) { $0.identifier($1, at: $2) }
        let purpose = reader.required(object, "purpose", at: path) { $0.identifier($1, at: $2) }
        let field = reader.required(object, "field", at: path) { $0.identifier($1, at: $2) }
        let at = reader.required(object, "at", at: path) { $0.instant($1, at: $2) }
        let recipient = reader.optional(object, "recipient", at: path) { $0.identifier($1, at: $2) }
        let destination = reader.optional(object, "destination", at: path) { $0.identifier($1, at: $2) }
        let channel = reader.optional(object, "channel", at: path) { $0.identifier($1, at: $2) }
        let expect = reader.required(object, "expect", at: path) { $0.choice($1, at: $2, of: Effect.self) }
        // A reason that is no code's prefix is not a file error (Formats.md names only an expected grant on a
        // deny): it is an expectation that fails, and the failure shows the reason actually given.
        let reason = reader.optional(object, "reason", at: path) { $0.string($1, at: $2) }
        let grant = reader.optional(object, "grant", at: path) { $0.identifier($1, at: $2) }
        if grant != nil, expect == .deny {
            reader.fail(
                .invalidValue, "an expected `grant` on a `deny` expectation can never match", at: path + "grant")
        }
        // Like a reason, a regime no policy can name is an expectation that fails, not a file error.
        let regime = reader.optional(object, "regime", at: path) { $0.identifier($1, at: $2) }
        let grants = reader.optional(object, "grants", at: path) { $0.identifiers($1, at: $2, as: GrantID.self) }
        if let grant, let grants, !grants.contains(GrantID(grant)) {
            reader.fail(
                .invalidValue,
                "the expected `grant` `\(grant)` is not among the expected `grants`; they can never both match",
                at: path + "grants")
        }
        if let grants, !grants.isEmpty, expect == .deny {
            reader.fail(
                .invalidValue, "expected `grants` on a `deny` expectation can never match (a denial relies on none)",
                at: path + "grants")
        }
        guard let subject, let purpose, let field, let at, let expect, reader.diagnostics.count == before else {
            return nil
        }
        return ScenarioQuery(
            index: index,
            question: ConsentQuestion(
                subject: SubjectID(subject), purpose: PurposeID(purpose), field: FieldID(field), at: at,
                recipient: recipient.map(RecipientID.init), destination: destination.map(Destination.init),
                channel: channel.map(Channel.init)),
            expect: expect, reason: reason, grant: grant.map(GrantID.init), regime: regime, grants: grants,
            location: reader.location(path))
    }
}
