public import Foundation

/// An objection to processing for some purposes (GDPR Art. 21; PDPA Sec. 32). In a regime that defines the kind it
/// denies the purposes on the bases it reaches until an ``ObjectionRejection`` records compelling grounds.
public struct Objection: Sendable, Hashable {
    /// The subject objecting.
    public var subject: SubjectID
    /// On which ground.
    public var kind: ObjectionKind
    /// The purposes objected to.
    public var purposes: [PurposeID]
    /// When.
    public var at: Date

    /// Records an objection.
    public init(subject: SubjectID, kind: ObjectionKind, purposes: [PurposeID], at: Date) {
        self.subject = subject
        self.kind = kind
        self.purposes = purposes
        self.at = at
    }
}

/// The controller's record that compelling legitimate grounds override the objections to some purposes recorded at
/// or before it (GDPR Art. 21(1); PDPA Sec. 32(1)). A later objection needs a new rejection.
public struct ObjectionRejection: Sendable, Hashable {
    /// The subject whose objections are rejected.
    public var subject: SubjectID
    /// The purposes.
    public var purposes: [PurposeID]
    /// The grounds, in words, for the record.
    public var reason: String
    /// When.
    public var at: Date

    /// Records a rejection.
    public init(subject: SubjectID, purposes: [PurposeID], reason: String, at: Date) {
        self.subject = subject
        self.purposes = purposes
        self.reason = reason
        self.at = at
    }
}
