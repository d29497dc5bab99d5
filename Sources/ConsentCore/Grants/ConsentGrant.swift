public import Foundation

/// A consent given by a subject (or the subject's guardian) for named purposes, scoped to fields or categories.
///
/// A grant is effective from ``at`` and stays active until it is withdrawn or reaches ``expiresAt`` (half-open:
/// at the instant of withdrawal or expiry it is no longer active). Withdrawal is never retroactive (PIPL Art. 15):
/// questions about earlier instants still see the grant.
public struct ConsentGrant: Sendable, Hashable {
    /// The grant's id, unique in its ledger.
    public var id: GrantID
    /// Whose consent this is.
    public var subject: SubjectID
    /// The purposes consented to (consent is purpose-bound, Art. 14).
    public var purposes: [PurposeID]
    /// Fields covered by name.
    public var fields: [FieldID]
    /// Categories covered, with all their descendants.
    public var categories: [CategoryID]
    /// Ordinary, separate or written: the shorthand for a set of ``ConsentAttributes``.
    public var kind: ConsentKind
    /// Attributes recorded beyond those ``kind`` stands for (the `attributes` of a grant event), such as
    /// `unbundled` for an ordinary consent that was not part of accepting terms. Empty for most grants.
    public var attributes: ConsentAttributes
    /// Who gave it: the subject or a guardian (Art. 31).
    public var grantor: Grantor
    /// Who the guardian is, when ``grantor`` is ``Grantor/guardian``.
    public var guardianID: String?
    /// When it was given.
    public var at: Date
    /// When it stops being active, if it expires.
    public var expiresAt: Date?
    /// The version of the privacy notice it was given under, compared with ``Purpose/consentVersion``.
    public var noticeVersion: Int
    /// Recipients the consent names; empty covers every recipient the purpose declares (Art. 23).
    public var recipients: [RecipientID]
    /// Destinations the consent names; empty covers every destination the purpose declares (Art. 39).
    public var destinations: [Destination]
    /// How and where it was collected, for proving it later.
    public var evidence: ConsentEvidence?

    /// Creates a grant.
    public init(
        _ id: GrantID, subject: SubjectID, purposes: [PurposeID], fields: [FieldID] = [],
        categories: [CategoryID] = [], kind: ConsentKind, attributes: ConsentAttributes = [],
        grantor: Grantor = .individual, guardianID: String? = nil,
        at: Date, expiresAt: Date? = nil, noticeVersion: Int = 0, recipients: [RecipientID] = [],
        destinations: [Destination] = [], evidence: ConsentEvidence? = nil
    ) {
        self.id = id
        self.subject = subject
        self.purposes = purposes
        self.fields = fields
        self.categories = categories
        self.kind = kind
        self.attributes = attributes
        self.grantor = grantor
        self.guardianID = guardianID
        self.at = at
        self.expiresAt = expiresAt
        self.noticeVersion = noticeVersion
        self.recipients = recipients
        self.destinations = destinations
        self.evidence = evidence
    }

    /// Every attribute the grant has: those of its ``kind``, those recorded, and what they imply.
    public var effectiveAttributes: ConsentAttributes { kind.attributes.union(attributes).withImplications }

    /// The grant's strength as PIPL reads it: the strongest kind whose attributes it has. An `ordinary` grant recorded
    /// with the `separate` attribute is separate consent.
    public var strength: ConsentKind { ConsentKind(strongestIn: effectiveAttributes) }

    /// Whether the grant meets a requirement of `required` strength: whether it has every attribute of that kind
    /// (``ConsentKind/attributes``), counting its recorded attributes and what they imply.
    public func satisfies(_ required: ConsentKind) -> Bool {
        effectiveAttributes.isSuperset(of: required.attributes)
    }

    /// Whether the grant names the field, directly or through a category covering the field's category.
    public func covers(_ field: FieldDefinition) -> Bool {
        fields.contains(field.id) || categories.contains { $0.covers(field.category) }
    }
}

/// Who gave a consent.
public enum Grantor: String, Sendable, Hashable, CaseIterable {
    /// The subject personally; written `self` in files.
    case individual = "self"
    /// The subject's parent or other guardian (PIPL Art. 31; Civil Code Art. 28 for adults lacking capacity).
    case guardian
}

/// Where and how a consent was collected.
public struct ConsentEvidence: Sendable, Hashable {
    /// The channel it was collected through, such as `app` or `store`.
    public var channel: String?
    /// The touchpoint, such as `checkout`.
    public var touchpoint: String?
    /// A reference to the signed form, screen version or recording.
    public var reference: String?

    /// Creates evidence.
    public init(channel: String? = nil, touchpoint: String? = nil, reference: String? = nil) {
        self.channel = channel
        self.touchpoint = touchpoint
        self.reference = reference
    }
}
