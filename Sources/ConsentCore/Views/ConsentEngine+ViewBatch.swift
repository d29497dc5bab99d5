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
        var summary = ViewSummary(view: view.id)
        var scratch = RecordView(schema: view.schema)
        guard view.kind == .anonymised else {
            for record in records {
                self.view(of: record, as: view, at: instant, into: &scratch)
                if summary.count(scratch) { try body(scratch) }
            }
            return summary
        }
        var chosen = view
        var classes = classify(records, as: view, at: instant, scratch: &scratch)
        let k = view.view.k
        if classes.smallest < k, view.view.shortfall == .generalise, let coarser = view.coarser() {
            chosen = coarser
            classes = classify(records, as: coarser, at: instant, scratch: &scratch)
            summary.generalisedFurther = true
        }
        var smallest: Int?
        for (position, record) in records.enumerated() {
            summary.records += 1
            let key = classes.keys[position]
            guard let key else {
                self.view(of: record, as: chosen, at: instant, into: &scratch)
                summary.dropped[scratch.dropped ?? .notDeclared, default: 0] += 1
                continue
            }
            let size = classes.sizes[key] ?? 0
            guard size >= k else {
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

    /// Every written record of a batch and the summary (`forEachView(of:as:at:_:)` over a collection, collected).
    public func views(of records: some Collection<PersonalRecord>, as view: CompiledView, at instant: Date)
        -> ViewBatch
    {
        var views: [RecordView] = []
        let summary = forEachView(of: records, as: view, at: instant) { views.append($0) }
        return ViewBatch(views: views, summary: summary)
    }

    /// The k-anonymity classes of a batch: each record's class key (`nil` for a record the view drops) and each
    /// class's size in **people** — records of one subject count once, so one customer's duplicates cannot make
    /// a class look larger.
    private struct Classes {
        var keys: [Int?] = []
        var sizes: [Int: Int] = [:]
        var smallest: Int { sizes.values.min() ?? .max }
    }

    /// One person in one class.
    private struct ClassMember: Hashable {
        let key: Int
        let subject: SubjectID
    }

    /// A class is the record's quasi-identifiers as the view shows them (kind, reason, text or value) and which of
    /// its other fields it shows at all: which fields a record has can single it out as well as their values.
    private func classify(
        _ records: some Collection<PersonalRecord>, as view: CompiledView, at instant: Date,
        scratch: inout RecordView
    ) -> Classes {
        var classes = Classes()
        classes.keys.reserveCapacity(records.count)
        var members = Set<ClassMember>()
        let quasi = Set(view.quasiIdentifiers)
        for record in records {
            self.view(of: record, as: view, at: instant, into: &scratch)
            guard scratch.dropped == nil else {
                classes.keys.append(nil)
                continue
            }
            var hasher = Hasher()
            for index in view.quasiIdentifiers {
                let code = scratch.codes[index]
                hasher.combine(code.kind)
                hasher.combine(code.reason)
                switch code.kind {
                case .clear: hasher.combine(record.values[index])
                case .masked, .generalised, .pseudonymised: hasher.combine(scratch.texts[Int(code.text)])
                default: break
                }
            }
            for index in scratch.codes.indices where !quasi.contains(index) {
                hasher.combine(scratch.codes[index].isShown)
            }
            let key = hasher.finalize()
            classes.keys.append(key)
            if members.insert(ClassMember(key: key, subject: record.subject)).inserted {
                classes.sizes[key, default: 0] += 1
            }
        }
        return classes
    }
}

extension ConsentEngine {
    /// Projects records as they arrive from an asynchronous sequence (a database cursor, a network stream),
    /// handing each written record to `body`; the engine is a value, so the projection sees the consent state of the
    /// moment it was called.
    ///
    /// A view that is not anonymised streams: one record in, at most one out, in order. An anonymised view needs
    /// the whole batch to know each class's size, so it gathers the records first and then runs
    /// the collection form of `forEachView(of:as:at:_:)`.
    @discardableResult
    public func forEachView<Records: AsyncSequence>(
        of records: Records, as view: CompiledView, at instant: Date,
        _ body: (RecordView) async throws -> Void
    ) async throws -> ViewSummary where Records.Element == PersonalRecord {
        if view.kind == .anonymised {
            var gathered: [PersonalRecord] = []
            for try await record in records { gathered.append(record) }
            var written: [RecordView] = []
            let summary = forEachView(of: gathered, as: view, at: instant) { written.append($0) }
            for shown in written { try await body(shown) }
            return summary
        }
        var summary = ViewSummary(view: view.id)
        var scratch = RecordView(schema: view.schema)
        for try await record in records {
            self.view(of: record, as: view, at: instant, into: &scratch)
            if summary.count(scratch) { try await body(scratch) }
        }
        return summary
    }
}
