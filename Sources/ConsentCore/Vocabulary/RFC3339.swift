package import Foundation

/// Instants as ConsentKit writes them (RFC 3339 in UTC: `2026-03-01T08:00:00Z`) and the range it accepts: years
/// 1–9999, so that every instant accepted can be written to a file and read back as the same instant.
///
/// The core formats instants for messages and explanations and checks their range on the decision path; reading
/// them from text is the interchange layer's part (`RFC3339+Parsing.swift` in ConsentInterchange).
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
