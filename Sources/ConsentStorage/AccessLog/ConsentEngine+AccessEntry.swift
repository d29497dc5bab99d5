public import ConsentCore

extension ConsentEngine {
    /// Decides `question` and returns the decision with the entry that records it in an access log, flagged
    /// `minor` when the customer is a minor at the question's instant (entries about minors are never sampled away).
    public func decisionAndEntry(for question: ConsentQuestion, actor: AccessActor, view: String? = nil) -> (
        decision: Decision, entry: AccessEntry
    ) {
        let decision = decision(for: question)
        var entry = AccessEntry(question: question, decision: decision, actor: actor, view: view)
        if isMinor(handle(for: question.subject), at: question.instant) { entry.flags.insert(.minor) }
        return (decision, entry)
    }
}
