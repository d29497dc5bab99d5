/// A decision of the compiled evaluator: the reason code and, for a consent allow, the position of the grant it
/// relied on — eight bytes, with no strings. ``ConsentEngine/grantID(of:)`` and
/// ``ConsentEngine/explanation(for:)`` turn it into names and words when asked.
public struct CompiledDecision: Sendable, Hashable {
    /// Why.
    public let reason: ReasonCode
    /// The engine's index of the grant relied on, or -1.
    public let grantReference: Int32

    package init(_ reason: ReasonCode, grant: Int32 = -1) {
        self.reason = reason
        self.grantReference = grant
    }

    /// Allow or deny.
    public var effect: Effect { reason.effect }
    /// Whether the use is permitted.
    public var isAllowed: Bool { reason.effect == .allow }
}

/// A subject's position in a ``ConsentEngine``: look it up once per request, then ask any number of questions.
/// A handle stays valid across appends to the engine; a subject the engine had no data for reads as a subject
/// with no events.
public struct SubjectHandle: Sendable, Hashable {
    let slot: Int32
    /// The handle of a subject with no facts and no events.
    public static let empty = SubjectHandle(slot: 0)
}
