internal import ConsentKit
internal import Foundation
internal import PostgresNIO

/// What keeps a store's replica following the table: one connection `LISTEN`ing on the schema's channel, a read
/// by sequence after every notification and every ``PostgresStoreConfiguration/heartbeat`` (so a lost
/// notification delays a change by one heartbeat at most), and on any failure — the connection lost, a change
/// missing or unreadable, no successful read for two heartbeats — the feed interrupted (live engines fail closed)
/// until a new session has listened and caught up.
///
/// Each session runs in a task of its own and is supervised rather than awaited: when a server goes away
/// mid-query, PostgresNIO can leave a query (or a notification sequence) waiting for ever, so a session that stops
/// making progress is given up on — its connection closed, its task cancelled and left behind — and a new one
/// started.
struct StoreFollower: Sendable {
    let core: StoreCore

    /// Follows until cancelled.
    func run() async {
        var delay = core.configuration.reconnectDelay
        let heartbeat = core.configuration.heartbeat
        // Stale after two heartbeats without a successful read (a notification reads at once, a heartbeat at most
        // one period later); given up on once a query could have timed out on top of that.
        let staleAfter = heartbeat * 2 + .milliseconds(500)
        let abandonAfter = staleAfter + core.configuration.operationTimeout
        while !Task.isCancelled {
            let session = FollowerSession()
            let work = Task {
                do { try await follow(session) } catch { session.end(error) }
            }
            var ending: ConsentKitError?
            while !Task.isCancelled {
                try? await Task.sleep(for: min(heartbeat / 4, .milliseconds(100)))
                if let error = session.ended {
                    ending = ConsentKitError.postgres(error, doing: "following")
                    break
                }
                let quiet = session.sinceLastRead
                if quiet > abandonAfter {
                    ending = ConsentKitError(
                        code: .storageFailure, message: "no successful read for \(quiet); reconnecting")
                    break
                }
                // Stale when no read has reached the end of the table lately — the follower's or an append's (an
                // append reads what others committed first, so it vouches for the replica as much as a read).
                let behind = min(quiet, core.sinceCaughtUp)
                if behind > staleAfter {
                    interrupt("no successful read of \(core.schema.events) for \(behind)")
                }
            }
            // Abandoned before the interruption, under the session's lock, so that a read of this session finishing
            // now cannot resume the feed after it.
            session.abandon { interrupt(ending?.message ?? "the follower stopped") }
            work.cancel()
            if let connection = session.connection { core.disconnect(connection) }
            if Task.isCancelled { return }
            if session.everRead { delay = core.configuration.reconnectDelay }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, core.configuration.maximumReconnectDelay)
        }
    }

    private func interrupt(_ why: String) {
        core.feed.interrupt(
            ConsentKitError(
                code: .storageFailure,
                message: "not following \(core.schema.events): \(why); decisions fail closed until it has caught up"))
    }

    /// One session: connect, listen, catch up, then read after every notification and heartbeat, until something
    /// fails.
    private func follow(_ session: FollowerSession) async throws {
        let connection = try await core.connect()
        session.connection = connection
        do {
            try await connection.listen(on: core.schema.channel) { notifications in
                // Listening before reading: whatever commits from now on is notified, and whatever committed
                // before is read now.
                try await read(on: connection, session)
                try await follow(notifications, on: connection, session)
            }
        } catch {
            session.end(error)
            throw error
        }
    }

    /// A read by sequence; on success, the feed resumes (it had caught up).
    private func read(on connection: PostgresConnection, _ session: FollowerSession) async throws {
        try await core.catchUp(on: connection)
        session.readSucceeded { core.feed.resume() }
    }

    private func follow(
        _ notifications: PostgresNotificationSequence, on connection: PostgresConnection, _ session: FollowerSession
    ) async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let heartbeat = core.configuration.heartbeat
        // Unstructured, so that a notification sequence that never ends cannot hold this session open: the
        // supervisor gives up on the session instead.
        let listener = Task {
            do {
                for try await _ in notifications { wake.yield() }
                session.end(ConsentKitError(code: .storageFailure, message: "the notification connection closed"))
            } catch {
                session.end(error)
            }
            wake.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                wake.yield()
            }
        }
        defer {
            listener.cancel()
            ticker.cancel()
        }
        for await _ in wakes {
            try Task.checkCancellation()
            try await read(on: connection, session)
        }
        throw session.ended ?? CancellationError()
    }
}

/// What the supervisor of a follower session watches: when it last read successfully, and how it ended.
final class FollowerSession: @unchecked Sendable {
    private let lock = NSLock()
    private var lastRead = ContinuousClock.now
    private var read = false
    private var abandoned = false
    private var error: (any Error)?
    private var listening: PostgresConnection?

    /// The session's connection, once open.
    var connection: PostgresConnection? {
        get { lock.withLock { listening } }
        set { lock.withLock { listening = newValue } }
    }

    /// Time since the last successful read (or since the session began).
    var sinceLastRead: Duration { lock.withLock { ContinuousClock.now - lastRead } }

    /// Whether any read succeeded.
    var everRead: Bool { lock.withLock { read } }

    /// Why the session ended, once it has.
    var ended: (any Error)? { lock.withLock { error } }

    /// Notes a successful read and, unless the session was abandoned, runs `resume` (under the session's lock).
    func readSucceeded(_ resume: () -> Void) {
        lock.withLock {
            lastRead = ContinuousClock.now
            read = true
            if !abandoned { resume() }
        }
    }

    /// Marks the session abandoned and runs `interrupt`, under the session's lock.
    func abandon(_ interrupt: () -> Void) {
        lock.withLock {
            abandoned = true
            interrupt()
        }
    }

    func end(_ reason: any Error) {
        lock.withLock { if error == nil { error = reason } }
    }
}
