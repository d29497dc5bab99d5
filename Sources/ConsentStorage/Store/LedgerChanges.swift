/// The changes a store accepts, from the moment ``ConsentStore/changes()`` was called, in append order.
///
/// Any number of followers may each hold their own sequence. Changes are buffered without limit until the follower
/// reads them (a follower that stops reading should stop iterating, which ends its subscription); none is dropped.
public struct LedgerChanges: AsyncSequence, Sendable {
    /// A change.
    public typealias Element = LedgerChange

    private let stream: AsyncStream<LedgerChange>

    /// Wraps a stream of changes (for stores outside ConsentKit: see ``ChangeFeed``).
    public init(_ stream: AsyncStream<LedgerChange>) { self.stream = stream }

    /// The iterator.
    public func makeAsyncIterator() -> AsyncStream<LedgerChange>.Iterator { stream.makeAsyncIterator() }
}
