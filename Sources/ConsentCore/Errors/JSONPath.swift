/// A JSON path as the formats print it: `purposes[3].fields[1]`.
package struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    package private(set) var description: String

    package init(_ description: String = "") { self.description = description }

    package static func + (path: JSONPath, key: String) -> JSONPath {
        JSONPath(path.description.isEmpty ? key : path.description + "." + key)
    }

    package static func + (path: JSONPath, index: Int) -> JSONPath {
        JSONPath(path.description + "[\(index)]")
    }
}
