public import ConsentCore
internal import Foundation

/// Fans a store's changes out to every follower: what every ``ConsentStore`` exposes as
/// ``ConsentStore/changeFeed``, public so that stores of your own can use it too.
///
/// Call ``publish(_:)`` with every batch the store accepts, in append order, before the append returns — while
/// holding your store's write lock — so that observers see changes in order and a ``LiveConsentEngine`` makes a
/// withdrawal visible to the very next decision. Call ``fail(_:)`` when the store can no longer vouch for what it
/// published (its data turned out corrupted, its connection to the source of truth was lost): followers then fail
/// closed. Call ``interrupt(_:)`` when the store cannot vouch *for now* that it has published everything (its
/// connection to a shared database dropped, a change is missing from what it read) and ``resume()`` once it has
/// caught up: followers fail closed in between, and carry on after.
///
/// ``observe(_:failure:interruption:)`` registers a synchronous observer, called inside ``publish(_:)`` before it returns.
/// ``subscribe()`` gives an asynchronous sequence of the changes published from then on.
public final class ChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var subscribers: [Int: AsyncStream<LedgerChange>.Continuation] = [:]
    private var observers: [Int: Observer] = [:]
    private var nextToken = 0
    private var failure: ConsentKitError?
    private var interrupted: ConsentKitError?

    private struct Observer {
        let changes: @Sendable ([LedgerChange]) -> Void
        let failure: @Sendable (ConsentKitError) -> Void
        let interruption: @Sendable (ConsentKitError?) -> Void
    }

    /// Creates a feed with no followers.
    public init() {}

    /// A subscription that can be ended before anyone iterates it: `changes(after:)` ends it when reading the
    /// store fails, so that no continuation is left buffering changes for nobody.
    package func subscription() -> (changes: LedgerChanges, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChange.self, bufferingPolicy: .unbounded)
        lock.lock()
        guard failure == nil else {
            lock.unlock()
            continuation.finish()
            return (LedgerChanges(stream), {})
        }
        let token = nextToken
        nextToken += 1
        subscribers[token] = continuation
        lock.unlock()
        continuation.onTermination = { [weak self] _ in self?.remove(token) }
        return (LedgerChanges(stream), { continuation.finish() })
    }

    /// A new follower's sequence of the changes published from now on. It ends when the feed fails or finishes.
    public func subscribe() -> LedgerChanges {
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChange.self, bufferingPolicy: .unbounded)
        lock.lock()
        guard failure == nil else {
            lock.unlock()
            continuation.finish()
            return LedgerChanges(stream)
        }
        let token = nextToken
        nextToken += 1
        subscribers[token] = continuation
        lock.unlock()
        continuation.onTermination = { [weak self] _ in self?.remove(token) }
        return LedgerChanges(stream)
    }

    /// Registers an observer called synchronously with each batch of changes, `failure` called once if the feed
    /// fails or finishes (at once, if it already has), and `interruption` called with the reason when the store is
    /// interrupted (at once, if it is) and with `nil` when it resumes. None may call back into the store. Returns a
    /// token for ``removeObserver(_:)``.
    @discardableResult
    public func observe(
        _ observer: @escaping @Sendable ([LedgerChange]) -> Void,
        failure: @escaping @Sendable (ConsentKitError) -> Void = { _ in },
        interruption: @escaping @Sendable (ConsentKitError?) -> Void = { _ in }
    ) -> Int {
        lock.lock()
        if let failed = self.failure {
            lock.unlock()
            failure(failed)
            return -1
        }
        nextToken += 1
        let token = nextToken
        observers[token] = Observer(changes: observer, failure: failure, interruption: interruption)
        let current = interrupted
        lock.unlock()
        // Outside the lock (an observer may be released, and remove itself, while it is called). An `interrupt` or
        // `resume` racing with this call also calls the observer, so one reading ``interruption`` when called
        // ends with the feed's state.
        if let current { interruption(current) }
        return token
    }

    /// Why the store is interrupted, or `nil` when it is not (see ``interrupt(_:)``).
    public var interruption: ConsentKitError? {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Tells observers that the store cannot vouch, for now, that it has published every change (its connection to
    /// the source of truth dropped, or a change is missing from what it read): a ``LiveConsentEngine`` then fails
    /// closed until ``resume()``. Publish what you catch up with, then resume. Repeated calls keep the first reason.
    ///
    /// Observers are called outside the feed's lock, so calls racing with each other can arrive out of order: an
    /// observer that must end in the feed's state reads ``interruption`` when called (as ``LiveConsentEngine``
    /// does) rather than trusting the argument's order.
    public func interrupt(_ error: ConsentKitError) {
        lock.lock()
        guard failure == nil, interrupted == nil else {
            lock.unlock()
            return
        }
        interrupted = error
        let observers = Array(self.observers.values)
        lock.unlock()
        for observer in observers { observer.interruption(error) }
    }

    /// Tells observers that the store has published every change it holds again, after ``interrupt(_:)``.
    public func resume() {
        lock.lock()
        guard interrupted != nil else {
            lock.unlock()
            return
        }
        interrupted = nil
        let observers = Array(self.observers.values)
        lock.unlock()
        for observer in observers { observer.interruption(nil) }
    }

    /// Stops calling an observer.
    public func removeObserver(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        observers[token] = nil
    }

    /// Delivers a batch of changes to every observer, then to every subscriber.
    public func publish(_ changes: [LedgerChange]) {
        guard !changes.isEmpty else { return }
        lock.lock()
        let observers = Array(self.observers.values)
        let subscribers = Array(self.subscribers.values)
        lock.unlock()
        for observer in observers { observer.changes(changes) }
        for subscriber in subscribers {
            for change in changes { subscriber.yield(change) }
        }
    }

    /// Tells every follower that the store can no longer vouch for what it published: observers' `failure` is
    /// called and subscribers' sequences end. Later observers are told at once; only the first failure is kept.
    public func fail(_ error: ConsentKitError) {
        lock.lock()
        guard failure == nil else {
            lock.unlock()
            return
        }
        failure = error
        let observers = Array(self.observers.values)
        let subscribers = Array(self.subscribers.values)
        self.observers = [:]
        self.subscribers = [:]
        lock.unlock()
        for observer in observers { observer.failure(error) }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Ends the feed: the store publishes no more changes (it was closed). Followers are told, as by ``fail(_:)``.
    public func finish() {
        fail(ConsentKitError(code: .storageFailure, message: "the store was closed; it publishes no more changes"))
    }

    private func remove(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        subscribers[token] = nil
    }

    deinit {
        for subscriber in subscribers.values { subscriber.finish() }
    }
}
