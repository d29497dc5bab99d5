import ConsentKit
import ConsentKitPostgres
import ConsentKitTesting
import Foundation
import PostgresFleetSupport
import Testing

extension PostgresTests {
    @Suite struct Store {
        @Test func passesTheStoreCompatibilitySuite() async throws {
            let server = try PostgresTests.server()
            let failures = await ConsentStoreCompatibility { policy in
                try await PostgresConsentStore(
                    policy: policy, configuration: server.configuration(schema: TestServer.freshSchema("compat")))
            }.run()
            #expect(failures.isEmpty, "\(failures)")
        }

        @Test func theSchemaIsVersionedAndANewerOneIsRefused() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            store.close()
            let versions = try await PostgresTests.server().sql("SELECT version FROM \(schema).consentkit_migrations")
            #expect(versions == [["1"]])
            // Opening again migrates nothing.
            try await PostgresTests.open(schema).close()
            #expect(
                try await PostgresTests.server().sql("SELECT count(*) FROM \(schema).consentkit_migrations") == [["1"]])
            _ = try await PostgresTests.server().sql("INSERT INTO \(schema).consentkit_migrations (version) VALUES (7)")
            let error = await #expect(throws: ConsentKitError.self) { try await PostgresTests.open(schema) }
            #expect(error?.code == .storageFailure)
            #expect(error?.message.contains("version 7, newer") == true, "\(String(describing: error))")
        }

        @Test(arguments: [
            "", "Consent", "1st", "a-b", "a b", "a;drop table x", "a\"b", "é", String(repeating: "a", count: 49),
            "pg_catalog",
        ])
        func aSchemaNameThatIsNotAPlainIdentifierIsRefused(_ name: String) async throws {
            let error = await #expect(throws: ConsentKitError.self) { try await PostgresTests.open(name) }
            #expect(error?.code == .invalidValue)
            #expect(error?.location.path == "schema")
        }

        @Test func aSchemaNamedLikeAReservedWordWorks() async throws {
            let schema = "user"
            await PostgresTests.drop(schema)
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            defer { store.close() }
            try await store.append([FleetWorkload.grant("g1", subject: "c1")])
            let again = try await PostgresTests.open(schema)
            defer { again.close() }
            #expect(try await again.ledger.count == 1)
        }

        @Test func processesOpeningANewSchemaAtOnceCreateItOnce() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let stores = try await withThrowingTaskGroup(of: PostgresConsentStore.self) { group in
                for _ in 0..<6 { group.addTask { try await PostgresTests.open(schema) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stores.count == 6)
            for store in stores { store.close() }
            #expect(
                try await PostgresTests.server().sql("SELECT count(*) FROM \(schema).consentkit_migrations") == [["1"]])
        }

        @Test func twoStoresShareOneDenseSequenceAndOneSetOfGrantIDs() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let first = try await PostgresTests.open(schema)
            let second = try await PostgresTests.open(schema)
            defer {
                first.close()
                second.close()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, store) in [("a", first), ("b", second)] {
                    group.addTask {
                        for number in 0..<20 {
                            let subject = SubjectID(rawValue: "\(name)\(number % 3)")
                            try await store.append([FleetWorkload.grant("\(name)-\(number)", subject: subject)])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await first.ledger.count == 40)
            #expect(try await second.ledger.count == 40)
            let rows = try await PostgresTests.server().sql("SELECT seq FROM \(schema).events ORDER BY seq")
            #expect(rows.map { Int($0[0] ?? "") } == (0..<40).map { $0 })
            // A grant id the other store wrote is refused; the identical grant again records nothing.
            let error = await #expect(throws: ConsentKitError.self) {
                try await second.append([FleetWorkload.grant("a-3", subject: "other")])
            }
            #expect(error?.code == .duplicateIdentifier)
            try await second.append([FleetWorkload.grant("a-3", subject: "a0")])
            #expect(try await second.ledger.count == 40)
            // Both decide alike.
            let subjects = (0..<3).flatMap { [SubjectID(rawValue: "a\($0)"), SubjectID(rawValue: "b\($0)")] }
            let policy = try FleetWorkload.policy()
            #expect(
                FleetWorkload.decisionChecksum(
                    try await LiveConsentEngine(following: first).current, subjects: subjects, policy: policy)
                    == FleetWorkload.decisionChecksum(
                        try await LiveConsentEngine(following: second).current, subjects: subjects, policy: policy))
        }

        @Test func aLiveEngineHonoursAnotherStoresWithdrawal() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let writer = try await PostgresTests.open(schema)
            let follower = try await PostgresTests.open(schema, heartbeat: .seconds(30))
            defer {
                writer.close()
                follower.close()
            }
            try await writer.append([FleetWorkload.grant("g1", subject: "c1")])
            let live = try await LiveConsentEngine(following: follower)
            let question = FleetWorkload.question("c1")
            #expect(await PostgresTests.eventually { (try? live.checkedDecision(for: question))?.isAllowed == true })
            try await writer.append([FleetWorkload.withdrawal(of: "g1")])
            // The heartbeat is 30 s: only the notification can bring it this fast.
            #expect(
                await PostgresTests.eventually(5) { (try? live.checkedDecision(for: question))?.reason == .withdrawn })
        }

        @Test func aLostNotificationIsMadeUpByTheHeartbeat() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let (follower, live) = try await PostgresTests.followed(
                schema, holding: [FleetWorkload.grant("g1", subject: "c1")])
            defer { follower.close() }
            try await PostgresTests.insertRaw(
                FleetWorkload.withdrawal(of: "g1"), sequence: 1, schema: schema, notify: false)
            #expect(
                await PostgresTests.eventually(5) {
                    live.decision(for: FleetWorkload.question("c1")).reason == .withdrawn
                })
            #expect(await PostgresTests.eventually { live.failure == nil })
        }

        @Test func aGapFailsClosedUntilTheMissingEventArrives() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let (follower, live) = try await PostgresTests.followed(
                schema, holding: [FleetWorkload.grant("g1", subject: "c1"), FleetWorkload.grant("g2", subject: "c2")])
            defer { follower.close() }
            // Event 3 arrives without event 2 (the withdrawal of g1): deciding past the gap could allow c1.
            try await PostgresTests.insertRaw(
                FleetWorkload.withdrawal(of: "g2"), sequence: 3, schema: schema, notify: true)
            #expect(await PostgresTests.eventually { live.failure != nil })
            #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: FleetWorkload.question("c1")) }
            #expect(
                live.failure?.message.contains("event 2") == true || live.failure?.message.contains("change 2") == true,
                "\(String(describing: live.failure))")
            let error = await #expect(throws: ConsentKitError.self) { try await PostgresTests.open(schema) }
            #expect(error?.code == .inconsistentLedger)
            // The missing event arrives: the follower catches up and decides again.
            try await PostgresTests.insertRaw(
                FleetWorkload.withdrawal(of: "g1"), sequence: 2, schema: schema, notify: true)
            #expect(await PostgresTests.eventually { live.failure == nil })
            #expect(try live.checkedDecision(for: FleetWorkload.question("c1")).reason == .withdrawn)
            #expect(try live.checkedDecision(for: FleetWorkload.question("c2")).reason == .withdrawn)
        }

        @Test func aCorruptedEventFailsClosedAndIsNamed() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let (follower, live) = try await PostgresTests.followed(
                schema, holding: [FleetWorkload.grant("g1", subject: "c1")])
            defer { follower.close() }
            // A withdrawal whose stored JSON no longer matches its checksum (a flipped bit, an edited row).
            let withdrawal = FleetWorkload.withdrawal(of: "g1")
            try await PostgresTests.insertRaw(
                withdrawal, sequence: 1, schema: schema, checksum: "crc32:00000000", notify: true)
            #expect(await PostgresTests.eventually { live.failure != nil })
            #expect(live.failure?.message.contains("event 1") == true, "\(String(describing: live.failure))")
            #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: FleetWorkload.question("c1")) }
            let error = await #expect(throws: ConsentKitError.self) { try await PostgresTests.open(schema) }
            #expect(error?.code == .inconsistentLedger)
            #expect(error?.message.contains("event 1 in \(schema).events") == true, "\(String(describing: error))")
            // Repaired: followed again.
            _ = try await PostgresTests.server().sql(
                "UPDATE \(schema).events SET checksum = '\(withdrawal.checksum)' WHERE seq = 1")
            #expect(await PostgresTests.eventually { live.failure == nil })
            #expect(try live.checkedDecision(for: FleetWorkload.question("c1")).reason == .withdrawn)
        }

        @Test func erasureRemovesTheBirthDateFromTheTableAndKeepsTheProof() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            let other = try await PostgresTests.open(schema)
            defer {
                store.close()
                other.close()
            }
            let birth = try #require(CalendarDate(year: 1990, month: 5, day: 17))
            try await store.append([
                .subjectFacts("c1", SubjectFactsChange(birthDate: .set(birth)), at: FleetWorkload.start),
                .subjectFacts("c2", SubjectFactsChange(birthDate: .set(birth)), at: FleetWorkload.start),
                FleetWorkload.grant("g1", subject: "c1"),
                .subjectFacts("device-1", SubjectFactsChange(birthDate: .set(birth)), at: FleetWorkload.start),
                .link(IdentityLink(from: "device-1", into: "c1", at: FleetWorkload.start.addingTimeInterval(1))),
            ])
            let otherLive = try await LiveConsentEngine(following: other)
            try await store.erase("c1", at: FleetWorkload.start.addingTimeInterval(10))
            let bodies = try await PostgresTests.server().sql(
                "SELECT subject, body::text FROM \(schema).events WHERE kind = 'subject' ORDER BY seq")
            #expect(bodies.count == 3)
            for row in bodies {
                let holdsBirthDate = row[1]?.contains("1990-05-17") == true
                #expect(holdsBirthDate == (row[0] == "c2"), "\(row)")
            }
            #expect(
                try await PostgresTests.server().sql("SELECT count(*) FROM \(schema).events WHERE kind = 'grant'") == [
                    ["1"]
                ])
            // A fresh load (every checksum checked) and a follower agree: erased, the proof kept.
            let fresh = try await PostgresTests.open(schema)
            defer { fresh.close() }
            let ledger = try await fresh.ledger
            #expect(ledger.grant("g1") != nil)
            #expect(ledger.state(of: "c1", at: FleetWorkload.decisionInstant).erased)
            #expect(ledger.state(of: "c1", at: FleetWorkload.start.addingTimeInterval(5)).facts.birthDate == nil)
            #expect(ledger.state(of: "c2", at: FleetWorkload.start.addingTimeInterval(5)).facts.birthDate == birth)
            #expect(await PostgresTests.eventually { otherLive.current.sequence == ledger.count - 1 })
            #expect(try await other.ledger.events(for: "c1") == ledger.events(for: "c1"))
            #expect(otherLive.decision(for: FleetWorkload.question("c1")).reason == .erased)
        }

        @Test func anErasureRewritingTheLastEventAFollowerReadIsFollowed() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let writer = try await PostgresTests.open(schema)
            let follower = try await PostgresTests.open(schema)
            defer {
                writer.close()
                follower.close()
            }
            let birth = try #require(CalendarDate(year: 2001, month: 2, day: 3))
            try await writer.append([
                FleetWorkload.grant("g1", subject: "c1"),
                .subjectFacts("c1", SubjectFactsChange(birthDate: .set(birth)), at: FleetWorkload.start),
            ])
            let live = try await LiveConsentEngine(following: follower)
            #expect(await PostgresTests.eventually { live.failure == nil && live.current.sequence == 1 })
            // The row the follower applied last is rewritten by the erasure: that is not a lost event.
            try await writer.erase("c1", at: FleetWorkload.start.addingTimeInterval(10))
            #expect(await PostgresTests.eventually { live.current.sequence == 2 && live.failure == nil })
            #expect(try live.checkedDecision(for: FleetWorkload.question("c1")).reason == .erased)
        }

        @Test func eventsLostFromTheTableAfterAFollowerReadThemFailClosed() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let (follower, live) = try await PostgresTests.followed(
                schema, holding: [FleetWorkload.grant("g1", subject: "c1"), FleetWorkload.grant("g2", subject: "c2")])
            defer { follower.close() }
            // A restore that lost event 1, then a new event numbered 1 by a writer that never saw it.
            _ = try await PostgresTests.server().sql("DELETE FROM \(schema).events WHERE seq = 1")
            try await PostgresTests.insertRaw(
                FleetWorkload.grant("g3", subject: "c3"), sequence: 1, schema: schema, notify: true)
            try await PostgresTests.insertRaw(
                FleetWorkload.withdrawal(of: "g1"), sequence: 2, schema: schema, notify: true)
            #expect(await PostgresTests.eventually { live.failure?.message.contains("missing or changed") == true })
            #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: FleetWorkload.question("c1")) }
        }

        @Test func theWriterDecidesFromWhatItsFollowersRead() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let writer = try await PostgresTests.open(schema)
            let follower = try await PostgresTests.open(schema)
            defer {
                writer.close()
                follower.close()
            }
            // An instant between milliseconds: stored (and read by others) at the millisecond.
            let grant = FleetWorkload.grant("g1", subject: "c1")
            guard case .grant(var precise) = grant else { return }
            precise.at = precise.at.addingTimeInterval(0.000_4)
            try await writer.append([.grant(precise)])
            let mine = await writer.replicatedLedger.grant("g1")
            let theirs = try await follower.ledger.grant("g1")
            #expect(mine == theirs)
            #expect(mine?.at == FleetWorkload.grant("g1", subject: "c1").at)
        }

        @Test func aValueJSONCannotStoreIsRefusedTypedAndNothingIsStored() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            defer { store.close() }
            let grant = ConsentGrant(
                "g1", subject: "c1", purposes: ["newsletter"], fields: ["email"], kind: .ordinary,
                attributes: [.unbundled], at: FleetWorkload.start,
                evidence: ConsentEvidence(channel: "app", touchpoint: "set\u{0}tings"))
            let error = await #expect(throws: ConsentKitError.self) { try await store.append([.grant(grant)]) }
            #expect(error?.code == .invalidValue, "\(String(describing: error?.message))")
            #expect(try await store.ledger.count == 0)
            #expect(try await PostgresTests.server().sql("SELECT count(*) FROM \(schema).events") == [["0"]])
        }

        @Test func aBatchTheDatabaseRefusesIsNeverSeenByReaders() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            defer { store.close() }
            try await store.append([FleetWorkload.grant("g1", subject: "c1")])
            // A grant the ledger accepts and PostgreSQL refuses (U+0000): prepared in memory, never committed.
            let refused = ConsentGrant(
                "bad", subject: "c2", purposes: ["newsletter"], fields: ["email"], kind: .ordinary,
                attributes: [.unbundled], at: FleetWorkload.start,
                evidence: ConsentEvidence(channel: "app", touchpoint: "x\u{0}y"))
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for _ in 0..<100 { _ = try? await store.append([.grant(refused)]) }
                    return false
                }
                group.addTask {
                    var seen = false
                    for round in 0..<4_000 {
                        if await store.replicatedLedger.grant("bad") != nil { seen = true }
                        if round % 100 == 0, try await store.ledger.grant("bad") != nil { seen = true }
                        try await Task.sleep(for: .microseconds(50))
                    }
                    return seen
                }
                for try await seen in group { #expect(!seen, "a reader saw a batch that was never committed") }
            }
            #expect(try await store.ledger.count == 1)
            #expect(store.lastAppliedSequence == 0)
        }

        @Test func aClosedStoreRefusesAndItsFollowersFailClosed() async throws {
            let schema = TestServer.freshSchema()
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            try await store.append([FleetWorkload.grant("g1", subject: "c1")])
            let live = try await LiveConsentEngine(following: store)
            store.close()
            let error = await #expect(throws: ConsentKitError.self) {
                try await store.append([FleetWorkload.withdrawal(of: "g1")])
            }
            #expect(error?.code == .storageFailure)
            #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: FleetWorkload.question("c1")) }
        }
    }
}
