import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes small access logs with many epochs and attacks them the ways a log is attacked: truncation, deletion,
/// reordering, bit flips, forks, re-sealing with a later key, and truncate-and-continue (systemd's CVE-2023-31438).
/// Each attack must fail verification with its kind, naming the first bad line; the untouched log must pass.
@Suite struct AccessLogTests {
    let scratch = ScratchDirectory()
    let policy: Policy
    let key: AccessLogKey
    init() throws {
        policy = try TestSupport.retailPolicy()
        key = try AccessLogKey(secret: Array(repeating: UInt8(7), count: 32))
    }

    var options: AccessLog.Options {
        var options = AccessLog.Options()
        options.checkpointEntries = 5
        options.checkpointInterval = 3_600
        return options
    }

    func path() -> String { scratch.url.appendingPathComponent("access-\(UUID()).log").path }

    func entry(_ number: Int, subject: String = "alice", field: String = "email") -> AccessEntry {
        AccessEntry(
            at: Date(timeIntervalSince1970: 1_767_225_600 + Double(number)),
            actor: AccessActor(role: "crm", principal: "agent-\(number % 3)"), subject: SubjectID(subject),
            purpose: "marketing.email", view: "crm.standard", fields: [FieldID(field)],
            reason: number % 4 == 0 ? .denied.noConsent : .allowed.consent, grant: number % 4 == 0 ? nil : "g1")
    }

    /// A log of `count` entries (checkpoints every 5) closed with a final checkpoint.
    func writeLog(_ count: Int, at path: String) throws {
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        for number in 0..<count { try log.append(entry(number, subject: ["alice", "bob", "chen"][number % 3])) }
        log.close()
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func rewrite(_ path: String, _ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    func verify(_ path: String, anchor: LogCheckpoint? = nil) throws -> AccessLogVerification {
        try AccessLogVerifier.verify(path: path, key: key, anchor: anchor)
    }

    @Test func anUntouchedLogVerifies() throws {
        let path = path()
        try writeLog(23, at: path)
        let result = try verify(path)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.entries == 23)
        #expect(result.checkpoints == 5)
        #expect(result.lastCheckpoint?.size == 23)
        // Reopening continues the same chain and tree.
        let log = try AccessLog(path: path, policy: policy, options: options)
        try log.append(entry(23))
        log.close()
        let again = try verify(path)
        #expect(again.isIntact, "\(String(describing: again.failure))")
        #expect(again.entries == 24)
    }

    @Test func cuttingTheEndIsTruncation() throws {
        let path = path()
        try writeLog(12, at: path)
        var all = try lines(path)
        // Cut the last checkpoint and the entries of its epoch: what is left is a clean prefix, which only the
        // writer's sealing state reveals.
        all.removeLast(3)
        try rewrite(path, all)
        #expect(try verify(path).failure?.kind == .truncated)
        // Without the sealing state (or a checkpoint kept elsewhere) a cut at a checkpoint is a clean prefix: why the
        // verifier reads the state, and why checkpoints are exported.
        #expect(try AccessLogVerifier.verify(path: path, key: key, useSealingState: false).isIntact)
        // A cut between checkpoints leaves entries no checkpoint covers.
        let unsealed = path + ".2"
        try writeLog(12, at: unsealed)
        try rewrite(unsealed, Array(try lines(unsealed).dropLast(2)))
        let result = try AccessLogVerifier.verify(path: unsealed, key: key, useSealingState: false)
        #expect(result.failure?.kind == .unanchored)
        #expect(try verify(unsealed).failure?.kind == .truncated)
        // Cut inside a line.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: path))
        #expect(try verify(path).failure?.kind == .truncated)
    }

    @Test func deletingAnEntryIsDeletion() throws {
        let path = path()
        try writeLog(12, at: path)
        var all = try lines(path)
        all.remove(at: 3)  // entry 2
        try rewrite(path, all)
        let failure = try #require(try verify(path).failure)
        #expect(failure.kind == .deleted)
        #expect(failure.line == 4)
        #expect(failure.sequence == 2)
    }

    @Test func deletingACheckpointIsDeletion() throws {
        let path = path()
        try writeLog(12, at: path)
        var all = try lines(path)
        let index = try #require(all.firstIndex { $0.hasPrefix(#"{"checkpoint":0"#) })
        all.remove(at: index)
        try rewrite(path, all)
        #expect(try verify(path).failure?.kind == .deleted)
    }

    @Test func swappingEntriesIsReordering() throws {
        let path = path()
        try writeLog(12, at: path)
        var all = try lines(path)
        all.swapAt(2, 3)
        try rewrite(path, all)
        let failure = try #require(try verify(path).failure)
        #expect(failure.kind == .reordered)
        #expect(failure.line == 3)
        // A repeated line, too.
        var repeated = try lines(path)
        repeated.swapAt(2, 3)
        repeated.insert(repeated[2], at: 3)
        try rewrite(path, repeated)
        #expect(try verify(path).failure?.kind == .reordered)
    }

    /// Flipping any single bit of any line is caught, as a modification of that line or — for a bit of a sequence
    /// number or an epoch — as the deletion or reordering it looks like; never a pass.
    @Test func flippingAnyBitFails() throws {
        let path = path()
        try writeLog(7, at: path)
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        var kinds: [LogFailure.Kind: Int] = [:]
        for position in stride(from: 0, to: original.count, by: 7) {
            for bit in [0, 3, 6] {
                var bytes = original
                bytes[position] ^= UInt8(1 << bit)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    let result = try verify(path)
                    let failure = try #require(result.failure, "flip at byte \(position) bit \(bit) passed")
                    kinds[failure.kind, default: 0] += 1
                } catch let error as ConsentKitError {
                    // A flip in the header may make it unreadable or name another key: refused, never a pass.
                    #expect([.unsupportedFormat, .badSignature].contains(error.code))
                }
            }
        }
        #expect(kinds[.modified, default: 0] > 0)
        // A flip inside an entry's body names that entry.
        var bytes = original
        let third = try #require(String(decoding: original, as: UTF8.self).range(of: #"{"seq":2,"#))
        let offset = String(decoding: original, as: UTF8.self).utf8.distance(
            from: String(decoding: original, as: UTF8.self).startIndex, to: third.lowerBound)
        bytes[offset + 40] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let failure = try #require(try verify(path).failure)
        #expect(failure.kind == .modified)
        #expect(failure.sequence == 2)
        #expect(failure.line == 4)
    }

    /// Two logs from one key and one prefix: each verifies alone, and a checkpoint of one, kept elsewhere, exposes
    /// the other as a fork.
    @Test func aForkIsCaughtByACheckpointKeptElsewhere() throws {
        let path = path()
        try writeLog(6, at: path)
        let fork = path + ".fork"
        for suffix in ["", ".seal", ".subjects"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: fork + suffix)
        }
        let first = try AccessLog(path: path, policy: policy, options: options)
        try first.append(entry(100))
        let kept = try #require(try first.checkpoint())
        first.close()
        let second = try AccessLog(path: fork, policy: policy, options: options)
        try second.append(entry(200))
        second.close()
        let note = try kept.note()
        let anchor = try LogCheckpoint(note: note)
        #expect(anchor == kept)
        #expect(try verify(path, anchor: anchor).isIntact)
        #expect(try verify(fork).isIntact)
        #expect(try verify(fork, anchor: anchor).failure?.kind == .forked)
        // A note from a later point than the log reaches: the log was cut.
        let shorter = path + ".short"
        try writeLog(3, at: shorter)
        #expect(throws: ConsentKitError.self) { try verify(shorter, anchor: anchor) }  // another log's note
    }

    /// systemd's CVE-2023-31439: whoever holds the writer's current key re-seals an old entry with it. The verifier
    /// knows which key each line must carry, so the re-sealed line fails as re-sealed.
    @Test func resealingWithALaterKeyIsCaught() throws {
        let path = path()
        try writeLog(12, at: path)
        // The attacker has the writer's current epoch key from its sealing state, and the log.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".seal")))
        let stolen = try #require((state as? [String: Any])?["key"] as? String)
        let stolenKey = try AccessLogKey(text: stolen)
        var all = try lines(path)
        // Entry 1 (epoch 0) changed to an allow and re-sealed with the later key: the chain recomputed from there on.
        all[2] = all[2].replacingOccurrences(of: #""effect":"deny""#, with: #""effect":"allow""#)
        let forged = try AccessLogForgery.reseal(lines: all, from: 2, header: all[0], key: stolenKey)
        try rewrite(path, forged)
        let failure = try #require(try verify(path).failure)
        #expect(failure.kind == .resealed)
        #expect(failure.line == 3)
    }

    /// systemd's CVE-2023-31438: cut the log back to an earlier checkpoint and continue it with the current key.
    @Test func truncateAndContinueIsCaught() throws {
        let path = path()
        try writeLog(12, at: path)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".seal")))
        let stolenKey = try AccessLogKey(text: try #require((state as? [String: Any])?["key"] as? String))
        var all = try lines(path)
        let cut = try #require(all.firstIndex { $0.hasPrefix(#"{"checkpoint":0"#) })
        all = Array(all[...cut]) + [all[cut + 1]]
        let forged = try AccessLogForgery.reseal(lines: all, from: cut + 1, header: all[0], key: stolenKey)
        try rewrite(path, forged)
        let failure = try #require(try verify(path).failure)
        #expect([.resealed, .deleted].contains(failure.kind))
    }

    /// A signer an integration plugs in (here an HMAC standing in for Ed25519) adds a line to the note that its
    /// verifier checks; a changed note or a missing line fails.
    @Test func checkpointNotesCarryFurtherSignatures() throws {
        struct TestSigner: CheckpointSigner, CheckpointSignatureVerifier {
            let name = "witness-1"
            let secret = Array("a witness's secret key, 32 bytes".utf8)
            func signature(for body: [UInt8]) throws -> [UInt8] {
                HMACSHA256.authenticationCode(for: body, key: secret)
            }
            func isValid(_ signature: [UInt8], for body: [UInt8]) -> Bool {
                HMACSHA256.constantTimeEquals(signature, HMACSHA256.authenticationCode(for: body, key: secret))
            }
        }
        let path = path()
        try writeLog(6, at: path)
        let checkpoint = try #require(try verify(path).lastCheckpoint)
        let note = try checkpoint.note(signers: [TestSigner()])
        #expect(note.contains("— witness-1 "))
        try LogCheckpoint.verifySignatures(of: note, with: [TestSigner()])
        #expect(throws: ConsentKitError.self) {
            try LogCheckpoint.verifySignatures(of: try checkpoint.note(), with: [TestSigner()])
        }
        let changed = note.replacingOccurrences(of: "\n\(checkpoint.size)\n", with: "\n\(checkpoint.size + 1)\n")
        #expect(throws: ConsentKitError.self) { try LogCheckpoint.verifySignatures(of: changed, with: [TestSigner()]) }
    }

    @Test func theWrongKeyIsRefusedNeverPassed() throws {
        let path = path()
        try writeLog(6, at: path)
        let other = try AccessLogKey(secret: Array(repeating: UInt8(8), count: 32))
        #expect(throws: ConsentKitError.self) { try AccessLogVerifier.verify(path: path, key: other) }
        #expect(throws: ConsentKitError.self) { try AccessLogKey(secret: [1, 2, 3]) }
    }

    @Test func entriesAfterTheLastCheckpointAreUnanchoredUntilOneComes() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        try log.append([entry(0), entry(1)])
        #expect(try verify(path).failure?.kind == .unanchored)
        try log.checkpoint()
        #expect(try verify(path).isIntact)
        log.close()
    }

    /// Nothing a caller passes as a value reaches the file: sentinel values in every free-text part of an entry
    /// appear nowhere in the log or its sealing state.
    @Test func noValueReachesTheLog() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        let sentinels = ["SENTINEL-CUSTOMER-13800138000", "SENTINEL-AGENT-张三"]
        try log.append(
            AccessEntry(
                at: Date(timeIntervalSince1970: 1_767_225_600),
                actor: AccessActor(role: "crm", principal: sentinels[1]),
                subject: SubjectID(sentinels[0]), purpose: "marketing.email", fields: ["email"],
                reason: .allowed.consent))
        log.close()
        for file in [path, path + ".seal"] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for sentinel in sentinels { #expect(!text.contains(sentinel), "\(sentinel) in \(file)") }
        }
        // Only the customers' key file names the customer; forgetting them removes that.
        let reopened = try AccessLog(path: path, policy: policy, options: options)
        #expect(reopened.reference(of: SubjectID(sentinels[0])) != nil)
        #expect(try reopened.forget(SubjectID(sentinels[0])))
        #expect(reopened.reference(of: SubjectID(sentinels[0])) == nil)
        reopened.close()
        #expect(try !String(contentsOfFile: path + ".subjects", encoding: .utf8).contains(sentinels[0]))
        #expect(try verify(path).isIntact)
    }

    @Test func entriesNamingUndeclaredThingsAreRefusedWithPaths() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        defer { log.close() }
        let bad = AccessEntry(
            at: Date(timeIntervalSince1970: .nan), actor: AccessActor(role: "crm\u{7}"), subject: "alice",
            purpose: "no.such.purpose", view: "no.view", fields: ["email", "13800138000"], reason: .allowed.consent,
            grant: "g\n1")
        let error = try #require(throws: ConsentKitError.self) { try log.append(bad) }
        let paths = Set(error.diagnostics.map(\.location.path))
        #expect(paths.isSuperset(of: ["instant", "role", "purpose", "view", "fields[1]", "grant"]))
        #expect(throws: ConsentKitError.self) { try log.record(bad) }
    }

    /// Sampling drops only droppable entries, and every drop is counted in the next checkpoint.
    @Test func samplingCountsWhatItDrops() throws {
        let path = path()
        var options = options
        options.sampleOneIn = 4
        options.checkpointEntries = 1_000
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        var kept = 0
        for number in 0..<400 where try log.record(entry(number)) { kept += 1 }
        try log.checkpoint()
        log.close()
        let result = try verify(path)
        #expect(result.isIntact)
        // Every fourth entry is a deny (never dropped); of the other 300, one in four is kept.
        #expect(result.entries == UInt64(kept))
        #expect(result.dropped.sampled == UInt64(400 - kept))
        #expect(kept == 100 + 75)
    }
}

/// What an attacker holding the writer's current key can do: rewrite lines from `start` on with that key, keeping the
/// chain and the tree consistent (the verifier must still tell).
enum AccessLogForgery {
    static func reseal(lines: [String], from start: Int, header: String, key: AccessLogKey) throws -> [String] {
        var result = Array(lines[..<start])
        // Rebuild the chain up to `start`, as anyone can (it is not keyed).
        var chain = LogHash.of(Array(header.utf8).dropLast(53) + [UInt8(ascii: "}")])
        for line in lines[1..<start] where line.hasPrefix(#"{"seq":"#) {
            chain = link(chain, MerkleHash.leaf(Array(line.utf8).dropLast(32) + [UInt8(ascii: "}")]))
        }
        for line in lines[start...] {
            guard line.hasPrefix(#"{"seq":"#) else { continue }
            let body = Array(line.utf8).dropLast(32)
            chain = link(chain, MerkleHash.leaf(body + [UInt8(ascii: "}")]))
            let mac = Base64URL.encode(
                Array(HMACSHA256.authenticationCode(for: chain.bytes, key: key.secret).prefix(16)))
            result.append(String(decoding: body, as: UTF8.self) + #","mac":""# + mac + #""}"#)
        }
        return result
    }

    static func link(_ previous: LogHash, _ leaf: LogHash) -> LogHash { LogHash.of(previous.bytes + leaf.bytes) }
}
