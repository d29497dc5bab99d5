internal import ConsentKit
internal import Foundation
internal import _ConsentKitWorkload

/// `consent bench --tokens`: issue and verify times of a single-purpose grant token, and SHA-256 throughput next to
/// the system's `sha256sum` on the same bytes, in one run.
enum TokenBench {
    static func run(json: Bool, output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let ring = try TokenKeyRing(
            keys: [try TokenKey(id: "k1", secret: Array("benchmark-secret-benchmark-secret".utf8))], signingKeyID: "k1")
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let grant = ConsentGrant(
            "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .separate,
            at: now.addingTimeInterval(-3600), noticeVersion: 2)
        let text = try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: now, lifetime: 86_400)

        let rounds = 100_000
        var issueTimes: [Double] = []
        var verifyTimes: [Double] = []
        var sink = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds {
                sink &+= try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: now, lifetime: 86_400)
                    .utf8.count
            }
            issueTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds))
        }
        let allocationsBefore = output.allocationCount()
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds {
                do {
                    let token = try ring.verify(text, audience: "ads", at: now)
                    sink &+= token.keyID.utf8.count
                } catch {
                    throw ConsentKitError(
                        code: .invalidValue, message: "the benchmark's own token was refused: \(error)")
                }
            }
            verifyTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds))
        }
        var allocationsPerVerify: Double?
        if let before = allocationsBefore, let after = output.allocationCount() {
            allocationsPerVerify = Double(after - before) / Double(5 * rounds)
        }

        // SHA-256 throughput: ours and sha256sum's on the same 256 MiB, whose digests must agree.
        let size = 256 << 20
        var random = SplitMix64(seed: 7)
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] = random.next() }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let digest = SHA256.hash(bytes)
        let ours = Double(size) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) / 1e6
        let system = try systemSHA256(bytes, expected: digest)

        let issue = BenchCommand.median(issueTimes)
        let verify = BenchCommand.median(verifyTimes)
        if json {
            var object: JSONObject = [
                "tokenCharacters": .number(String(text.utf8.count)), "issueNs": BenchCommand.round(issue),
                "verifyNs": BenchCommand.round(verify), "sha256MBps": BenchCommand.round(ours),
            ]
            if let system { object.members.append(("sha256sumMBps", BenchCommand.round(system.throughput))) }
            if let allocationsPerVerify {
                object.members.append(("allocationsPerVerify", BenchCommand.round(allocationsPerVerify)))
            }
            output.out(JSONValue.object(object).serialized() + "\n")
        } else {
            var lines = [
                "token (one grant, one purpose): \(text.utf8.count) characters",
                String(format: "issue:                          %.0f ns", issue),
                String(format: "verify + decode:                %.0f ns", verify),
                String(format: "SHA-256 (ConsentKit):           %.0f MB/s", ours),
            ]
            if let system {
                lines.append(
                    String(
                        format: "SHA-256 (sha256sum, same bytes): %.0f MB/s — ConsentKit is %.2f× slower",
                        system.throughput, system.throughput / ours))
            } else {
                lines.append("SHA-256 (sha256sum):            not found on this machine")
            }
            if let allocationsPerVerify {
                lines.append(String(format: "allocations per verify:         %.1f", allocationsPerVerify))
            }
            output.out(lines.joined(separator: "\n") + "\n")
        }
        return sink == 42 ? .failure : .success
    }

    /// `sha256sum`'s throughput on the same bytes (from a file in the page cache), or `nil` where it is missing.
    private static func systemSHA256(_ bytes: [UInt8], expected: [UInt8]) throws(ConsentKitError)
        -> (throughput: Double, digest: String)?
    {
        let tool = ["/usr/bin/sha256sum", "/bin/sha256sum"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool else { return nil }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-bench-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var best = Double.infinity
            var printed = ""
            for _ in 0..<3 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tool)
                process.arguments = [path]
                let pipe = Pipe()
                process.standardOutput = pipe
                let start = DispatchTime.now().uptimeNanoseconds
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                printed = String(decoding: data, as: UTF8.self)
            }
            let hex = expected.map { String(format: "%02x", $0) }.joined()
            guard printed.hasPrefix(hex) else {
                throw ConsentKitError(
                    code: .invalidValue, message: "sha256sum printed \(printed.prefix(64)), ConsentKit computed \(hex)")
            }
            return (Double(bytes.count) / best / 1e6, hex)
        } catch let error as ConsentKitError {
            throw error
        } catch {
            throw .io("cannot run sha256sum: \(error)", file: path)
        }
    }
}
