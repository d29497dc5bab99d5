internal import ConsentKit
internal import PostgresNIO

/// What keeps a store's replica following the table: one connection `LISTEN`ing on the schema's channel, a read
/// by sequence after every notification and every ``PostgresStoreConfiguration/heartbeat`` (so a lost
/// notification delays a change by one heartbeat at most), and on any failure — the connection lost, a change
/// missing or unreadable — the feed interrupted (live engines fail closed) until a new connection has listened
/// and caught up.
struct StoreFollower: Sendable {
    let core: StoreCore

    /// Follows until cancelled.
    func run() async {
        var delay = core.configuration.reconnectDelay
        while !Task.isCancelled {
            var connection: PostgresConnection?
            do {
                let listening = try await core.connect()
                connection = listening
                try await listening.listen(on: core.schema.channel) { notifications in
                    // Listening before reading: whatever commits from now on is notified, and whatever committed
                    // before is read now.
                    try await core.catchUp(on: listening)
                    core.feed.resume()
                    delay = core.configuration.reconnectDelay
                    try await follow(notifications, on: listening)
                }
            } catch {
                if let connection { core.disconnect(connection) }
                if Task.isCancelled { return }
                core.feed.interrupt(
                    ConsentKitError(
                        code: .storageFailure,
                        message: "not following \(core.schema.events): "
                            + ConsentKitError.postgres(error, doing: "following").message
                            + "; decisions fail closed until it has caught up"))
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, core.configuration.maximumReconnectDelay)
        }
    }

    /// Reads after every notification and heartbeat until the connection fails.
    private func follow(_ notifications: PostgresNotificationSequence, on connection: PostgresConnection) async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let heartbeat = core.configuration.heartbeat
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await _ in notifications { wake.yield() }
                throw ConsentKitError(code: .storageFailure, message: "the notification connection closed")
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: heartbeat)
                    wake.yield()
                }
            }
            group.addTask {
                for await _ in wakes {
                    try await core.catchUp(on: connection)
                    // A read that succeeded after a failed one (a gap that was filled) resumes the feed.
                    core.feed.resume()
                }
            }
            defer {
                wake.finish()
                group.cancelAll()
            }
            try await group.next()
        }
    }
}
