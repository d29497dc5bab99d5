/// Where a command writes: standard output and standard error, or buffers in tests.
package struct CommandOutput {
    package var out: (String) -> Void
    package var err: (String) -> Void
    /// Heap allocations made by the process so far, where the executable can count them (`consent bench`).
    package var allocationCount: () -> Int64?
    /// The environment variables commands may read (`consent token --key-env`).
    package var environment: [String: String]

    package init(
        out: @escaping (String) -> Void, err: @escaping (String) -> Void,
        allocationCount: @escaping () -> Int64? = { nil }, environment: [String: String] = [:]
    ) {
        self.out = out
        self.err = err
        self.allocationCount = allocationCount
        self.environment = environment
    }
}

/// How a command ends: 0 success, 1 a check failed (a scenario expectation), 2 bad input or usage.
package enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case invalidInput = 2
}
