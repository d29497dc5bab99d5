/// A decision with what it rests on: the rule, the provision cited, and the facts that decided it.
public struct Explanation: Sendable, Hashable, CustomStringConvertible {
    /// The question.
    public let question: ConsentQuestion
    /// The decision.
    public let decision: Decision
    /// The facts that decided it, one per line: required strength, each candidate grant's fate.
    public let details: [String]

    /// Creates an explanation.
    public init(question: ConsentQuestion, decision: Decision, details: [String]) {
        self.question = question
        self.decision = decision
        self.details = details
    }

    /// The provisions cited.
    public var citation: String { decision.reason.citation(under: decision.regime) }

    /// `deny denied.separateConsentRequired: separate consent is required [PIPL Art. 29]` and the details.
    public var description: String {
        let head = "\(decision): \(decision.reason.summary) [\(citation)]"
        return ([head] + details.map { "  - " + $0 }).joined(separator: "\n")
    }
}
