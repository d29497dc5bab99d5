public import ConsentCore
public import Foundation

/// A `consentkit.scenarios/1` compliance test file, fully read and checked: every policy loaded, every ledger
/// built, every expectation well-formed. Running it cannot fail on the file; only expectations can.
public struct ScenarioFile: Sendable {
    /// The format tag of scenario files.
    public static let format = "consentkit.scenarios/1"

    /// The file's path as given, or `nil` for data from memory.
    public let file: String?
    /// The scenarios, in file order.
    public let scenarios: [Scenario]

    /// Reads the scenario file at `path`; policy paths inside it are relative to its folder.
    public init(contentsOfFile path: String) throws(ConsentKitError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try self.init(jsonData: try FileInput.read(path), file: path, baseDirectory: directory)
    }

    /// Reads a scenario document.
    ///
    /// - Parameters:
    ///   - jsonData: the document's bytes, UTF-8.
    ///   - file: the file name to put in errors.
    ///   - baseDirectory: the folder relative policy paths are resolved against; `nil` for the current one.
    /// - Throws: ``ConsentKitError`` with every problem found, located by file and JSON path.
    public init(jsonData: Data, file: String? = nil, baseDirectory: String? = nil) throws(ConsentKitError) {
        self.file = file
        let root = try JSONParser.parse(Array(jsonData), file: file)
        var reader = JSONReader(file: file)
        guard let object = reader.object(root, at: JSONPath(), allowed: ["format", "policy", "scenarios"]) else {
            throw ConsentKitError(reporting: reader.diagnostics)
        }
        if let format = reader.required(object, "format", at: JSONPath(), { $0.string($1, at: $2) }),
            format != Self.format
        {
            reader.fail(
                .unsupportedFormat, "unsupported format `\(format)`; expected `\(Self.format)`", at: JSONPath("format"))
        }
        var loader = PolicyLoader(file: file, baseDirectory: baseDirectory)
        let shared = object["policy"].flatMap { value in
            value == .null ? nil : loader.load(value, at: JSONPath("policy"), reader: &reader)
        }
        var seen: [String: JSONPath] = [:]
        let scenarios = reader.required(object, "scenarios", at: JSONPath()) { reader, value, path in
            reader.array(value, at: path) { reader, item, itemPath in
                let scenario = Scenario.read(
                    item, at: itemPath, sharedPolicy: shared,
                    sharedPolicyGiven: object["policy"].map { $0 != .null } ?? false,
                    loader: &loader, reader: &reader)
                if let scenario {
                    if let first = seen[scenario.id] {
                        reader.fail(
                            .duplicateIdentifier, "duplicate scenario id `\(scenario.id)` (first at \(first))",
                            at: itemPath + "id")
                    }
                    seen[scenario.id] = itemPath
                }
                return scenario
            }
        }
        try reader.throwIfErrors()
        self.scenarios = scenarios ?? []
    }

    /// Runs every expectation with the reference evaluator.
    public func run() -> [ScenarioOutcome] {
        scenarios.flatMap { scenario in
            let evaluator = ReferenceEvaluator(ledger: scenario.ledger)
            return scenario.queries.map { query in
                ScenarioOutcome(
                    file: file, scenario: scenario.id, query: query,
                    decision: evaluator.decision(for: query.question),
                    explanation: { evaluator.explanation(for: query.question) })
            }
        }
    }
}

/// Loads the policies a scenario file names, by path (relative to the file) or inline, loading each path once.
struct PolicyLoader {
    let file: String?
    let baseDirectory: String?
    private var cache: [String: Policy] = [:]

    init(file: String?, baseDirectory: String?) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    mutating func load(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader) -> Policy? {
        switch value {
        case .string(let relative):
            let full = relative.hasPrefix("/") || baseDirectory == nil ? relative : baseDirectory! + "/" + relative
            if let policy = cache[full] { return policy }
            do {
                let policy = try Policy(contentsOfFile: full)
                cache[full] = policy
                return policy
            } catch {
                if error.code == .fileNotFound {
                    reader.fail(.fileNotFound, "cannot read policy `\(relative)` (looked for `\(full)`)", at: path)
                } else {
                    reader.absorb(
                        error.diagnostics.isEmpty
                            ? [Diagnostic(code: error.code, message: error.message, location: error.location)]
                            : error.diagnostics)
                }
                return nil
            }
        case .object:
            do {
                return try Policy(json: value, file: file, basePath: path)
            } catch {
                reader.absorb(error.diagnostics)
                return nil
            }
        default:
            reader.fail(
                .wrongType, "expected a policy path or an inline policy object, found \(value.typeName)", at: path)
            return nil
        }
    }
}
