import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// The snapshot beside a journal: used when valid, ignored (never trusted) otherwise.
@Suite struct JournalSnapshotTests {
    /// This test's files, removed when it ends.
    let scratch = ScratchDirectory()

    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    /// A journal of `events` events with a snapshot covering them all, closed; and the ledger it held.
    func journal(events: Int) throws -> (path: String, ledger: ConsentLedger) {
        let path = scratch.url.appendingPathComponent("snap-\(UUID()).jsonl").path
        let journal = try ConsentJournal(path: path, policy: policy)
        var batch: [ConsentEvent] = []
        let base = Date(timeIntervalSince1970: 1_767_225_600)
        for number in 0..<events {
            let subject = SubjectID("c\(number % 7)")
            let at = base.addingTimeInterval(Double(number * 60))
            switch number % 4 {
            case 0:
                batch.append(
                    .grant(
                        ConsentGrant(
                            GrantID("g\(number)"), subject: subject, purposes: ["marketing.email"],
                            fields: ["email"], categories: ["preference"], kind: .separate,
                            // Recorded attributes too, which a snapshot must keep (version 4).
                            attributes: number % 8 == 0 ? [.explicit, .transferInformed] : [], grantor: .guardian,
                            guardianID: "parent-\(number)", at: at, expiresAt: at.addingTimeInterval(86_400),
                            noticeVersion: 2, evidence: ConsentEvidence(channel: "app", touchpoint: "signup"))))
            case 1: batch.append(.optOut(subject, .directMarketing, at: at))
            case 2:
                batch.append(
                    .subjectFacts(
                        subject, SubjectFactsChange(birthDate: .set(CalendarDate(year: 2012, month: 2, day: 29)!)),
                        at: at))
            default: batch.append(.withdraw(Withdrawal(.purposes(subject, ["marketing.email"]), at: at)))
            }
        }
        batch.append(.link(IdentityLink(from: "c1", into: "c2", at: base.addingTimeInterval(Double(events * 60)))))
        try journal.append(batch)
        try journal.writeSnapshot()
        let ledger = try journal.ledger
        journal.close()
        return (path, ledger)
    }

    func snapshotPath(_ path: String) -> String { path + ".snapshot" }

    func expectSameLedger(_ lhs: ConsentLedger, _ rhs: ConsentLedger, sourceLocation: SourceLocation = #_sourceLocation)
    {
        #expect(lhs.entries == rhs.entries, sourceLocation: sourceLocation)
        for subject in rhs.subjects {
            #expect(lhs.record(for: subject) == rhs.record(for: subject), sourceLocation: sourceLocation)
        }
    }

    @Test func reopeningUsesTheSnapshotAndReplaysOnlyLaterLines() throws {
        let (path, ledger) = try journal(events: 40)
        let journal = try ConsentJournal(path: path, policy: policy)
        try journal.append(.restrict("c3", "hq.analytics", at: Date(timeIntervalSince1970: 1_900_000_000)))
        var expected = ledger
        try expected.append(.restrict("c3", "hq.analytics", at: Date(timeIntervalSince1970: 1_900_000_000)))
        journal.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .used(coveredLines: 41))
        try reopened.waitForSnapshotVerification()
        let reopenedLedger = try reopened.ledger
        expectSameLedger(reopenedLedger, expected)
        #expect(reopenedLedger.identities(linkedWith: "c1") == ["c1", "c2"])
        #expect(reopenedLedger.resolution(ofLinkAt: 40) == ledger.resolution(ofLinkAt: 40))
        // Grants are found by id after a snapshot load, so a withdrawal by id is accepted.
        try reopened.append(.withdraw(Withdrawal(.grant("g4"), at: Date(timeIntervalSince1970: 1_900_000_001))))
        // A verified snapshot lets the journal write the next one.
        try reopened.writeSnapshot()
    }

    @Test func aDamagedSnapshotIsIgnoredAndRemoved() throws {
        let (path, ledger) = try journal(events: 20)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: snapshotPath(path))))
        for offset in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
            var damaged = bytes
            damaged[offset] ^= 0x10
            try Data(damaged).write(to: URL(fileURLWithPath: snapshotPath(path)))
            let reopened = try ConsentJournal(path: path, policy: policy)
            guard case .ignored = reopened.snapshotUse else {
                Issue.record("a flip at byte \(offset) was not noticed: \(reopened.snapshotUse)")
                continue
            }
            expectSameLedger(try reopened.ledger, ledger)
            // Ignored means removed: a stale snapshot could hold data erased since.
            #expect(!FileManager.default.fileExists(atPath: snapshotPath(path)))
            reopened.close()
        }
    }

    /// A snapshot of version 3 cannot hold a grant's consent attributes: read as version 4 it would lose them, so
    /// it is ignored and the journal replayed, attributes and all.
    @Test func aSnapshotOfAnEarlierVersionIsReplayedInstead() throws {
        let (path, ledger) = try journal(events: 24)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: snapshotPath(path))))
        #expect(bytes.starts(with: Array("CKSNAP4\n".utf8)))
        bytes.replaceSubrange(0..<8, with: Array("CKSNAP3\n".utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: snapshotPath(path)))
        let reopened = try ConsentJournal(path: path, policy: policy)
        guard case .ignored = reopened.snapshotUse else {
            Issue.record("a version-3 snapshot was used: \(reopened.snapshotUse)")
            return
        }
        expectSameLedger(try reopened.ledger, ledger)
        #expect(try reopened.ledger.grant("g0")?.attributes == [.explicit, .transferInformed])
        reopened.close()
    }

    @Test func aSnapshotForAnotherPolicyIsIgnored() throws {
        let (path, _) = try journal(events: 12)
        let json = String(decoding: policy.jsonData(), as: UTF8.self)
            .replacingOccurrences(
                of: #""consentVersion"\s*:\s*2"#, with: #""consentVersion":3"#, options: .regularExpression)
        let changed = try Policy(jsonData: Data(json.utf8))
        #expect(changed.jsonData() != policy.jsonData())
        guard case .ignored(let reason) = try ConsentJournal(path: path, policy: changed).snapshotUse else {
            Issue.record("a snapshot for another policy was used")
            return
        }
        #expect(reason.contains("different policy"))
    }

    /// A snapshot beside a journal whose covered region has the same length and the same first and last bytes, but
    /// other lines inside: the cheap checks at open pass, the digest does not.
    @Test func anotherJournalsSnapshotWithTheSameEndsFailsClosed() async throws {
        let (path, _) = try journal(events: 12)
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // Swap two lines of equal length in the middle: a journal with the same ends, other content.
        var lines = original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        var pair: (Int, Int)?
        for first in 1..<(lines.count - 3) where pair == nil {
            for second in (first + 1)..<(lines.count - 2) where pair == nil {
                if lines[second].count == lines[first].count && lines[second] != lines[first] {
                    pair = (first, second)
                }
            }
        }
        let (one, other) = try #require(pair)
        lines.swapAt(one, other)
        let swapped = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        #expect(swapped.count == original.count && swapped.prefix(64) == original.prefix(64))
        try Data(swapped).write(to: URL(fileURLWithPath: path))
        let replayed = try ConsentLedger(policy: policy, contentsOfFile: path)

        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .used(coveredLines: 13))
        // The check runs in the background: it may already have failed the journal, and then following it fails.
        let live = try? await LiveConsentEngine(following: reopened)
        #expect(throws: ConsentKitError(code: .corruptedData)) { try reopened.waitForSnapshotVerification() }
        // Failed closed: the ledger, appends and the live engine's checked decisions all refuse.
        #expect(throws: ConsentKitError(code: .corruptedData)) { _ = try reopened.ledger }
        #expect(throws: ConsentKitError(code: .corruptedData)) {
            try reopened.append(.optOut("c1", .directMarketing, at: Date(timeIntervalSince1970: 1_900_000_000)))
        }
        let question = ConsentQuestion(
            subject: "c1", purpose: "marketing.email", field: "email", at: Date(timeIntervalSince1970: 1_767_230_000))
        if let live { #expect(throws: ConsentKitError.self) { try live.checkedDecision(for: question) } }
        #expect(!FileManager.default.fileExists(atPath: snapshotPath(path)))
        reopened.close()
        // Reopened, the journal is replayed in full: the truth of this journal's own lines.
        let again = try ConsentJournal(path: path, policy: policy)
        #expect(again.snapshotUse == .none)
        expectSameLedger(try again.ledger, replayed)
    }

    /// A bit flipped inside the covered region: no line after the snapshot is read at open, so only the digest can
    /// notice.
    @Test func aFlipInsideTheCoveredRegionIsFoundAfterOpening() throws {
        let (path, _) = try journal(events: 12)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let middle = bytes.count / 2
        bytes[middle] = bytes[middle] == UInt8(ascii: "\n") ? bytes[middle] : bytes[middle] ^ 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(throws: ConsentKitError(code: .corruptedData)) { try reopened.waitForSnapshotVerification() }
        #expect(reopened.failure?.code == .corruptedData)
        reopened.close()
        // Without the snapshot, opening reads the flipped line and names it.
        let error = expectError(.corruptedData) { _ = try ConsentJournal(path: path, policy: policy) }
        #expect(error?.location.line != nil)
    }

    @Test func aTruncatedJournalInvalidatesItsSnapshot() throws {
        let (path, _) = try journal(events: 12)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size - 10)
        try handle.close()
        let reopened = try ConsentJournal(path: path, policy: policy)
        #expect(reopened.snapshotUse == .ignored("the journal does not hold the bytes it was taken from"))
        #expect(reopened.recovery?.firstDroppedLine == 13)
        #expect(try reopened.ledger.count == 12)
    }
}
