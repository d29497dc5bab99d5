/// How strong a consent is: ordinary < separate (单独同意) < written (书面同意).
///
/// A stronger grant satisfies a weaker requirement, never the reverse: written consent is separate consent given
/// in writing (PIPL Arts. 14, 29; the v1 model's reading, Point 4 of the rules).
public enum ConsentKind: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// Consent given by a clear affirmative act (Art. 14).
    case ordinary
    /// Consent given for this processing specifically, not bundled with other matters (Arts. 23, 25, 29, 39).
    case separate
    /// Separate consent given in writing, where a law requires it (Art. 29).
    case written

    /// 0, 1, 2 for ordinary, separate, written: the compiled evaluator's encoding.
    var rank: UInt8 {
        switch self {
        case .ordinary: 0
        case .separate: 1
        case .written: 2
        }
    }

    public static func < (lhs: ConsentKind, rhs: ConsentKind) -> Bool { lhs.rank < rhs.rank }

    /// Whether a grant of this kind, recording no further attributes, meets a requirement of `required` strength. A
    /// grant is judged by every attribute it has: ``ConsentGrant/satisfies(_:)``.
    public func satisfies(_ required: ConsentKind) -> Bool { self >= required }
}
