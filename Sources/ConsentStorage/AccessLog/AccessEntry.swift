public import ConsentCore
public import Foundation

/// One access to a customer's personal data as the access log records it: who, for which purpose, through which
/// view, which fields, and what the decision was — and **no value of any field**.
///
/// Nothing here can hold personal data: purposes, fields, views and recipients are names the policy declares (the log
/// refuses any other), the role is a short code, the grant id is the ledger's, and the customer and the person acting
/// appear only as keyed references the log computes (``AccessLog`` never writes a customer id or a principal's name).
/// So there is nothing to redact later, and the log can be kept for PIPL Art. 56's three years without becoming a
/// second copy of the data it protects.
public struct AccessEntry: Sendable, Hashable {
    /// When the access was decided.
    public var instant: Date
    /// Who asked.
    public var actor: AccessActor
    /// The customer whose data it was: the log keeps only a keyed reference to it.
    public var subject: SubjectID
    /// For which purpose.
    public var purpose: PurposeID
    /// Through which privacy view, if one.
    public var view: String?
    /// Which fields.
    public var fields: [FieldID]
    /// The decision: its reason (whose effect is allow or deny) and the grant it rests on, if any.
    public var reason: ReasonCode
    /// The consent grant the decision rests on, if any.
    public var grant: GrantID?
    /// The other processor the data went to, if any.
    public var recipient: RecipientID?
    /// The place abroad the data went to, if any.
    public var destination: Destination?
    /// Classes of the access the caller knows and the policy cannot tell (the customer is a minor, the access was
    /// privileged); the log adds those the policy tells (sensitive fields, disclosures, denies).
    public var flags: AccessFlags

    /// Creates an entry.
    public init(
        at instant: Date, actor: AccessActor, subject: SubjectID, purpose: PurposeID, view: String? = nil,
        fields: [FieldID], reason: ReasonCode, grant: GrantID? = nil, recipient: RecipientID? = nil,
        destination: Destination? = nil, flags: AccessFlags = []
    ) {
        self.instant = instant
        self.actor = actor
        self.subject = subject
        self.purpose = purpose
        self.view = view
        self.fields = fields
        self.reason = reason
        self.grant = grant
        self.recipient = recipient
        self.destination = destination
        self.flags = flags
    }

    /// The entry for a decision the engine made on a question.
    public init(question: ConsentQuestion, decision: Decision, actor: AccessActor, view: String? = nil) {
        self.init(
            at: question.instant, actor: actor, subject: question.subject, purpose: question.purpose, view: view,
            fields: [question.field], reason: decision.reason, grant: decision.grant, recipient: question.recipient,
            destination: question.destination)
    }

    /// Whether the decision allowed the access.
    public var isAllowed: Bool { reason.effect == .allow }
}

/// Who reached the data: a role (the application or job, such as `crm` or `marketing-batch`) and, optionally, the
/// person or service account acting, which the log keeps only as a keyed reference.
public struct AccessActor: Sendable, Hashable {
    /// A short code naming the role: 1–64 ASCII letters, digits, `.`, `-` and `_` (so it cannot carry a value).
    public var role: String
    /// The person or account acting, as the caller knows it; never written to the log.
    public var principal: String?

    /// Creates an actor.
    public init(role: String, principal: String? = nil) {
        self.role = role
        self.principal = principal
    }

    /// Why `role` is not an acceptable role code, or `nil`.
    public static func problem(withRole role: String) -> String? {
        let count = role.utf8.count
        guard count > 0, count <= 64 else { return "a role is 1 to 64 characters, not \(count)" }
        for byte in role.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                continue
            default:
                return "a role is ASCII letters, digits, `.`, `-` and `_`; `\(role.escapingControlCharacters)` is not"
            }
        }
        return nil
    }
}

/// The classes of an access that decide whether it may ever be left out of the log, and that reports count.
public struct AccessFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    /// Creates flags from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The access was denied.
    public static let denied = AccessFlags(rawValue: 1 << 0)
    /// A field is sensitive personal information (PIPL Art. 28).
    public static let sensitive = AccessFlags(rawValue: 1 << 1)
    /// The customer is a minor (under the policy's age: PIPL Art. 28, 31).
    public static let minor = AccessFlags(rawValue: 1 << 2)
    /// Through a privileged view: clear personal data for a declared justification.
    public static let privileged = AccessFlags(rawValue: 1 << 3)
    /// The data left the processor: provision to another processor, public disclosure, or a transfer abroad (PIPL
    /// Art. 23, 25, 38).
    public static let disclosure = AccessFlags(rawValue: 1 << 4)

    /// The classes that are never sampled away: every entry with one of them is written.
    public static let neverDropped: AccessFlags = [.denied, .sensitive, .minor, .privileged, .disclosure]

    /// The names, in a fixed order, as the log writes them.
    public static let names: [(AccessFlags, String)] = [
        (.denied, "denied"), (.sensitive, "sensitive"), (.minor, "minor"), (.privileged, "privileged"),
        (.disclosure, "disclosure"),
    ]

    /// The names of the flags set, in the fixed order.
    public var names: [String] { Self.names.filter { contains($0.0) }.map(\.1) }

    /// The name of the single flag whose bit is `bit` (0–4).
    static func name(ofBit bit: Int) -> StaticString {
        switch bit {
        case 0: "denied"
        case 1: "sensitive"
        case 2: "minor"
        case 3: "privileged"
        default: "disclosure"
        }
    }
}
