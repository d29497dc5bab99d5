internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// A journal's bytes read line by line: the events of its complete lines, and what is left after the last newline.
///
/// Only an incomplete final line — bytes after the last newline — can be a torn write: each append is one `write`
/// of whole lines, so a crash cuts at most the end of the last one. A complete line that fails its checksum or does
/// not read as an event is corruption (a flipped bit, an edit, another file), whatever its position: reading stops
/// with ``ConsentKitError/Code/corruptedData`` naming the line, and nothing is changed.
///
/// One exception: a final line without a newline that is a whole, valid event *without* a checksum (``tailEvent``)
/// was not written by a journal, whose lines all carry one — it is the last line of a ledger written by hand, and
/// cutting it could drop a withdrawal. It is an event like any other.
struct JournalScan {
    typealias Event = (line: Int?, path: JSONPath, event: ConsentEvent)

    /// The events of the complete lines, in order.
    var events: [Event] = []
    /// How many bytes the complete lines take (up to and including the last newline).
    var completeLength = 0
    /// How many complete lines there are, blank ones included.
    var completeLines = 0
    /// How many bytes follow the last newline.
    var tailLength: Int { totalLength - completeLength }
    private(set) var totalLength = 0
    /// The final line without a newline, when it is a whole valid event without a checksum (see above).
    private(set) var tailEvent: ConsentEvent?

    /// What one complete line holds.
    enum Line {
        case blank
        case event(ConsentEvent)
        case bad(String)
        /// Intact (its checksum holds) but not an event the policy accepts — a regime it does not define, say: the
        /// wrong policy, not corruption, so repair must not drop it.
        case unreadable(String)
    }

    /// Reads `bytes`, whose first line is numbered `firstLine`, failing at the first bad complete line.
    init(_ bytes: [UInt8], firstLine: Int, path: String, regimes: [String: Regime] = [:]) throws(ConsentKitError) {
        totalLength = bytes.count
        var failure: ConsentKitError?
        Self.forEachLine(bytes, firstLine: firstLine, path: path, regimes: regimes) { number, range, line in
            switch line {
            case .blank: break
            case .event(let event): events.append((number, JSONPath(), event))
            case .bad(let why):
                failure = Self.corruption(why, line: number, path: path)
                return false
            case .unreadable(let why):
                failure = ConsentKitError(
                    code: .corruptedData,
                    message: "\(why); is this the journal's policy? (a policy that defines every regime it names)",
                    location: InputLocation(file: path, line: number))
                return false
            }
            completeLength = range.upperBound + 1
            completeLines += 1
            return true
        }
        if let failure { throw failure }
        tailEvent = Self.handWrittenTail(bytes, from: completeLength, line: firstLine + completeLines, path: path)
    }

    /// Counts the hand-written final line as a complete line, once its newline has been written.
    mutating func adoptTail(_ event: ConsentEvent, line: Int) {
        events.append((line, JSONPath(), event))
        completeLength = totalLength + 1
        completeLines += 1
        totalLength += 1
        tailEvent = nil
    }

    /// The event on the bytes after the last newline, if they are a whole valid event without a checksum.
    static func handWrittenTail(_ bytes: [UInt8], from start: Int, line: Int, path: String) -> ConsentEvent? {
        guard start < bytes.count else { return nil }
        let tail = bytes[start...]
        guard case .plain = JournalLine.verify(tail), case .event(let event) = read(tail, line: line, path: path)
        else { return nil }
        return event
    }

    /// The error for a bad complete line.
    static func corruption(_ why: String, line: Int, path: String) -> ConsentKitError {
        ConsentKitError(
            code: .corruptedData,
            message: "\(why); a complete line cannot be a torn write, so this is corruption: the journal was left "
                + "unchanged (`consent journal repair` drops bad lines, reporting each)",
            location: InputLocation(file: path, line: line))
    }

    /// Calls `body` with each complete line's number, byte range (without the newline) and content, until it
    /// returns `false`.
    static func forEachLine(
        _ bytes: [UInt8], firstLine: Int, path: String, regimes: [String: Regime] = [:],
        _ body: (Int, Range<Int>, Line) -> Bool
    ) {
        var number = firstLine
        var start = 0
        while start < bytes.count, let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let range = start..<newline
            guard body(number, range, read(bytes[range], line: number, path: path, regimes: regimes)) else { return }
            number += 1
            start = newline + 1
        }
    }

    /// What a complete line holds.
    /// `regimes`: the policy's own regimes (its `profiles`), which a `regimes` fact may name.
    static func read(_ line: ArraySlice<UInt8>, line number: Int, path: String, regimes: [String: Regime] = [:])
        -> Line
    {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
            return .blank
        }
        let json: [UInt8]
        switch JournalLine.verify(line) {
        case .corrupt: return .bad("line \(number)'s checksum does not match its content")
        // A line without a checksum (written by hand or by another tool) is kept if it is a valid event.
        case .plain: json = Array(line)
        case .verified(let verified): json = verified
        }
        guard let value = try? JSONParser.parse(json, file: path, line: number) else {
            return .bad("line \(number) is not JSON")
        }
        var reader = JSONReader(file: path, line: number)
        reader.customRegimes = regimes
        let event = ConsentEvent.read(value, at: JSONPath(), reader: &reader)
        guard let event, !reader.hasErrors else {
            let first = reader.diagnostics.first { $0.severity == .error }.map { ": \($0.message)" } ?? ""
            if case .verified = JournalLine.verify(line) {
                return .unreadable("line \(number) is intact but not an event this policy accepts\(first)")
            }
            return .bad("line \(number) is not a valid event\(first)")
        }
        return .event(event)
    }
}
