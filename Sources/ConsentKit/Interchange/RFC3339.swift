package import Foundation

/// A problem with the text of a date, instant or identifier in an interchange file.
public struct InterchangeFormatError: Error, Sendable, Hashable {
    /// What was wrong, with the offending text in backticks.
    public var message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
}

/// Strict RFC 3339 instants: `2026-03-01T08:00:00Z`, `2026-03-01T16:00:00.250+08:00`. A zone is required, and
/// days, hours and offsets that do not exist are rejected rather than rolled over.
package enum RFC3339 {
    /// The first and last instants the format writes: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, in seconds
    /// since 1970.
    package static let earliest: Double = -62_135_596_800
    package static let latest: Double = 253_402_300_799.999
    /// The same bounds in seconds since 2001 (`Date.timeIntervalSinceReferenceDate`), for the decision path.
    /// (Literals, so that the decision path loads constants rather than lazily initialised globals; a test checks
    /// them against ``earliest`` and ``latest``.)
    package static let earliestSinceReferenceDate: Double = -63_113_904_000
    package static let latestSinceReferenceDate: Double = 252_423_993_599.999

    /// Whether `date` is an instant ConsentKit accepts: finite and within years 1–9999 in UTC, so that every instant
    /// accepted can be written back and read again as the same instant.
    @inline(__always)
    package static func isRepresentable(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds >= earliest && seconds <= latest
    }

    /// Why `date` is not representable, for messages; `nil` when it is.
    package static func problem(with date: Date) -> String? {
        guard !isRepresentable(date) else { return nil }
        let seconds = date.timeIntervalSince1970
        return seconds.isFinite
            ? "the instant \(seconds) seconds from 1970 lies outside years 1–9999"
            : "the instant is not a finite number (\(seconds))"
    }

    package static func parseInstant(_ text: String) throws(InterchangeFormatError) -> Date {
        let bytes = Array(text.utf8)
        func fail(_ why: String) -> InterchangeFormatError {
            InterchangeFormatError("`\(text)` is not an RFC 3339 instant: \(why)")
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
            let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2)
        else { throw fail("expected YYYY-MM-DDTHH:MM:SS followed by `Z` or an offset") }
        guard let date = CalendarDate(year: year, month: month, day: day) else { throw fail("no such day") }
        guard hour < 24, minute < 60, second < 60 else { throw fail("no such time of day") }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, let digit = digits(bytes, index, 1) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { throw fail("expected digits after `.`") }
        }
        guard index < bytes.count else { throw fail("a zone (`Z` or `+08:00`) is required") }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = digits(bytes, index + 1, 2), let offsetMinutes = digits(bytes, index + 4, 2),
                offsetHours < 24, offsetMinutes < 60
            else { throw fail("the offset must be ±HH:MM") }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            throw fail("a zone (`Z` or `+08:00`) is required")
        }
        guard index == bytes.count else { throw fail("unexpected text after the zone") }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        let instant = Date(timeIntervalSince1970: Double(seconds) + fraction)
        // `9999-12-31T23:59:59-23:59` is a valid text whose instant is in year 10000: it could not be written back.
        guard isRepresentable(instant) else { throw fail("in UTC it lies outside years 1–9999") }
        return instant
    }

    /// The instant in UTC, with milliseconds only when it has them: `2026-03-01T00:00:00Z`. Total: an instant outside
    /// years 1–9999 or not finite (which no reader accepts, so none is ever written to a file) is described in
    /// words rather than trapping.
    package static func format(_ date: Date) -> String {
        guard isRepresentable(date) else { return "(invalid instant: \(date.timeIntervalSince1970) seconds from 1970)" }
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, milli) = millis.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, ms) = milli < 0 ? (seconds - 1, milli + 1000) : (seconds, milli)
        let (days, secondOfDay) = wholeSeconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        guard let calendarDate = CalendarDate(daysSinceEpoch: Int(day)) else {
            return String(date.timeIntervalSince1970)
        }
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(calendarDate)T\(pad(second / 3600, 2)):\(pad(second % 3600 / 60, 2)):\(pad(second % 60, 2))"
        if ms != 0 { text += "." + pad(ms, 3) }
        return text + "Z"
    }

    /// The decimal number in `bytes[start..<start+count]`, or `nil` if any byte is not a digit.
    package static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
