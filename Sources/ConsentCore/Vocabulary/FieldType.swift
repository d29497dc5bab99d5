public import Foundation

/// The value type of a personal-data field as the interchange format names it.
public enum FieldType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Text.
    case string
    /// A whole number.
    case int
    /// A floating-point number.
    case double
    /// True or false.
    case bool
    /// A calendar day without time, `YYYY-MM-DD`.
    case date
    /// An instant, RFC 3339.
    case instant
    /// Raw bytes, such as a biometric template.
    case bytes
    /// A list of strings.
    case stringList
}

/// A Swift type that a ``PersonalDataField`` can hold; it names its interchange ``FieldType``.
public protocol PersonalDataValue: Sendable {
    /// The field type that values of this Swift type have in a policy file.
    static var fieldType: FieldType { get }
}

extension String: PersonalDataValue {
    /// `string`.
    public static var fieldType: FieldType { .string }
}
extension Int: PersonalDataValue {
    /// `int`.
    public static var fieldType: FieldType { .int }
}
extension Double: PersonalDataValue {
    /// `double`.
    public static var fieldType: FieldType { .double }
}
extension Bool: PersonalDataValue {
    /// `bool`.
    public static var fieldType: FieldType { .bool }
}
extension CalendarDate: PersonalDataValue {
    /// `date`.
    public static var fieldType: FieldType { .date }
}
extension Date: PersonalDataValue {
    /// `instant`.
    public static var fieldType: FieldType { .instant }
}
extension Data: PersonalDataValue {
    /// `bytes`.
    public static var fieldType: FieldType { .bytes }
}
extension Array: PersonalDataValue where Element == String {
    /// `stringList`.
    public static var fieldType: FieldType { .stringList }
}
