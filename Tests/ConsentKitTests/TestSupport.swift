import ConsentKit
import Foundation
import Testing

/// Paths and helpers shared by the test files. Fixtures are read from the checkout (found from this file's path),
/// so the tests exercise exactly the files CI and users see.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    static let retailPolicyPath = path("Documentation/Examples/retail/retail.policy.json")
    static let retailLedgerPath = path("Documentation/Examples/retail/retail.ledger.jsonl")
    static let retailScenariosPath = path("Documentation/Examples/retail/retail.scenarios.json")

    static func retailPolicy() throws -> Policy { try Policy(contentsOfFile: retailPolicyPath) }

    static func fixture(_ name: String) -> String { path("Tests/Fixtures/\(name)") }
}

/// An instant from RFC 3339 text; a typo in a test fails the test rather than crashing it.
func instant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Date {
    try RFC3339.parseInstant(text)
}

/// Expects `body` to throw a ``ConsentKitError`` with `code`, and returns it for checks on its location.
@discardableResult
func expectError(
    _ code: ConsentKitError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> ConsentKitError? {
    do {
        try body()
        Issue.record("expected a `\(code)` error, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConsentKitError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected ConsentKitError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension ConsentLedger {
    /// The grants held, in append order.
    var grants: [ConsentGrant] {
        entries.compactMap { entry in if case .grant(let grant) = entry.event { grant } else { nil } }
    }
}
