public import ConsentCore

extension CalendarDate {
    /// Parses `YYYY-MM-DD`, rejecting impossible days.
    ///
    /// - Throws: ``ConsentKitError/Code/invalidDate``, quoting the text and saying what is wrong with it.
    public init(parsing text: String) throws(ConsentKitError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = RFC3339.digits(bytes, 0, 4), let month = RFC3339.digits(bytes, 5, 2),
            let day = RFC3339.digits(bytes, 8, 2)
        else { throw ConsentKitError(code: .invalidDate, message: "`\(text)` is not a date of the form YYYY-MM-DD") }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            throw ConsentKitError(code: .invalidDate, message: "`\(text)` is not a day of the calendar")
        }
        self = date
    }
}
