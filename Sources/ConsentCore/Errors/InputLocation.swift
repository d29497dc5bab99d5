/// Where in an input something is: the file, the line (and column) and the JSON path.
public struct InputLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given, or `nil` for data that came from memory.
    public var file: String?
    /// The 1-based line, for JSON Lines and syntax errors.
    public var line: Int?
    /// The 1-based column, for syntax errors.
    public var column: Int?
    /// The JSON path, such as `purposes[3].fields[1]`; empty for the whole document.
    public var path: String

    /// Creates a location.
    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, path: String = "") {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
    }

    /// `file:line:column: path`, leaving out what is unknown.
    public var description: String {
        var head = file ?? ""
        if let line {
            head += head.isEmpty ? "line \(line)" : ":\(line)"
            if let column { head += ":\(column)" }
        }
        switch (head.isEmpty, path.isEmpty) {
        case (true, _): return path
        case (false, true): return head
        case (false, false): return "\(head): \(path)"
        }
    }
}
