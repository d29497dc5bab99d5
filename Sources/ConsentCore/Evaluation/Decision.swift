/// Allow or deny.
public enum Effect: String, Sendable, Hashable, CaseIterable {
    /// The use is permitted.
    case allow
    /// The use is not permitted. The default.
    case deny
}

/// The answer to "may purpose P use field F of subject S at instant t": an effect, exactly one reason, the regime
/// whose rules gave it, and for a consent allow the grants relied on. The explanation is rendered on demand by the
/// evaluator, so making a decision allocates nothing beyond what the evaluator itself does.
public struct Decision: Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public let reason: ReasonCode
    /// The grant that justified an `allowed.consent` (the most recently given of ``grants``); `nil` otherwise.
    public let grant: GrantID?
    /// Every grant the decision relied on, most recently given last: one for a consent allow under one regime, one
    /// per regime (or per grantor of a joint age band) for a subject under several. Empty when no grant was relied
    /// on. Built when read, so deciding allocates no array.
    public var grants: [GrantID] { grant.map { earlierGrants + [$0] } ?? [] }
    /// The grants relied on besides ``grant``, in the order given; empty (and not allocated) for one grant.
    private let earlierGrants: [GrantID]
    /// The regime whose rules gave the decision: the policy's, for a subject judged under one regime.
    public let regime: Regime

    /// Creates a decision that relied on at most one grant.
    public init(_ reason: ReasonCode, grant: GrantID? = nil, regime: Regime = .pipl) {
        self.reason = reason
        self.grant = grant
        self.regime = regime
        self.earlierGrants = []
    }

    /// Creates a decision that relied on several grants, most recently given last.
    public init(_ reason: ReasonCode, grants: [GrantID], regime: Regime) {
        self.reason = reason
        self.grant = grants.last
        self.regime = regime
        self.earlierGrants = Array(grants.dropLast())
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
