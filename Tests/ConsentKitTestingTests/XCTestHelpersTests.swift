import ConsentKit
import ConsentKitTestSupport
import ConsentKitTesting
import Foundation
import XCTest

/// The XCTest front end, run under XCTest itself. Its failure path is the shared `ExpectedDecision.check(_:in:)`,
/// whose mismatch reporting the Swift Testing suite proves with known issues (Linux XCTest has no XCTExpectFailure).
final class XCTestHelpersTests: XCTestCase {
    func testAssertDecisionAndScenariosPassOnTheRetailExample() throws {
        let retail = URL(fileURLWithPath: TestSupport.path("Documentation/Examples/retail"))
        var fixture = LedgerFixture(
            policy: try Policy(contentsOfFile: retail.appendingPathComponent("retail.policy.json").path))
        try fixture.grant(
            "g1", subject: "c1", purposes: ["pharmacy.prescriptions"], fields: ["prescription"], kind: .separate,
            at: "2026-01-01T00:00:00Z")
        let at = try LedgerFixture.instant("2026-02-01T00:00:00Z")
        XCTAssertDecision(
            ledger: fixture.ledger, subject: "c1", purpose: "pharmacy.prescriptions", field: "prescription", at: at,
            is: .deny(.writtenConsentRequired))
        XCTAssertScenariosPass(inFile: retail.appendingPathComponent("retail.scenarios.json").path)
    }
}
