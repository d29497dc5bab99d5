public import ConsentCore
public import Foundation

extension ConsentLedger {
    /// Reads a JSON Lines ledger (one event per line; blank lines allowed), checking every event against the
    /// policy. Events may come in any time order: they are ordered by instant, then by line.
    ///
    /// - Throws: ``ConsentKitError`` naming the file, line and JSON path of every bad line (a line cut off
    ///   mid-object is ``ConsentKitError/Code/malformedJSON``); nothing is half-loaded.
    public init(policy: Policy, jsonLines data: Data, file: String? = nil) throws(ConsentKitError) {
        self.init(policy: policy)
        var parsed: [(line: Int?, path: JSONPath, event: ConsentEvent)] = []
        var diagnostics: [Diagnostic] = []
        var lineNumber = 0
        // One contiguous copy of the input, sliced per line without copying: `Data` slices and their iterators
        // cost more per byte than the parsing they feed.
        let all = [UInt8](data)
        let customRegimes = policy.customRegimeTable  // once per file, not per line
        var start = 0
        while start <= all.count {
            let end = all[start...].firstIndex(of: UInt8(ascii: "\n")) ?? all.count
            let lineBytes = all[start..<end]
            start = end + 1
            lineNumber += 1
            guard
                lineBytes.contains(where: {
                    $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r")
                })
            else { continue }
            let bytes: [UInt8]
            switch JournalLine.verify(lineBytes) {
            case .plain: bytes = Array(lineBytes)
            case .verified(let event): bytes = event
            case .corrupt:
                diagnostics.append(
                    Diagnostic(
                        code: .malformedJSON, message: "the line's checksum does not match its content (corrupted)",
                        location: InputLocation(file: file, line: lineNumber)))
                continue
            }
            do {
                let value = try JSONParser.parse(bytes, file: file, line: lineNumber)
                var reader = JSONReader(file: file, line: lineNumber)
                reader.customRegimes = customRegimes
                if let event = ConsentEvent.read(value, at: JSONPath(), reader: &reader), !reader.hasErrors {
                    parsed.append((lineNumber, JSONPath(), event))
                }
                diagnostics += reader.diagnostics
            } catch {
                diagnostics.append(Diagnostic(code: error.code, message: error.message, location: error.location))
            }
        }
        if !diagnostics.isEmpty { throw ConsentKitError(reporting: diagnostics) }
        try self.init(policy: policy, events: parsed, file: file)
    }

    /// Reads the JSON Lines ledger at `path`.
    public init(policy: Policy, contentsOfFile path: String) throws(ConsentKitError) {
        try self.init(policy: policy, jsonLines: try FileInput.read(path), file: path)
    }

    /// Appends events read from a file in time order (stable for equal instants), locating any refusal at its
    /// line. A withdrawal that comes before its grant in time is reported as such, not as an unknown grant.
    package init(
        policy: Policy, events: [(line: Int?, path: JSONPath, event: ConsentEvent)], file: String?
    ) throws(ConsentKitError) {
        self.init(policy: policy)
        try append(lines: events, file: file)
    }

    /// Appends events read from a file, as ``init(policy:events:file:)`` does.
    package mutating func append(
        lines events: [(line: Int?, path: JSONPath, event: ConsentEvent)], file: String?
    ) throws(ConsentKitError) {
        var grantsInFile: [GrantID: Date] = [:]
        for (_, _, event) in events {
            if case .grant(let grant) = event, grantsInFile[grant.id] == nil { grantsInFile[grant.id] = grant.at }
        }
        // Line order first: a file the ledger wrote (a journal, an export) holds its events in append order, and
        // replaying them so gives every event the sequence number it had when appended, which followers resuming
        // with `changes(after:)` rely on. A file written by hand may list a withdrawal before its grant: then in
        // time order (stable for equal instants), which decides the same.
        var inLineOrder = self
        if (try? inLineOrder.appendEach(events.enumerated().map { ($0.offset, $0.element) })) != nil {
            self = inLineOrder
            return
        }
        let ordered = events.enumerated().sorted { lhs, rhs in
            (lhs.element.event.at, lhs.offset) < (rhs.element.event.at, rhs.offset)
        }
        try appendEach(ordered.map { ($0.offset, $0.element) }, grantsInFile: grantsInFile, file: file)
    }

    /// Appends events in the order given, locating a refusal at its line.
    private mutating func appendEach(
        _ ordered: [(offset: Int, element: (line: Int?, path: JSONPath, event: ConsentEvent))],
        grantsInFile: [GrantID: Date] = [:], file: String? = nil
    ) throws(ConsentKitError) {
        for (_, (line, eventPath, event)) in ordered {
            do {
                try append(event)
            } catch {
                var error = error
                if case .withdraw(let withdrawal) = event, case .grant(let id) = withdrawal.target,
                    error.code == .unknownIdentifier, let grantedAt = grantsInFile[id], grantedAt > withdrawal.at
                {
                    error = ConsentKitError(
                        code: .inconsistentLedger,
                        message: "withdrawal at \(RFC3339.format(withdrawal.at)) precedes grant `\(id)` given at "
                            + RFC3339.format(grantedAt),
                        location: InputLocation(path: "at"))
                }
                let prefix = eventPath.description
                let path = [prefix, error.location.path].filter { !$0.isEmpty }.joined(separator: ".")
                throw ConsentKitError(
                    code: error.code, message: error.message,
                    location: InputLocation(file: file, line: line, path: path))
            }
        }
    }

    /// The instant that stands for "the beginning of time" in a file: the earliest one RFC 3339 can write.
    public static let beginningOfTime = Date(timeIntervalSince1970: -62_135_596_800)  // 0001-01-01T00:00:00Z

    /// The ledger as JSON Lines, one event per line in time order. Facts declared from the beginning of time
    /// (``declare(_:facts:)``) come first, as `subject` events at ``beginningOfTime``, so that reading the file back
    /// gives the same decisions for every instant a file can name.
    public func jsonLines() -> Data {
        var text = ""
        for subject in subjects {
            guard let facts = record(for: subject)?.initialFacts, facts != SubjectFacts() else { continue }
            let change = SubjectFactsChange(
                birthDate: facts.birthDate.map { .set($0) } ?? .keep, minor: facts.minor.map { .set($0) } ?? .keep,
                guardianship: facts.guardianship.map { .set($0) } ?? .keep)
            text += ConsentEvent.subjectFacts(subject, change, at: Self.beginningOfTime).jsonLine + "\n"
        }
        for entry in entries { text += entry.event.jsonLine + "\n" }
        return Data(text.utf8)
    }
}
