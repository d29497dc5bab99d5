/// One quality of how a consent was obtained. The laws ConsentKit knows ask for different ones, so a grant carries a
/// set of them (``ConsentAttributes``) and a requirement is a set too. ``ConsentKind`` remains as a shorthand for
/// the sets PIPL names.
public enum ConsentAttribute: String, Sendable, Hashable, CaseIterable {
    /// A statement or clear affirmative act: not silence, a pre-ticked box or inactivity. Every grant has it.
    case affirmative
    /// Distinguishable from other matters: not part of accepting terms, not a condition of an unrelated service.
    case unbundled
    /// Given for this processing alone, and highlighted (单独同意).
    case separate
    /// An express statement.
    case explicit
    /// A written instrument.
    case written
    /// A request, then a separate confirmation.
    case twoStep
    /// Given by a guardian whose identity and authority were verified.
    case verifiedParental
    /// Given after being told of a transfer's international character and risks.
    case transferInformed

    /// The provisions that ask for the attribute.
    public var citation: String {
        switch self {
        case .affirmative: "PIPL Art. 14; GDPR Art. 4(11); CCPA 1798.140(h); LGPD Art. 5 XII; PDPA Sec. 19"
        case .unbundled: "GDPR Art. 7(2), 7(4); CCPA 1798.140(h); LGPD Art. 8 §1, §4; PDPA Sec. 19"
        case .separate: "PIPL Arts. 23, 25, 26, 29, 39; LGPD Art. 11 I, 14 §1, 33 VIII"
        case .explicit: "GDPR Art. 9(2)(a), 22(2)(c), 49(1)(a); PDPA Sec. 26"
        case .written: "PIPL Art. 29 with other laws"
        case .twoStep: "CCPA Regulations §7001(a), §7028"
        case .verifiedParental: "CCPA Regulations §7070"
        case .transferInformed: "GDPR Art. 49(1)(a); LGPD Art. 33 VIII; PDPA Sec. 28(2)"
        }
    }
}

/// A set of ``ConsentAttribute``s: what a grant has, or what a requirement asks for. A grant satisfies a requirement
/// when it has every attribute in it.
///
/// Attributes imply others (``withImplications``): `written` implies `explicit`, `separate` and `unbundled`;
/// `separate` implies `unbundled`; and every grant is `affirmative`.
public struct ConsentAttributes: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// One bit per attribute, in the order ``ConsentAttribute`` declares them.
    public let rawValue: UInt8

    /// Creates the set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The set holding one attribute.
    public init(_ attribute: ConsentAttribute) {
        let index = ConsentAttribute.allCases.firstIndex(of: attribute) ?? 0
        rawValue = 1 << UInt8(index)
    }

    /// The set holding these attributes.
    public init(_ attributes: some Sequence<ConsentAttribute>) {
        self = attributes.reduce(into: []) { $0.insert(ConsentAttributes($1)) }
    }

    /// A statement or clear affirmative act.
    public static let affirmative = ConsentAttributes(.affirmative)
    /// Not bundled with other matters.
    public static let unbundled = ConsentAttributes(.unbundled)
    /// Given for this processing alone, highlighted.
    public static let separate = ConsentAttributes(.separate)
    /// An express statement.
    public static let explicit = ConsentAttributes(.explicit)
    /// A written instrument.
    public static let written = ConsentAttributes(.written)
    /// Requested, then separately confirmed.
    public static let twoStep = ConsentAttributes(.twoStep)
    /// A verified guardian's.
    public static let verifiedParental = ConsentAttributes(.verifiedParental)
    /// Informed of a transfer's risks.
    public static let transferInformed = ConsentAttributes(.transferInformed)

    /// The attributes in the set, in the order ``ConsentAttribute`` declares them.
    public var attributes: [ConsentAttribute] {
        ConsentAttribute.allCases.filter { contains(ConsentAttributes($0)) }
    }

    /// The set with everything its attributes imply, and `affirmative`: what a grant recorded with these attributes
    /// has.
    public var withImplications: ConsentAttributes {
        var result = union(.affirmative)
        if result.contains(.written) { result.formUnion([.explicit, .separate]) }
        if result.contains(.separate) { result.insert(.unbundled) }
        return result
    }

    /// The order in which a denial names a missing attribute: the first of these that a requirement asks for and a
    /// grant lacks is the reason it fails.
    public static let precedence: [ConsentAttribute] = [
        .written, .verifiedParental, .twoStep, .explicit, .separate, .transferInformed, .unbundled, .affirmative,
    ]

    /// The first attribute of `required`, in ``precedence`` order, that this set lacks; `nil` when it has them all.
    public func firstMissing(of required: ConsentAttributes) -> ConsentAttribute? {
        let missing = required.subtracting(self)
        guard !missing.isEmpty else { return nil }
        return Self.precedence.first { missing.contains(ConsentAttributes($0)) }
    }

    /// `[separate, written]`: the attribute names, in the order ``ConsentAttribute`` declares them.
    public var description: String { "[" + attributes.map(\.rawValue).joined(separator: ", ") + "]" }
}

extension ConsentKind {
    /// The attributes a grant of this kind has: `ordinary` is {affirmative}; `separate` adds `unbundled` and
    /// `separate`; `written` adds `explicit` and `written` as well.
    public var attributes: ConsentAttributes {
        switch self {
        case .ordinary: .affirmative
        case .separate: [.affirmative, .unbundled, .separate]
        case .written: [.affirmative, .unbundled, .separate, .explicit, .written]
        }
    }

    /// The strongest kind whose attributes `attributes` holds: how PIPL reads a grant's strength.
    public init(strongestIn attributes: ConsentAttributes) {
        let all = attributes.withImplications
        self =
            all.isSuperset(of: ConsentKind.written.attributes)
            ? .written
            : all.isSuperset(of: ConsentKind.separate.attributes) ? .separate : .ordinary
    }
}
