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
                // 22P05 and 22021: PostgreSQL's text and jsonb hold no U+0000, which an event's text may (such an
                // event cannot be stored): the event is refused, as the ledger refuses a bad value.
                let code: ConsentKitError.Code = ["22P05", "22021"].contains(state) ? .invalidValue : .storageFailure
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
