public import Foundation

/// May `purpose` use `field` of `subject` at `instant` — optionally sending it to `recipient`, transferring it to
/// `destination`, or contacting the subject over `channel`?
public struct ConsentQuestion: Sendable, Hashable {
    /// Whose data.
    public var subject: SubjectID
    /// For what.
    public var purpose: PurposeID
    /// Which field.
    public var field: FieldID
    /// As of when: only events at or before it count.
    public var instant: Date
    /// The other processor the data goes to, if any.
    public var recipient: RecipientID?
    /// The place abroad the data goes to, if any.
    public var destination: Destination?
    /// The channel of contact, if any.
    public var channel: Channel?

    /// Creates a question.
    public init(
        subject: SubjectID, purpose: PurposeID, field: FieldID, at instant: Date, recipient: RecipientID? = nil,
        destination: Destination? = nil, channel: Channel? = nil
    ) {
        self.subject = subject
        self.purpose = purpose
        self.field = field
        self.instant = instant
        self.recipient = recipient
        self.destination = destination
        self.channel = channel
    }
}
