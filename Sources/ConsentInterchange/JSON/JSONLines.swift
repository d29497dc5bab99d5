package import ConsentCore
package import Foundation

/// Reads a JSON Lines document all or nothing: each non-blank line parsed and turned into a value by `make`, every
/// problem collected with its line and JSON path, at most `limit` of them; no value is returned from a document with
/// one. Records files and question files share it.
package enum JSONLines {
    package static func decode<Value>(
        _ data: Data, file: String?, limit: Int, _ make: (JSONValue, inout JSONReader) -> Value?
    ) throws(ConsentKitError) -> [Value] {
        let bytes = [UInt8](data)
        var values: [Value] = []
        var problems: [Diagnostic] = []
        var lineNumber = 0
        var start = 0
        var truncated = false
        while start < bytes.count, !truncated {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var line = bytes[start..<end]
            start = end + 1
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                let value = try JSONParser.parse(Array(line), file: file, line: lineNumber)
                var reader = JSONReader(file: file, line: lineNumber)
                if let made = make(value, &reader), !reader.hasErrors { values.append(made) }
                problems += reader.diagnostics
            } catch {
                problems +=
                    error.diagnostics.isEmpty
                    ? [Diagnostic(code: error.code, message: error.message, location: error.location)]
                    : error.diagnostics
            }
            truncated = problems.count >= limit
        }
        if !problems.isEmpty {
            var error = ConsentKitError(reporting: Array(problems.prefix(limit)))
            if truncated && start < bytes.count {
                error.diagnostics.append(
                    Diagnostic(
                        code: error.code, message: "stopped after \(limit) problems at line \(lineNumber)",
                        location: InputLocation(file: file, line: lineNumber)))
            }
            throw error
        }
        return values
    }
}
