import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Wall-clock figures for the inputs the "super-linear readers" audit named, printed for a person to read; nothing
/// here asserts a time. Off unless `CONSENTKIT_MEASURE` is set, and meant for a release build:
///
/// ```
/// CONSENTKIT_MEASURE=1 swift test -c release --filter ScalingMeasurements
/// ```
///
/// `CONSENTKIT_MEASURE` may name one measurement (`keys`, `grants`, `links`) so that `/usr/bin/time -v` reports the
/// peak memory of that one alone. `CONSENTKIT_MEASURE_SCALE` (such as `0.2`) shrinks the inputs, for timing code that
/// is still super-linear.
private let measurementSelected = ProcessInfo.processInfo.environment["CONSENTKIT_MEASURE"]
private let measurementScale = ProcessInfo.processInfo.environment["CONSENTKIT_MEASURE_SCALE"].flatMap(Double.init) ?? 1

@Suite(.serialized, .enabled(if: measurementSelected != nil))
struct ScalingMeasurements {
    static func wants(_ name: String) -> Bool {
        measurementSelected == name || measurementSelected == "1" || measurementSelected == "all"
    }

    static func scaled(_ count: Int) -> Int { max(1, Int(Double(count) * measurementScale)) }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func report(_ label: String, _ seconds: Double) {
        print("measure: \(label): \(String(format: "%.3f", seconds)) s")
    }

    @Test(.enabled(if: Self.wants("keys"))) func objectWithAMillionKeys() throws {
        let count = Self.scaled(1_000_000)
        let bytes = Array(ScalingTests.object(keys: count).utf8)
        var members = 0
        let time = try Self.seconds {
            guard case .object(let object) = try JSONParser.parse(bytes) else { return }
            members = object.members.count
        }
        #expect(members == count)
        Self.report("\(count)-key object parsed", time)
    }

    @Test(.enabled(if: Self.wants("grants"))) func grantsForOneSubject() throws {
        let count = Self.scaled(100_000)
        let policy = try TestSupport.retailPolicy()
        let data = ScalingTests.grantLines(count: count)
        var ledger: ConsentLedger?
        let time = try Self.seconds { ledger = try ConsentLedger(policy: policy, jsonLines: data) }
        #expect(ledger?.count == count)
        Self.report("\(count) grants for one subject from JSON Lines", time)
        let events = ScalingTests.grantEvents(count: count)
        let eventsTime = try Self.seconds { ledger = try ConsentLedger(policy: policy, events: events, file: nil) }
        #expect(ledger?.count == count)
        Self.report("\(count) grants for one subject from events", eventsTime)
    }

    @Test(.enabled(if: Self.wants("links"))) func chainedLinks() throws {
        let count = Self.scaled(10_000)
        let policy = try TestSupport.retailPolicy()
        for forward in [true, false] {
            let events = ScalingTests.chainedLinkEvents(count: count, forward: forward)
            var ledger: ConsentLedger?
            let time = try Self.seconds { ledger = try ConsentLedger(policy: policy, events: events, file: nil) }
            #expect(ledger?.identities(linkedWith: "s0").count == count + 1)
            Self.report("\(count) chained links, \(forward ? "s(i) into s(i+1)" : "s(i+1) into s(i)")", time)
        }
    }
}
