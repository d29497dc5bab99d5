import ConsentKit
import ConsentKitTestSupport
import Testing

@Suite struct CalendarDateTests {
    @Test func parsesAndPrints() throws {
        let date = try CalendarDate(parsing: "2013-05-01")
        #expect((date.year, date.month, date.day) == (2013, 5, 1))
        #expect(date.description == "2013-05-01")
    }

    @Test(arguments: ["2026-02-29", "2026-04-31", "2026-00-10", "2026-1-10", "20260110", "2026-01-1x", "0000-01-01"])
    func rejectsImpossibleOrMalformedDates(text: String) {
        #expect(throws: ConsentKitError(code: .invalidDate)) { try CalendarDate(parsing: text) }
    }

    @Test func knowsLeapYears() {
        #expect(CalendarDate.isLeapYear(2024) && CalendarDate.isLeapYear(2000))
        #expect(!CalendarDate.isLeapYear(2026) && !CalendarDate.isLeapYear(1900))
    }

    @Test func convertsToAndFromDaysSinceEpoch() throws {
        #expect(try CalendarDate(parsing: "1970-01-01").daysSinceEpoch == 0)
        #expect(try CalendarDate(parsing: "2026-03-01").daysSinceEpoch == 20_513)
        #expect(try CalendarDate(parsing: "1969-12-31").daysSinceEpoch == -1)
        for days in stride(from: -719_162, through: 2_932_896, by: 9_973) {
            #expect(CalendarDate(daysSinceEpoch: days)?.daysSinceEpoch == days)
        }
        #expect(CalendarDate(daysSinceEpoch: -719_162)?.description == "0001-01-01")
        #expect(CalendarDate(daysSinceEpoch: -719_163) == nil)
        #expect(CalendarDate(daysSinceEpoch: 2_932_896)?.description == "9999-12-31")
        #expect(CalendarDate(daysSinceEpoch: 2_932_897) == nil)
    }

    @Test func addingYearsMovesTwentyNinthOfFebruaryToTheTwentyEighth() throws {
        let leapling = try CalendarDate(parsing: "2012-02-29")
        #expect(leapling.addingYears(14)?.description == "2026-02-28")
        #expect(leapling.addingYears(16)?.description == "2028-02-29")
    }

    @Test func ordersChronologically() throws {
        #expect(try CalendarDate(parsing: "2025-12-31") < CalendarDate(parsing: "2026-01-01"))
    }
}
