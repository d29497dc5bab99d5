public import ConsentCore
internal import Foundation

/// A compiled evaluator that follows a ``ConsentStore``: every change the store accepts is applied, so a
/// withdrawal recorded anywhere in the process is honoured by the next decision.
///
/// ```swift
/// let live = try await LiveConsentEngine(following: journal)
/// try journal.append(.withdraw(Withdrawal(.grant("g1"), at: .now)))
/// let decision = live.decision(for: question)   // already sees the withdrawal
/// ```
///
/// - **Freshness.** Changes are applied synchronously inside the store's append, before it returns: every
///   ``ConsentStore`` publishes to its ``ConsentStore/changeFeed`` there. A store that learns of changes from
///   elsewhere (another process) publishes them when it learns of them; ``waitUntilCurrent(of:)`` waits for that.
/// - **Fails closed.** When the store fails its feed (a journal whose snapshot turned out not to match it, a closed
///   store), or a change is missing, ``failure`` is set and ``checkedDecision(for:)`` throws. While the store is
///   interrupted (``ChangeFeed/interrupt(_:)``: a database store that lost its connection, or found a change missing)
///   ``checkedDecision(for:)`` throws too, until the store has caught up and resumed.
/// - **Readers never wait for writers.** Updates are built aside and published by swapping one reference, under a
///   lock held for that swap alone; ``current`` returns a ``LayeredConsentEngine`` value to decide with, lock-free.
/// - **Cost of an update.** The changed subjects are recompiled into a small overlay (copied per update: O(*k*) for
///   *k* changed subjects). When the overlay outgrows an eighth of the base, it is folded into the base (one copy of
///   the base's arrays, then O(*k*) recompiles), so updates cost O(1) amortised in the number of subjects.
public final class LiveConsentEngine: @unchecked Sendable {
    /// Guards `published` and `publishedFailure` only, for the time of a reference copy.
    private let publishLock = NSLock()
    private var published: LayeredConsentEngine
    private var publishedFailure: ConsentKitError?
    /// Serialises updates; never taken by readers. Guards everything below.
    private let updateLock = NSLock()
    private var ledger: ConsentLedger
    private var base: ConsentEngine
    private var overlay: ConsentEngine
    private var applied: Int
    private var ready = false
    private var pending: [LedgerChange] = []
    private var problem: ConsentKitError?
    /// Why the store is interrupted, or `nil`: decisions fail closed until it resumes.
    private var interrupted: ConsentKitError?
    private var observation: (feed: ChangeFeed, token: Int)?

    /// Compiles the store's ledger and starts following its changes.
    ///
    /// - Throws: the store's ``ConsentKitError`` if its ledger cannot be read.
    public init(following store: some ConsentStore) async throws(ConsentKitError) {
        let empty = ConsentEngine(ledger: ConsentLedger(policy: store.policy))
        published = LayeredConsentEngine(base: empty, overlay: empty, sequence: -1)
        ledger = ConsentLedger(policy: store.policy)
        base = empty
        overlay = empty
        applied = -1
        // Follow first, then read: a change in between is both in the ledger and delivered, and is skipped by its
        // sequence; none is missed.
        let feed = store.changeFeed
        let token = feed.observe(
            { [weak self] changes in self?.receive(changes) },
            failure: { [weak self] error in self?.fail(error) },
            interruption: { [weak self, weak feed] _ in self?.interrupt(feed?.interruption) })
        observation = (feed, token)
        start(with: try await store.ledger)
    }

    /// Compiles the ledger read at start and applies what arrived meanwhile.
    private func start(with ledger: ConsentLedger) {
        updateLock.lock()
        defer { updateLock.unlock() }
        self.ledger = ledger
        base = ConsentEngine(ledger: ledger)
        overlay = ConsentEngine(compiled: base.compiled, ledger: ConsentLedger(policy: ledger.policy))
        applied = ledger.count - 1
        ready = true
        apply(pending)
        pending = []
        publish()
    }

    deinit {
        if let observation { observation.feed.removeObserver(observation.token) }
    }

    /// The engine to decide with now: a value, unaffected by later changes.
    public var current: LayeredConsentEngine { latest().engine }

    /// The published engine and failure, read together under one brief lock.
    private func latest() -> (engine: LayeredConsentEngine, failure: ConsentKitError?) {
        publishLock.lock()
        defer { publishLock.unlock() }
        return (published, publishedFailure)
    }

    /// Decides one question with ``current``.
    ///
    /// After a ``failure`` this keeps answering from the last state the engine could follow; use
    /// ``checkedDecision(for:)`` where a stale answer must not pass as a current one.
    public func decision(for question: ConsentQuestion) -> Decision { current.decision(for: question) }

    /// Decides one question with ``current``, or throws ``failure`` once the engine has stopped following its
    /// store — the fail-closed form of ``decision(for:)``.
    ///
    /// - Throws: ``failure``, when set.
    public func checkedDecision(for question: ConsentQuestion) throws(ConsentKitError) -> Decision {
        let (engine, failure) = latest()
        if let failure { throw failure }
        return engine.decision(for: question)
    }

    /// Explains one question's decision with ``current``.
    public func explanation(for question: ConsentQuestion) -> Explanation { current.explanation(for: question) }

    /// Why the engine is not following its store, or `nil`: a change that could not be applied (the store
    /// accepted it but it does not fit the ledger this engine followed), a change missing from the sequence, or the
    /// end of a store's change sequence — each means the store broke its contract, and from then on ``current``
    /// stays at the last state the engine could follow — or, while the store is interrupted
    /// (``ChangeFeed/interrupt(_:)``), why; that clears when the store resumes.
    public var failure: ConsentKitError? { latest().failure }

    /// Waits until every change the store had accepted when called has been applied (needed only for stores
    /// other than the shipped ones, whose changes arrive asynchronously).
    ///
    /// - Throws: the store's error if its ledger cannot be read, or ``failure`` if the engine stopped following.
    public func waitUntilCurrent(of store: some ConsentStore) async throws(ConsentKitError) {
        let target = try await store.ledger.count - 1
        while current.sequence < target {
            if let problem = failure { throw problem }
            await Task.yield()
        }
        if let problem = failure { throw problem }
    }

    // MARK: Updating

    private func receive(_ changes: [LedgerChange]) {
        updateLock.lock()
        defer { updateLock.unlock() }
        guard ready else {
            pending += changes
            return
        }
        apply(changes)
        publish()
    }

    private func fail(_ error: ConsentKitError) {
        updateLock.lock()
        defer { updateLock.unlock() }
        if problem == nil { problem = error }
        publish()
    }

    /// Takes the feed's interruption as it is now (read under `updateLock`, so that the last of racing calls sets
    /// the feed's latest state, whatever order they arrive in).
    private func interrupt(_ current: @autoclosure () -> ConsentKitError?) {
        updateLock.lock()
        defer { updateLock.unlock() }
        interrupted = current()
        publish()
    }

    /// Applies changes not yet applied. Called with `updateLock` held.
    private func apply(_ changes: [LedgerChange]) {
        var changed: Set<SubjectID> = []
        for change in changes where change.sequence > applied && problem == nil {
            guard change.sequence == applied + 1 else {
                // Applying past a gap would decide without the missing change — perhaps a withdrawal.
                problem = ConsentKitError(
                    code: .inconsistentLedger,
                    message:
                        "change \(applied + 1) never arrived (the next was \(change.sequence)); decisions stop following"
                )
                break
            }
            do {
                changed.formUnion(try ledger.appendReportingSubjects(change.event))
                if case .erase(let subject, _) = change.event { ledger.removePersonalData(of: subject) }
                applied = change.sequence
            } catch {
                problem = error
            }
        }
        guard !changed.isEmpty else { return }
        for subject in changed {
            if let record = ledger.record(for: subject) { overlay.adopt(record) }
        }
        if overlay.subjectCount > max(1024, base.subjectCount / 8) {
            // Fold: bring the base up to date with the overlay's subjects and start a new overlay.
            for subject in overlay.ledger.subjects {
                if let record = ledger.record(for: subject) { base.adopt(record) }
            }
            overlay = ConsentEngine(compiled: base.compiled, ledger: ConsentLedger(policy: ledger.policy))
        }
    }

    /// Publishes the current engines and failure. Called with `updateLock` held.
    private func publish() {
        let next = LayeredConsentEngine(base: base, overlay: overlay, sequence: applied)
        publishLock.lock()
        published = next
        publishedFailure = problem ?? interrupted
        publishLock.unlock()
    }
}
