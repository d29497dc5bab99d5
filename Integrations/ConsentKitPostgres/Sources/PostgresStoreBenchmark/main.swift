// The fleet's processes and the store's figures.
//
//   PostgresStoreBenchmark bench [--events N] [--subjects N] [--seconds S]
//       append throughput (one event per append, and batches), cold start of a follower from N events, and the
//       propagation of a withdrawal from two writer processes to two follower processes (p50/p99)
//   PostgresStoreBenchmark open --schema S
//       opens a store on an existing schema (a cold start) and prints how long reading it took
//   PostgresStoreBenchmark writer --schema S --prefix P [--batch B]
//       appends grants until killed, printing `ack N` after each append returns (the crash tests kill it)
//   PostgresStoreBenchmark withdrawer --schema S --subjects 0,2,4 [--pause-us U]
//       withdraws each subject's grant, printing `withdrawn INDEX WALLCLOCK_NS` as each append returns
//   PostgresStoreBenchmark follower --schema S --subjects N
//       follows the store with a live engine, printing `denied INDEX WALLCLOCK_NS` when a subject's decision turns
//       to a denial, then `checksum HASH` once all are denied
//
// The server is the one `Scripts/test-server.sh start` prints (CONSENTKIT_POSTGRES_* variables).
import ConsentKit
import ConsentKitPostgres
import Foundation
import PostgresFleetSupport

/// Prints a line at once (unbuffered): the line is the acknowledgement a test reads before it kills the process.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("PostgresStoreBenchmark: \(message)\n".utf8))
    exit(1)
}

guard let server = TestServer.fromEnvironment else {
    fail("no server: run `eval \"$(Scripts/test-server.sh start)\"` first")
}
let policy = try FleetWorkload.policy()
let role = CommandLine.arguments.dropFirst().first ?? "bench"

func openStore(_ schema: String) async -> PostgresConsentStore {
    do {
        return try await PostgresConsentStore(policy: policy, configuration: server.configuration(schema: schema))
    } catch {
        fail("cannot open schema \(schema): \(error)")
    }
}

switch role {
case "writer":
    guard let schema = option("--schema"), let prefix = option("--prefix") else {
        fail("writer needs --schema, --prefix")
    }
    let batch = option("--batch").flatMap(Int.init) ?? 1
    let store = await openStore(schema)
    var next = 0
    while true {
        let events = (next..<next + batch).map {
            FleetWorkload.grant("\(prefix)-\($0)", subject: SubjectID(rawValue: "\(prefix)-c\($0 % 50)"), offset: $0)
        }
        do {
            try await store.append(events)
            say("ack \(next + batch - 1)")
            next += batch
        } catch {
            // Not acknowledged: the same batch is appended again (a grant already stored is not stored twice).
            say("error \(error)")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

case "withdrawer":
    guard let schema = option("--schema"), let subjects = option("--subjects") else {
        fail("withdrawer needs --schema, --subjects")
    }
    let pause = option("--pause-us").flatMap(Int.init) ?? 10_000
    let store = await openStore(schema)
    for index in subjects.split(separator: ",").compactMap({ Int($0) }) {
        do {
            try await store.append([FleetWorkload.withdrawal(of: "g-s\(index)")])
        } catch {
            fail("withdrawing s\(index): \(error)")
        }
        say("withdrawn \(index) \(FleetWorkload.wallClockNanoseconds())")
        try await Task.sleep(for: .microseconds(pause))
    }
    store.close()

case "follower":
    guard let schema = option("--schema"), let count = option("--subjects").flatMap(Int.init) else {
        fail("follower needs --schema, --subjects")
    }
    let store = await openStore(schema)
    let live = try await LiveConsentEngine(following: store)
    let questions = (0..<count).map { FleetWorkload.question(FleetWorkload.subject($0)) }
    var waiting = Set(0..<count)
    say("ready")
    let deadline = Date().addingTimeInterval(120)
    while !waiting.isEmpty && Date() < deadline {
        for index in waiting {
            // Fail closed: a decision that throws is not a denial seen.
            if let decision = try? live.checkedDecision(for: questions[index]), !decision.isAllowed {
                say("denied \(index) \(FleetWorkload.wallClockNanoseconds())")
                waiting.remove(index)
            }
        }
    }
    say(
        "checksum \(FleetWorkload.decisionChecksum(live.current, subjects: (0..<count).map(FleetWorkload.subject), policy: policy))"
    )
    store.close()
    exit(waiting.isEmpty ? 0 : 1)

case "open":
    // A cold start from a schema that exists (one a bench run kept with CONSENTKIT_BENCH_KEEP=1, say), timed.
    guard let schema = option("--schema") else { fail("open needs --schema") }
    let began = Date()
    let store = await openStore(schema)
    let seconds = Date().timeIntervalSince(began)
    say("opened \(store.lastAppliedSequence + 1) events in \(String(format: "%.2f", seconds)) s")
    store.close()

case "bench":
    try await Bench(
        server: server, policy: policy, events: option("--events").flatMap(Int.init) ?? 1_000_000,
        subjects: option("--subjects").flatMap(Int.init) ?? 200,
        seconds: option("--seconds").flatMap(Double.init) ?? 3
    ).run()

default:
    fail("unknown role `\(role)`: bench, writer, withdrawer or follower")
}
