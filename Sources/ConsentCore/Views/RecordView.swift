internal import Foundation

/// What a field of a record shows in a view.
public enum FieldOutcome: Sendable, Hashable {
    /// The value as recorded; the decision allowed it for this reason.
    case clear(FieldValue, ReasonCode)
    /// A masked value (``MaskPattern``), or the redaction of a value too short for its mask.
    case masked(String, ReasonCode)
    /// A coarser value: an age band, a prefix, a range.
    case generalised(String, ReasonCode)
    /// A keyed pseudonym.
    case pseudonymised(String, ReasonCode)
    /// Not shown, and why.
    case withheld(Withholding)

    /// The decision's reason for a shown field, or `nil` for a withheld one (see ``Withholding``).
    public var reason: ReasonCode? {
        switch self {
        case .clear(_, let reason), .masked(_, let reason), .generalised(_, let reason), .pseudonymised(_, let reason):
            reason
        case .withheld(let withholding): withholding.deniedReason
        }
    }
}

/// Why a field is withheld: the consent decision denied it, or the view does not show it.
public enum Withholding: Sendable, Hashable {
    /// The decision denied the field for the view's purpose.
    case denied(ReasonCode)
    /// The decision allows it, and the view's rule (or its default for unnamed fields) withholds it.
    case byView
    /// The decision allows it, but it is sensitive for this subject (every field of a minor's is, PIPL Art. 28) and
    /// a de-identifying view never shows a sensitive value in clear.
    case sensitive
    /// The view pseudonymises it and no pseudonym key was given: never an unkeyed hash instead.
    case noPseudonymKey
    /// The transform cannot read this value (a birth date after the view's instant).
    case notApplicable

    /// The code written in `{"withheld": …}`: the decision's dotted reason code (`denied.optedOut.directMarketing`),
    /// or `view.withheld`, `view.sensitive`, `view.noPseudonymKey`, `view.notApplicable`.
    public var code: String {
        switch self {
        case .denied(let reason): reason.rawValue
        case .byView: "view.withheld"
        case .sensitive: "view.sensitive"
        case .noPseudonymKey: "view.noPseudonymKey"
        case .notApplicable: "view.notApplicable"
        }
    }

    /// The decision's reason when the decision denied the field.
    public var deniedReason: ReasonCode? {
        if case .denied(let reason) = self { reason } else { nil }
    }
}

/// The legal status of a view's output (PIPL Art. 73, GB/T 35273 §3.14–3.15).
public enum DataLabel: String, Sendable, Hashable, CaseIterable {
    /// Personal information that identifies the person: the customer id in clear (every standard, personal-data
    /// and opt-out view shows it), a direct identifier (name, ID number, contact, device or account id) in clear
    /// or masked, or a sensitive value in clear.
    case identified
    /// De-identified (Art. 73(3)): no direct identifier or sensitive value shown, but the person could be identified
    /// with additional information — pseudonyms (the key) or a batch not proven k-anonymous. Still personal
    /// information.
    case deidentified
    /// Anonymised (Art. 73(4)): an anonymised view's batch with no pseudonyms and every class of quasi-identifiers of
    /// at least k records. Not personal information (Art. 4).
    case anonymised
}

/// A record as a view shows it: per present field, clear, transformed or withheld with its reason; or, for an
/// opt-out or disclosure view, the whole record dropped with the reason.
///
/// It keeps a few bytes per field and the source record, and makes a ``FieldOutcome`` only when asked
/// (``outcomes``, ``subscript(_:)``): projecting into a reused view copies no value.
public struct RecordView: Sendable, Hashable {
    /// Whose record.
    public internal(set) var subject: SubjectID
    /// The subject as the output shows it: the id in clear for views of identified data; for a disclosure view
    /// the subject's keyed pseudonym (so a recipient can join its records without learning the id), or nothing
    /// without a key; for an anonymised view nothing.
    public internal(set) var shownSubject: String?
    /// The view's id.
    public internal(set) var view: String
    /// The record's legal label.
    public internal(set) var label: DataLabel
    /// Set when an opt-out or disclosure view dropped the record: the reason (the opt-out, objection or denial).
    /// A dropped record shows no field.
    public internal(set) var dropped: ReasonCode?
    /// The policy layout the outcomes follow.
    public internal(set) var schema: RecordSchema
    /// Whether withheld fields are left out of the JSON output (``PrivacyView/WithheldFields/omitted``).
    public internal(set) var omitsWithheld: Bool

    /// One code per field of the schema.
    var codes: [FieldCode]
    /// The values of clear fields are read from here.
    var source: PersonalRecord
    /// The texts of transformed fields, in field order; a code's `text` indexes it.
    var texts: [String] = []
    /// Scratch space for the allowed fields, reused from record to record; not part of the value.
    var allowed = FieldSet()
    /// The local day of the last instant projected at (a batch shares one instant): not part of the value.
    var dayCache: (instant: Date, day: CalendarDate?)?

    /// An empty view to project into (``ConsentEngine/view(of:as:at:into:)`` reuses its storage).
    public init(schema: RecordSchema) {
        self.subject = SubjectID("")
        self.shownSubject = nil
        self.view = ""
        self.label = .identified
        self.dropped = nil
        self.schema = schema
        self.omitsWithheld = false
        self.codes = Array(repeating: FieldCode(.absent), count: schema.fields.count)
        self.source = PersonalRecord(subject: SubjectID(""), schema: schema)
    }

    /// One outcome per field of the schema: `nil` where the record has no value (or the record was dropped).
    public var outcomes: [FieldOutcome?] { codes.indices.map(outcome(at:)) }

    /// The outcome of the field at `index` in the schema.
    public func outcome(at index: Int) -> FieldOutcome? {
        let code = codes[index]
        let reason = ReasonCode(ordinal: code.reason) ?? .notDeclared
        switch code.kind {
        case .absent: return nil
        case .clear: return source.values[index].map { .clear($0, reason) }
        case .masked: return .masked(texts[Int(code.text)], reason)
        case .generalised: return .generalised(texts[Int(code.text)], reason)
        case .pseudonymised: return .pseudonymised(texts[Int(code.text)], reason)
        case .denied: return .withheld(.denied(reason))
        case .byView: return .withheld(.byView)
        case .sensitive: return .withheld(.sensitive)
        case .noPseudonymKey: return .withheld(.noPseudonymKey)
        case .notApplicable: return .withheld(.notApplicable)
        }
    }

    public static func == (lhs: RecordView, rhs: RecordView) -> Bool {
        lhs.subject == rhs.subject && lhs.shownSubject == rhs.shownSubject && lhs.view == rhs.view
            && lhs.label == rhs.label && lhs.dropped == rhs.dropped && lhs.schema == rhs.schema
            && lhs.outcomes == rhs.outcomes && lhs.omitsWithheld == rhs.omitsWithheld
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(subject)
        hasher.combine(view)
        hasher.combine(outcomes)
    }

    /// The outcome of a field, or `nil` when the record has no value for it.
    public subscript(field: FieldID) -> FieldOutcome? {
        schema.position(of: field).flatMap(outcome(at:))
    }

    /// The present fields and their outcomes, in the policy's order.
    public var fields: [(field: FieldID, outcome: FieldOutcome)] {
        codes.indices.compactMap { index in outcome(at: index).map { (schema.fields[index].id, $0) } }
    }

    /// Whether any field is pseudonymised.
    public var hasPseudonyms: Bool { codes.contains { $0.kind == .pseudonymised } }
}

/// A field's outcome in eight bytes: what happened, the decision's reason, and where a transformed text is.
struct FieldCode: Sendable, Hashable {
    enum Kind: UInt8, Sendable {
        case absent, clear, masked, generalised, pseudonymised, denied, byView, sensitive, noPseudonymKey,
            notApplicable
    }
    var kind: Kind
    var reason: UInt8
    var text: UInt32

    /// Whether the field's value, or something made from it, is in the output.
    var isShown: Bool {
        switch kind {
        case .clear, .masked, .generalised, .pseudonymised: true
        default: false
        }
    }

    init(_ kind: Kind, _ reason: ReasonCode? = nil, text: Int = 0) {
        self.kind = kind
        self.reason = reason?.ordinal ?? 0
        self.text = UInt32(truncatingIfNeeded: text)
    }
}
