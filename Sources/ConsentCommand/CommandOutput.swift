/// Where a command writes: standard output and standard error, or buffers in tests.
package struct CommandOutput {
    package var out: (String) -> Void
    package var err: (String) -> Void

    package init(out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.out = out
        self.err = err
    }
}

/// How a command ends: 0 success, 1 a check failed (a scenario expectation), 2 bad input or usage.
package enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case invalidInput = 2
}
