internal import ConsentKit
internal import Foundation
internal import _ConsentKitWorkload

/// `consent bench --log`: the access log's figures on the standard workload's decisions — appending in memory and
/// durably, one `fsync` per entry, verifying, proofs, entry size, and what logging adds to a decision.
enum LogBench {
    struct Report {
        var entries = 0
        var appendsPerSecond = 0.0
        var durableAppendsPerSecond = 0.0
        var fsyncPerEntryAppendsPerSecond = 0.0
        var verifyEntriesPerSecond = 0.0
        var decisionNs = 0.0
        var decisionWithLogNs = 0.0
        var overheadPercent: Double { (decisionWithLogNs - decisionNs) / decisionNs * 100 }
        var medianEntryBytes = 0
        var proofBytes = 0
        var proofVerifyNs = 0.0
        var dropped: UInt64 = 0
        var recordNs = 0.0
        var accessReportEntriesPerSecond = 0.0
        var reportsMilliseconds = 0.0
    }

    static func run(subjects: Int, entries count: Int, json: Bool, output: CommandOutput) throws(ConsentKitError)
        -> ExitCode
    {
        let say: (String) -> Void = { line in if !json { output.err(line + "\n") } }
        say("generating \(subjects) subjects and \(count) decisions…")
        let workload = try SyntheticWorkload(subjects: subjects, questions: count, seed: 42)
        let engine = ConsentEngine(ledger: workload.ledger)
        let questions = workload.questions
        let actors = (0..<50).map { AccessActor(role: "crm", principal: "agent-\($0)") }
        let entries = questions.enumerated().map { index, question in
            AccessEntry(question: question, decision: engine.decision(for: question), actor: actors[index % 50])
        }
        let key = try AccessLogKey(secret: Array("a benchmark key, thirty-two bytes".utf8))
        var report = Report(entries: count)
        func seconds(_ body: () throws(ConsentKitError) -> Void) throws(ConsentKitError) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        // The decision path's own cost: CPU time of this thread only. The writer works on another thread (its cost is
        // the append figures), and on a shared 2-core machine wall time would count time this thread waited for a
        // core, not time logging took.
        func threadSeconds(_ body: () throws(ConsentKitError) -> Void) throws(ConsentKitError) -> Double {
            var start = timespec()
            var end = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
            try body()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
            return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("consent-log-bench-\(UUID())")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(directory.path, error)
        }
        defer { try? FileManager.default.removeItem(at: directory) }

        // L1: the writer's work per entry, without the disk.
        say("appending in memory…")
        var best = Double.infinity
        var lengths: [Int] = []
        for _ in 0..<3 {
            best = min(
                best,
                try seconds { () throws(ConsentKitError) in
                    lengths = try AccessLog.encodeInMemory(entries, policy: workload.policy, key: key).lineLengths
                })
        }
        report.appendsPerSecond = Double(count) / best
        lengths.sort()
        report.medianEntryBytes = lengths[lengths.count / 2]

        // L2: durable, with group commit: every entry recorded, then flushed; the figure counts until all are on disk.
        say("appending durably…")
        var options = AccessLog.Options()
        options.bufferCapacity = count + 1
        let path = directory.appendingPathComponent("bench.log").path
        let log = try AccessLog(path: path, policy: workload.policy, creatingWith: key, options: options)
        let durable = try seconds { () throws(ConsentKitError) in
            for entry in entries { try log.record(entry) }
            try log.flush()
        }
        report.durableAppendsPerSecond = Double(count) / durable
        // What the decision path pays per entry: checking it and handing it to the writer (the second pass, with the
        // buffer already grown).
        let recordOnly = try threadSeconds { () throws(ConsentKitError) in
            for entry in entries { try log.record(entry) }
        }
        try log.flush()
        report.recordNs = recordOnly / Double(count) * 1e9
        try log.checkpoint()
        report.dropped = log.droppedSinceOpening.total
        log.close()

        // L3: one `fsync` per entry.
        say("appending with one fsync per entry…")
        let single = directory.appendingPathComponent("single.log").path
        let singleLog = try AccessLog(path: single, policy: workload.policy, creatingWith: key)
        let singleCount = min(count, 1_000)
        let perEntry = try seconds { () throws(ConsentKitError) in
            for entry in entries.prefix(singleCount) { try singleLog.append(entry) }
        }
        singleLog.close()
        report.fsyncPerEntryAppendsPerSecond = Double(singleCount) / perEntry

        // L4: verification of the durable log.
        say("verifying…")
        best = .infinity
        for _ in 0..<3 {
            best = min(
                best,
                try seconds { () throws(ConsentKitError) in
                    let result = try AccessLogVerifier.verify(path: path, key: key)
                    guard result.isIntact, result.entries == UInt64(2 * count) else {
                        throw ConsentKitError(
                            code: .corruptedData,
                            message: "the benchmark log did not verify: \(String(describing: result.failure))")
                    }
                })
        }
        report.verifyEntriesPerSecond = Double(2 * count) / best

        // R2: the access report's reading of the log (verified as it is read), entries per second.
        say("counting the log for the access report…")
        let summarySeconds = try seconds { () throws(ConsentKitError) in
            _ = ComplianceReport.access(
                policy: workload.policy, log: try AccessSummary(path: path, key: key), at: Date()
            ).rendered(as: .md)
        }
        report.accessReportEntriesPerSecond = Double(2 * count) / summarySeconds

        // R1: PIPIA and ROPA for a policy of 1,000 purposes.
        let fields = workload.policy.fields
        var purposes: [Purpose] = []
        for index in 0..<1_000 {
            var chosen: [FieldID] = []
            for offset in 0..<6 { chosen.append(fields[(index * 7 + offset * 5) % fields.count].id) }
            let basis: LegalBasis = index % 3 == 0 ? .contract : .consent
            var provision: ThirdPartyProvision?
            if index % 13 == 0 { provision = ThirdPartyProvision(recipients: [RecipientID("partner-\(index)")]) }
            purposes.append(
                Purpose(
                    PurposeID("purpose.\(index)"), basis: basis, fields: chosen, automatedDecision: index % 11 == 0,
                    thirdParty: provision))
        }
        let large = try Policy(
            categories: workload.policy.categories, fields: fields, purposes: purposes)
        report.reportsMilliseconds = .infinity
        for _ in 0..<3 {
            let elapsed = try seconds { () throws(ConsentKitError) in
                _ = ComplianceReport.pipia(policy: large, at: Date()).rendered(as: .md)
                _ = ComplianceReport.ropa(policy: large, at: Date()).rendered(as: .md)
            }
            report.reportsMilliseconds = min(report.reportsMilliseconds, elapsed * 1_000)
        }

        // L5: an inclusion proof in the middle of the tree, its size and the time to verify it.
        let (_, leaves) = try AccessLogVerifier.verify(
            path: path, key: key, anchor: nil, useSealingState: true, sealedPartOnly: false, keepLeaves: true
        ) { _, _ in }
        let tree = MerkleTree(leafHashes: leaves)
        let root = tree.root(size: leaves.count)
        let proof = tree.inclusionProof(leaf: leaves.count / 2, size: leaves.count)
        report.proofBytes = proof.hashes.count * 32
        let rounds = 10_000
        var valid = 0
        let proofSeconds = try seconds { () throws(ConsentKitError) in
            for _ in 0..<rounds where proof.verify(leafHash: leaves[leaves.count / 2], root: root) { valid += 1 }
        }
        report.proofVerifyNs = proofSeconds / Double(rounds) * 1e9
        guard valid == rounds else { throw ConsentKitError(code: .corruptedData, message: "a proof did not verify") }

        // L8: a decision by name with and without recording it (the writer runs on another thread).
        say("timing the cost of logging a decision…")
        var sink = 0
        report.decisionNs = .infinity
        report.decisionWithLogNs = .infinity
        let overheadPath = directory.appendingPathComponent("overhead.log").path
        let overheadLog = try AccessLog(
            path: overheadPath, policy: workload.policy, creatingWith: key, options: options)
        for _ in 0..<3 {
            let bare = try threadSeconds { () throws(ConsentKitError) in
                for question in questions { sink &+= engine.decision(for: question).isAllowed ? 1 : 0 }
            }
            let logged = try threadSeconds { () throws(ConsentKitError) in
                for (index, question) in questions.enumerated() {
                    let decision = engine.decision(for: question)
                    sink &+= decision.isAllowed ? 1 : 0
                    try overheadLog.record(
                        AccessEntry(question: question, decision: decision, actor: actors[index % 50]))
                }
            }
            try overheadLog.flush()
            report.decisionNs = min(report.decisionNs, bare / Double(count) * 1e9)
            report.decisionWithLogNs = min(report.decisionWithLogNs, logged / Double(count) * 1e9)
        }
        overheadLog.close()
        if sink == -1 { say("") }
        output.out((json ? jsonLine(report) : text(report)) + "\n")
        return .success
    }

    static func jsonLine(_ report: Report) -> String {
        func number(_ value: Double) -> JSONValue { .number(String(format: "%.1f", value)) }
        let object: JSONObject = [
            "entries": .number(String(report.entries)),
            "logAppendsPerSecond": number(report.appendsPerSecond),
            "logDurableAppendsPerSecond": number(report.durableAppendsPerSecond),
            "logFsyncPerEntryAppendsPerSecond": number(report.fsyncPerEntryAppendsPerSecond),
            "logVerifyEntriesPerSecond": number(report.verifyEntriesPerSecond),
            "logOverheadPercent": number(report.overheadPercent),
            "decisionNs": number(report.decisionNs), "decisionWithLogNs": number(report.decisionWithLogNs),
            "logMedianEntryBytes": .number(String(report.medianEntryBytes)),
            "proofBytes": .number(String(report.proofBytes)), "proofVerifyNs": number(report.proofVerifyNs),
            "dropped": .number(String(report.dropped)), "logRecordNs": number(report.recordNs),
            "accessReportEntriesPerSecond": number(report.accessReportEntriesPerSecond),
            "pipiaAndRopaMillisecondsFor1000Purposes": number(report.reportsMilliseconds),
        ]
        return JSONValue.object(object).serialized()
    }

    static func text(_ report: Report) -> String {
        func rate(_ value: Double) -> String { String(format: "%.0f/s", value) }
        return """
            access log, \(report.entries) entries of the standard workload's decisions
              append in memory (encode, chain, seal, tree)   \(rate(report.appendsPerSecond))
              append durably (group commit)                  \(rate(report.durableAppendsPerSecond))
              append with one fsync per entry                \(rate(report.fsyncPerEntryAppendsPerSecond))
              verify                                         \(rate(report.verifyEntriesPerSecond))
              median entry                                   \(report.medianEntryBytes) bytes
              inclusion proof                                \(report.proofBytes) bytes, verified in \(String(format: "%.0f", report.proofVerifyNs)) ns
              record one entry (the decision path's share)   \(String(format: "%.0f", report.recordNs)) ns
              decision by name                               \(String(format: "%.0f", report.decisionNs)) ns
              decision by name, recorded                     \(String(format: "%.0f", report.decisionWithLogNs)) ns (+\(String(format: "%.1f", report.overheadPercent)) %)
              entries dropped                                \(report.dropped)
              access report over the log                     \(rate(report.accessReportEntriesPerSecond))
              PIPIA + ROPA, 1,000 purposes                   \(String(format: "%.0f", report.reportsMilliseconds)) ms
            """
    }
}
