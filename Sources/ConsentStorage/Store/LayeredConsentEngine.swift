public import ConsentCore
public import Foundation

/// What a ``LiveConsentEngine`` hands to readers: a large compiled ``base`` and a small ``overlay`` holding the
/// subjects changed since the base was last brought up to date. A subject in the overlay is decided there, any
/// other in the base.
///
/// It is a value: a reader keeps it for as long as it likes (a request, a batch) and decides with no lock and no
/// allocation; updates build new values and never disturb one handed out.
public struct LayeredConsentEngine: Sendable {
    /// The engine holding every subject as of the last fold.
    public let base: ConsentEngine
    /// The engine holding the subjects changed since.
    public let overlay: ConsentEngine
    /// The sequence of the last change applied (`-1` before any).
    public let sequence: Int

    /// The engine that decides for `subject`: the overlay if it holds the subject, else the base. Resolve names with
    /// its `compiled` policy and decide with its handle for the fastest path.
    public func engine(for subject: SubjectID) -> ConsentEngine {
        overlay.handle(for: subject) == .empty ? base : overlay
    }

    /// The decision for a question given by name.
    public func decision(for question: ConsentQuestion) -> Decision {
        engine(for: question.subject).decision(for: question)
    }

    /// The decisions for every field of a record by name.
    public func decisions(for subject: SubjectID, purpose: PurposeID, fields: [FieldID], at instant: Date)
        -> RecordDecision
    {
        engine(for: subject).decisions(for: subject, purpose: purpose, fields: fields, at: instant)
    }

    /// The explanation of a question's decision.
    public func explanation(for question: ConsentQuestion) -> Explanation {
        engine(for: question.subject).explanation(for: question)
    }
}
