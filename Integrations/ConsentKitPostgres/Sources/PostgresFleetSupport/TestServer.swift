public import ConsentKitPostgres
internal import Foundation
internal import Logging
public import PostgresNIO

/// The PostgreSQL server the tests and the benchmark use, as `Scripts/test-server.sh start` describes it in the
/// environment (`CONSENTKIT_POSTGRES_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`, and `_SERVER`, the script
/// that stops and starts it).
public struct TestServer: Sendable {
    /// The client configuration.
    public let connection: PostgresConnection.Configuration
    /// The script that controls the server, when named.
    public let script: String?

    /// The server the environment names, or `nil` when it names none.
    public static var fromEnvironment: TestServer? {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["CONSENTKIT_POSTGRES_HOST"] else { return nil }
        let port = environment["CONSENTKIT_POSTGRES_PORT"].flatMap(Int.init) ?? 5432
        let connection = PostgresConnection.Configuration(
            host: host, port: port, username: environment["CONSENTKIT_POSTGRES_USER"] ?? "postgres",
            password: environment["CONSENTKIT_POSTGRES_PASSWORD"],
            database: environment["CONSENTKIT_POSTGRES_DATABASE"], tls: .disable)
        return TestServer(connection: connection, script: environment["CONSENTKIT_POSTGRES_SERVER"])
    }

    /// Whether a missing server must fail the tests rather than skip them (CI sets `CONSENTKIT_POSTGRES_REQUIRED=1`).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CONSENTKIT_POSTGRES_REQUIRED"] == "1" }

    /// A store configuration for `schema` on this server, with a short heartbeat and timeout for tests.
    public func configuration(schema: String, heartbeat: Duration = .milliseconds(200)) -> PostgresStoreConfiguration {
        PostgresStoreConfiguration(
            connection: connection, schema: schema, heartbeat: heartbeat, operationTimeout: .seconds(10),
            reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(500))
    }

    /// A schema name no other test uses.
    public static func freshSchema(_ prefix: String = "t") -> String {
        "\(prefix)_\(UInt64.random(in: 0..<UInt64.max) & 0xFFFF_FFFF_FFFF)"
    }

    /// Runs the server script with `command` (`stop`, `crash`, `start`), waiting for it to exit.
    ///
    /// Spawned and reaped directly (`posix_spawn`, `waitpid`): Foundation's `Process` also waits for descriptors
    /// it shares with the child, which the server that `start` leaves running would hold open for ever.
    public func control(_ command: String) throws {
        guard let script else { throw ScriptMissing() }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let arguments = [script, command]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, script, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw ScriptFailed(command: command) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally with status 0.
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else { throw ScriptFailed(command: command) }
    }

    /// `CONSENTKIT_POSTGRES_SERVER` is not set.
    public struct ScriptMissing: Error {}
    /// The server script failed.
    public struct ScriptFailed: Error {
        /// What it was asked.
        public let command: String
    }

    /// Runs SQL outside any store (to inspect or tamper with the table), returning each row's columns as text.
    public func sql(_ statement: String) async throws -> [[String?]] {
        let logger = Logger(label: "consentkit.tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(configuration: connection, id: 1, logger: logger)
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) {
                var columns: [String?] = []
                for cell in row {
                    switch cell.dataType {
                    case .int2, .int4, .int8: columns.append(try cell.decode(Int?.self).map(String.init))
                    case .bool: columns.append(try cell.decode(Bool?.self).map(String.init))
                    default: columns.append(try cell.decode(String?.self))
                    }
                }
                rows.append(columns)
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
