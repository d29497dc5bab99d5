internal import ConsentKit
internal import Foundation

/// `consent report KIND`: the compliance reports, from the policy and, where a report needs them, the ledger or a
/// verified access log.
enum ReportCommand {
    static let usage = """
        usage: consent report KIND --policy POLICY [--ledger LEDGER] [--log LOG [--checkpoint NOTE]]
                              [--key-file PATH | --key-env NAME] [--at INSTANT] [--format json|md|html]
                              [--out PATH] [--minimum-cell K]

        KIND is one of:
          pipia      the PIPL Art. 55 trigger matrix per purpose and the Art. 56 assessment pre-filled from the
                     policy (and the log, if given); judgement cells are left for people
          ropa       the record of processing activities: every item of GDPR Art. 30(1)(a)-(g) per purpose, with
                     Chinese and English headings; each item the policy does not declare is named
          access     who reached which sensitive fields, through which view and purpose, denies, privileged
                     accesses and disclosures — from a log verified as it is read (needs --log)
          consent    grants in force, withdrawals, expiries, guardian consents and opt-outs as of --at, by purpose,
                     notice version, channel and strength; counts below --minimum-cell (default 10) suppressed
                     (needs --ledger)
          inventory  the data model, purposes and views, and which roles use which (from --log, if given)

        The report goes to standard output, or to --out. --format defaults to md. The same inputs and --at give the
        same bytes. The log's key comes from --key-file, --key-env or LOG.key. Exit status: 0 with a report; 1 when
        the log does not verify (no report is written); 2 for bad or missing input.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        try KeyOptions.refuseInlineSecrets(arguments)
        let parsed = try Arguments(
            arguments,
            options: [
                "policy", "ledger", "log", "checkpoint", "key-file", "key-env", "at", "format", "out", "minimum-cell",
            ], flags: [])
        guard parsed.positional.count == 1 else {
            throw .argument(
                "expected one report kind: \(ComplianceReport.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let name = parsed.positional[0]
        guard let kind = ComplianceReport.Kind(rawValue: name) else {
            throw .argument(
                "unknown report `\(name.escapingControlCharacters)`"
                    + Suggestion.hint(for: name, in: ComplianceReport.Kind.allCases.map(\.rawValue)))
        }
        let formatName = parsed.option("format") ?? "md"
        guard let format = ReportFormat(rawValue: formatName) else {
            throw .argument("`--format` is one of json, md, html, not `\(formatName.escapingControlCharacters)`")
        }
        var minimumCell = 10
        if let text = parsed.option("minimum-cell") {
            guard let value = Int(text), (1...1_000_000).contains(value) else {
                throw .argument("`--minimum-cell` must be a whole number from 1 to 1000000")
            }
            minimumCell = value
        }
        if let out = parsed.option("out") { try ConsentKitError.checkWritable(out, what: "the report") }
        let policy = try FileKinds.policy(at: try parsed.required("policy"))
        let instant = try parsed.instant()
        if kind == .access && parsed.option("log") == nil {
            throw .argument("the access report is read from an access log: give `--log LOG`")
        }
        if kind == .consent && parsed.option("ledger") == nil {
            throw .argument("the consent report is read from the ledger: give `--ledger LEDGER`")
        }
        var summary: AccessSummary?
        if let logPath = parsed.option("log") {
            var anchor: LogCheckpoint?
            if let notePath = parsed.option("checkpoint") {
                guard let text = String(data: try FileInput.read(notePath, maximumBytes: 65_536), encoding: .utf8)
                else {
                    throw .argument("the checkpoint note `\(notePath)` is not UTF-8 text")
                }
                anchor = try LogCheckpoint(note: text)
            }
            let read = try AccessSummary(
                path: logPath, key: try LogCommand.key(parsed, log: logPath, output: output), anchor: anchor)
            if let failure = read.verification.failure {
                output.err(
                    "error: the access log `\(logPath.escapingControlCharacters)` does not verify, so no report is "
                        + "built from it: \(failure.description.escapingControlCharacters)\n")
                return .failure
            }
            summary = read
        }
        let report: ComplianceReport
        switch kind {
        case .pipia: report = .pipia(policy: policy, log: summary, at: instant)
        case .ropa: report = .ropa(policy: policy, at: instant)
        case .inventory: report = .inventory(policy: policy, log: summary, at: instant)
        case .access:
            guard let summary else { throw .argument("the access report needs `--log LOG`") }
            report = .access(policy: policy, log: summary, at: instant)
        case .consent:
            let ledger = try FileKinds.ledger(policy: policy, at: try parsed.required("ledger"))
            report = .consent(ledger: ledger, at: instant, minimumCell: minimumCell)
        }
        if !report.missing.isEmpty {
            output.err(
                "note: \(report.missing.count) item\(report.missing.count == 1 ? "" : "s") the law asks for "
                    + "\(report.missing.count == 1 ? "is" : "are") not declared in the policy; the report names "
                    + "\(report.missing.count == 1 ? "it" : "each")\n")
        }
        let text = report.rendered(as: format)
        if let out = parsed.option("out") {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw .cannotWrite(out, what: "the report", error)
            }
        } else {
            output.out(text)
        }
        return .success
    }
}
