import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-03-01T08:00:00Z", 1_772_352_000.0),
        ("2026-03-01T16:00:00+08:00", 1_772_352_000.0),
        ("2026-03-01t08:00:00z", 1_772_352_000.0),
        ("2026-03-01T03:00:00-05:00", 1_772_352_000.0),
        ("2026-03-01T08:00:00.250Z", 1_772_352_000.25),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parsesInstantsWithZones(text: String, seconds: Double) throws {
        #expect(try RFC3339.parseInstant(text).timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T08:60:00Z",
        "2026-03-01T08:00:00", "2026-03-01 08:00:00Z", "2026-03-01T08:00:00+0800", "2026-03-01T08:00:00+24:00",
        "2026-03-01", "26-03-01T08:00:00Z", "2026-03-01T08:00:00.Z", "2026-03-01T08:00:00Zjunk", "",
        "2025-02-29T00:00:00Z",
    ])
    func rejectsMalformedAndImpossibleInstants(text: String) {
        #expect(throws: ConsentKitError(code: .invalidDate)) { try RFC3339.parseInstant(text) }
    }

    @Test func acceptsTheTwentyNinthOfFebruaryInLeapYears() throws {
        #expect(try RFC3339.parseInstant("2024-02-29T00:00:00Z").timeIntervalSince1970 == 1_709_164_800)
    }

    @Test(arguments: [
        "2026-03-01T08:00:00Z", "2026-03-01T08:00:00.250Z", "1969-12-31T23:59:59.500Z", "2000-02-29T23:59:59Z",
    ])
    func formatsInUTCAndRoundTrips(text: String) throws {
        #expect(RFC3339.format(try RFC3339.parseInstant(text)) == text)
    }
}
