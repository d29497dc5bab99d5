internal import ConsentKit
internal import ConsentKitPostgres
internal import Foundation

/// Two writer processes withdraw consent while two follower processes watch their live engines: how long after a
/// withdrawal commits every follower denies.
public struct Propagation: Sendable {
    /// Per withdrawal and follower, nanoseconds from the writer's acknowledgement to the follower's first denial.
    public let latencies: [Int64]
    /// Withdrawals a follower never denied within the time limit.
    public let missed: Int
    /// Each follower's decision checksum once every withdrawal was denied, and the checksum of a fresh load.
    public let followerChecksums: [String]
    /// The checksum of a store opened fresh at the end.
    public let freshChecksum: String

    /// The latency at quantile `q` (0…1), in microseconds.
    public func quantile(_ q: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1000
    }

    /// Runs the measurement on a fresh schema with `subjects` subjects, withdrawn one at a time every `pause`.
    public static func run(
        server: TestServer, subjects: Int, pause: Duration = .milliseconds(10), writers: Int = 2, followers: Int = 2,
        timeLimit: Double = 60
    ) async throws -> Propagation {
        let schema = TestServer.freshSchema("propagation")
        let policy = try FleetWorkload.policy()
        let store = try await PostgresConsentStore(policy: policy, configuration: server.configuration(schema: schema))
        defer { store.close() }
        let all = (0..<subjects).map(FleetWorkload.subject)
        try await store.append(all.map { FleetWorkload.grant("g-\($0)", subject: $0) })
        let executable = ChildProcess.fleetExecutable()
        var watchers: [ChildProcess] = []
        for _ in 0..<followers {
            let follower = try ChildProcess(executable, ["follower", "--schema", schema, "--subjects", "\(subjects)"])
            watchers.append(follower)
        }
        for watcher in watchers {
            guard await watcher.waitForLine(startingWith: "ready", seconds: timeLimit) != nil else {
                throw FleetFailure("a follower did not start: \(watcher.lines)")
            }
        }
        var withdrawers: [ChildProcess] = []
        for writer in 0..<writers {
            let mine = stride(from: writer, to: subjects, by: writers).map(String.init).joined(separator: ",")
            let pauseMicroseconds =
                pause.components.seconds * 1_000_000 + pause.components.attoseconds / 1_000_000_000_000
            withdrawers.append(
                try ChildProcess(
                    executable,
                    ["withdrawer", "--schema", schema, "--subjects", mine, "--pause-us", "\(pauseMicroseconds)"]))
        }
        for withdrawer in withdrawers {
            guard await withdrawer.waitForExit(seconds: timeLimit) == 0 else {
                throw FleetFailure("a withdrawer failed: \(withdrawer.lines.suffix(3))")
            }
        }
        var acknowledged: [Int: Int64] = [:]
        for line in withdrawers.flatMap(\.lines) where line.hasPrefix("withdrawn ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let index = Int(parts[1]), let at = Int64(parts[2]) { acknowledged[index] = at }
        }
        var latencies: [Int64] = []
        var missed = 0
        var checksums: [String] = []
        for watcher in watchers {
            _ = await watcher.waitForExit(seconds: timeLimit)
            var denied: [Int: Int64] = [:]
            for line in watcher.lines {
                let parts = line.split(separator: " ")
                if parts.count == 3, parts[0] == "denied", let index = Int(parts[1]), let at = Int64(parts[2]) {
                    denied[index] = at
                } else if parts.count == 2, parts[0] == "checksum" {
                    checksums.append(String(parts[1]))
                }
            }
            for (index, at) in acknowledged {
                if let seen = denied[index] { latencies.append(max(0, seen - at)) } else { missed += 1 }
            }
            watcher.kill()
        }
        let fresh = try await PostgresConsentStore(policy: policy, configuration: server.configuration(schema: schema))
        defer { fresh.close() }
        let live = try await LiveConsentEngine(following: fresh)
        let freshChecksum = FleetWorkload.decisionChecksum(live.current, subjects: all, policy: policy)
        missed += subjects - acknowledged.count
        return Propagation(
            latencies: latencies, missed: missed, followerChecksums: checksums, freshChecksum: freshChecksum)
    }
}

/// A fleet run that went wrong, in words.
public struct FleetFailure: Error, CustomStringConvertible {
    /// What happened.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}
