public import Foundation

extension ConsentEngine {
    /// Projects a batch of records through a view, in order, handing each written record to `body` as it is made
    /// (the same `RecordView` value, reused: copy it to keep it).
    ///
    /// An anonymised view makes two passes: the first groups the records by their quasi-identifiers as the view
    /// shows them and finds the classes smaller than the view's `k`; under ``PrivacyView/Shortfall/generalise`` it
    /// then generalises the quasi-identifiers one level more and regroups; the records still in small classes are
    /// suppressed (counted, never written), and the rest are labelled ``DataLabel/anonymised``. Other views make one
    /// pass and stream.
    ///
    /// - Complexity: O(*n* · *f*) for *n* records of *f* fields; an anonymised view also keeps 8 bytes per record
    ///   and one entry per class.
    @discardableResult
    public func forEachView<Records: Collection<PersonalRecord>, Failure: Error>(
        of records: Records, as view: CompiledView, at instant: Date,
        _ body: (RecordView) throws(Failure) -> Void
    ) throws(Failure) -> ViewSummary {
        var summary = ViewSummary(view: view.view.id)
        var scratch = RecordView(schema: view.schema)
        guard view.view.kind == .anonymised else {
            for record in records {
                summary.records += 1
                self.view(of: record, as: view, at: instant, into: &scratch)
                if let reason = scratch.dropped {
                    summary.dropped[reason, default: 0] += 1
                    continue
                }
                summary.written += 1
                summary.labels[scratch.label, default: 0] += 1
                try body(scratch)
            }
            return summary
        }
        var chosen = view
        var classes = classify(records, as: view, at: instant)
        if classes.smallest < view.view.k, view.view.shortfall == .generalise, let coarser = view.coarser() {
            chosen = coarser
            classes = classify(records, as: coarser, at: instant)
            summary.generalisedFurther = true
        }
        var smallest: Int?
        for (position, record) in records.enumerated() {
            summary.records += 1
            let size = classes.sizes[classes.keys[position]] ?? 0
            guard size >= view.view.k else {
                summary.suppressed += 1
                continue
            }
            self.view(of: record, as: chosen, at: instant, into: &scratch)
            smallest = min(smallest ?? size, size)
            // Only a record that is otherwise de-identified becomes anonymised: the label is never raised past what
            // its fields show.
            if scratch.label == .deidentified && !scratch.hasPseudonyms { scratch.label = .anonymised }
            summary.written += 1
            summary.labels[scratch.label, default: 0] += 1
            try body(scratch)
        }
        summary.kReached = smallest
        return summary
    }

    /// Every written record of a batch and the summary (``forEachView(of:as:at:_:)``, collected).
    public func views(of records: some Collection<PersonalRecord>, as view: CompiledView, at instant: Date)
        -> ViewBatch
    {
        var views: [RecordView] = []
        let summary = forEachView(of: records, as: view, at: instant) { views.append($0) }
        return ViewBatch(views: views, summary: summary)
    }

    /// The k-anonymity classes of a batch: each record's class key (the hash of its quasi-identifiers as shown) and
    /// each class's size.
    private struct Classes {
        var keys: [Int] = []
        var sizes: [Int: Int] = [:]
        var smallest: Int { sizes.values.min() ?? .max }
    }

    private func classify(
        _ records: some Collection<PersonalRecord>, as view: CompiledView, at instant: Date
    ) -> Classes {
        var classes = Classes()
        classes.keys.reserveCapacity(records.count)
        var texts: [String] = []
        for record in records {
            // Only the quasi-identifiers matter here; the full projection comes in the second pass.
            let key = quasiIdentifierKey(of: record, as: view, at: instant, texts: &texts)
            classes.keys.append(key)
            classes.sizes[key, default: 0] += 1
        }
        return classes
    }
}
