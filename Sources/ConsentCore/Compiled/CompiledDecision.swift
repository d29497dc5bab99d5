/// A decision of the compiled evaluator: the reason code and, for a consent allow, where the grant it relied on
/// is — eight bytes, no strings. ``ConsentEngine/grantID(of:)`` and ``ConsentEngine/explanation(for:)`` turn it
/// into names and words when asked.
public struct CompiledDecision: Sendable, Hashable {
    /// Why.
    public let reason: ReasonCode
    /// The deciding regime's position in ``Regime/all``, or `.max` for the policy's regime; it fills the byte that
    /// would otherwise pad the reason, so the decision stays eight bytes.
    let regimeIndex: UInt8
    let grantOrdinal: UInt16
    let subject: Int32

    package init(_ reason: ReasonCode, subject: Int32 = 0, grantOrdinal: UInt16 = .max, regimeIndex: UInt8 = .max) {
        self.reason = reason
        self.regimeIndex = regimeIndex
        self.subject = subject
        self.grantOrdinal = grantOrdinal
    }

    /// Allow or deny.
    public var effect: Effect { reason.effect }
    /// Whether the use is permitted.
    public var isAllowed: Bool { reason.effect == .allow }
    /// Whether a grant justified the decision (``ReasonCode/allowedByConsent``).
    public var citesGrant: Bool { grantOrdinal != .max }
}

/// A subject's position in a ``ConsentEngine``: look it up once per request, then ask any number of questions.
/// A handle stays valid across appends to the engine; a subject the engine has no data for reads as a subject
/// with no events.
public struct SubjectHandle: Sendable, Hashable {
    let slot: Int32
    /// The slot's number, for grouping questions by subject.
    package var index: Int32 { slot }
    /// The handle of a subject with no facts and no events.
    public static let empty = SubjectHandle(slot: 0)
}
