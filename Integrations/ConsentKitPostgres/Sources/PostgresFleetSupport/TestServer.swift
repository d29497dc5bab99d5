public import ConsentKitPostgres
internal import Foundation
public import PostgresNIO

/// The PostgreSQL server the tests and the benchmark use, as `Scripts/test-server.sh start` describes it in the
/// environment (`CONSENTKIT_POSTGRES_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`, and `_SERVER`, the script
/// that stops and starts it).
public struct TestServer: Sendable {
    /// The client configuration.
    public let client: PostgresClient.Configuration
    /// The script that controls the server, when named.
    public let script: String?

    /// The server the environment names, or `nil` when it names none.
    public static var fromEnvironment: TestServer? {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["CONSENTKIT_POSTGRES_HOST"] else { return nil }
        let port = environment["CONSENTKIT_POSTGRES_PORT"].flatMap(Int.init) ?? 5432
        var client = PostgresClient.Configuration(
            host: host, port: port, username: environment["CONSENTKIT_POSTGRES_USER"] ?? "postgres",
            password: environment["CONSENTKIT_POSTGRES_PASSWORD"],
            database: environment["CONSENTKIT_POSTGRES_DATABASE"], tls: .disable)
        client.options.connectTimeout = .seconds(5)
        return TestServer(client: client, script: environment["CONSENTKIT_POSTGRES_SERVER"])
    }

    /// Whether a missing server must fail the tests rather than skip them (CI sets `CONSENTKIT_POSTGRES_REQUIRED=1`).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CONSENTKIT_POSTGRES_REQUIRED"] == "1" }

    /// A store configuration for `schema` on this server, with a short heartbeat and timeout for tests.
    public func configuration(schema: String, heartbeat: Duration = .milliseconds(200)) -> PostgresStoreConfiguration {
        PostgresStoreConfiguration(
            client: client, schema: schema, heartbeat: heartbeat, operationTimeout: .seconds(10),
            reconnectDelay: .milliseconds(20), maximumReconnectDelay: .milliseconds(500))
    }

    /// A schema name no other test uses.
    public static func freshSchema(_ prefix: String = "t") -> String {
        "\(prefix)_\(UInt64.random(in: 0..<UInt64.max) & 0xFFFF_FFFF_FFFF)"
    }

    /// Runs the server script with `command` (`stop`, `crash`, `start`), waiting for it.
    public func control(_ command: String) throws {
        guard let script else { throw ScriptMissing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [command]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ScriptFailed(command: command) }
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
        let client = PostgresClient(configuration: client)
        return try await withThrowingTaskGroup(of: [[String?]]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            var rows: [[String?]] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: statement)) {
                var columns: [String?] = []
                for cell in row { columns.append(try cell.decode(String?.self)) }
                rows.append(columns)
            }
            return rows
        }
    }
}
