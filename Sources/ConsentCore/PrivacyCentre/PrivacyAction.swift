public import Foundation

/// Something a customer can do from a privacy centre, as the ledger event that does it: give or withdraw consent to
/// a purpose, opt out of or back into a kind of processing, refuse or allow a contact channel (PIPL Arts. 15, 24,
/// 44; GDPR Art. 7(3), 21; CCPA 1798.120).
///
/// ```swift
/// let action = PrivacyAction.withdraw("marketing.email")
/// let preview = try ledger.preview([action.event(for: "c1", at: .now)])   // what it would change
/// try await store.append([action.event(for: "c1", at: .now)])
/// ```
public enum PrivacyAction: Sendable, Hashable, CustomStringConvertible {
    /// Give consent to a purpose for its fields, of the kind its fields need, by the subject or (for a minor or a
    /// person under guardianship) a guardian. A privacy centre's toggle is a dedicated statement, so the grant is
    /// recorded `unbundled`.
    case give(PurposeID, fields: [FieldID], kind: ConsentKind, grantor: Grantor, noticeVersion: Int = 0)
    /// Withdraw consent to a purpose, from every grant that names it.
    case withdraw(PurposeID)
    /// Object to a kind of processing.
    case optOut(OptOutKind)
    /// Lift an objection.
    case optIn(OptOutKind)
    /// Refuse contact over a channel.
    case channelOptOut(Channel)
    /// Allow contact over a channel again.
    case channelOptIn(Channel)

    /// The event that performs the action for `subject` at `instant`. A `give` needs a grant id: `grantID`, or one
    /// made from the subject, the purpose and the instant (`pc.c1.marketing.email.1772355600000`), so that gives for
    /// many customers at one instant never collide.
    public func event(for subject: SubjectID, at instant: Date, grantID: GrantID? = nil) -> ConsentEvent {
        switch self {
        case .give(let purpose, let fields, let kind, let grantor, let noticeVersion):
            let milliseconds = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
            return .grant(
                ConsentGrant(
                    grantID ?? GrantID("pc.\(subject.rawValue).\(purpose.rawValue).\(milliseconds)"), subject: subject,
                    purposes: [purpose], fields: fields, kind: kind, attributes: [.unbundled], grantor: grantor,
                    at: instant, noticeVersion: noticeVersion))
        case .withdraw(let purpose):
            return .withdraw(Withdrawal(.purposes(subject, [purpose]), at: instant))
        case .optOut(let kind): return .optOut(subject, kind, at: instant)
        case .optIn(let kind): return .optIn(subject, kind, at: instant)
        case .channelOptOut(let channel): return .channelOptOut(subject, channel, at: instant)
        case .channelOptIn(let channel): return .channelOptIn(subject, channel, at: instant)
        }
    }

    /// `give marketing.email (separate, by a guardian)`, `opt out of directMarketing`.
    public var description: String {
        switch self {
        case .give(let purpose, _, let kind, let grantor, _):
            "give \(purpose) (\(kind.rawValue)\(grantor == .guardian ? ", by a guardian" : ""))"
        case .withdraw(let purpose): "withdraw \(purpose)"
        case .optOut(let kind): "opt out of \(kind.rawValue)"
        case .optIn(let kind): "opt back into \(kind.rawValue)"
        case .channelOptOut(let channel): "refuse \(channel)"
        case .channelOptIn(let channel): "allow \(channel)"
        }
    }
}
