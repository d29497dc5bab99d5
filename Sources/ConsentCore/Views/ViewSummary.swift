/// What projecting a batch of records through a view did: how many records came in and went out, how many were
/// dropped and why, how many k-anonymity suppressed, and the k the output reached.
public struct ViewSummary: Sendable, Hashable {
    /// The view's id.
    public var view: String
    /// Records read.
    public var records = 0
    /// Records written.
    public var written = 0
    /// Records an opt-out view dropped, per reason code.
    public var dropped: [ReasonCode: Int] = [:]
    /// Records k-anonymity suppressed.
    public var suppressed = 0
    /// The smallest class of quasi-identifiers among the written records (anonymised views; `nil` otherwise or when
    /// nothing was written).
    public var kReached: Int?
    /// Whether the quasi-identifiers were generalised one level more to reach k.
    public var generalisedFurther = false
    /// Written records per label.
    public var labels: [DataLabel: Int] = [:]

    /// An empty summary for a view.
    public init(view: String) { self.view = view }

    /// The dropped records, all reasons together.
    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// Counts one projected record, read or dropped and why, written and how labelled; whether to write it.
    mutating func count(_ shown: RecordView) -> Bool {
        records += 1
        if let reason = shown.dropped {
            dropped[reason, default: 0] += 1
            return false
        }
        written += 1
        labels[shown.label, default: 0] += 1
        return true
    }
}

/// The records of a batch as a view shows them, and the summary.
public struct ViewBatch: Sendable {
    /// The written records, in input order (dropped and suppressed ones left out).
    public var views: [RecordView]
    /// What happened.
    public var summary: ViewSummary
}
