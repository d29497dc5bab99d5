internal import ConsentKit
internal import Foundation

/// `consent evaluate`: one decision with its reason, grant and explanation.
enum EvaluateCommand {
    static let usage = """
        usage: consent evaluate --policy POLICY --ledger LEDGER --subject S --purpose P --field F
                                [--at INSTANT] [--recipient R] [--destination D] [--channel C] [--json]

        Answers whether purpose P may use field F of subject S at INSTANT (RFC 3339; default now), optionally
        sending it to recipient R, transferring it to destination D or contacting S over channel C.
        Prints the effect, the reason code, the grant relied on and the explanation; --json prints one object.
        --exit-code exits 1 when the decision is a deny (0 on allow, 2 on bad input). A subject the ledger has no
        events for, or an unknown purpose or field, is noted on standard error with the nearest known name.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments,
            options: ["policy", "ledger", "subject", "purpose", "field", "at", "recipient", "destination", "channel"],
            flags: ["json", "exit-code"])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        try parsed.requireAll(["policy", "ledger", "subject", "purpose", "field"])
        let policy = try FileKinds.policy(at: try parsed.required("policy"))
        let ledger = try FileKinds.ledger(policy: policy, at: try parsed.required("ledger"))
        let instant = try parsed.instant()
        // Names from the command line obey the identifier rule, as names in files do.
        for name in ["subject", "purpose", "field", "recipient", "destination", "channel"] {
            if let value = parsed.option(name), let problem = IdentifierRule.problem(with: value) {
                throw .argument("`--\(name)`: \(problem)")
            }
        }
        let question = ConsentQuestion(
            subject: SubjectID(try parsed.required("subject")), purpose: PurposeID(try parsed.required("purpose")),
            field: FieldID(try parsed.required("field")), at: instant,
            recipient: parsed.option("recipient").map(RecipientID.init),
            destination: parsed.option("destination").map(Destination.init),
            channel: parsed.option("channel").map(Channel.init))
        let explanation = ReferenceEvaluator(ledger: ledger).explanation(for: question)
        let decision = explanation.decision
        // A misspelt name decides as "unknown" or "no consent"; say why, on standard error, so scripts still parse.
        if ledger.record(for: question.subject) == nil {
            let hint = Suggestion.hint(for: question.subject.rawValue, in: ledger.subjects.map(\.rawValue))
            output.err(
                "note: subject `\(question.subject.rawValue.escapingControlCharacters)` has no events in the ledger\(hint)\n"
            )
        }
        if policy.purpose(question.purpose) == nil {
            let hint = Suggestion.hint(for: question.purpose.rawValue, in: policy.purposes.map(\.id.rawValue))
            output.err(
                "note: the policy has no purpose `\(question.purpose.rawValue.escapingControlCharacters)`\(hint)\n")
        }
        if policy.field(question.field) == nil {
            let hint = Suggestion.hint(for: question.field.rawValue, in: policy.fields.map(\.id.rawValue))
            output.err("note: the policy has no field `\(question.field.rawValue.escapingControlCharacters)`\(hint)\n")
        }
        if parsed.flag("json") {
            let object: JSONObject = [
                "subject": .string(question.subject.rawValue), "purpose": .string(question.purpose.rawValue),
                "field": .string(question.field.rawValue), "at": .string(RFC3339.format(instant)),
                "effect": .string(decision.effect.rawValue), "reason": .string(decision.reason.rawValue),
                "grant": decision.grant.map { .string($0.rawValue) } ?? .null,
                "grants": .array(decision.grants.map { .string($0.rawValue) }), "regime": .string(decision.regime.name),
                "citation": .string(decision.reason.citation(under: decision.regime)),
                "explanation": .array(([decision.reason.summary] + explanation.details).map { .string($0) }),
            ]
            output.out(JSONValue.object(object).serialized() + "\n")
        } else {
            output.out(explanation.description + "\n")
        }
        // `--exit-code`: 1 on deny, so a script can gate on the decision (2 stays "bad input").
        return parsed.flag("exit-code") && !decision.isAllowed ? .failure : .success
    }
}
