internal import Foundation

/// Fans a store's changes out to every follower: the building block of ``ConsentStore/changes()`` for the
/// shipped stores, public so that stores of your own can use it too.
///
/// Call ``publish(_:)`` while holding your store's write lock, so followers see changes in append order.
/// ``observe(_:)`` registers a synchronous observer, called inside ``publish(_:)`` before it returns: how a
/// ``LiveConsentEngine`` makes a withdrawal visible to the very next decision.
public final class ChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var subscribers: [Int: AsyncStream<LedgerChange>.Continuation] = [:]
    private var observers: [Int: @Sendable ([LedgerChange]) -> Void] = [:]
    private var nextToken = 0

    /// Creates a feed with no followers.
    public init() {}

    /// A new follower's sequence of the changes published from now on.
    public func subscribe() -> LedgerChanges {
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChange.self, bufferingPolicy: .unbounded)
        lock.lock()
        let token = nextToken
        nextToken += 1
        subscribers[token] = continuation
        lock.unlock()
        continuation.onTermination = { [weak self] _ in self?.remove(token) }
        return LedgerChanges(stream)
    }

    /// Registers an observer called synchronously with each batch of changes; it must not call back into the
    /// store. Returns a token for ``removeObserver(_:)``.
    public func observe(_ observer: @escaping @Sendable ([LedgerChange]) -> Void) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextToken += 1
        observers[nextToken] = observer
        return nextToken
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
        for observer in observers { observer(changes) }
        for subscriber in subscribers {
            for change in changes { subscriber.yield(change) }
        }
    }

    /// Ends every subscriber's sequence.
    public func finish() {
        lock.lock()
        let subscribers = Array(self.subscribers.values)
        self.subscribers = [:]
        lock.unlock()
        for subscriber in subscribers { subscriber.finish() }
    }

    private func remove(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        subscribers[token] = nil
    }

    deinit { finish() }
}
