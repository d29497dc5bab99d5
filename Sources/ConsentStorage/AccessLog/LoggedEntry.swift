public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// An entry as it stands in an access log: the ``AccessEntry`` that was recorded, as the log keeps it — the customer
/// and the principal as keyed references, each field with its class, and the decision.
public struct LoggedEntry: Sendable, Hashable {
    /// The entry's 0-based sequence number: its index in the Merkle tree.
    public var sequence: UInt64
    /// When the access was decided (to the millisecond).
    public var instant: Date
    /// The actor's role.
    public var role: String
    /// The keyed reference of the principal acting, if one was given.
    public var principalReference: String?
    /// The keyed reference of the customer.
    public var subjectReference: String
    /// The purpose.
    public var purpose: PurposeID
    /// The view, if one.
    public var view: String?
    /// The fields.
    public var fields: [FieldID]
    /// Each field's class: `ordinary`, or the kind of sensitive personal information (`financialAccount`, …).
    public var classes: [String]
    /// The decision's reason (its effect is the entry's effect).
    public var reason: ReasonCode
    /// The keyed reference of the grant the decision rested on, if any (under the customer's key, so that a grant id
    /// naming the customer never reaches the log; the operator, holding the key, can match it to the grant).
    public var grantReference: String?
    /// The recipient, if any.
    public var recipient: RecipientID?
    /// The destination abroad, if any.
    public var destination: Destination?
    /// The entry's classes.
    public var flags: AccessFlags
    /// The first 16 hexadecimal digits of SHA-256 of the policy in force.
    public var policyHash: String

    /// Whether the access was allowed.
    public var isAllowed: Bool { reason.effect == .allow }

    /// Reads an entry line exactly as the log writes it (keys in their fixed order, nothing else; the `mac` member
    /// optional, as a receipt's entries have none), or `nil` — the strictness is the point: a line that verifies was
    /// written by the log, so anything else is not an entry.
    package init?(line: UnsafeRawBufferPointer) {
        var cursor = LineCursor(bytes: line)
        guard cursor.expect(#"{"seq":"#), let sequence = cursor.number(),
            cursor.expect(#","at":"#), let at = cursor.string(), let instant = try? Date(rfc3339: at),
            cursor.expect(#","role":"#), let role = cursor.string()
        else { return nil }
        self.sequence = sequence
        self.instant = instant
        self.role = role
        principalReference = cursor.expect(#","principal":"#) ? cursor.string() : nil
        guard cursor.expect(#","subject":"#), let subject = cursor.string(), cursor.expect(#","purpose":"#),
            let purpose = cursor.string()
        else { return nil }
        subjectReference = subject
        self.purpose = PurposeID(purpose)
        view = cursor.expect(#","view":"#) ? cursor.string() : nil
        guard cursor.expect(#","fields":"#), let fields = cursor.strings(), cursor.expect(#","classes":"#),
            let classes = cursor.strings(), cursor.expect(#","effect":"#), let effect = cursor.string(),
            cursor.expect(#","reason":"#), let reasonText = cursor.string(),
            let reason = ReasonCode(rawValue: reasonText),
            (effect == "allow") == (reason.effect == .allow), effect == "allow" || effect == "deny"
        else { return nil }
        self.fields = fields.map(FieldID.init)
        self.classes = classes
        self.reason = reason
        grantReference = cursor.expect(#","grant":"#) ? cursor.string() : nil
        recipient = cursor.expect(#","recipient":"#) ? cursor.string().map(RecipientID.init) : nil
        destination = cursor.expect(#","destination":"#) ? cursor.string().map(Destination.init) : nil
        guard cursor.expect(#","flags":"#), let flagNames = cursor.strings(), cursor.expect(#","policy":"#),
            let policy = cursor.string(), !cursor.expect(#","mac":"#) || cursor.string() != nil, cursor.expect("}"),
            cursor.atEnd
        else { return nil }
        var flags: AccessFlags = []
        for name in flagNames {
            guard let flag = AccessFlags.names.first(where: { $0.1 == name })?.0 else { return nil }
            flags.insert(flag)
        }
        self.flags = flags
        policyHash = policy
    }
}

/// Reads the log's canonical lines byte by byte: literal pieces, unsigned numbers, strings with `\"` and `\\`.
struct LineCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var atEnd: Bool { position == bytes.count }

    /// Consumes `literal` if the line continues with it.
    mutating func expect(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[position + index] != start[index] { return false }
        position += count
        return true
    }

    mutating func number() -> UInt64? {
        var value: UInt64 = 0
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
            position += 1
        }
        // One spelling per number: no empty number, no leading zero.
        guard position > start, position - start == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        return value
    }

    mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(bytes: text, encoding: .utf8)
            case UInt8(ascii: "\\"):
                guard position < bytes.count,
                    bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "\\")
                else { return nil }
                text.append(bytes[position])
                position += 1
            case 0..<0x20:
                return nil
            default:
                text.append(byte)
            }
        }
        return nil
    }

    mutating func strings() -> [String]? {
        guard expect("[") else { return nil }
        var result: [String] = []
        if expect("]") { return result }
        repeat {
            guard let text = string() else { return nil }
            result.append(text)
        } while expect(",")
        return expect("]") ? result : nil
    }
}

extension LoggedEntry {
    /// Reads an entry's text as the log or a receipt holds it, or `nil`.
    public init?(text: String) {
        var bytes = Array(text.utf8)
        guard let entry = bytes.withUnsafeMutableBytes({ LoggedEntry(line: UnsafeRawBufferPointer($0)) }) else {
            return nil
        }
        self = entry
    }
}
