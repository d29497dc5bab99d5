#if canImport(XCTest)
    public import ConsentKit
    public import Foundation
    internal import XCTest

    /// Asserts the decision for a question, failing at the caller's line with the explanation when it differs.
    public func XCTAssertDecision(
        ledger: ConsentLedger, subject: SubjectID, purpose: PurposeID, field: FieldID, at instant: Date,
        recipient: RecipientID? = nil, destination: Destination? = nil, channel: Channel? = nil,
        is expected: ExpectedDecision, file: StaticString = #filePath, line: UInt = #line
    ) {
        let (_, failure) = expected.check(
            ConsentQuestion(
                subject: subject, purpose: purpose, field: field, at: instant, recipient: recipient,
                destination: destination, channel: channel),
            in: ledger)
        if let failure { XCTFail(failure, file: file, line: line) }
    }

    /// Runs a scenario file and fails once per failing expectation, or once for an invalid file.
    public func XCTAssertScenariosPass(inFile path: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let run = try ScenarioRun(contentsOfFile: path)
            for failure in run.failures { XCTFail(ScenarioRun.message(for: failure), file: file, line: line) }
        } catch {
            XCTFail("invalid scenario file: \(error)", file: file, line: line)
        }
    }
#endif
