internal import ConsentKit
internal import Foundation

/// Races an operation against a deadline without waiting for it once the deadline has passed.
enum Deadline {
    /// The result of `body`, or `storageFailure` once `limit` has passed (or the caller is cancelled), whichever is
    /// first. On giving up, `onGiveUp` runs and `body` is cancelled and left to finish on its own; a result it
    /// produces after that goes to `lateResult`.
    static func race<Result: Sendable>(
        _ limit: Duration, doing what: String, _ body: @escaping @Sendable () async throws -> Result,
        lateResult: @escaping @Sendable (Result) -> Void, onGiveUp: @escaping @Sendable () -> Void
    ) async throws -> Result {
        let outcome = Outcome<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let work = Task {
                    do {
                        let result = try await body()
                        if !outcome.finish(.success(result)) { lateResult(result) }
                    } catch {
                        _ = outcome.finish(.failure(error))
                    }
                }
                let timer = Task {
                    try await Task.sleep(for: limit)
                    outcome.giveUp(
                        ConsentKitError(
                            code: .storageFailure,
                            message: "PostgreSQL: \(what) took longer than \(limit); gave up"))
                }
                outcome.install(continuation) {
                    work.cancel()
                    onGiveUp()
                } whenFinished: {
                    timer.cancel()
                }
            }
        } onCancel: {
            outcome.giveUp(ConsentKitError(code: .storageFailure, message: "PostgreSQL: \(what) was cancelled"))
        }
    }
}

/// The first of an operation's result and the deadline's verdict, delivered once.
private final class Outcome<Result: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result, any Error>?
    /// An outcome that came before ``install(_:onGiveUp:whenFinished:)``, and whether it was the deadline's.
    private var early: (result: Swift.Result<Result, any Error>, gaveUp: Bool)?
    private var done = false
    private var giveUpAction: (@Sendable () -> Void)?
    private var finishedAction: (@Sendable () -> Void)?

    /// Sets where the outcome goes; delivers at once if it is already known.
    func install(
        _ continuation: CheckedContinuation<Result, any Error>, onGiveUp: @escaping @Sendable () -> Void,
        whenFinished: @escaping @Sendable () -> Void
    ) {
        let ready = lock.withLock { () -> (result: Swift.Result<Result, any Error>, gaveUp: Bool)? in
            if let early { return early }
            self.continuation = continuation
            giveUpAction = onGiveUp
            finishedAction = whenFinished
            return nil
        }
        guard let ready else { return }
        if ready.gaveUp { onGiveUp() } else { whenFinished() }
        continuation.resume(with: ready.result)
    }

    /// Delivers the operation's result; `false` when the deadline won already.
    func finish(_ result: Swift.Result<Result, any Error>) -> Bool {
        deliver(result, gaveUp: false)
    }

    /// Delivers the deadline's verdict, unless the result came first.
    func giveUp(_ error: ConsentKitError) {
        _ = deliver(.failure(error), gaveUp: true)
    }

    private func deliver(_ result: Swift.Result<Result, any Error>, gaveUp: Bool) -> Bool {
        let (won, waiting, action) = lock.withLock {
            () -> (Bool, CheckedContinuation<Result, any Error>?, (@Sendable () -> Void)?) in
            guard !done else { return (false, nil, nil) }
            done = true
            guard let continuation else {
                early = (result, gaveUp)
                return (true, nil, nil)
            }
            self.continuation = nil
            return (true, continuation, gaveUp ? giveUpAction : finishedAction)
        }
        action?()
        waiting?.resume(with: result)
        return won
    }
}
