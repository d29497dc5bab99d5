import ConsentKit
import ConsentKitPostgres
import Foundation
import PostgresFleetSupport
import Testing

extension PostgresTests {
    /// Real processes on one database: writers killed with SIGKILL, followers in other processes, the server
    /// stopped under them.
    @Suite struct Fleet {
        @Test func aWithdrawalReachesEveryFollowerProcess() async throws {
            let result = try await Propagation.run(server: PostgresTests.server(), subjects: 40)
            #expect(result.missed == 0)
            #expect(result.latencies.count == 80)
            #expect(result.followerChecksums.count == 2)
            #expect(result.followerChecksums.allSatisfy { $0 == result.freshChecksum })
            // Loopback: every follower denies well within a second of the writer's acknowledgement (a notification
            // is one round trip; the heartbeat, 200 ms here, bounds a lost one).
            #expect(result.quantile(1) < 5_000_000, "slowest propagation \(result.quantile(1)) µs")
            print(
                "propagation over \(result.latencies.count) follower decisions: p50 \(result.quantile(0.5)) µs, "
                    + "p99 \(result.quantile(0.99)) µs")
        }

        @Test func writersKilledAtRandomLoseNothingAcknowledgedAndDuplicateNothing() async throws {
            let server = try PostgresTests.server()
            let schema = TestServer.freshSchema("kill")
            defer { Task { await PostgresTests.drop(schema) } }
            try await PostgresTests.open(schema).close()
            let executable = ChildProcess.fleetExecutable()
            var acknowledged: Set<String> = []
            var generator = SystemRandomNumberGenerator()
            for round in 0..<4 {
                var writers: [(prefix: String, batch: Int, process: ChildProcess)] = []
                for (writer, batch) in [(1, 1), (2, 16)] {
                    let prefix = "w\(writer)r\(round)"
                    writers.append(
                        (
                            prefix, batch,
                            try ChildProcess(
                                executable, ["writer", "--schema", schema, "--prefix", prefix, "--batch", "\(batch)"])
                        ))
                }
                for writer in writers {
                    _ = await writer.process.waitForLine(startingWith: "ack", seconds: 30)
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...400, using: &generator)))
                for writer in writers {
                    writer.process.kill()
                    let last = writer.process.lines.compactMap { line -> Int? in
                        line.hasPrefix("ack ") ? Int(line.dropFirst(4)) : nil
                    }.max()
                    #expect(
                        last != nil, "writer \(writer.prefix) acknowledged nothing: \(writer.process.lines.suffix(3))")
                    for number in 0...(last ?? -1) { acknowledged.insert("\(writer.prefix)-\(number)") }
                }
            }
            // Every acknowledged grant is stored, each once; the sequence is dense; a fresh load checks every row.
            let stored = try await server.sql("SELECT grant_id FROM \(schema).events WHERE grant_id IS NOT NULL")
            let ids = stored.compactMap { $0[0] }
            #expect(Set(ids).count == ids.count, "a grant is stored twice")
            let missing = acknowledged.subtracting(ids)
            #expect(missing.isEmpty, "acknowledged but not stored: \(missing.sorted().prefix(10))")
            let shape = try await server.sql("SELECT count(*), coalesce(max(seq), -1) FROM \(schema).events")
            #expect(shape.first?[0].flatMap(Int.init) == shape.first?[1].flatMap(Int.init).map { $0 + 1 })
            let fresh = try await PostgresTests.open(schema)
            defer { fresh.close() }
            #expect(try await fresh.ledger.count == ids.count)
            print("killed 8 writers; \(acknowledged.count) grants acknowledged, \(ids.count) stored")
        }

        @Test func aServerRestartFailsFollowersClosedThenTheyConverge() async throws {
            let server = try PostgresTests.server()
            guard server.script != nil else {
                Issue.record("CONSENTKIT_POSTGRES_SERVER is unset: the restart cannot be tested")
                return
            }
            let schema = TestServer.freshSchema("restart")
            defer { Task { await PostgresTests.drop(schema) } }
            let store = try await PostgresTests.open(schema)
            defer { store.close() }
            let subjects = (0..<20).map(FleetWorkload.subject)
            try await store.append(subjects.map { FleetWorkload.grant("g-\($0)", subject: $0) })
            let live = try await LiveConsentEngine(following: store)
            #expect(await PostgresTests.eventually { live.failure == nil })
            let writer = try ChildProcess(
                ChildProcess.fleetExecutable(), ["writer", "--schema", schema, "--prefix", "w", "--batch", "4"])
            defer { writer.kill() }
            _ = await writer.waitForLine(startingWith: "ack", seconds: 30)

            try server.control("crash")
            var restarted = false
            defer { if !restarted { try? server.control("start") } }
            #expect(await PostgresTests.eventually(10) { live.failure != nil }, "the follower did not notice")
            #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: FleetWorkload.question("s1")) }
            let refused = await #expect(throws: ConsentKitError.self) {
                try await store.append([FleetWorkload.withdrawal(of: "g-s1")])
            }
            #expect(refused?.code == .storageFailure)

            try server.control("start")
            restarted = true
            #expect(await PostgresTests.eventually(30) { live.failure == nil }, "\(String(describing: live.failure))")
            try await store.append([FleetWorkload.withdrawal(of: "g-s1")])
            #expect(try live.checkedDecision(for: FleetWorkload.question("s1")).reason == .withdrawn)
            _ = await writer.waitForLine(startingWith: "ack", seconds: 0)
            let before = writer.lines.count
            #expect(await PostgresTests.eventually(30) { writer.lines.count > before }, "the writer did not resume")
            writer.kill()

            // Converged: the follower that lived through the restart decides as a fresh load does.
            let fresh = try await PostgresTests.open(schema)
            defer { fresh.close() }
            let freshLedger = try await fresh.ledger
            #expect(await PostgresTests.eventually(10) { live.current.sequence == freshLedger.count - 1 })
            let policy = try FleetWorkload.policy()
            let everyone = freshLedger.subjects
            #expect(
                FleetWorkload.decisionChecksum(live.current, subjects: everyone, policy: policy)
                    == FleetWorkload.decisionChecksum(
                        try await LiveConsentEngine(following: fresh).current, subjects: everyone, policy: policy))
            let acknowledged = writer.lines.compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }.max() ?? -1
            for number in stride(from: 0, through: acknowledged, by: 1) {
                #expect(freshLedger.grant(GrantID(rawValue: "w-\(number)")) != nil, "acknowledged w-\(number) is lost")
            }
        }
    }
}
