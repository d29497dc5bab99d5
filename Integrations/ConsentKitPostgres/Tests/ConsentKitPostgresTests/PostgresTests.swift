import ConsentKit
import ConsentKitPostgres
import Foundation
import PostgresFleetSupport
import Testing

/// Every test of the package, against a real PostgreSQL server (`Scripts/test-server.sh start` prints what to
/// export). One after another: one test stops and restarts the server.
///
/// Without a server the tests are skipped, unless `CONSENTKIT_POSTGRES_REQUIRED=1` (as in CI), when they fail.
@Suite(.serialized, .enabled(if: TestServer.fromEnvironment != nil || TestServer.isRequired))
struct PostgresTests {
    /// The server, or a failure naming what to set.
    static func server() throws -> TestServer {
        try #require(
            TestServer.fromEnvironment,
            "no PostgreSQL server: run `eval \"$(Scripts/test-server.sh start)\"` (CONSENTKIT_POSTGRES_HOST is unset)")
    }

    /// A store on `schema`.
    static func open(_ schema: String, heartbeat: Duration = .milliseconds(100)) async throws -> PostgresConsentStore {
        try await PostgresConsentStore(
            policy: FleetWorkload.policy(), configuration: server().configuration(schema: schema, heartbeat: heartbeat))
    }

    /// Polls `condition` every 10 ms for up to `seconds`; whether it held.
    static func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        } while Date() < deadline
        return await condition()
    }

    /// Writes a row as a writer would, but bypassing the store (no lock, no check, optionally no `NOTIFY`): what a
    /// lost notification, a gap or a corrupted row looks like to followers.
    static func insertRaw(
        _ event: ConsentEvent, sequence: Int, schema: String, checksum: String? = nil, notify: Bool
    ) async throws {
        let json = event.jsonLine.replacingOccurrences(of: "'", with: "''")
        let grant: String = if case .grant(let grant) = event { "'\(grant.id.rawValue)'" } else { "NULL" }
        _ = try await server().sql(
            """
            INSERT INTO \(schema).events (seq, kind, subject, grant_id, body, checksum)
            VALUES (\(sequence), '\(event.typeName)', '\(event.namedSubject?.rawValue ?? "")', \(grant), '\(json)'::jsonb,
                    '\(checksum ?? event.checksum)')
            """)
        if notify { _ = try await server().sql("SELECT pg_notify('consentkit_\(schema)', '\(sequence)')") }
    }

    /// A store on `schema` holding `events`, and a live engine following it once it follows (a store fails closed
    /// from open until its follower has listened and read).
    static func followed(
        _ schema: String, holding events: [ConsentEvent], heartbeat: Duration = .milliseconds(100)
    ) async throws -> (store: PostgresConsentStore, live: LiveConsentEngine) {
        let store = try await open(schema, heartbeat: heartbeat)
        try await store.append(events)
        let live = try await LiveConsentEngine(following: store)
        #expect(await eventually { live.failure == nil }, "the store never started following")
        return (store, live)
    }

    static func drop(_ schema: String) async {
        _ = try? await server().sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }
}
