internal import ConsentKit

/// An asynchronous lock that is not reentrant: the store's appends, reads and catch-ups take it in turn, so that its
/// replica applies changes in sequence order and publishes them in that order. (An actor alone would not do: its
/// methods interleave at every `await`, and each of these awaits the database.)
actor SerialGate {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` alone among the gate's users.
    nonisolated func run<Result: Sendable>(
        _ body: @Sendable () async throws(ConsentKitError) -> Result
    ) async throws(ConsentKitError) -> Result {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    /// Runs `body` alone among the gate's users.
    nonisolated func run<Result: Sendable>(_ body: @Sendable () async -> Result) async -> Result {
        await acquire()
        let result = await body()
        await release()
        return result
    }

    private func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            held = false
        } else {
            // Handed over while held: no newcomer can slip in between.
            waiting.removeFirst().resume()
        }
    }
}
