public import ConsentKit

/// What a test expects a decision to be: an effect, optionally a reason (the code or a dotted prefix of it), the
/// grant an allow must cite, the grants it must rely on, and the regime that must decide.
///
/// ```swift
/// expectDecision(ledger: ledger, subject: "c1", purpose: "store.facepay", field: "faceTemplate",
///                at: instant, is: .deny(.separateConsentRequired))
/// expectDecision(..., is: .allow(.allowedByConsent, grant: "g2"))
/// expectDecision(..., is: .deny(prefix: "denied.optedOut"))
/// ```
public struct ExpectedDecision: Sendable, Hashable, CustomStringConvertible {
    /// The expected effect.
    public var effect: Effect
    /// The expected reason code or dotted prefix, or `nil` for any.
    public var reason: String?
    /// The grant an allow must cite, or `nil` for any.
    public var grant: GrantID?
    /// Every grant the decision must rely on (``Decision/grants``, in any order), or `nil` for any.
    public var grants: Set<GrantID>?
    /// The regime whose rules must give the decision (``Decision/regime``), or `nil` for any.
    public var regime: Regime?

    /// Any allow.
    public static let allow = ExpectedDecision(effect: .allow)
    /// Any deny.
    public static let deny = ExpectedDecision(effect: .deny)

    /// An allow for this reason, optionally citing this grant.
    public static func allow(_ reason: ReasonCode, grant: GrantID? = nil) -> ExpectedDecision {
        ExpectedDecision(effect: .allow, reason: reason.rawValue, grant: grant)
    }

    /// A consent allow citing this grant.
    public static func allow(grant: GrantID) -> ExpectedDecision {
        ExpectedDecision(effect: .allow, reason: ReasonCode.allowedByConsent.rawValue, grant: grant)
    }

    /// A deny for this reason.
    public static func deny(_ reason: ReasonCode) -> ExpectedDecision {
        ExpectedDecision(effect: .deny, reason: reason.rawValue)
    }

    /// A deny whose reason is under a dotted prefix such as `denied.optedOut`.
    public static func deny(prefix: String) -> ExpectedDecision {
        ExpectedDecision(effect: .deny, reason: prefix)
    }

    /// Creates an expectation.
    public init(
        effect: Effect, reason: String? = nil, grant: GrantID? = nil, grants: Set<GrantID>? = nil,
        regime: Regime? = nil
    ) {
        self.effect = effect
        self.reason = reason
        self.grant = grant
        self.grants = grants
        self.regime = regime
    }

    /// Whether `decision` meets the expectation.
    public func isMet(by decision: Decision) -> Bool {
        decision.effect == effect && (reason.map { decision.reason.matches(prefix: $0) } ?? true)
            && (grant.map { decision.grant == $0 } ?? true) && (grants.map { Set(decision.grants) == $0 } ?? true)
            && (regime.map { decision.regime == $0 } ?? true)
    }

    /// `deny denied.withdrawn`, `allow allowed.consent (grant g1)`, `allow (grants g1, g2) [regime PIPL]`.
    public var description: String {
        [
            effect.rawValue, reason, grant.map { "(grant \($0))" },
            grants.map { "(grants " + $0.map(\.rawValue).sorted().joined(separator: ", ") + ")" },
            regime.map { "[regime \($0)]" },
        ].compactMap { $0 }.joined(separator: " ")
    }
}

extension ExpectedDecision {
    /// Decides `question` against `ledger` with the reference evaluator and returns the decision with a failure
    /// message (the explanation) when it does not meet the expectation; shared by the Swift Testing and XCTest
    /// front ends.
    package func check(_ question: ConsentQuestion, in ledger: ConsentLedger) -> (Decision, failure: String?) {
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let decision = evaluator.decision(for: question)
        guard !isMet(by: decision) else { return (decision, nil) }
        return (decision, "expected \(self), got \(evaluator.explanation(for: question))")
    }
}
