public import Foundation

/// Evidence that the subject became a customer, for the ePrivacy soft opt-in (Art. 13(2)): the contact channels
/// obtained in the sale, and whether the right to object was offered then.
public struct CustomerRelationship: Sendable, Hashable {
    /// The customer.
    public var subject: SubjectID
    /// The channels whose details were obtained in the sale.
    public var channels: [Channel]
    /// Whether the customer was offered, free and simply, the chance to refuse marketing over them.
    public var objectionOffered: Bool
    /// When.
    public var at: Date

    /// Records the relationship.
    public init(subject: SubjectID, channels: [Channel], objectionOffered: Bool, at: Date) {
        self.subject = subject
        self.channels = channels
        self.objectionOffered = objectionOffered
        self.at = at
    }
}

/// A request for human review of automated decisions (LGPD Art. 20; GDPR Art. 22(3)): recorded for the
/// controller's obligations, it never changes a decision.
public struct ReviewRequest: Sendable, Hashable {
    /// The subject asking.
    public var subject: SubjectID
    /// The purposes whose decisions are to be reviewed.
    public var purposes: [PurposeID]
    /// When.
    public var at: Date

    /// Records a request.
    public init(subject: SubjectID, purposes: [PurposeID], at: Date) {
        self.subject = subject
        self.purposes = purposes
        self.at = at
    }
}

/// Whom an opt-out binds.
public enum OptOutScope: String, Sendable, Hashable, CaseIterable {
    /// The subject, and through identity links the person (the default).
    case subject
    /// Only questions naming the subject id it was recorded for (a browser's Global Privacy Control signal): an
    /// identity link does not carry it.
    case device
}

/// Who asked for an `optIn`.
public enum OptInInitiator: String, Sendable, Hashable, CaseIterable {
    /// The subject (the default).
    case subject
    /// The business asked; under CCPA this does not lift an opt-out less than 12 months old (Regs § 7026(k)).
    case business
    /// The subject resolved a conflict between a signal and a setting (CCPA Regs § 7025(c)).
    case conflictNotice
}
