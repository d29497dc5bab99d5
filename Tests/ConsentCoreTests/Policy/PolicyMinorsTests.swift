import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct PolicyMinorsTests {
    func policy(zone: String = "Asia/Shanghai", boundary: AgeBoundary) throws -> Policy {
        try Policy(
            timeZone: zone, ageReachedOn: boundary,
            fields: [FieldDefinition("n", category: "identity.name", type: .string)],
            purposes: [Purpose("p", basis: .contract, fields: ["n"])])
    }

    func facts(_ birthDate: String) throws -> SubjectFacts {
        SubjectFacts(birthDate: try CalendarDate(parsing: birthDate))
    }

    /// Someone born on 2012-05-01 turns 14 in 2026: whether they are a minor at an instant on either side of the
    /// local midnight that ends their minority, under each age rule and in zones east and west of UTC.
    @Test(arguments: [
        // Beijing, majority the day after the birthday.
        ("Asia/Shanghai", AgeBoundary.dayAfterBirthday, "2026-05-01T23:59:59+08:00", true),
        ("Asia/Shanghai", .dayAfterBirthday, "2026-05-02T00:00:00+08:00", false),
        // 16:00 UTC on the birthday is already the next day in Beijing.
        ("Asia/Shanghai", .dayAfterBirthday, "2026-05-01T16:00:00Z", false),
        ("Asia/Shanghai", .dayAfterBirthday, "2026-05-01T15:59:59Z", true),
        // Beijing, majority on the birthday.
        ("Asia/Shanghai", .birthday, "2026-04-30T23:59:59+08:00", true),
        ("Asia/Shanghai", .birthday, "2026-05-01T00:00:00+08:00", false),
        ("Asia/Shanghai", .birthday, "2026-04-30T16:00:00Z", false),
        // 03:00 UTC on 1 May is still 30 April in Los Angeles.
        ("America/Los_Angeles", .birthday, "2026-05-01T03:00:00Z", true),
        ("America/Los_Angeles", .birthday, "2026-05-01T07:00:00Z", false),
    ])
    func minorityEndsAtTheLocalMidnight(zone: String, boundary: AgeBoundary, at text: String, minor: Bool) throws {
        let policy = try policy(zone: zone, boundary: boundary)
        #expect(policy.isMinor(try facts("2012-05-01"), at: try instant(text)) == minor)
    }

    @Test func leaplingsComeOfAgeOnTheTwentyEighthOrTheFirstOfMarch() throws {
        let leapling = try facts("2012-02-29")
        #expect(
            try policy(boundary: .birthday).majorityDate(forBirthDate: leapling.birthDate!)?.description == "2026-02-28"
        )
        #expect(
            try policy(boundary: .dayAfterBirthday).majorityDate(forBirthDate: leapling.birthDate!)?.description
                == "2026-03-01")
    }

    @Test func theMinorFlagWinsAndFalseAssertsNothing() throws {
        let policy = try policy(boundary: .dayAfterBirthday)
        let t = try instant("2026-01-01T00:00:00Z")
        #expect(policy.isMinor(SubjectFacts(birthDate: try CalendarDate(parsing: "1970-01-01"), minor: true), at: t))
        #expect(policy.isMinor(SubjectFacts(birthDate: try CalendarDate(parsing: "2020-01-01"), minor: false), at: t))
        #expect(!policy.isMinor(SubjectFacts(), at: t))
    }
}
