internal import ConsentKit
internal import PostgresNIO

extension ConsentKitError {
    /// A database error as the store reports it: `storageFailure` naming what the store was doing and what
    /// PostgreSQL said (its message and SQLSTATE), or the ``ConsentKitError`` itself when it is one (a refused
    /// event keeps its code). PostgresNIO's own description hides the server's message, so it is read here.
    static func postgres(_ error: any Error, doing what: String) -> ConsentKitError {
        if let error = error as? ConsentKitError { return error }
        if error is CancellationError {
            return ConsentKitError(code: .storageFailure, message: "PostgreSQL: \(what) was cancelled")
        }
        if let error = error as? PSQLError {
            if let server = error.serverInfo {
                let message = server[.message] ?? "an error"
                let state = server[.sqlState] ?? "?"
                // 22P05: jsonb holds no U+0000, which JSON text may (an event naming one cannot be stored).
                let code: ConsentKitError.Code = state == "22P05" ? .invalidValue : .storageFailure
                return ConsentKitError(
                    code: code, message: "PostgreSQL refused \(what): \(message) (SQLSTATE \(state))")
            }
            return ConsentKitError(
                code: .storageFailure,
                message: "PostgreSQL: \(what) failed (\(error.code))"
                    + (error.underlying.map { ": \(String(describing: $0))" } ?? ""))
        }
        return ConsentKitError(code: .storageFailure, message: "PostgreSQL: \(what) failed: \(error)")
    }
}

/// Runs `body`, failing with `storageFailure` when it takes longer than `limit`. The body is cancelled then (a
/// connection lease or a query waiting for the server gives up); a body that ignores cancellation is waited for.
func withTimeout<Result: Sendable>(
    _ limit: Duration, doing what: String, _ body: @escaping @Sendable () async throws(ConsentKitError) -> Result
) async throws(ConsentKitError) -> Result {
    do {
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw ConsentKitError(
                    code: .storageFailure, message: "PostgreSQL: \(what) took longer than \(limit); gave up")
            }
            return result
        }
    } catch {
        throw ConsentKitError.postgres(error, doing: what)
    }
}
