package import ConsentCore
package import Foundation

/// Reads typed values out of parsed JSON, collecting every problem with its JSON path instead of stopping at the
/// first: the core's ``DiagnosticCollector`` with accessors for each JSON type.
package typealias JSONReader = DiagnosticCollector

extension DiagnosticCollector {
    // MARK: Objects

    /// The value as an object whose keys are all among `allowed` (any key when `nil`: a map keyed by ids); unknown
    /// keys are reported.
    package mutating func object(_ value: JSONValue, at path: JSONPath, allowed: [String]?) -> JSONObject? {
        guard case .object(let object) = value else {
            fail(.wrongType, "expected an object, found \(value.typeName)", at: path)
            return nil
        }
        guard let allowed else { return object }
        for key in object.keys where !allowed.contains(key) {
            fail(.unknownKey, "unknown key `\(key)`", at: path + key)
        }
        return object
    }

    /// Reads a required member; a missing key is reported.
    package mutating func required<T>(
        _ object: JSONObject, _ key: String, at path: JSONPath,
        _ read: (inout JSONReader, JSONValue, JSONPath) -> T?
    ) -> T? {
        guard let value = object[key] else {
            fail(.missingKey, "missing required key `\(key)`", at: path + key)
            return nil
        }
        return read(&self, value, path + key)
    }

    /// Reads an optional member; absent and `null` both give `nil` without a diagnostic.
    package mutating func optional<T>(
        _ object: JSONObject, _ key: String, at path: JSONPath,
        _ read: (inout JSONReader, JSONValue, JSONPath) -> T?
    ) -> T? {
        guard let value = object[key], value != .null else { return nil }
        return read(&self, value, path + key)
    }

    // MARK: Scalars

    package mutating func string(_ value: JSONValue, at path: JSONPath) -> String? {
        guard case .string(let text) = value else {
            fail(.wrongType, "expected a string, found \(value.typeName)", at: path)
            return nil
        }
        return text
    }

    /// A string that is usable as an identifier (see ``IdentifierRule``).
    package mutating func identifier(_ value: JSONValue, at path: JSONPath) -> String? {
        guard let text = string(value, at: path) else { return nil }
        if let problem = IdentifierRule.problem(with: text) {
            fail(.invalidValue, "not a valid identifier: \(problem)", at: path)
            return nil
        }
        return text
    }

    package mutating func bool(_ value: JSONValue, at path: JSONPath) -> Bool? {
        guard case .bool(let flag) = value else {
            fail(.wrongType, "expected `true` or `false`, found \(value.typeName)", at: path)
            return nil
        }
        return flag
    }

    package mutating func integer(_ value: JSONValue, at path: JSONPath, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let text) = value else {
            fail(.wrongType, "expected an integer, found \(value.typeName)", at: path)
            return nil
        }
        guard let number = Int(text) else {
            fail(.invalidValue, "expected an integer, found `\(text)`", at: path)
            return nil
        }
        guard range.contains(number) else {
            fail(.invalidValue, "`\(number)` is out of range \(range.lowerBound)...\(range.upperBound)", at: path)
            return nil
        }
        return number
    }

    /// A string that must be one of `choices` (the raw values of a closed set).
    package mutating func choice<T: RawRepresentable>(_ value: JSONValue, at path: JSONPath, of _: T.Type) -> T?
    where T: CaseIterable, T.RawValue == String {
        guard let text = string(value, at: path) else { return nil }
        guard let choice = T(rawValue: text) else {
            let options = T.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
            fail(.invalidValue, "`\(text)` is not one of \(options)", at: path)
            return nil
        }
        return choice
    }

    package mutating func instant(_ value: JSONValue, at path: JSONPath) -> Date? {
        guard let text = string(value, at: path) else { return nil }
        do {
            return try RFC3339.parseInstant(text)
        } catch {
            fail(.invalidDate, error.message, at: path)
            return nil
        }
    }

    package mutating func date(_ value: JSONValue, at path: JSONPath) -> CalendarDate? {
        guard let text = string(value, at: path) else { return nil }
        do {
            return try CalendarDate(parsing: text)
        } catch {
            fail(.invalidDate, error.message, at: path)
            return nil
        }
    }

    /// An array whose elements are read one by one; an element that fails is left out after being reported.
    package mutating func array<T>(
        _ value: JSONValue, at path: JSONPath, nonEmpty: Bool = false,
        _ element: (inout JSONReader, JSONValue, JSONPath) -> T?
    ) -> [T]? {
        guard case .array(let elements) = value else {
            fail(.wrongType, "expected an array, found \(value.typeName)", at: path)
            return nil
        }
        if nonEmpty && elements.isEmpty { fail(.invalidValue, "must not be empty", at: path) }
        return elements.enumerated().compactMap { offset, item in element(&self, item, path + offset) }
    }

    /// An array of identifiers, with duplicates reported.
    package mutating func identifiers<ID: ConsentIdentifier>(
        _ value: JSONValue, at path: JSONPath, nonEmpty: Bool = false, as _: ID.Type = ID.self
    ) -> [ID]? {
        var seen: Set<String> = []
        let before = diagnostics.count
        // All or nothing: a list with a bad element is not returned shorter, which would shift later paths.
        let list = array(value, at: path, nonEmpty: nonEmpty) { reader, item, itemPath -> ID? in
            guard let text = reader.identifier(item, at: itemPath) else { return nil }
            if !seen.insert(text).inserted {
                reader.fail(.duplicateIdentifier, "`\(text)` is listed twice", at: itemPath)
            }
            return ID(text)
        }
        return diagnostics.count == before ? list : nil
    }
}
