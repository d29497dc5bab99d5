public import ConsentKit

/// A scenario file run from a test suite, framework-neutral: the outcomes and a message per failure.
public struct ScenarioRun: Sendable {
    /// Every expectation's outcome, in file order.
    public let outcomes: [ScenarioOutcome]

    /// Reads and runs the scenario file at `path`.
    ///
    /// - Throws: ``ConsentKitError`` when the file is invalid (nothing runs then).
    public init(contentsOfFile path: String) throws(ConsentKitError) {
        outcomes = try ScenarioFile(contentsOfFile: path).run()
    }

    /// Runs an already-read scenario file.
    public init(_ file: ScenarioFile) {
        outcomes = file.run()
    }

    /// The outcomes that failed.
    public var failures: [ScenarioOutcome] { outcomes.filter { !$0.passed } }

    /// `N passed, N failed`.
    public var summary: String {
        "\(outcomes.count - failures.count) passed, \(failures.count) failed"
    }

    /// The message for one failure: where, what was expected, what happened and why.
    public static func message(for outcome: ScenarioOutcome) -> String {
        "\(outcome.scenario) › query \(outcome.query.index) (\(outcome.query.location)): expected "
            + "\(outcome.expectedDescription), got \(outcome.actualDescription)\n\(outcome.explanation)"
    }
}
