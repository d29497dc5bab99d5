public import ConsentKit
internal import Foundation

/// The contract of ``ConsentKit/ConsentStore``, as checks a store of your own runs to show it keeps it — the same
/// checks ``ConsentKit/InMemoryConsentStore`` and ``ConsentKit/ConsentJournal`` pass.
///
/// ```swift
/// @Test func myStoreIsCompatible() async {
///     let failures = await ConsentStoreCompatibility { policy in try await MyDatabaseStore(policy: policy) }.run()
///     #expect(failures.isEmpty, "\(failures)")
/// }
/// ```
///
/// Each check gets a fresh, empty store for ``policy`` from your closure. The checks: appended events are held and
/// readable; a batch with one refused event keeps nothing and throws the right error; a ledger already read is not
/// changed by later appends; every follower of `changes()` gets every change, in order; erasure records the event,
/// removes birth dates and keeps grants, and refuses an unknown subject; exports read back equal; links carry
/// consent; concurrent appends from many tasks all land; a ``ConsentKit/LiveConsentEngine`` following the store
/// honours a withdrawal; and the store's `changeFeed` has every accepted batch before `append` returns, so that the
/// live engine's very next decision sees it.
public struct ConsentStoreCompatibility: Sendable {
    /// Makes a fresh, empty store for a policy.
    public typealias MakeStore = @Sendable (Policy) async throws -> any ConsentStore

    /// A check that did not hold.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// The check's name.
        public let check: String
        /// What went wrong.
        public let message: String

        /// `check: message`.
        public var description: String { "\(check): \(message)" }
    }

    private let makeStore: MakeStore

    /// Creates the suite for stores made by `makeStore`.
    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    /// The policy the checks' events are written for: two fields and two consent purposes.
    public static func policy() throws(ConsentKitError) -> Policy {
        var fixture = PolicyFixture()
        fixture.field("email", category: .contactEmail)
        fixture.field("phone", category: .contactPhone)
        fixture.purpose("newsletter", basis: .consent, fields: ["email"])
        fixture.purpose("surveys", basis: .consent, fields: ["email", "phone"])
        return try fixture.build()
    }

    /// The names of the checks, in the order ``run()`` runs them.
    public static var checks: [String] { table.map(\.name) }

    /// What each check shows, by name, in the order ``run()`` runs them: for a report of what a store was checked for.
    public static var checkSummaries: [(name: String, summary: String)] { table.map { ($0.name, $0.summary) } }

    /// Runs every check and returns the failures: none means the store keeps the contract.
    public func run() async -> [Failure] {
        var failures: [Failure] = []
        for check in Self.table {
            do {
                let policy = try Self.policy()
                let store = try await makeStore(policy)
                var problems = Problems()
                try await check.body(store, &problems)
                failures += problems.messages.map { Failure(check: check.name, message: $0) }
            } catch {
                failures.append(Failure(check: check.name, message: "threw \(error)"))
            }
        }
        return failures
    }

    // MARK: The checks

    /// How long a check waits for changes to arrive before failing (rather than hanging).
    static let timeLimit: Double = 10

    /// Runs `body`, giving up after ``timeLimit``; whether it finished.
    private static func withinTimeLimit(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeLimit * 1e9))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The first `count` changes of a follower, or fewer if they do not arrive within ``timeLimit``.
    private static func collect(_ count: Int, from follower: LedgerChanges) async -> [LedgerChange] {
        let box = ChangeBox()
        _ = await withinTimeLimit {
            for await change in follower {
                if box.add(change) >= count { return }
            }
        }
        return box.changes
    }

    private static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    private static func at(_ days: Double) -> Date { start.addingTimeInterval(days * 86_400) }

    private static func grant(_ id: String, _ subject: SubjectID, day: Double, purposes: [PurposeID] = ["newsletter"])
        -> ConsentEvent
    {
        .grant(
            ConsentGrant(
                GrantID(id), subject: subject, purposes: purposes, fields: ["email"], kind: .ordinary,
                attributes: [.unbundled, .transferInformed], at: at(day),
                evidence: ConsentEvidence(channel: "app", touchpoint: "settings")))
    }

    private static func question(_ subject: SubjectID, day: Double) -> ConsentQuestion {
        ConsentQuestion(subject: subject, purpose: "newsletter", field: "email", at: at(day))
    }

    /// The checks, in order: each a name, what it shows, and what it does to a fresh store.
    private static let table: [NamedCheck] = [
        NamedCheck("appendedEventsAreHeld", "appended events are held whole and readable") { store, problems in
            try await store.append([Self.grant("g1", "c1", day: 0), .optOut("c1", .directMarketing, at: Self.at(1))])
            try await store.append([.channelOptOut("c2", "sms", at: Self.at(2))])
            let ledger = try await store.ledger
            problems.expect(ledger.count == 3, "the ledger holds \(ledger.count) events after appending 3")
            problems.expect(ledger.grant("g1")?.evidence?.touchpoint == "settings", "grant `g1` was not held whole")
            problems.expect(
                ledger.grant("g1")?.attributes == [.unbundled, .transferInformed],
                "grant `g1` lost its recorded consent attributes, which decide its strength")
            problems.expect(
                ledger.events(for: "c2") == [.channelOptOut("c2", "sms", at: Self.at(2))], "c2's event differs")
        },
        NamedCheck(
            "aRefusedBatchKeepsNothing", "a batch with one refused event keeps nothing and throws the right error"
        ) { store, problems in
            try await store.append([Self.grant("g1", "c1", day: 0)])
            do throws(ConsentKitError) {
                try await store.append([
                    Self.grant("g2", "c1", day: 1), Self.grant("g3", "c1", day: 1, purposes: ["nope"]),
                ])
                problems.append("a batch naming an unknown purpose was accepted")
            } catch {
                problems.expect(error.code == .unknownIdentifier, "an unknown purpose threw `\(error.code)`")
            }
            do throws(ConsentKitError) {
                try await store.append([Self.grant("g1", "c9", day: 2)])
                problems.append("a duplicate grant id was accepted")
            } catch {
                problems.expect(error.code == .duplicateIdentifier, "a duplicate grant id threw `\(error.code)`")
            }
            let ledger = try await store.ledger
            problems.expect(ledger.count == 1, "refused batches left \(ledger.count - 1) events behind")
            problems.expect(ledger.grant("g2") == nil, "the accepted half of a refused batch was kept")
        },
        NamedCheck("aLedgerReadIsASnapshot", "a ledger already read is not changed by later appends") {
            store, problems in
            try await store.append([Self.grant("g1", "c1", day: 0)])
            let before = try await store.ledger
            try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.at(1)))])
            problems.expect(before.count == 1, "a ledger already read changed after an append")
            problems.expect(try await store.ledger.count == 2, "the append is not visible in a new read")
        },
        NamedCheck("changesReachEveryFollower", "every follower of `changes()` gets every change, in order") {
            store, problems in
            let first = store.changes()
            let second = store.changes()
            let events = [Self.grant("g1", "c1", day: 0), .optOut("c1", .directMarketing, at: Self.at(1))]
            try await store.append(events)
            try await store.append([.restrict("c1", "surveys", at: Self.at(2))])
            for (name, follower) in [("first", first), ("second", second)] {
                let received = await Self.collect(3, from: follower)
                problems.expect(
                    received.map(\.event) == events + [.restrict("c1", "surveys", at: Self.at(2))],
                    "the \(name) follower received \(received.map(\.event.typeName))")
                problems.expect(
                    received.map(\.sequence) == [0, 1, 2],
                    "the \(name) follower saw sequences \(received.map(\.sequence))")
                problems.expect(received.allSatisfy { $0.subjects == ["c1"] }, "changes name the wrong subjects")
            }
        },
        NamedCheck(
            "erasureKeepsProofAndRemovesBirthDates", "erasure records the event, removes birth dates and keeps grants"
        ) { store, problems in
            let birth = CalendarDate(year: 1990, month: 5, day: 17)!
            try await store.append([
                .subjectFacts("c1", SubjectFactsChange(birthDate: .set(birth)), at: Self.at(0)),
                Self.grant("g1", "c1", day: 0),
            ])
            try await store.erase("c1", at: Self.at(3))
            let ledger = try await store.ledger
            let state = ledger.state(of: "c1", at: Self.at(4))
            problems.expect(state.erased, "the subject is not erased after erase")
            problems.expect(ledger.grant("g1") != nil, "erasure removed the grant that proves past consent")
            problems.expect(
                ledger.events(for: "c1").contains(.erase("c1", at: Self.at(3))), "the erase event is not held")
            let birthDates = ledger.events(for: "c1").filter {
                if case .subjectFacts(_, let change, _) = $0, case .set = change.birthDate { true } else { false }
            }
            problems.expect(birthDates.isEmpty, "the birth date is still held after erasure")
            problems.expect(
                ledger.state(of: "c1", at: Self.at(1)).facts.birthDate == nil, "the birth date is still readable")
            let decision = ReferenceEvaluator(ledger: ledger).decision(for: Self.question("c1", day: 4))
            problems.expect(decision.reason == .erased, "a decision after erasure is `\(decision.reason)`")
        },
        NamedCheck(
            "erasingAnUnknownSubjectIsAnError", "erasing a subject with nothing held is refused and records nothing"
        ) { store, problems in
            do throws(ConsentKitError) {
                try await store.erase("nobody", at: Self.at(1))
                problems.append("erasing a subject with nothing held did not throw")
            } catch {
                problems.expect(error.code == .unknownIdentifier, "erasing an unknown subject threw `\(error.code)`")
            }
            problems.expect(try await store.ledger.count == 0, "a refused erasure left an event")
        },
        NamedCheck("exportsReadBackEqual", "an export written as JSON reads back equal") { store, problems in
            try await store.append([
                Self.grant("g1", "c1", day: 0), .withdraw(Withdrawal(.purposes("c1", ["newsletter"]), at: Self.at(2))),
                .channelOptOut("c1", "email", at: Self.at(3)),
            ])
            let export = try await store.export("c1", at: Self.at(5))
            let again = try SubjectExport(jsonData: export.jsonData(), policy: store.policy)
            problems.expect(again == export, "the export read back differs")
            problems.expect(
                export.history.versions.count == 3, "the history has \(export.history.versions.count) versions")
            problems.expect(export.state.grants.first?.withdrawn.first?.at == Self.at(2), "the withdrawal is missing")
        },
        NamedCheck("linksCarryConsent", "an identity link carries consent to the identity it joins") {
            store, problems in
            try await store.append([
                Self.grant("g-device", "device-1", day: 0),
                .link(IdentityLink(from: "device-1", into: "c1", at: Self.at(1))),
            ])
            let ledger = try await store.ledger
            let decision = ReferenceEvaluator(ledger: ledger).decision(for: Self.question("c1", day: 2))
            problems.expect(
                decision == Decision(.allowedByConsent, grant: "g-device"), "after a link, c1 got `\(decision)`")
            problems.expect(ledger.identities(linkedWith: "c1") == ["c1", "device-1"], "the identities are not linked")
        },
        NamedCheck("concurrentAppendsAllLand", "appends from many tasks at once all land") { store, problems in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for number in 0..<25 {
                            try await store.append([
                                Self.grant("g\(task)-\(number)", SubjectID("c\(task)"), day: Double(number))
                            ])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let ledger = try await store.ledger
            problems.expect(ledger.count == 200, "\(ledger.count) of 200 concurrent appends landed")
            problems.expect(
                ledger.events(for: "c3").count == 25, "subject c3 holds \(ledger.events(for: "c3").count) of 25")
        },
        NamedCheck("aLiveEngineHonoursAWithdrawal", "a live engine following the store honours a withdrawal") {
            store, problems in
            try await store.append([Self.grant("g1", "c1", day: 0)])
            let live = try await LiveConsentEngine(following: store)
            problems.expect(
                live.decision(for: Self.question("c1", day: 2)).isAllowed, "the live engine denied a granted purpose")
            try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.at(1)))])
            let caughtUp = await Self.withinTimeLimit { try? await live.waitUntilCurrent(of: store) }
            problems.expect(caughtUp, "the live engine did not catch up within \(Self.timeLimit) seconds")
            let decision = live.decision(for: Self.question("c1", day: 2))
            problems.expect(decision.reason == .withdrawn, "after a withdrawal the live engine answered `\(decision)`")
        },
        NamedCheck(
            "theFeedIsPublishedBeforeAppendReturns", "the change feed has every accepted batch before `append` returns"
        ) { store, problems in
            let box = ChangeBox()
            let token = store.changeFeed.observe { changes in for change in changes { _ = box.add(change) } }
            defer { store.changeFeed.removeObserver(token) }
            try await store.append([Self.grant("g1", "c1", day: 0)])
            try await store.append([.withdraw(Withdrawal(.grant("g1"), at: Self.at(1)))])
            // No waiting: what a live engine decides right after `append` returns is what the feed had by then.
            let received = box.changes
            problems.expect(
                received.map(\.sequence) == [0, 1],
                "when append returned, the change feed had published sequences \(received.map(\.sequence))")
            let live = try await LiveConsentEngine(following: store)
            try await store.append([Self.grant("g2", "c2", day: 0)])
            problems.expect(
                live.decision(for: Self.question("c2", day: 2)).isAllowed,
                "a live engine did not see a grant in the decision right after append returned")
        },
    ]
}

/// One check of the contract: its name (what a failure reports), what it shows, and its body.
private struct NamedCheck: Sendable {
    let name: String
    let summary: String
    let body: @Sendable (any ConsentStore, inout Problems) async throws -> Void

    init(
        _ name: String, _ summary: String,
        _ body: @escaping @Sendable (any ConsentStore, inout Problems) async throws -> Void
    ) {
        self.name = name
        self.summary = summary
        self.body = body
    }
}

/// What a check found wrong.
private struct Problems {
    var messages: [String] = []

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { messages.append(message()) }
    }

    mutating func append(_ message: String) { messages.append(message) }
}

/// Changes collected by a follower task, read after it ends or is given up on.
private final class ChangeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [LedgerChange] = []

    func add(_ change: LedgerChange) -> Int {
        lock.lock()
        defer { lock.unlock() }
        collected.append(change)
        return collected.count
    }

    var changes: [LedgerChange] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
