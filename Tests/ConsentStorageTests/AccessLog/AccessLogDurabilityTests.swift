import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The access log under faults: a full disk, a failed `fsync`, a crash mid-line, a writer killed with `SIGKILL` at
/// random moments, a second writer. Acknowledged means on disk; nothing acknowledged is ever lost, and a log that
/// failed refuses entries instead of guessing.
@Suite struct AccessLogDurabilityTests {
    let scratch = ScratchDirectory()
    let policy: Policy
    let key: AccessLogKey
    init() throws {
        policy = try TestSupport.retailPolicy()
        key = try AccessLogKey(secret: Array(repeating: UInt8(7), count: 32))
    }

    func path() -> String { scratch.url.appendingPathComponent("access-\(UUID()).log").path }

    func entry(_ number: Int) -> AccessEntry {
        AccessEntry(
            at: Date(timeIntervalSince1970: 1_767_225_600 + Double(number)), actor: AccessActor(role: "crm"),
            subject: SubjectID("c\(number % 5)"), purpose: "marketing.email", fields: ["email"],
            reason: .allowed.consent, grant: GrantID("g\(number)"))
    }

    /// The entries' numbers (`g<n>`, n the seconds after the tests' base instant), read back from a verified log.
    func grants(in path: String) throws -> Set<String> {
        var grants: Set<String> = []
        _ = try AccessLogVerifier.verify(path: path, key: key) { entry in
            grants.insert("g\(Int(entry.instant.timeIntervalSince1970 - 1_767_225_600))")
        }
        return grants
    }

    @Test func aFailedWriteIsNotAcknowledgedAndTheLogRefusesUntilReopened() throws {
        for fault in [
            FaultyFileOperations.Fault.failWrite(ENOSPC), .shortWrite(bytes: 40, then: EIO), .failSync(EIO),
        ] {
            let path = path()
            let operations = FaultyFileOperations()
            let log = try AccessLog(
                path: path, policy: policy, key: key, options: AccessLog.Options(), operations: operations)
            try log.append([entry(0), entry(1)])
            operations.inject(fault)
            #expect(throws: ConsentKitError.self) { try log.append(entry(2)) }
            #expect(log.failure != nil)
            #expect(throws: ConsentKitError.self) { try log.append(entry(3)) }
            #expect(throws: ConsentKitError.self) { try log.record(entry(4)) }
            log.close()
            // Reopened: what was acknowledged is there, the failed batch is not, and appending goes on.
            let reopened = try AccessLog(path: path, policy: policy)
            try reopened.append(entry(5))
            reopened.close()
            let found = try grants(in: path)
            #expect(found.isSuperset(of: ["g0", "g1", "g5"]), "\(fault)")
            #expect(!found.contains("g2") || fault.isSyncFailure, "\(fault)")
            #expect(try AccessLogVerifier.verify(path: path, key: key).isIntact, "\(fault)")
        }
    }

    @Test func aLineACrashCutIsCutOnOpen() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        try log.append([entry(0), entry(1)])
        log.close()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":3,"at":"2026-01-01T00:00:"#.utf8))
        handle.closeFile()
        let reopened = try AccessLog(path: path, policy: policy)
        #expect(reopened.recovery?.droppedBytes == 32)
        try reopened.append(entry(2))
        reopened.close()
        #expect(try grants(in: path) == ["g0", "g1", "g2"])
    }

    @Test func aChangedUnsealedTailIsRefusedOnOpen() throws {
        let path = path()
        var options = AccessLog.Options()
        options.checkpointEntries = 1_000
        options.checkpointInterval = 3_600
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        try log.append([entry(0), entry(1), entry(2)])
        try log.checkpoint()
        try log.append([entry(3), entry(4)])
        // The files as a crash before the next checkpoint leaves them, copied, and the unsealed tail changed.
        let crashed = path + ".crashed"
        for suffix in ["", ".seal", ".subjects"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
        }
        log.close()
        var lines = try String(contentsOfFile: crashed, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[lines.count - 1] = lines[lines.count - 1].replacingOccurrences(
            of: #""role":"crm""#, with: #""role":"crx""#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: crashed, atomically: false, encoding: .utf8)
        let error = try #require(throws: ConsentKitError.self) { try AccessLog(path: crashed, policy: policy) }
        #expect(error.code == .corruptedData)
    }

    @Test func aSecondWriterIsRefused() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        defer { log.close() }
        let error = try #require(throws: ConsentKitError.self) { try AccessLog(path: path, policy: policy) }
        #expect(error.code == .locked)
    }

    @Test func aNewLogNeedsAKeyAndAnExistingOneItsOwn() throws {
        let path = path()
        #expect(throws: ConsentKitError.self) { try AccessLog(path: path, policy: policy) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        log.close()
        let other = try AccessLogKey(secret: Array(repeating: UInt8(9), count: 32))
        #expect(throws: ConsentKitError.self) { try AccessLog(path: path, policy: policy, creatingWith: other) }
        try FileManager.default.removeItem(atPath: path + ".seal")
        #expect(throws: ConsentKitError.self) { try AccessLog(path: path, policy: policy) }
    }

    /// Many threads appending at once share writes and `fsync`s (group commit), and every acknowledged entry is there.
    @Test func concurrentAppendsAreAllDurable() async throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for number in 0..<50 { try? log.append(entry(thread * 1_000 + number)) }
                }
            }
        }
        log.close()
        let found = try grants(in: path)
        #expect(found.count == 400)
    }

    /// A writer process killed with `SIGKILL` at random moments: every entry it acknowledged (printed after `append`
    /// returned) is in the log when it is reopened, and the log verifies once a checkpoint covers it.
    @Test(arguments: [1, 16])
    func killingAWriterNeverLosesAnAcknowledgedEntry(batch: Int) throws {
        let path = path()
        var acknowledged: Set<String> = []
        var start = 0
        for round in 0..<4 {
            let writer = try JournalProcessTests.Writer([
                path, TestSupport.retailPolicyPath, String(start), "100000", String(batch), "accesslog",
            ])
            _ = writer.waitForLines(20 + round * 37)
            writer.kill()
            acknowledged.formUnion(writer.lines)
            start += 100_000
        }
        let log = try AccessLog(path: path, policy: policy)
        try log.checkpoint()
        log.close()
        let result = try AccessLogVerifier.verify(path: path, key: key)
        #expect(result.isIntact, "\(String(describing: result.failure))")
        let found = try grants(in: path)
        #expect(acknowledged.isSubset(of: found), "lost: \(acknowledged.subtracting(found).sorted().prefix(5))")
        #expect(!acknowledged.isEmpty)
    }

    /// A crash after the header was written and before the first sealing state: opening with the creator's key
    /// rebuilds the state; a torn last line in the customers' key file is cut, not continued.
    @Test func aLogCutBeforeItsFirstStateOrMidCustomerLineOpens() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        log.close()
        try FileManager.default.removeItem(atPath: path + ".seal")
        #expect(throws: ConsentKitError.self) { try AccessLog(path: path, policy: policy) }
        let reopened = try AccessLog(path: path, policy: policy, creatingWith: key)
        try reopened.append(entry(0))
        reopened.close()
        let handle = try #require(FileHandle(forWritingAtPath: path + ".subjects"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"subject":"c9","ke"#.utf8))
        handle.closeFile()
        let again = try AccessLog(path: path, policy: policy)
        try again.append([entry(1), entry(2)])
        again.close()
        let reopenedOnceMore = try AccessLog(path: path, policy: policy)
        reopenedOnceMore.close()
        #expect(try grants(in: path) == ["g0", "g1", "g2"])
        let mode = try FileManager.default.attributesOfItem(atPath: path + ".subjects")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// Deleting the sealing state does not hide a cut: without it (and without a checkpoint note) the log is not
    /// reported intact. Verifying only the sealed part of a log being written counts its unsealed tail instead of
    /// failing, and hands none of it on.
    @Test func aMissingStateIsNoAlibiAndTheSealedPartCanBeRead() throws {
        let path = path()
        var options = AccessLog.Options()
        options.checkpointInterval = 3_600
        let log = try AccessLog(path: path, policy: policy, creatingWith: key, options: options)
        try log.append([entry(0), entry(1)])
        try log.checkpoint()
        try log.append([entry(2)])
        var read: [Int] = []
        let sealed = try AccessLogVerifier.verify(path: path, key: key, sealedPartOnly: true) { entry in
            read.append(Int(entry.instant.timeIntervalSince1970 - 1_767_225_600))
        }
        #expect(sealed.isIntact)
        #expect(sealed.unsealedEntries == 1)
        #expect(read == [0, 1])
        #expect(try AccessLogVerifier.verify(path: path, key: key).failure?.kind == .unanchored)
        log.close()
        let note = try #require(try AccessLogVerifier.verify(path: path, key: key).lastCheckpoint)
        try FileManager.default.removeItem(atPath: path + ".seal")
        #expect(try AccessLogVerifier.verify(path: path, key: key).failure?.kind == .truncated)
        #expect(try AccessLogVerifier.verify(path: path, key: key, anchor: note).isIntact)
    }

    /// The writer never keeps K₀: its sealing state holds an epoch key from which K₀ cannot be derived.
    @Test func theVerificationKeyNeverReachesTheWritersDisk() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        let state = try String(contentsOfFile: path + ".seal", encoding: .utf8)
        #expect(!state.contains(key.text))
        try log.append(entry(0))
        log.close()
        #expect(try !String(contentsOfFile: path + ".seal", encoding: .utf8).contains(key.text))
    }

    /// Grant ids can name the customer (`alice-mkt-email`): the log keeps only a keyed reference, and refuses
    /// recipients and destinations the policy does not declare.
    @Test func grantsRecipientsAndDestinationsCarryNoFreeText() throws {
        let path = path()
        let log = try AccessLog(path: path, policy: policy, creatingWith: key)
        defer { log.close() }
        var entry = entry(0)
        entry.grant = "alice-SENTINEL-grant"
        try log.append(entry)
        entry.recipient = "SENTINEL-13800138000"
        let error = try #require(throws: ConsentKitError.self) { try log.append(entry) }
        #expect(error.diagnostics.map(\.location.path) == ["recipient"])
        entry.recipient = nil
        entry.destination = "SENTINEL-place"
        #expect(throws: ConsentKitError.self) { try log.append(entry) }
        try log.flush()
        #expect(try !String(contentsOfFile: path, encoding: .utf8).contains("SENTINEL"))
    }
}

extension FaultyFileOperations.Fault {
    var isSyncFailure: Bool {
        if case .failSync = self { return true }
        return false
    }
}
