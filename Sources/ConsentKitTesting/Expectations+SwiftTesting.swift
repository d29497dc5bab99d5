#if canImport(Testing)
    public import ConsentKit
    public import Foundation
    public import Testing

    /// Expects the decision for a question, recording a Swift Testing issue at the caller's line when it differs.
    ///
    /// - Returns: the decision, for further checks.
    @discardableResult
    public func expectDecision(
        ledger: ConsentLedger, subject: SubjectID, purpose: PurposeID, field: FieldID, at instant: Date,
        recipient: RecipientID? = nil, destination: Destination? = nil, channel: Channel? = nil,
        is expected: ExpectedDecision, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Decision {
        let (decision, failure) = expected.check(
            ConsentQuestion(
                subject: subject, purpose: purpose, field: field, at: instant, recipient: recipient,
                destination: destination, channel: channel),
            in: ledger)
        if let failure { Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation) }
        return decision
    }

    /// Expects the decision for a question over a policy and events, recording an issue at the caller's line when
    /// the events are refused or the decision differs.
    @discardableResult
    public func expectDecision(
        policy: Policy, events: [ConsentEvent], subjects: [SubjectID: SubjectFacts] = [:], subject: SubjectID,
        purpose: PurposeID, field: FieldID, at instant: Date, recipient: RecipientID? = nil,
        destination: Destination? = nil, channel: Channel? = nil, is expected: ExpectedDecision,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Decision? {
        var ledger = ConsentLedger(policy: policy)
        do {
            for (id, facts) in subjects { try ledger.declare(id, facts: facts) }
            try ledger.append(contentsOf: events)
        } catch {
            Issue.record("the ledger refused an event: \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return expectDecision(
            ledger: ledger, subject: subject, purpose: purpose, field: field, at: instant, recipient: recipient,
            destination: destination, channel: channel, is: expected, sourceLocation: sourceLocation)
    }

    /// Runs a scenario file and records one issue per failing expectation (naming the scenario and query), or one
    /// for an invalid file, at the caller's line.
    ///
    /// - Returns: the run, or `nil` when the file is invalid.
    @discardableResult
    public func expectScenariosPass(
        inFile path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> ScenarioRun? {
        let run: ScenarioRun
        do {
            run = try ScenarioRun(contentsOfFile: path)
        } catch {
            Issue.record("invalid scenario file: \(error)", sourceLocation: sourceLocation)
            return nil
        }
        for failure in run.failures {
            Issue.record(Comment(rawValue: ScenarioRun.message(for: failure)), sourceLocation: sourceLocation)
        }
        return run
    }

    /// Runs ``ConsentStoreCompatibility`` against stores made by `makeStore`, recording one issue per failed check
    /// at the caller's line.
    ///
    /// ```swift
    /// @Test func myStoreKeepsTheContract() async {
    ///     await expectConsentStoreCompatible { policy in try await MyDatabaseStore(policy: policy) }
    /// }
    /// ```
    public func expectConsentStoreCompatible(
        sourceLocation: SourceLocation = #_sourceLocation, makeStore: @escaping ConsentStoreCompatibility.MakeStore
    ) async {
        for failure in await ConsentStoreCompatibility(makeStore: makeStore).run() {
            Issue.record(Comment(rawValue: failure.description), sourceLocation: sourceLocation)
        }
    }
#endif
