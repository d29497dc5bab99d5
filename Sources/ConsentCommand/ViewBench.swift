internal import ConsentKit
internal import Foundation
internal import _ConsentKitWorkload

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// `consent bench --views`: the privacy views' figures on the standard workload, each the best of several passes.
enum ViewBench {
    struct Report {
        var records = 0
        var decisionsOnly = 0.0
        var decisionsOnlyStreaming = 0.0
        var masked = 0.0
        var maskedStreaming = 0.0
        var pseudonym = 0.0
        var recordsPerSecond = 0.0
        var pseudonymisedRecordsPerSecond = 0.0
        var optOutDrop = 0.0
        var droppedRecords = 0
        var kCheckSeconds = 0.0
        var kCheckRecords = 0
        var kCheckPeakBytes = 0
        var allocationsPerView: Double?
    }

    static func run(subjects: Int, json: Bool, output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let log: (String) -> Void = { line in if !json { output.err(line + "\n") } }
        log("generating \(subjects) subjects and their records…")
        let workload = try ViewWorkload(try SyntheticWorkload(subjects: subjects, questions: 1, seed: 42))
        let engine = ConsentEngine(ledger: workload.ledger)
        let key = try PseudonymKey(id: "bench", secret: Array("a benchmark secret, 32 bytes long".utf8))
        var report = Report(records: workload.records.count)
        let records = workload.records
        let at = workload.instant

        func nanoseconds(passes: Int = 3, count: Int, _ body: () -> Void) -> Double {
            var best = Double.infinity
            for _ in 0..<passes {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count))
            }
            return best
        }
        var sink = 0
        // Two figures each: records in cache (a working set of 1,000 records, each projected 100 times in turn: a
        // service projecting what it just loaded), and every record once (a batch streaming from memory, bound by
        // reading each record's values).
        let hot = Array(records.prefix(1_000))
        let rounds = 100
        // V1: 40 fields, decisions only (every field clear or withheld), into a reused view: no allocation.
        let decisions = try engine.compiled.view(ViewWorkload.decisionsOnly)
        var scratch = RecordView(schema: decisions.schema)
        engine.view(of: records[0], as: decisions, at: at, into: &scratch)
        let before = output.allocationCount()
        report.decisionsOnly = nanoseconds(count: hot.count * rounds) {
            for _ in 0..<rounds {
                for record in hot {
                    engine.view(of: record, as: decisions, at: at, into: &scratch)
                    sink &+= scratch.dropped == nil ? 1 : 0
                }
            }
        }
        if let before, let after = output.allocationCount() {
            report.allocationsPerView = Double(after - before) / Double(3 * hot.count * rounds)
        }
        report.decisionsOnlyStreaming = nanoseconds(count: records.count) {
            for record in records {
                engine.view(of: record, as: decisions, at: at, into: &scratch)
                sink &+= scratch.dropped == nil ? 1 : 0
            }
        }
        // V2: 8 masked strings and 2 age bands.
        let masked = try engine.compiled.view(ViewWorkload.masked)
        report.masked = nanoseconds(count: hot.count * rounds) {
            for _ in 0..<rounds {
                for record in hot {
                    engine.view(of: record, as: masked, at: at, into: &scratch)
                    sink &+= scratch.dropped == nil ? 1 : 0
                }
            }
        }
        report.maskedStreaming = nanoseconds(count: records.count) {
            for record in records {
                engine.view(of: record, as: masked, at: at, into: &scratch)
                sink &+= scratch.dropped == nil ? 1 : 0
            }
        }
        // V3: one keyed pseudonym of a mobile number.
        let pseudonymiser = key.pseudonymiser(purpose: "bench.crm", recipient: "partner-a")
        let phones = (0..<100_000).map { FieldValue.string("138\(String(10_000_000 + $0 * 7))") }
        report.pseudonym = nanoseconds(count: phones.count) {
            for phone in phones { sink &+= pseudonymiser.pseudonym(of: phone).utf8.count }
        }
        // V4/V5: a batch through the masked view, and through the one with two pseudonyms, one core.
        let batchNanoseconds = nanoseconds(count: records.count) {
            sink &+= engine.forEachView(of: records, as: masked, at: at) { sink &+= $0.dropped == nil ? 1 : 0 }.written
        }
        report.recordsPerSecond = 1e9 / batchNanoseconds
        let pseudonymised = try engine.compiled.view(ViewWorkload.pseudonymised, key: key)
        let pseudonymNanoseconds = nanoseconds(count: records.count) {
            sink &+=
                engine.forEachView(of: records, as: pseudonymised, at: at) { sink &+= $0.dropped == nil ? 1 : 0 }
                .written
        }
        report.pseudonymisedRecordsPerSecond = 1e9 / pseudonymNanoseconds
        // V6: records of subjects who opted out of direct marketing, through the opt-out view.
        let optOut = try engine.compiled.view(ViewWorkload.optOut)
        let optedOut = records.filter { engine.view(of: $0, as: optOut, at: at).dropped == .optedOutOfDirectMarketing }
        report.droppedRecords = optedOut.count
        if !optedOut.isEmpty {
            report.optOutDrop = nanoseconds(passes: 5, count: optedOut.count) {
                sink &+= engine.forEachView(of: optedOut, as: optOut, at: at) { _ in }.droppedTotal
            }
        }
        // V7: k-anonymity over 3 quasi-identifiers of 1,000,000 records (the subjects' records repeated, holding only
        // the quasi-identifiers), including projection, grouping and suppression.
        let anonymised = try engine.compiled.view(ViewWorkload.anonymised)
        let quasi = anonymised.view.quasiIdentifiers
        let slim = records.map { record in
            var copy = PersonalRecord(subject: record.subject, schema: record.schema)
            for field in quasi { try? copy.set(field, to: record[field]) }
            return copy
        }
        report.kCheckRecords = 1_000_000
        let residentBefore = peakResidentBytes()
        let million = (0..<report.kCheckRecords).map { slim[$0 % slim.count] }
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = engine.forEachView(of: million, as: anonymised, at: at) { sink &+= $0.dropped == nil ? 1 : 0 }
        report.kCheckSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        report.kCheckPeakBytes = max(0, peakResidentBytes() - residentBefore)
        log("k-check: k reached \(summary.kReached.map(String.init) ?? "none"), \(summary.suppressed) suppressed")

        output.out((json ? jsonLine(report) : text(report)) + "\n")
        if sink == Int.min { output.err("") }
        return .success
    }

    /// The process's peak resident set so far, in bytes (`getrusage`: kilobytes on Linux, bytes on Apple systems).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        #else
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        #endif
        #if canImport(Darwin)
            return Int(usage.ru_maxrss)
        #else
            return Int(usage.ru_maxrss) * 1024
        #endif
    }

    static func jsonLine(_ report: Report) -> String {
        func number(_ value: Double, _ places: Int = 1) -> JSONValue { BenchCommand.round(value, places) }
        let object: JSONObject = [
            "records": .number(String(report.records)),
            "viewNsPer40Fields": number(report.decisionsOnly), "viewMaskedNsPer40Fields": number(report.masked),
            "viewStreamingNsPer40Fields": number(report.decisionsOnlyStreaming),
            "viewMaskedStreamingNsPer40Fields": number(report.maskedStreaming),
            "pseudonymNsPerValue": number(report.pseudonym),
            "viewRecordsPerSecond": .number(String(Int(report.recordsPerSecond))),
            "viewPseudonymisedRecordsPerSecond": .number(String(Int(report.pseudonymisedRecordsPerSecond))),
            "optOutDropNsPerRecord": number(report.optOutDrop),
            "optOutDroppedRecords": .number(String(report.droppedRecords)),
            "kCheckSeconds": number(report.kCheckSeconds, 3), "kCheckRecords": .number(String(report.kCheckRecords)),
            "kCheckPeakBytes": .number(String(report.kCheckPeakBytes)),
            "allocationsPerView": report.allocationsPerView.map { number($0, 3) } ?? .null,
        ]
        return JSONValue.object(object).serialized()
    }

    static func text(_ report: Report) -> String {
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        return """
            consent bench --views — \(report.records) records of 40 fields
              decisions only (40 fields)      \(format(report.decisionsOnly)) ns in cache, \(format(report.decisionsOnlyStreaming)) ns streaming  (\(report.allocationsPerView.map { String(format: "%.3f", $0) } ?? "unmeasured") allocations per view)
              8 masks + 2 age bands           \(format(report.masked)) ns in cache, \(format(report.maskedStreaming)) ns streaming
              keyed pseudonym                 \(format(report.pseudonym)) ns per value
              batch, masked view              \(Int(report.recordsPerSecond)) records/s (one core)
              batch, 2 pseudonymised fields   \(Int(report.pseudonymisedRecordsPerSecond)) records/s
              opt-out drop                    \(format(report.optOutDrop)) ns per dropped record (\(report.droppedRecords) records)
              k-anonymity, \(report.kCheckRecords) records     \(String(format: "%.3f", report.kCheckSeconds)) s, \(report.kCheckPeakBytes / 1_000_000) MB more peak memory
            """
    }
}
