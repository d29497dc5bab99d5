package import ConsentKit
package import Foundation
package import Testing

/// Paths and helpers shared by the test files. Fixtures are read from the checkout (found from this file's path),
/// so the tests exercise exactly the files CI and users see.
package enum TestSupport {
    package static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    package static func path(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

    package static let retailPolicyPath = path("Documentation/Examples/retail/retail.policy.json")
    package static let retailLedgerPath = path("Documentation/Examples/retail/retail.ledger.jsonl")
    package static let retailScenariosPath = path("Documentation/Examples/retail/retail.scenarios.json")

    package static func retailPolicy() throws -> Policy { try Policy(contentsOfFile: retailPolicyPath) }

    package static func fixture(_ name: String) -> String { path("Tests/Fixtures/\(name)") }
}

/// An instant from RFC 3339 text; a typo in a test fails the test rather than crashing it.
package func instant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Date {
    try RFC3339.parseInstant(text)
}

/// Expects `body` to throw a ``ConsentKitError`` with `code`, and returns it for checks on its location.
@discardableResult
package func expectError(
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
    package var grants: [ConsentGrant] {
        entries.compactMap { entry in if case .grant(let grant) = entry.event { grant } else { nil } }
    }
}

/// A directory of its own for one test's files, removed with everything in it when the test's suite instance goes
/// away (Swift Testing makes one instance per test), so that test runs leave nothing behind in the system's
/// temporary directory — not even the journals, snapshots and lock files a crashed writer left.
package final class ScratchDirectory: Sendable {
    /// The directory.
    package let url: URL

    package init(_ label: String = "consentkit-tests") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
