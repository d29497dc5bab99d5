internal import ConsentKit
internal import Foundation

/// `consent demo`: the main job on the shipped retail example, compiled into the executable so it runs from
/// anywhere with no set-up.
enum DemoCommand {
    static let usage = """
        usage: consent demo [--json]

        Loads the retail example policy and ledger (Documentation/Examples/retail, built into the executable),
        answers fourteen representative questions and prints each decision with its reason and explanation; then
        six questions about customers under other laws, and under two at once (Documentation/Examples/multi).
        """

    /// A question of the demo with what it illustrates.
    struct Step {
        var title: String
        var question: ConsentQuestion
    }

    static func steps() throws(ConsentKitError) -> [Step] {
        func at(_ text: String) throws(ConsentKitError) -> Date {
            do { return try RFC3339.parseInstant(text) } catch { throw .argument(error.message) }
        }
        let may = try at("2026-05-01T10:00:00+08:00")
        func step(
            _ title: String, _ subject: String, _ purpose: String, _ field: String, at instant: Date? = nil,
            recipient: String? = nil, destination: String? = nil, channel: String? = nil
        ) -> Step {
            Step(
                title: title,
                question: ConsentQuestion(
                    subject: SubjectID(subject), purpose: PurposeID(purpose), field: FieldID(field), at: instant ?? may,
                    recipient: recipient.map(RecipientID.init), destination: destination.map(Destination.init),
                    channel: channel.map(Channel.init)))
        }
        return [
            step(
                "Marketing e-mail to a registered customer who ticked the box", "alice", "marketing.email", "email",
                channel: "email"),
            step(
                "The same e-mail over SMS, a channel the purpose never declared", "alice", "marketing.email", "email",
                channel: "sms"),
            step("Marketing e-mail after the customer withdrew her consent", "dana", "marketing.email", "email"),
            step(
                "The same question asked about a day before the withdrawal (not retroactive)", "dana",
                "marketing.email", "email", at: try at("2026-02-01T10:00:00+08:00")),
            step("A 12-year-old's account, registered by the child alone", "chen", "account.registration", "name"),
            step("A 12-year-old's account with the parent's separate consent", "emma", "account.registration", "name"),
            step(
                "Prescription data with separate (but not written) consent", "bob", "pharmacy.prescriptions",
                "prescription", at: try at("2026-02-15T10:00:00+08:00")),
            step(
                "Prescription data after the customer signed the written form", "bob", "pharmacy.prescriptions",
                "prescription"),
            step(
                "Face-pay template under a consent bundled into the app's terms", "alice", "store.facepay",
                "faceTemplate"),
            step(
                "Loyalty data to the airline partner she consented to", "alice", "partner.coalition", "loyaltyTier",
                recipient: "star-airlines"),
            step(
                "Loyalty data to a bank partner her consent did not name", "alice", "partner.coalition", "loyaltyTier",
                recipient: "acme-bank"),
            step(
                "Purchase history to the Singapore head office (standard contract)", "alice", "hq.analytics",
                "purchaseHistory", destination: "SG"),
            step(
                "Delivering an order: necessary for the contract, no consent needed", "dana", "order.fulfilment",
                "address"),
            step(
                "Real-name check on an erased account: retention required by law", "frank", "identity.verification",
                "nationalId"),
        ]
    }

    /// The multi-regime section: customers under the GDPR, the CCPA and Thailand's PDPA, and one under two laws.
    static func regimeSteps() throws(ConsentKitError) -> [Step] {
        func at(_ text: String) throws(ConsentKitError) -> Date {
            do { return try RFC3339.parseInstant(text) } catch { throw .argument(error.message) }
        }
        func step(_ title: String, _ subject: String, _ purpose: String, _ field: String, _ instant: String)
            throws(ConsentKitError) -> Step
        {
            Step(
                title: title,
                question: ConsentQuestion(
                    subject: SubjectID(subject), purpose: PurposeID(purpose), field: FieldID(field),
                    at: try at(instant)))
        }
        return [
            try step(
                "A French 13-year-old joins the community on her own (GDPR-FR: below 15 she and a parent consent)",
                "lea", "community.posts", "email", "2026-02-01T12:00:00+01:00"),
            try step(
                "The same, after her mother's grant", "lea", "community.posts", "email", "2026-05-01T12:00:00+02:00"),
            try step(
                "A Californian 15-year-old's two-step opt-in to personalised ads (CCPA: below 16 she opts in)", "mia",
                "ads.personalised", "productViews", "2026-03-01T09:00:00-08:00"),
            try step(
                "The same, after her browser sent Global Privacy Control", "mia", "ads.personalised", "productViews",
                "2026-05-01T09:00:00-07:00"),
            try step(
                "A Thai 15-year-old on her own (PDPA: below 20 a minor and a guardian consent jointly)", "ploy",
                "community.posts", "email", "2026-03-01T09:00:00+07:00"),
            try step(
                "A 15-year-old under PIPL and GDPR-DE: old enough for one law, not for the other", "wei",
                "community.posts", "email", "2026-03-01T09:00:00+08:00"),
        ]
    }

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: [], flags: ["json"])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        let policy = try Policy(jsonData: Data(PackageResources.retail_policy_json), file: "retail.policy.json")
        let ledger = try ConsentLedger(
            policy: policy, jsonLines: Data(PackageResources.retail_ledger_jsonl), file: "retail.ledger.jsonl")
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let regimePolicy = try Policy(jsonData: Data(PackageResources.multi_policy_json), file: "multi.policy.json")
        let regimeLedger = try ConsentLedger(
            policy: regimePolicy, jsonLines: Data(PackageResources.multi_ledger_jsonl), file: "multi.ledger.jsonl")
        let regimeEvaluator = ReferenceEvaluator(ledger: regimeLedger)
        if !parsed.flag("json") {
            output.out(
                "ConsentKit demo — retail example: \(policy.fields.count) fields, \(policy.purposes.count) purposes, "
                    + "\(ledger.count) ledger events, \(ledger.subjects.count) customers (PIPL)\n\n")
        }
        var counts: [Effect: Int] = [:]
        let retail = try steps().map { (step: $0, evaluator: evaluator) }
        let regimes = try regimeSteps().map { (step: $0, evaluator: regimeEvaluator) }
        for (number, (step, evaluator)) in (retail + regimes).enumerated() {
            if number == retail.count && !parsed.flag("json") {
                output.out(
                    "Several regimes — Documentation/Examples/multi: customers under the GDPR, the CCPA and "
                        + "Thailand's PDPA, and one under two laws at once (each regime decides; all must allow)\n\n")
            }
            let explanation = evaluator.explanation(for: step.question)
            counts[explanation.decision.effect, default: 0] += 1
            let question = step.question
            if parsed.flag("json") {
                let object: JSONObject = [
                    "title": .string(step.title), "subject": .string(question.subject.rawValue),
                    "purpose": .string(question.purpose.rawValue), "field": .string(question.field.rawValue),
                    "at": .string(RFC3339.format(question.instant)),
                    "effect": .string(explanation.decision.effect.rawValue),
                    "reason": .string(explanation.decision.reason.rawValue),
                    "grant": explanation.decision.grant.map { .string($0.rawValue) } ?? .null,
                    "grants": .array(explanation.decision.grants.map { .string($0.rawValue) }),
                    "regime": .string(explanation.decision.regime.name),
                    "citation": .string(explanation.citation),
                ]
                output.out(JSONValue.object(object).serialized() + "\n")
                continue
            }
            var context = ""
            if let recipient = question.recipient { context += " → \(recipient)" }
            if let destination = question.destination { context += " → abroad: \(destination)" }
            if let channel = question.channel { context += " via \(channel)" }
            output.out("\(number + 1). \(step.title)\n")
            output.out(
                "   may `\(question.purpose)` use `\(question.field)` of `\(question.subject)`\(context)"
                    + " at \(RFC3339.format(question.instant))?\n")
            output.out(
                explanation.description.split(separator: "\n").map { "   " + $0 }.joined(separator: "\n") + "\n")
            let grants = explanation.decision.grants
            output.out(
                "   decided under \(explanation.decision.regime)"
                    + (grants.count > 1 ? ", relying on \(grants.map { "`\($0)`" }.joined(separator: " and "))" : "")
                    + "\n\n")
        }
        if !parsed.flag("json") {
            output.out(
                "\(counts[.allow, default: 0]) allowed, \(counts[.deny, default: 0]) denied. "
                    + "Try: consent evaluate --help, consent test Documentation/Examples/retail/retail.scenarios.json\n"
            )
        }
        return .success
    }
}
