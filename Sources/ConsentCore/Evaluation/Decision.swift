/// Allow or deny.
public enum Effect: String, Sendable, Hashable, CaseIterable {
    /// The use is permitted.
    case allow
    /// The use is not permitted. The default.
    case deny
}

/// The answer to "may purpose P use field F of subject S at instant t": an effect, exactly one reason, and for a
/// consent allow the grant relied on. The explanation is rendered on demand by the evaluator, so the decision
/// itself stays a small value.
public struct Decision: Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public let reason: ReasonCode
    /// The grant that justified an `allowed.consent`; `nil` otherwise.
    public let grant: GrantID?

    /// Creates a decision.
    public init(_ reason: ReasonCode, grant: GrantID? = nil) {
        self.reason = reason
        self.grant = grant
    }

    /// Allow or deny, as the reason says.
    public var effect: Effect { reason.effect }
    /// Whether the use is permitted.
    public var isAllowed: Bool { reason.effect == .allow }

    /// `allow allowed.consent (grant g1)`.
    public var description: String {
        "\(effect.rawValue) \(reason.rawValue)" + (grant.map { " (grant \($0))" } ?? "")
    }
}
