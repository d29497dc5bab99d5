internal import ConsentKit
internal import Foundation

/// `consent view`: a records file projected through one of the policy's privacy views, as JSON Lines.
enum ViewCommand {
    static let usage = """
        usage: consent view --policy POLICY --ledger LEDGER --records RECORDS --view VIEW [--at INSTANT]
                            [--key-id K (--key-file PATH | --key-env NAME)] [--summary-json]

        Projects every record of RECORDS (JSON Lines, one {"subject", "fields"} object per line) through the
        policy's view VIEW at INSTANT (RFC 3339; default now) and writes one JSON line per record kept:
        {"subject", "view", "label", "fields"}, each field its shown value or {"withheld": "<reason code>"}.
        Output is deterministic: the same inputs and --at give byte-identical output. Records an opt-out view
        drops and records k-anonymity suppresses are not written; a summary (records, written, dropped per reason,
        suppressed, k reached, labels) goes to standard error, as one JSON object with --summary-json.
        Pseudonyms need a key (at least 32 bytes, from a file or an environment variable, never an argument):
        without one, pseudonymised fields are withheld as `view.noPseudonymKey`.
        Exit status: 0 done, 2 bad input (every bad record is listed with its line and field; nothing is written).
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        try KeyOptions.refuseInlineSecrets(arguments)
        let parsed = try Arguments(
            arguments, options: ["policy", "ledger", "records", "view", "at", "key-id", "key-file", "key-env"],
            flags: ["summary-json"])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        try parsed.requireAll(["policy", "ledger", "records", "view"])
        let policy = try FileKinds.policy(at: try parsed.required("policy"))
        let viewID = try parsed.required("view")
        guard policy.view(viewID) != nil else {
            let known = policy.views.map(\.id)
            let hint = Suggestion.hint(for: viewID, in: known)
            throw .argument(
                "the policy declares no view `\(viewID.escapingControlCharacters)`\(hint)"
                    + (known.isEmpty ? " (it declares none)" : "; views: \(known.joined(separator: ", "))"))
        }
        let ledger = try FileKinds.ledger(policy: policy, at: try parsed.required("ledger"))
        let instant = try parsed.instant()
        var key: PseudonymKey?
        if parsed.option("key-file") != nil || parsed.option("key-env") != nil || parsed.option("key-id") != nil {
            key = try PseudonymKey(
                id: try parsed.required("key-id"), secret: try KeyOptions.secret(parsed, output: output))
        }
        // Every record is read and checked before the first is written: bad input writes nothing.
        let records = try PersonalRecord.records(
            contentsOfFile: try parsed.required("records"), schema: policy.recordSchema)
        let engine = ConsentEngine(ledger: ledger)
        let view = try engine.compiled.view(viewID, key: key)
        if key == nil, view.usesPseudonyms {
            output.err(
                "warning: view `\(viewID)` pseudonymises fields and no key was given (--key-id with --key-file or "
                    + "--key-env): those fields are withheld as `view.noPseudonymKey`\n")
        }
        var buffer = ""
        buffer.reserveCapacity(1 << 16)
        let summary = engine.forEachView(of: records, as: view, at: instant) { shown in
            buffer += shown.jsonLine
            buffer += "\n"
            if buffer.utf8.count >= 1 << 16 {
                output.out(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { output.out(buffer) }
        output.err((parsed.flag("summary-json") ? summaryJSON(summary) : summaryText(summary)) + "\n")
        return .success
    }

    static func summaryJSON(_ summary: ViewSummary) -> String {
        let dropped = JSONObject(
            summary.dropped.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                (key: $0.key.rawValue, value: JSONValue.number(String($0.value)))
            })
        let labels = JSONObject(
            DataLabel.allCases.compactMap { label in
                summary.labels[label].map { (key: label.rawValue, value: JSONValue.number(String($0))) }
            })
        let object: JSONObject = [
            "view": .string(summary.view), "records": .number(String(summary.records)),
            "written": .number(String(summary.written)), "dropped": .object(dropped),
            "suppressed": .number(String(summary.suppressed)),
            "kReached": summary.kReached.map { .number(String($0)) } ?? .null,
            "generalisedFurther": .bool(summary.generalisedFurther), "labels": .object(labels),
        ]
        return JSONValue.object(object).serialized()
    }

    static func summaryText(_ summary: ViewSummary) -> String {
        var lines = [
            "view \(summary.view): \(summary.records) records, \(summary.written) written, "
                + "\(summary.droppedTotal) dropped, \(summary.suppressed) suppressed"
        ]
        for (reason, count) in summary.dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("  dropped \(count): \(reason.rawValue)")
        }
        if let k = summary.kReached {
            lines.append(
                "  k reached: \(k)\(summary.generalisedFurther ? " (quasi-identifiers generalised one level more)" : "")"
            )
        }
        let labels = DataLabel.allCases.compactMap { label in summary.labels[label].map { "\(label.rawValue) \($0)" } }
        if !labels.isEmpty { lines.append("  labels: \(labels.joined(separator: ", ")) (PIPL Art. 73)") }
        return lines.joined(separator: "\n")
    }
}
