public import ConsentCore
public import Foundation

extension Date {
    /// Parses an instant as ConsentKit's files write them: RFC 3339 with a `Z` or numeric offset, optional
    /// fractional seconds, years 1–9999 (`2026-03-01T09:30:00+08:00`).
    ///
    /// ```swift
    /// let at = try Date(rfc3339: "2026-03-01T09:30:00+08:00")
    /// print(at.rfc3339)   // 2026-03-01T01:30:00Z
    /// ```
    ///
    /// - Throws: ``ConsentKitError`` with code `invalidDate`, saying what is wrong with the text.
    public init(rfc3339 text: String) throws(ConsentKitError) {
        self = try RFC3339.parseInstant(text)
    }

    /// The instant as ConsentKit writes it: UTC, `Z`, fractional seconds only when there are any.
    public var rfc3339: String { RFC3339.format(self) }
}
