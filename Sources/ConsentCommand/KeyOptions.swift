internal import ConsentKit

/// The secret named by `--key-file PATH` or `--key-env NAME`: never an argument, which every user of the machine
/// could read in the process list. One trailing newline (and carriage return) is ignored.
enum KeyOptions {
    static let refusedOptions = ["--key", "--secret"]

    /// Refuses a secret given on the command line.
    static func refuseInlineSecrets(_ arguments: [String]) throws(ConsentKitError) {
        if arguments.contains(where: { argument in
            refusedOptions.contains { argument == $0 || argument.hasPrefix($0 + "=") }
        }) {
            throw .argument("a key is never given on the command line; use --key-file PATH or --key-env NAME")
        }
    }

    /// The secret's bytes.
    static func secret(_ parsed: Arguments, output: CommandOutput) throws(ConsentKitError) -> [UInt8] {
        var secret: [UInt8]
        switch (parsed.option("key-file"), parsed.option("key-env")) {
        case (let path?, nil):
            secret = Array(try FileInput.read(path, maximumBytes: 65_536))
        case (nil, let name?):
            guard let value = output.environment[name] else {
                throw .argument("the environment variable `\(name)` named by --key-env is not set")
            }
            secret = Array(value.utf8)
        default:
            throw .argument("give exactly one of `--key-file PATH` and `--key-env NAME`")
        }
        if secret.last == UInt8(ascii: "\n") { secret.removeLast() }
        if secret.last == UInt8(ascii: "\r") { secret.removeLast() }
        return secret
    }
}
