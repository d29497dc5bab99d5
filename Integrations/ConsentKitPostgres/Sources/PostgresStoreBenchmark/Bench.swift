import ConsentKit
import ConsentKitPostgres
import Foundation
import PostgresFleetSupport

/// The figures: append throughput, cold start, propagation.
struct Bench {
    let server: TestServer
    let policy: Policy
    let events: Int
    let subjects: Int
    let seconds: Double

    func run() async throws {
        print("PostgreSQL store, \(server.connection.host ?? "?"):\(server.connection.port ?? 0)")
        for batch in [1, 100, 1000] { try await appendThroughput(batch: batch) }
        try await coldStart()
        let propagation = try await Propagation.run(server: server, subjects: subjects)
        let agree = propagation.followerChecksums.allSatisfy { $0 == propagation.freshChecksum }
        print(
            "propagation (2 writer, 2 follower processes, \(subjects) withdrawals): "
                + "p50 \(format(propagation.quantile(0.5))) µs, p99 \(format(propagation.quantile(0.99))) µs, "
                + "max \(format(propagation.quantile(1))) µs, missed \(propagation.missed), "
                + "followers agree with a fresh load: \(agree)")
        if propagation.missed > 0 || !agree { exit(1) }
    }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }

    private func appendThroughput(batch: Int) async throws {
        let schema = TestServer.freshSchema("bench")
        let store = try await PostgresConsentStore(policy: policy, configuration: server.configuration(schema: schema))
        var appended = 0
        var latencies: [Double] = []
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            let events = (appended..<appended + batch).map {
                FleetWorkload.grant("g\($0)", subject: FleetWorkload.subject($0 % 10_000), offset: $0)
            }
            let began = Date()
            try await store.append(events)
            latencies.append(Date().timeIntervalSince(began) * 1e6)
            appended += batch
        }
        let elapsed = Date().timeIntervalSince(start)
        latencies.sort()
        print(
            "append, \(batch) event\(batch == 1 ? "" : "s") per transaction: "
                + "\(format(Double(appended) / elapsed)) events/s, \(format(Double(latencies.count) / elapsed)) "
                + "appends/s, p50 \(format(latencies[latencies.count / 2])) µs, "
                + "p99 \(format(latencies[min(latencies.count - 1, latencies.count * 99 / 100)])) µs")
        store.close()
        _ = try await server.sql("DROP SCHEMA \(schema) CASCADE")
    }

    private func coldStart() async throws {
        let schema = TestServer.freshSchema("coldstart")
        let writer = try await PostgresConsentStore(policy: policy, configuration: server.configuration(schema: schema))
        let began = Date()
        var written = 0
        while written < events {
            let count = min(10_000, events - written)
            try await writer.append(
                (written..<written + count).map {
                    FleetWorkload.grant("g\($0)", subject: FleetWorkload.subject($0 / 4), offset: $0)
                })
            written += count
        }
        let filled = Date().timeIntervalSince(began)
        writer.close()
        let opened = Date()
        let follower = try await PostgresConsentStore(
            policy: policy, configuration: server.configuration(schema: schema))
        let cold = Date().timeIntervalSince(opened)
        let live = try await LiveConsentEngine(following: follower)
        let compiled = Date().timeIntervalSince(opened)
        _ = live.current
        follower.close()
        print(
            "bulk load, 10,000 events per transaction: \(format(Double(events) / filled)) events/s; "
                + "cold start of a follower from \(events) events: \(String(format: "%.2f", cold)) s read "
                + "(\(format(Double(events) / cold)) events/s), \(String(format: "%.2f", compiled)) s with its live "
                + "engine compiled")
        if ProcessInfo.processInfo.environment["CONSENTKIT_BENCH_KEEP"] == "1" {
            print("kept schema \(schema) (CONSENTKIT_BENCH_KEEP=1)")
        } else {
            _ = try await server.sql("DROP SCHEMA \(schema) CASCADE")
        }
    }
}
