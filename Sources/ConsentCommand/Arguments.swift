internal import ConsentKit
internal import Foundation

/// Parsed command-line arguments: `--name value`, `--name=value`, flags, and positional arguments.
struct Arguments {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments`, given which options take a value and which are flags; anything else is an error.
    init(_ arguments: [String], options valued: Set<String>, flags known: Set<String>) throws(ConsentKitError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if known.contains(name) {
                guard value == nil else { throw .argument("`--\(name)` takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else { throw .argument("`--\(name)` needs a value") }
                    value = arguments[index]
                    index += 1
                }
                guard options[name] == nil else { throw .argument("`--\(name)` is given twice") }
                options[name] = value
            } else {
                throw .argument(
                    "unknown option `--\(name.escapingControlCharacters)`"
                        + Suggestion.hint(for: name, in: valued.union(known), prefix: "--"))
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func option(_ name: String) -> String? { options[name] }

    func required(_ name: String) throws(ConsentKitError) -> String {
        guard let value = options[name] else { throw .argument("missing required option `--\(name)`") }
        return value
    }

    /// The instant of `--at` (RFC 3339), or now when it is not given.
    func instant() throws(ConsentKitError) -> Date {
        guard let text = option("at") else { return Date() }
        do {
            return try RFC3339.parseInstant(text)
        } catch {
            throw .argument("`--at`: \(error.message)")
        }
    }

    /// Checks that every option of `names` is given, naming all that are missing in one error.
    func requireAll(_ names: [String]) throws(ConsentKitError) {
        let missing = names.filter { options[$0] == nil }
        guard !missing.isEmpty else { return }
        let list = missing.map { "`--\($0)`" }.joined(separator: ", ")
        throw .argument("missing required option\(missing.count == 1 ? "" : "s") \(list)")
    }
}
