public import PostgresNIO

/// Where a ``PostgresConsentStore`` keeps its events and how it follows other processes' appends.
///
/// ```swift
/// let connection = PostgresConnection.Configuration(
///     host: "db.internal", port: 5432, username: "consent", password: secret, database: "consent", tls: .disable)
/// let configuration = PostgresStoreConfiguration(connection: connection, schema: "consentkit")
/// ```
public struct PostgresStoreConfiguration: Sendable {
    /// How to reach the database (host, port, credentials, TLS), as PostgresNIO takes it. A store holds two
    /// connections: one for appends and reads (they take turns: appends are serialised by the table lock anyway),
    /// one for `LISTEN`. Each is reopened when it fails.
    public var connection: PostgresConnection.Configuration

    /// The PostgreSQL schema holding the store's tables: 1–48 characters, lower-case ASCII letters, digits and `_`,
    /// starting with a letter or `_` and not with `pg_` (it is written into SQL, so nothing else is accepted). Stores opened on the
    /// same database and schema share one ledger; another schema is another ledger.
    public var schema: String

    /// How often a follower reads the table even when no notification came: the bound on how late a change whose
    /// notification was lost is seen, and how soon a connection that died silently is noticed. Default 1 s.
    public var heartbeat: Duration

    /// How long connecting, or one query, may take before the connection is closed and the operation fails with
    /// `storageFailure` (a connection that died without a word cannot hold the store up). An append that fails this
    /// way during `COMMIT` may still have committed: appending the same batch again does not record a grant twice.
    /// Default 10 s.
    public var operationTimeout: Duration

    /// The first wait before a follower reconnects after losing its connection; it doubles on each failure up to
    /// ``maximumReconnectDelay``. Default 50 ms.
    public var reconnectDelay: Duration

    /// The longest wait between reconnection attempts. Default 2 s.
    public var maximumReconnectDelay: Duration

    /// Creates a configuration.
    public init(
        connection: PostgresConnection.Configuration, schema: String = "consentkit", heartbeat: Duration = .seconds(1),
        operationTimeout: Duration = .seconds(10), reconnectDelay: Duration = .milliseconds(50),
        maximumReconnectDelay: Duration = .seconds(2)
    ) {
        self.connection = connection
        self.connection.options.connectTimeout = .nanoseconds(
            operationTimeout.components.seconds * 1_000_000_000 + operationTimeout.components.attoseconds
                / 1_000_000_000)
        self.schema = schema
        self.heartbeat = heartbeat
        self.operationTimeout = operationTimeout
        self.reconnectDelay = reconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
    }
}
