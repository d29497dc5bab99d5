/// A view over customer records for one purpose, declared in the policy (`views`): which fields a reader sees in
/// clear, masked, generalised, pseudonymised or not at all — always starting from the consent decision for that
/// subject, purpose, field and instant, so a view can narrow what the decision allows but never widen it.
///
/// | kind | for | fields no rule names |
/// | --- | --- | --- |
/// | ``Kind/standard`` | everyday users and applications | withheld |
/// | ``Kind/personalData`` | privileged roles (the privacy administrator); needs a ``justification`` | clear |
/// | ``Kind/anonymised`` | analytics: k-anonymity over ``quasiIdentifiers``, no pseudonyms | withheld |
/// | ``Kind/optOut`` | a use people can opt out of: drops the whole record of anyone who did | withheld |
/// | ``Kind/disclosure`` | providing data to others (selectively anonymised), per ``recipient``; drops records the recipient may not receive | withheld |
public struct PrivacyView: Sendable, Hashable {
    /// The five kinds of view.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Keeps personal data from everyday users and applications.
        case standard
        /// Full access for privileged roles, with a recorded justification (GB/T 35273 §7.1).
        case personalData
        /// For analytics: no pseudonyms, k-anonymity over declared quasi-identifiers.
        case anonymised
        /// Drops the whole record of anyone who opted out of, objected to or did not consent to the use.
        case optOut
        /// Selectively anonymised, for providing data to a third party.
        case disclosure

        /// Whether the view drops a record the purpose may use no field of, or whose subject opted out of or
        /// objected to the use (opt-out, disclosure and anonymised views).
        public var dropsRecords: Bool { self != .standard && self != .personalData }

        /// Whether the view's output is meant to be de-identified, so that a sensitive value never appears in clear.
        public var deidentifies: Bool { self == .anonymised || self == .disclosure }
    }

    /// How a withheld field appears in the view's JSON output.
    public enum WithheldFields: String, Sendable, Hashable, CaseIterable {
        /// As `{"withheld": "<reason code>"}`: the reader sees that the field exists and why it is not shown.
        case withheld
        /// Not at all: the reader cannot tell whether the record has the field.
        case omitted
    }

    /// What an anonymised view does when a class of records sharing their quasi-identifiers is smaller than ``k``.
    public enum Shortfall: String, Sendable, Hashable, CaseIterable {
        /// Suppress (drop) the records of the small classes.
        case suppress
        /// Generalise the quasi-identifiers one level more, then suppress what is still below ``k``.
        case generalise
    }

    /// The view's id.
    public let id: String
    /// Its kind.
    public let kind: Kind
    /// The purpose it serves: every field is decided for this purpose.
    public let purpose: PurposeID
    /// The recipient data is provided to (third-party purposes; required for ``Kind/disclosure``).
    public let recipient: RecipientID?
    /// The destination abroad (cross-border purposes).
    public let destination: Destination?
    /// The channel (purposes restricted to channels).
    public let channel: Channel?
    /// The rules, in the policy's order; overlapping rules resolve to the most restrictive whatever their order.
    public let rules: [ViewRule]
    /// How withheld fields appear.
    public let withheldFields: WithheldFields
    /// Why privileged readers need clear values (required for ``Kind/personalData``).
    public let justification: String?
    /// The fields that together could single a person out (anonymised views).
    public let quasiIdentifiers: [FieldID]
    /// The smallest class size an anonymised view accepts (at least 2).
    public let k: Int
    /// What to do below ``k``.
    public let shortfall: Shortfall
    /// The most characters a mask may show before the policy lint warns.
    public let maximumVisible: Int

    /// Declares a view; ``Policy`` validates it with the rest of the policy.
    public init(
        id: String, kind: Kind, purpose: PurposeID, recipient: RecipientID? = nil, destination: Destination? = nil,
        channel: Channel? = nil, rules: [ViewRule] = [], withheldFields: WithheldFields = .withheld,
        justification: String? = nil, quasiIdentifiers: [FieldID] = [], k: Int = 0,
        shortfall: Shortfall = .suppress, maximumVisible: Int = 8
    ) {
        self.id = id
        self.kind = kind
        self.purpose = purpose
        self.recipient = recipient
        self.destination = destination
        self.channel = channel
        self.rules = rules
        self.withheldFields = withheldFields
        self.justification = justification
        self.quasiIdentifiers = quasiIdentifiers
        self.k = k
        self.shortfall = shortfall
        self.maximumVisible = maximumVisible
    }

    /// The transform for a field that no rule names.
    public var defaultTransform: FieldTransform { kind == .personalData ? .clear : .withhold }

    /// The transform that applies to `field`: the most restrictive of the rules that name it or its category, or
    /// the default. Equally restrictive rules resolve by a fixed order, so the file's order never matters.
    public func transform(for field: FieldDefinition) -> FieldTransform {
        let matching = rules.filter { $0.applies(to: field) }.map(\.transform)
        guard let first = matching.first else { return defaultTransform }
        let chosen = matching.dropFirst().reduce(first) { best, next in
            (next.restriction, next.tieBreak) > (best.restriction, best.tieBreak) ? next : best
        }
        // A transform that cannot apply to the field's type (a category mask over a number) withholds it.
        return chosen.applies(to: field.type) ? chosen : .withhold
    }

    /// The categories whose values identify a person directly: names, identity documents, contact details, device
    /// and account identifiers, biometrics. One of them in clear or masked makes a view's output *identified*.
    public static let directIdentifierCategories: [CategoryID] = [
        "identity", "identityDocument", "contact", "device", "financialAccount", "biometric", "accountCredentials",
    ]
}
