// Durable-ledger benchmark: append throughput (durable and batched), open time (full JSON replay and from the
// snapshot) and memory per event. Run in release:
//
//     swift run -c release JournalBenchmark [--events N] [--directory DIR]
//
// Opening is measured in a fresh child process (`--open PATH`), so resident memory is the ledger's alone.
import ConsentKit
import Foundation

let policyJSON = #"""
    {"format":"consentkit.policy/1","regime":"PIPL",
     "fields":[{"id":"email","category":"contact.email","type":"string"},
               {"id":"phone","category":"contact.phone","type":"string"},
               {"id":"interests","category":"preference.interests","type":"stringList"}],
     "purposes":[{"id":"marketing.email","basis":"consent","marketing":true,"fields":["email"],"channels":["email"]},
                 {"id":"analytics","basis":"consent","fields":["interests"]},
                 {"id":"support","basis":"contract","fields":["email","phone"]}]}
    """#

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes * 1024
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A representative event stream: grants with evidence, opt-outs, channel preferences, withdrawals, facts.
func event(_ number: Int, subjects: Int) -> ConsentEvent {
    let subject = SubjectID("customer-\(number % subjects)")
    let at = Date(timeIntervalSince1970: 1_767_225_600 + Double(number))
    switch number % 10 {
    case 0, 1, 2, 3:
        return .grant(
            ConsentGrant(
                GrantID("g\(number)"), subject: subject,
                purposes: number % 2 == 0 ? ["marketing.email"] : ["analytics"],
                fields: number % 2 == 0 ? ["email"] : ["interests"], kind: .ordinary, at: at,
                expiresAt: at.addingTimeInterval(365 * 86_400),
                evidence: ConsentEvidence(channel: "app", touchpoint: "settings", reference: "notice-3")))
    case 4: return .optOut(subject, .directMarketing, at: at)
    case 5: return .optIn(subject, .directMarketing, at: at)
    case 6: return .channelOptOut(subject, "sms", at: at)
    case 7: return .withdraw(Withdrawal(.purposes(subject, ["analytics"]), at: at))
    case 8: return .restrict(subject, "analytics", at: at)
    default:
        return .subjectFacts(
            subject, SubjectFactsChange(birthDate: .set(CalendarDate(year: 1980 + number % 30, month: 3, day: 9)!)),
            at: at)
    }
}

let policy = try Policy(jsonData: Data(policyJSON.utf8))

if let path = argument("--open") {
    // Child: open once and report time, memory and how the snapshot was used.
    let before = residentBytes()
    var journal: ConsentJournal?
    let elapsed = try seconds { journal = try ConsentJournal(path: path, policy: policy) }
    let events = try journal?.ledger.count ?? 0
    print("\(elapsed) \(residentBytes() - before) \(events) \(journal.map { "\($0.snapshotUse)" } ?? "")")
    exit(0)
}

let events = Int(argument("--events") ?? "1000000") ?? 1_000_000
let directory = argument("--directory") ?? FileManager.default.temporaryDirectory.path
let path = directory + "/journal-benchmark-\(getpid()).jsonl"
defer {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: path + ".snapshot")
    try? FileManager.default.removeItem(atPath: path + ".lock")
}
let subjects = max(1, events / 5)

// 1. Durable appends, one event per call (one write + fsync each).
let durableCount = min(2_000, events)
let durable = try ConsentJournal(path: path, policy: policy)
let durableSeconds = try seconds {
    for number in 0..<durableCount { try durable.append(event(number, subjects: subjects)) }
}

// 2. Batched appends of 1,000 events (one write + fsync per batch), up to `events`.
var batchedSeconds = 0.0
var number = durableCount
while number < events {
    let batch = (number..<min(number + 1_000, events)).map { event($0, subjects: subjects) }
    batchedSeconds += try seconds { try durable.append(batch) }
    number += batch.count
}
let batchedCount = events - durableCount
let snapshotSeconds = try seconds { try durable.writeSnapshot() }
// One writer per journal: the child processes below open it, so this one lets go first.
durable.close()
let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

// 3. Opening, in fresh processes: from the snapshot appends keep, then with the snapshot removed (full replay,
// which writes a new snapshot), then from that snapshot again.
func open() throws -> (seconds: Double, bytes: Int, events: Int, snapshot: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--open", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let parts = text.split(separator: " ", maxSplits: 3)
    guard parts.count == 4, let time = Double(parts[0]), let bytes = Int(parts[1]), let count = Int(parts[2]) else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return (time, bytes, count, parts[3].trimmingCharacters(in: .whitespacesAndNewlines))
}
let afterAppends = try open()
try? FileManager.default.removeItem(atPath: path + ".snapshot")
let fullReplay = try open()
let fromSnapshot = try open()
let snapshotBytes = (try? FileManager.default.attributesOfItem(atPath: path + ".snapshot")[.size] as? Int) ?? 0

func rate(_ count: Int, _ seconds: Double) -> String { String(format: "%.0f events/s", Double(count) / seconds) }
print("events:                    \(events) (\(subjects) subjects)")
print(
    "durable append (1/call):   \(rate(durableCount, durableSeconds)), "
        + String(format: "%.1f µs per append", durableSeconds / Double(durableCount) * 1e6))
if batchedCount > 0 {
    print("batched append (1000/call): \(rate(batchedCount, batchedSeconds))")
}
print(
    "journal file:              \(fileBytes / max(events, 1)) bytes/event; snapshot \(snapshotBytes / max(events, 1)) bytes/event"
)
print(String(format: "snapshot write:            %.2f s", snapshotSeconds))
print(String(format: "open after appends:        %.2f s (%@)", afterAppends.seconds, afterAppends.snapshot))
print(String(format: "open, full JSON replay:    %.2f s (%@)", fullReplay.seconds, fullReplay.snapshot))
print(String(format: "open from snapshot:        %.2f s (%@)", fromSnapshot.seconds, fromSnapshot.snapshot))
print("memory after open:         \(fromSnapshot.bytes / max(fromSnapshot.events, 1)) bytes/event resident")
