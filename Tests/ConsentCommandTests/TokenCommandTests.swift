import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

@Suite struct TokenCommandTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    static let retail = ConsentCommandTests.retail
    let keyFile: String
    let secret = "a-demo-secret-that-is-long-enough-32+"

    init() throws {
        keyFile = scratch.url.appendingPathComponent("key-\(UUID())").path
        try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
    }

    func issue(_ extra: [String]) -> Captured {
        Captured(
            [
                "token", "issue", "--policy", Self.retail + "/retail.policy.json", "--ledger",
                Self.retail + "/retail.ledger.jsonl", "--issuer", "shop", "--audience", "ads", "--key-id", "k1",
                "--key-file", keyFile, "--at", "2026-06-01T00:00:00Z",
            ] + extra)
    }

    @Test func issuesAndVerifiesAGrantToken() throws {
        let issued = issue(["--grant", "alice-hq", "--ttl", "600"])
        #expect(issued.status == .success, "\(issued.err)")
        let token = issued.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("ckt1."))
        // The key from the environment verifies what the key file signed.
        let verified = Captured(
            [
                "token", "verify", token, "--audience", "ads", "--key-id", "k1", "--key-env", "CONSENT_KEY",
                "--at", "2026-06-01T00:05:00Z", "--json",
            ], environment: ["CONSENT_KEY": secret])
        #expect(verified.status == .success, "\(verified.err)")
        #expect(verified.out.contains(#""valid":true"#))
        #expect(verified.out.contains(#""id":"alice-hq""#))
        let late = Captured([
            "token", "verify", token, "--audience", "ads", "--key-id", "k1", "--key-file", keyFile,
            "--at", "2026-06-01T00:10:00Z", "--json",
        ])
        #expect(late.status == .failure)
        #expect(late.out.contains(#""reason":"expired""#))
        let wrongAudience = Captured([
            "token", "verify", token, "--audience", "pos", "--key-id", "k1", "--key-file", keyFile,
            "--at", "2026-06-01T00:05:00Z",
        ])
        #expect(wrongAudience.status == .failure)
        #expect(wrongAudience.err.contains("wrongAudience"))
    }

    @Test func issuesASnapshotToken() {
        let issued = issue(["--subject", "alice"])
        #expect(issued.status == .success, "\(issued.err)")
        let verified = Captured([
            "token", "verify", issued.out.trimmingCharacters(in: .whitespacesAndNewlines), "--audience", "ads",
            "--key-id", "k1", "--key-file", keyFile, "--at", "2026-06-01T00:00:01Z",
        ])
        #expect(verified.status == .success)
        #expect(verified.out.contains(#""snapshot""#) && verified.out.contains(#""subject": "alice""#))
    }

    @Test func refusesKeysOnTheCommandLineAndOtherBadInput() {
        for arguments in [
            ["token", "issue", "--key", "secret"], ["token", "verify", "x", "--key=secret"], ["token"],
            ["token", "mint"],
        ] {
            let run = Captured(arguments)
            #expect(run.status == .invalidInput, "\(arguments)")
        }
        #expect(Captured(["token", "issue", "--key", "s"]).err.contains("never given on the command line"))
        let unknownGrant = issue(["--grant", "nope"])
        #expect(unknownGrant.status == .invalidInput)
        #expect(unknownGrant.err.contains("no grant `nope`"))
        let both = issue(["--grant", "alice-hq", "--subject", "alice"])
        #expect(both.status == .invalidInput)
        let unset = Captured([
            "token", "verify", "ckt1.AA", "--audience", "a", "--key-id", "k", "--key-env", "NOT_SET",
        ])
        #expect(unset.status == .invalidInput)
        #expect(unset.err.contains("`NOT_SET`"))
        let shortKey = scratch.url.appendingPathComponent("short-\(UUID())").path
        try? Data("short".utf8).write(to: URL(fileURLWithPath: shortKey))
        let short = Captured([
            "token", "verify", "ckt1.AA", "--audience", "a", "--key-id", "k", "--key-file", shortKey,
        ])
        #expect(short.status == .invalidInput)
        #expect(short.err.contains("32 bytes"))
        let garbage = Captured([
            "token", "verify", "not-a-token", "--audience", "a", "--key-id", "k", "--key-file", keyFile, "--json",
        ])
        #expect(garbage.status == .failure)
        #expect(garbage.out.contains(#""reason":"malformed""#))
    }

    /// `verify --json` keeps the reason names it printed before token errors became `ConsentKitError` codes.
    @Test func refusalsKeepTheirReasonNames() throws {
        let issued = issue(["--grant", "alice-hq", "--ttl", "600"])
        let token = issued.out.trimmingCharacters(in: .whitespacesAndNewlines)
        func reason(_ text: String, keyID: String = "k1") -> String {
            let run = Captured([
                "token", "verify", text, "--audience", "ads", "--key-id", keyID, "--key-file", keyFile,
                "--at", "2026-06-01T00:05:00Z", "--json",
            ])
            return run.out
        }
        #expect(reason(token, keyID: "another").contains(#""reason":"unknownKey""#))
        // Version 2: the first byte after the prefix, re-encoded.
        var bytes = [UInt8](Data(base64Encoded: Self.base64(token.dropFirst("ckt1.".count))) ?? Data())
        try #require(!bytes.isEmpty)
        bytes[0] = 2
        let version2 =
            "ckt1."
            + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(reason(version2).contains(#""reason":"unsupportedVersion""#))
        #expect(TokenCommand.reason(for: .badSignature) == "badSignature")
        #expect(TokenCommand.reason(for: .expired) == "expired")
    }

    /// Base64url text as padded standard base64.
    static func base64(_ text: Substring) -> String {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return standard
    }
}
