public import Foundation

/// A process of the fleet (a writer or a follower) whose standard output is read line by line as it comes.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var received: [String] = []
    private var ended = false

    /// Starts `executable` with `arguments`; its standard error goes to ours.
    public init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = Pipe()
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.take(data)
        }
        try process.run()
    }

    private func take(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        if data.isEmpty {
            ended = true
            return
        }
        for byte in data {
            if byte == UInt8(ascii: "\n") {
                received.append(String(decoding: buffer, as: UTF8.self))
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
            }
        }
    }

    /// Every line printed so far.
    public var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Waits until a line starting with `prefix` is printed, or `seconds` pass, or the process ends; returns it.
    public func waitForLine(startingWith prefix: String, seconds: Double) async -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return line }
            if !process.isRunning, lines.first(where: { $0.hasPrefix(prefix) }) == nil {
                try? await Task.sleep(for: .milliseconds(50))
                return lines.first(where: { $0.hasPrefix(prefix) })
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Waits for the process to exit, up to `seconds`; its status, or `nil` if it is still running.
    public func waitForExit(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        guard !process.isRunning else { return nil }
        // Let the reader take the last output.
        try? await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    /// Sends SIGKILL: the process ends at once, wherever it was.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// The fleet executable, built beside the running binary (a test bundle or the benchmark itself).
    public static func fleetExecutable() -> URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [
            here, here.deletingLastPathComponent(), here.deletingLastPathComponent().deletingLastPathComponent(),
        ] {
            let url = candidate.appendingPathComponent("PostgresStoreBenchmark")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return here.appendingPathComponent("PostgresStoreBenchmark")
    }
}
