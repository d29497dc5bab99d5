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
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments,
            options: ["policy", "ledger", "subject", "purpose", "field", "at", "recipient", "destination", "channel"],
            flags: ["json"])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        let policy = try Policy(contentsOfFile: try parsed.required("policy"))
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: try parsed.required("ledger"))
        var instant = Date()
        if let text = parsed.option("at") {
            do {
                instant = try RFC3339.parseInstant(text)
            } catch {
                throw .argument("`--at`: \(error.message)")
            }
        }
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
        return .success
    }
}
