public import ConsentCore

/// The result of one expectation of a scenario file.
public struct ScenarioOutcome: Sendable {
    /// The file, as given.
    public let file: String?
    /// The scenario's id.
    public let scenario: String
    /// The expectation.
    public let query: ScenarioQuery
    /// The decision actually made.
    public let decision: Decision
    private let explain: @Sendable () -> Explanation

    /// Creates an outcome; the explanation is rendered only if asked for.
    public init(
        file: String?, scenario: String, query: ScenarioQuery, decision: Decision,
        explanation: @escaping @Sendable () -> Explanation
    ) {
        self.file = file
        self.scenario = scenario
        self.query = query
        self.decision = decision
        self.explain = explanation
    }

    /// Whether the decision meets the expectation: same effect, a reason equal to or under the expected prefix,
    /// the expected grant cited, the expected regime deciding, and exactly the expected grants relied on.
    public var passed: Bool {
        decision.effect == query.expect
            && (query.reason.map { decision.reason.matches(prefix: $0) } ?? true)
            && (query.grant.map { decision.grant == $0 } ?? true)
            && (query.regime.map { decision.regime.name == $0 } ?? true)
            && (query.grants.map { Set($0) == Set(decision.grants) } ?? true)
    }

    /// The decision's explanation.
    public var explanation: Explanation { explain() }

    /// What was decided, in the terms of the expectation: ``Decision/description``, with the grants relied on and the
    /// regime when the expectation names them.
    public var actualDescription: String {
        var text = decision.description
        if query.grants != nil {
            text +=
                decision.grants.isEmpty
                ? " (no grants)" : " (grants " + decision.grants.map(\.rawValue).joined(separator: ", ") + ")"
        }
        if query.regime != nil { text += " [regime \(decision.regime)]" }
        return text
    }

    /// What was expected, as `deny denied.withdrawn` or `allow (grant g1)`.
    public var expectedDescription: String {
        var text = query.expect.rawValue
        if let reason = query.reason { text += " " + reason }
        if let grant = query.grant { text += " (grant \(grant))" }
        if let grants = query.grants {
            text += grants.isEmpty ? " (no grants)" : " (grants " + grants.map(\.rawValue).joined(separator: ", ") + ")"
        }
        if let regime = query.regime { text += " [regime \(regime)]" }
        return text
    }
}
