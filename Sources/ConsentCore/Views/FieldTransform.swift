/// What a view does with a field the consent decision allows: the field's fate always starts from the decision, and a
/// transform only ever narrows what an allowed field shows — a denied field is withheld, never masked.
public enum FieldTransform: Sendable, Hashable {
    /// The value as it is.
    case clear
    /// Characters hidden by a ``MaskPattern`` (string fields).
    case mask(MaskPattern)
    /// A coarser value: an age band, a region prefix, a range.
    case generalise(Generalisation)
    /// A keyed pseudonym (HMAC-SHA-256 under the view's key, separated per purpose and recipient).
    case pseudonymise
    /// Not shown at all, though the decision allows it.
    case withhold

    /// How much the transform hides, for resolving overlapping rules: withhold (3) > generalise and pseudonymise
    /// (2) > mask (1) > clear (0).
    public var restriction: Int {
        switch self {
        case .clear: 0
        case .mask: 1
        case .generalise, .pseudonymise: 2
        case .withhold: 3
        }
    }

    /// The transform's name in a policy file: `clear`, `mask`, `ageBand`, `prefix`, `range`, `pseudonymise` or
    /// `withhold`.
    public var name: String {
        switch self {
        case .clear: "clear"
        case .mask: "mask"
        case .generalise(let generalisation): generalisation.name
        case .pseudonymise: "pseudonymise"
        case .withhold: "withhold"
        }
    }

    /// Whether the transform can apply to values of `type`.
    public func applies(to type: FieldType) -> Bool {
        switch self {
        case .clear, .withhold, .pseudonymise: true
        case .mask: type == .string
        case .generalise(let generalisation): generalisation.applies(to: type)
        }
    }

    /// A total order among transforms of one restriction, so that overlapping rules resolve the same whatever their
    /// order in the file.
    var tieBreak: String {
        switch self {
        case .mask(let pattern): "mask:\(pattern.id)"
        case .generalise(let generalisation): "generalise:\(generalisation.name):\(generalisation.parameter)"
        default: name
        }
    }
}

/// A generalisation: a value replaced by the class it falls in.
public enum Generalisation: Sendable, Hashable {
    /// A birth date as the age band the subject is in at the view's instant, computed with the policy's own age rule
    /// and time zone (so a child one day short of 14 is in the band below 14). `bounds` are the ages where bands
    /// start, ascending; the policy's minor age is always one of them.
    case ageBand(bounds: [Int])
    /// Text cut to its first `keep` characters: a region code to its province or city (`110105` → `1101`), an
    /// address to its district.
    case prefix(keep: Int)
    /// A number as the half-open range of `width` it falls in: `1234` with width 1000 is `[1000,2000)`.
    case range(width: Int)

    /// The name in a policy file.
    public var name: String {
        switch self {
        case .ageBand: "ageBand"
        case .prefix: "prefix"
        case .range: "range"
        }
    }

    var parameter: String {
        switch self {
        case .ageBand(let bounds): bounds.map(String.init).joined(separator: ",")
        case .prefix(let keep): String(keep)
        case .range(let width): String(width)
        }
    }

    /// Whether it can apply to values of `type`.
    public func applies(to type: FieldType) -> Bool {
        switch self {
        case .ageBand: type == .date
        case .prefix: type == .string
        case .range: type == .int || type == .double
        }
    }

    /// One level coarser, for k-anonymity: age bands keep only the minor age and 18, prefixes lose two characters
    /// (down to one), ranges double their width. `nil` when it cannot get coarser.
    func coarser(minorAge: Int) -> Generalisation? {
        switch self {
        case .ageBand(let bounds):
            let kept = bounds.filter { $0 == minorAge || $0 == 18 }
            return kept == bounds ? nil : .ageBand(bounds: kept)
        case .prefix(let keep): return keep <= 1 ? nil : .prefix(keep: max(1, keep - 2))
        case .range(let width): return width > Int.max / 2 ? nil : .range(width: width * 2)
        }
    }

    /// The label of the age band `age` falls in: `0-13`, `14-17`, `60+`.
    static func band(of age: Int, bounds: [Int]) -> String {
        var lower = 0
        for bound in bounds {
            if age < bound { return "\(lower)-\(bound - 1)" }
            lower = bound
        }
        return "\(lower)+"
    }

    /// The range label of a whole number for `width`, exactly: `[1000,2000)`, `[-1000,0)`.
    static func range(of value: Int, width: Int) -> String? {
        let remainder = ((value % width) + width) % width
        let (lower, underflow) = value.subtractingReportingOverflow(remainder)
        let (upper, overflow) = lower.addingReportingOverflow(width)
        guard !underflow, !overflow else { return nil }
        return "[\(lower),\(upper))"
    }

    /// The range label of `value` for `width`: `[1000,2000)`.
    static func range(of value: Double, width: Int) -> String? {
        let width = Double(width)
        let lower = (value / width).rounded(.down) * width
        guard lower.isFinite, abs(lower) < 9e15 else { return nil }
        return "[\(Int(lower)),\(Int(lower + width)))"
    }
}
