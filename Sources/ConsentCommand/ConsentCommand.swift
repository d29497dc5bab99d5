internal import ConsentKit

/// The `consent` command: dispatches to its subcommands. Bad input never crashes it: every error is printed to
/// standard error with what was wrong and where, and the exit status is 2.
package enum ConsentCommand {
    package static let usage = """
        usage: consent <command> [options]

        commands:
          demo                       run the examples: retail decisions with their reasons, then several regimes
          test FILE...               run scenario files [--json] [--junit PATH]
          check FILE...              validate and lint policies, regime overlays and scenario files, and
                                     ledgers with --policy P
          evaluate                   one decision: --policy P --ledger L --subject S --purpose P --field F
                                     [--at T] [--recipient R] [--destination D] [--channel C] [--json]
                                     [--exit-code: exit 1 on deny]
          view                       a records file through a privacy view: --policy P --ledger L
                                     --records R --view V [--at T], JSON Lines out
          bench                      the standard benchmark workload [--subjects N] [--queries M] [--seed S]
                                     [--json] [--export DIR], or your own: --workload DIR
          token issue|verify         signed consent tokens: issue one for a grant or a subject's snapshot,
                                     or verify one (key from --key-file or --key-env, never an argument)
          journal verify|repair      check a journal without writing it, or drop its corrupted lines,
                                     reporting each (--policy P; repair [--dry-run])
          log record|verify|...      the tamper-evident access log: record a question file's decisions,
                                     verify a log (exit 1 if tampered), export a checkpoint, a receipt
          report KIND                compliance reports: pipia, ropa, access, consent, inventory
                                     (--policy P [--ledger L] [--log F] [--format json|md|html])
          help [COMMAND]             this text, or a command's
          --version                  the version

        Run `consent <command> --help` for a command's options.
        """

    /// Runs the command line `arguments` (without the program name) and returns the exit status.
    /// The version of ConsentKit this tool was built from (`consent --version`).
    package static let version = "0.13.0-dev"

    /// The commands, for suggestions.
    static let commands = [
        "demo", "test", "check", "evaluate", "view", "bench", "token", "journal", "log", "report", "help", "version",
    ]

    package static func run(_ arguments: [String], output: CommandOutput) -> ExitCode {
        guard let command = arguments.first else {
            output.err(usage + "\n")
            return .invalidInput
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            return help([command], output: output)
        }
        do {
            switch command {
            case "demo": return try DemoCommand.run(rest, output: output)
            case "test": return try TestCommand.run(rest, output: output)
            case "check": return try CheckCommand.run(rest, output: output)
            case "evaluate": return try EvaluateCommand.run(rest, output: output)
            case "view": return try ViewCommand.run(rest, output: output)
            case "bench": return try BenchCommand.run(rest, output: output)
            case "token": return try TokenCommand.run(rest, output: output)
            case "journal": return try JournalCommand.run(rest, output: output)
            case "log": return try LogCommand.run(rest, output: output)
            case "report": return try ReportCommand.run(rest, output: output)
            case "help", "--help", "-h": return help(rest, output: output)
            case "--version", "version":
                output.out("consent \(version)\n")
                return .success
            default:
                let hint = Suggestion.hint(for: command, in: commands)
                output.err("consent: unknown command `\(command.escapingControlCharacters)`\(hint)\n\n" + usage + "\n")
                return .invalidInput
            }
        } catch {
            output.err("consent \(command.escapingControlCharacters): \(error.description)\n")
            return .invalidInput
        }
    }

    private static func help(_ arguments: [String], output: CommandOutput) -> ExitCode {
        switch arguments.first {
        case "demo": output.out(DemoCommand.usage + "\n")
        case "test": output.out(TestCommand.usage + "\n")
        case "check": output.out(CheckCommand.usage + "\n")
        case "evaluate": output.out(EvaluateCommand.usage + "\n")
        case "view": output.out(ViewCommand.usage + "\n")
        case "bench": output.out(BenchCommand.usage + "\n")
        case "token": output.out(TokenCommand.usage + "\n")
        case "journal": output.out(JournalCommand.usage + "\n")
        case "log": output.out(LogCommand.usage + "\n")
        case "report": output.out(ReportCommand.usage + "\n")
        case nil, "help": output.out(usage + "\n")
        case let other?:
            output.err("consent help: unknown command `\(other.escapingControlCharacters)`\n")
            return .invalidInput
        }
        return .success
    }
}
