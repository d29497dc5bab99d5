package import ConsentCore
package import Foundation

extension RFC3339 {
    /// Reads a strict RFC 3339 instant: `2026-03-01T08:00:00Z`, `2026-03-01T16:00:00.250+08:00`. A zone is required,
    /// and days, hours and offsets that do not exist are rejected rather than rolled over.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidDate``, quoting the text and saying what is wrong with it.
    package static func parseInstant(_ text: String) throws(ConsentKitError) -> Date {
        let bytes = Array(text.utf8)
        func fail(_ why: String) -> ConsentKitError {
            ConsentKitError(code: .invalidDate, message: "`\(text)` is not an RFC 3339 instant: \(why)")
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
}
