public import ConsentCore
public import Foundation

/// Records as JSON: `{"subject": "alice", "fields": {"name": "张三", "birthDate": "2013-05-01"}}`, one per line in a
/// records file (Formats.md, "Records"). The flat form `{"subject": "alice", "name": "张三"}` is read too.
extension PersonalRecord {
    /// The most problems one records file reports before it stops looking: a file with a million bad lines needs
    /// its first hundred to be fixed, not a million-line error.
    public static let maximumReportedProblems = 100

    /// Reads every record of a JSON Lines document, checking each value against the field types of `schema`.
    ///
    /// All or nothing: a document with any bad line throws, listing every problem (up to
    /// ``maximumReportedProblems``) with its line and JSON path, and no record is returned.
    ///
    /// - Throws: ``ConsentKitError`` with one ``Diagnostic`` per problem.
    public static func records(jsonLines data: Data, schema: RecordSchema, file: String? = nil)
        throws(ConsentKitError) -> [PersonalRecord]
    {
        try JSONLines.decode(data, file: file, limit: maximumReportedProblems) { value, reader in
            PersonalRecord(json: value, schema: schema, reader: &reader)
        }
    }

    /// Reads the records file at `path` (``records(jsonLines:schema:file:)``).
    public static func records(contentsOfFile path: String, schema: RecordSchema) throws(ConsentKitError)
        -> [PersonalRecord]
    {
        try records(jsonLines: try FileInput.read(path), schema: schema, file: path)
    }

    /// Reads one record from a JSON document.
    public init(jsonData: Data, schema: RecordSchema, file: String? = nil) throws(ConsentKitError) {
        let value = try JSONParser.parse(Array(jsonData), file: file)
        var reader = JSONReader(file: file)
        guard let record = PersonalRecord(json: value, schema: schema, reader: &reader), !reader.hasErrors else {
            throw ConsentKitError(reporting: reader.diagnostics)
        }
        self = record
    }

    package init?(json value: JSONValue, schema: RecordSchema, reader: inout JSONReader) {
        let root = JSONPath()
        guard case .object(let object) = value else {
            reader.fail(.wrongType, "expected a record object, found \(value.typeName)", at: root)
            return nil
        }
        // Nested when `fields` is an object; a field that happens to be named `fields` holds no object.
        let members: [(key: String, value: JSONValue)]
        let fieldsPath: JSONPath
        if case .object(let fields) = object["fields"] {
            for key in object.keys where key != "subject" && key != "fields" {
                reader.fail(.unknownKey, "unknown key `\(key.escapingControlCharacters)`", at: root + key)
            }
            members = fields.members
            fieldsPath = root + "fields"
        } else {
            members = object.members.filter { $0.key != "subject" }
            fieldsPath = root
        }
        guard let subject = reader.required(object, "subject", at: root, { $0.identifier($1, at: $2) }) else {
            return nil
        }
        var record = PersonalRecord(subject: SubjectID(subject), schema: schema)
        var seen = Set<Int>()
        for (key, item) in members {
            let path = fieldsPath + key
            guard let position = schema.position(of: FieldID(key)) else {
                reader.fail(
                    .unknownIdentifier, "the policy declares no field `\(key.escapingControlCharacters)`", at: path)
                continue
            }
            guard seen.insert(position).inserted else {
                reader.fail(.duplicateIdentifier, "field `\(key)` is given twice", at: path)
                continue
            }
            if item == .null { continue }
            if let value = Self.value(item, of: schema.fields[position].type, at: path, reader: &reader) {
                record.setChecked(value, at: position)
            }
        }
        self = record
    }

    /// A value of `type`, or `nil` after reporting why not.
    private static func value(_ item: JSONValue, of type: FieldType, at path: JSONPath, reader: inout JSONReader)
        -> FieldValue?
    {
        switch type {
        case .string: return reader.string(item, at: path).map(FieldValue.string)
        case .int: return reader.integer(item, at: path, in: Int.min...Int.max).map(FieldValue.int)
        case .double:
            guard case .number(let text) = item else {
                reader.fail(.wrongType, "expected a number, found \(item.typeName)", at: path)
                return nil
            }
            guard let number = Double(text), number.isFinite else {
                reader.fail(.invalidValue, "`\(text)` is not a finite number", at: path)
                return nil
            }
            return .double(number)
        case .bool: return reader.bool(item, at: path).map(FieldValue.bool)
        case .date: return reader.date(item, at: path).map(FieldValue.date)
        case .instant: return reader.instant(item, at: path).map(FieldValue.instant)
        case .bytes:
            guard let text = reader.string(item, at: path) else { return nil }
            guard let data = Data(base64Encoded: text) else {
                reader.fail(.invalidValue, "expected base64 bytes", at: path)
                return nil
            }
            return .bytes(data)
        case .stringList:
            let before = reader.diagnostics.count
            let list = reader.array(item, at: path) { $0.string($1, at: $2) }
            return reader.diagnostics.count == before ? list.map(FieldValue.stringList) : nil
        }
    }
}

extension FieldValue {
    /// The value as JSON: strings, numbers and booleans as themselves, dates `YYYY-MM-DD`, instants RFC 3339, bytes
    /// base64, lists as arrays.
    package var jsonValue: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .number(String(number))
        case .double(let number):
            .number(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)")
        case .bool(let flag): .bool(flag)
        case .date(let date): .string(date.description)
        case .instant(let instant): .string(RFC3339.format(instant))
        case .bytes(let data): .string(data.base64EncodedString())
        case .stringList(let items): .array(items.map { .string($0) })
        }
    }
}

extension RecordView {
    /// The record as one line of `consent view` output, without the newline:
    /// `{"subject":…,"view":…,"label":"identified","fields":{"name":"张*","nationalId":{"withheld":"denied.notDeclared"}}}`.
    /// Fields follow the policy's order, so equal input gives byte-identical output.
    public var jsonLine: String {
        var fields = JSONObject()
        for index in schema.fields.indices {
            guard let outcome = outcome(at: index) else { continue }
            let value: JSONValue
            switch outcome {
            case .clear(let shown, _): value = shown.jsonValue
            case .masked(let text, _), .generalised(let text, _), .pseudonymised(let text, _): value = .string(text)
            case .withheld(let withholding):
                if omitsWithheld { continue }
                value = .object(["withheld": .string(withholding.code)])
            }
            fields.members.append((schema.fields[index].id.rawValue, value))
        }
        var object = JSONObject()
        if let shownSubject { object.members.append(("subject", .string(shownSubject))) }
        object.members += [
            ("view", .string(view)), ("label", .string(label.rawValue)), ("fields", .object(fields)),
        ]
        return JSONValue.object(object).serialized()
    }
}
