public import Foundation

/// A withdrawal of consent (PIPL Art. 15: as easy as giving it, and not retroactive).
public struct Withdrawal: Sendable, Hashable {
    /// What is withdrawn.
    public enum Target: Sendable, Hashable {
        /// One grant, for every purpose it names.
        case grant(GrantID)
        /// Every grant of the subject, given at or before the withdrawal, that names any of the purposes — for
        /// those purposes only.
        case purposes(SubjectID, [PurposeID])
    }

    /// What is withdrawn.
    public var target: Target
    /// When.
    public var at: Date

    /// Creates a withdrawal.
    public init(_ target: Target, at: Date) {
        self.target = target
        self.at = at
    }
}
