public import Foundation

/// One value of a personal-data field, of one of the policy's ``FieldType``s.
///
/// ``PersonalRecord`` keeps its values in this form; the typed accessors (`record[CustomerFields.email]`) convert to
/// and from the Swift types of ``PersonalDataField``.
public enum FieldValue: Sendable, Hashable {
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A finite floating-point number.
    case double(Double)
    /// True or false.
    case bool(Bool)
    /// A calendar day.
    case date(CalendarDate)
    /// An instant.
    case instant(Date)
    /// Raw bytes.
    case bytes(Data)
    /// A list of strings.
    case stringList([String])

    /// The field type this value has.
    public var type: FieldType {
        switch self {
        case .string: .string
        case .int: .int
        case .double: .double
        case .bool: .bool
        case .date: .date
        case .instant: .instant
        case .bytes: .bytes
        case .stringList: .stringList
        }
    }

    /// The value of a Swift value of one of the ``PersonalDataValue`` types.
    public init<Value: PersonalDataValue>(_ value: Value) {
        switch value {
        case let value as String: self = .string(value)
        case let value as Int: self = .int(value)
        case let value as Double: self = .double(value)
        case let value as Bool: self = .bool(value)
        case let value as CalendarDate: self = .date(value)
        case let value as Date: self = .instant(value)
        case let value as Data: self = .bytes(value)
        case let value as [String]: self = .stringList(value)
        default: preconditionFailure("\(Value.self) is not one of the field types")
        }
    }

    /// The value as a `Value`, or `nil` when it is of another type.
    public func value<Value: PersonalDataValue>(as type: Value.Type) -> Value? {
        switch self {
        case .string(let value): value as? Value
        case .int(let value): value as? Value
        case .double(let value): value as? Value
        case .bool(let value): value as? Value
        case .date(let value): value as? Value
        case .instant(let value): value as? Value
        case .bytes(let value): value as? Value
        case .stringList(let value): value as? Value
        }
    }

    /// Why the value cannot be held by a record, or `nil` when it can: a number that is not finite, or an instant
    /// outside years 1–9999, has no interchange form and would make every later step guess.
    public var problem: String? {
        switch self {
        case .double(let value) where !value.isFinite: "`\(value)` is not a finite number"
        case .instant(let value) where !RFC3339.isRepresentable(value): "the instant lies outside years 1–9999"
        default: nil
        }
    }

    /// The bytes a pseudonym is computed from: the type's name and `:`, then the value's canonical text —
    /// strings in Unicode NFC, so that two spellings of one name that compare equal get one pseudonym.
    package var canonicalBytes: [UInt8] {
        let body: [UInt8]
        switch self {
        case .string(let text): body = Array(Self.normalized(text).utf8)
        case .int(let value): body = Array(String(value).utf8)
        case .double(let value): body = Array(String(value).utf8)
        case .bool(let value): body = Array((value ? "true" : "false").utf8)
        case .date(let value): body = Array(value.description.utf8)
        case .instant(let value): body = Array(RFC3339.format(value).utf8)
        case .bytes(let value): body = Array(value)
        case .stringList(let items):
            // Length-prefixed, so that ["ab", "c"] and ["a", "bc"] differ.
            body = items.flatMap { item in
                let bytes = Array(Self.normalized(item).utf8)
                return Array(String(bytes.count).utf8) + [0x3A] + bytes
            }
        }
        return Array(type.rawValue.utf8) + [0x3A] + body
    }

    /// `text` in Unicode Normalization Form C; ASCII is already in it and skips the work.
    package static func normalized(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}
