import CAllocationCounter
import ConsentCommand
import Foundation

let status = ConsentCommand.run(
    Array(CommandLine.arguments.dropFirst()),
    output: CommandOutput(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) },
        allocationCount: {
            let count = consentkit_allocation_count()
            return count >= 0 ? count : nil
        },
        environment: ProcessInfo.processInfo.environment))
exit(status.rawValue)
