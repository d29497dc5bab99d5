internal import ConsentKit
internal import Logging
internal import PostgresNIO

/// The store's tables in one PostgreSQL schema, and the migrations that create them, numbered from 1.
///
/// `<schema>.consentkit_migrations` records each migration applied (`version`, `applied_at`). Migrations run in one
/// transaction under an advisory lock, so that processes opening a new database at once create it once; a database
/// migrated by a newer ConsentKitPostgres (a version this one does not know) is refused rather than written to.
struct StoreSchema: Sendable {
    /// The schema's name, checked to be a plain identifier (it is written into SQL).
    let name: String

    /// The newest migration this package knows.
    static let currentVersion = 1

    /// The characters a schema name may hold, and its length, so that it is safe to write into SQL unquoted and
    /// fits PostgreSQL's 63-byte identifiers with the channel's prefix.
    init(_ name: String) throws(ConsentKitError) {
        let bytes = Array(name.utf8)
        // `pg_` names are PostgreSQL's own (the server refuses to create them).
        let valid =
            (1...48).contains(bytes.count) && !name.hasPrefix("pg_")
            && bytes.enumerated().allSatisfy { offset, byte in
                byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (offset > 0 && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte))
            }
        guard valid else {
            throw ConsentKitError(
                code: .invalidValue,
                message: "schema name `\(name.debugDescription.dropFirst().dropLast())` must be 1–48 characters of "
                    + "a–z, 0–9 and _, not starting with a digit or `pg_`",
                location: InputLocation(path: "schema"))
        }
        self.name = name
    }

    /// The events table as messages name it.
    var events: String { "\(name).events" }

    /// The schema as SQL names it: quoted, so that a name PostgreSQL reserves (`user`, `order`) still works.
    var quoted: String { "\"\(name)\"" }

    /// The events table as SQL names it.
    var table: String { "\(quoted).events" }

    /// The `LISTEN`/`NOTIFY` channel that wakes followers: one per schema.
    var channel: String { "consentkit_\(name)" }

    /// The advisory-lock key migrations take: fixed, so every version of the package serialises on it.
    private static let migrationLock: Int64 = 0x436F_6E73_656E_744B  // "ConsentK"

    /// The migrations, in order: migration *n* is `migrations[n - 1]`. Never edit one that has shipped; add another.
    private var migrations: [[String]] {
        [
            [
                // The ledger: one row per event, in the global append order `seq` (0, 1, 2, … with no gap: writers
                // take the table's lock and number events after the last one, so commit order is sequence order).
                """
                CREATE TABLE \(table) (
                    seq bigint PRIMARY KEY CHECK (seq >= 0),
                    kind text NOT NULL,
                    subject text NOT NULL,
                    grant_id text UNIQUE,
                    body jsonb NOT NULL,
                    checksum text NOT NULL CHECK (checksum ~ '^crc32:[0-9a-f]{8}$'),
                    recorded_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // Erasure finds a subject's `subject` events; exports and partitioning go by subject too.
                "CREATE INDEX events_by_subject ON \(table) (subject, seq)",
            ]
        ]
    }

    /// Creates or migrates the schema to ``currentVersion``.
    ///
    /// - Throws: `storageFailure` when the database cannot be reached or migrated, or was migrated by a newer
    ///   version of the package.
    func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        // A schema already at this version is used as it is, without `CREATE` (which needs the database's CREATE
        // privilege even when the schema exists): a role that may only read and write the tables can open it.
        var binds = PostgresBindings()
        binds.append("\(quoted).consentkit_migrations")
        let present = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT to_regclass($1) IS NOT NULL", binds: binds), logger: logger
        ).collect().first?.decode(Bool.self)
        if present == true {
            let version = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT coalesce(max(version), 0) FROM \(quoted).consentkit_migrations"),
                logger: logger
            ).collect().first?.decode(Int.self)
            if version == Self.currentVersion { return }
        }
        _ = try await connection.query("BEGIN", logger: logger)
        do {
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(quoted)"), logger: logger)
            _ = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(quoted).consentkit_migrations (
                            version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                        """), logger: logger)
            var applied = 0
            for try await version in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT coalesce(max(version), 0) FROM \(quoted).consentkit_migrations"),
                logger: logger
            ).decode(Int.self) {
                applied = version
            }
            guard applied <= Self.currentVersion else {
                throw ConsentKitError(
                    code: .storageFailure,
                    message: "schema `\(name)` is at version \(applied), newer than this ConsentKitPostgres knows "
                        + "(\(Self.currentVersion)); upgrade the package rather than write to it")
            }
            for version in (applied + 1)..<(Self.currentVersion + 1) {
                for statement in migrations[version - 1] {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO \(quoted).consentkit_migrations (version) VALUES (\(version))"),
                    logger: logger)
            }
            _ = try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
