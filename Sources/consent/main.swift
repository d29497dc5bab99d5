import ConsentCommand
import Foundation

let status = ConsentCommand.run(
    Array(CommandLine.arguments.dropFirst()),
    output: CommandOutput(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) }))
exit(status.rawValue)
