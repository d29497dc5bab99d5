internal import ConsentKit

/// `consent journal`: operator commands for a journal file — checking it, and repairing it when it is corrupted.
enum JournalCommand {
    static let usage = """
        usage: consent journal verify JOURNAL --policy POLICY
               consent journal repair JOURNAL --policy POLICY [--dry-run]

        verify reads the journal without writing (as a second process may while the writer runs) and reports its
        events, an incomplete final line (a write in progress, or one a crash cut), and whether its snapshot
        matches it; it exits 2 naming the first corrupted line, if any.

        repair drops every complete line that fails its checksum or is not an event, and an incomplete final line;
        it prints each dropped line (number, offset, reason, bytes with control characters escaped) and keeps every
        other line byte for byte. It refuses while a writer has the journal open, and changes nothing when what
        remains would not be a valid ledger. A dropped line may have been a withdrawal: read what it prints.
        --dry-run reports what would be dropped and changes nothing.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        guard let action = arguments.first else { throw .argument("expected `verify` or `repair`") }
        let parsed = try Arguments(Array(arguments.dropFirst()), options: ["policy"], flags: ["dry-run"])
        guard parsed.positional.count == 1 else { throw .argument("expected one journal file") }
        let path = parsed.positional[0]
        let policy = try Policy(contentsOfFile: try parsed.required("policy"))
        switch action {
        case "verify":
            guard !parsed.flag("dry-run") else { throw .argument("`--dry-run` belongs to `repair`") }
            let reader = try ConsentJournalReader(path: path, policy: policy)
            let status = reader.status
            output.out(
                "\(path.escapingControlCharacters): \(status.events) events in \(status.lines) lines; "
                    + (status.incompleteBytes > 0
                        ? "an incomplete final line of \(status.incompleteBytes) bytes (a write in progress or cut "
                            + "by a crash)"
                        : "ends on a complete line")
                    + "; snapshot: \(status.snapshot.escapingControlCharacters)\n")
            return .success
        case "repair":
            let dryRun = parsed.flag("dry-run")
            let report = try ConsentJournal.repair(path: path, policy: policy, dryRun: dryRun)
            let prefix = dryRun && !report.droppedLines.isEmpty ? "dry run, nothing changed: would have " : ""
            output.out(prefix + report.description + "\n")
            return .success
        default:
            throw .argument("unknown journal command `\(action)`; expected `verify` or `repair`")
        }
    }
}
