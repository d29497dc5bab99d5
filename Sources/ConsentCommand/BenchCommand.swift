internal import ConsentKit
internal import Foundation
internal import _ConsentKitWorkload

/// `consent bench`: the standard workload of CommandLine.md through the compiled evaluator, with honest timings.
enum BenchCommand {
    static let usage = """
        usage: consent bench [--subjects N] [--queries M] [--seed S] [--json] [--export DIR]
               consent bench --workload DIR [--json]
               consent bench --tokens [--json]
               consent bench --views [--subjects N] [--json]
               consent bench --log [--subjects N] [--queries M] [--json]

        Generates the standard workload from the seed (default 42): a policy of 40 fields (8 sensitive) and 12
        purposes, N subjects (default 100000, about 5% minors) with 0-12 events each, and M questions (default
        1000000). Compiles it, checks a sample of decisions against the reference evaluator, and reports:
          hot          ns per decision, subject state and names already resolved (a request handler's case)
          cold         ns per decision, subject looked up by id among all N, questions in random order
          recordView   ns to decide all 40 fields of a record for one purpose
          ledgerCompile, policyCompile, bytes of compiled state per subject, allocations per decision,
          allowed/denied counts and a checksum of every reason code in question order.
        --export DIR writes policy.json, ledger.jsonl, queries.jsonl and decisions.jsonl for other engines.
        --workload DIR measures DIR/policy.json, DIR/ledger.jsonl and DIR/queries.jsonl instead (your own policy,
        ledger and traffic) with the same figures; by-name figures take the questions in the file's order.
        --tokens instead times issuing and verifying a one-purpose grant token and compares SHA-256 throughput with
        the system's sha256sum on the same 256 MiB (their digests must agree).
        --views instead times the privacy views on one record per subject (default 100000): 40 fields decisions
        only, with 8 masks and 2 age bands, a keyed pseudonym, batch records per second (masked, and with 2
        pseudonymised fields), an opt-out drop, and k-anonymity over 1,000,000 records.
        --log instead times the access log on M decisions (default 200000) of N subjects (default 10000): appends
        in memory, durable appends with group commit, one fsync per entry, verification, proof size and cost, the
        median entry, and what recording adds to a decision by name (logOverheadPercent).
        Build with `swift build -c release` for meaningful figures.
        """

    struct Report {
        var subjects = 0
        var queries = 0
        var seed: UInt64?
        var workload: String?
        var fields = 0
        var hot = 0.0
        var cold = 0.0
        var recordView = 0.0
        var byName = 0.0
        var byNameFull = 0.0
        var ledgerCompile = 0.0
        var policyCompileMs = 0.0
        var bytesPerSubject = 0
        var allocationsPerDecision: Double?
        var byNameAllocationsPerDecision: Double?
        var peakResidentBytes: Int?
        var sampled = 0
        var agreement = 0.0
        var allowed = 0
        var denied = 0
        var checksum = ""
    }

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments, options: ["subjects", "queries", "seed", "export", "workload"],
            flags: ["json", "tokens", "views", "log"])
        if let directory = parsed.option("export") {
            try ConsentKitError.checkWritable(directory, what: "the workload", isDirectory: true)
        }
        #if DEBUG
            // Figures from a debug build are 10–100× slower and say nothing about the library.
            output.err("warning: this is a debug build; run `swift run -c release consent bench` for real figures\n")
        #endif
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        if parsed.option("workload") != nil, let other = ["tokens", "views", "log"].first(where: parsed.flag) {
            throw .argument("`--workload` and `--\(other)` measure different things; give one")
        }
        if parsed.flag("tokens") { return try TokenBench.run(json: parsed.flag("json"), output: output) }
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(ConsentKitError) -> Int {
            guard let text = parsed.option(name) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw .argument("`--\(name)` must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        let subjects = try number("subjects", 100_000, 1...10_000_000)
        if parsed.flag("views") {
            return try ViewBench.run(subjects: subjects, json: parsed.flag("json"), output: output)
        }
        if parsed.flag("log") {
            return try LogBench.run(
                subjects: try number("subjects", 10_000, 1...10_000_000),
                entries: try number("queries", 200_000, 1...100_000_000), json: parsed.flag("json"), output: output)
        }
        let json = parsed.flag("json")
        let log: (String) -> Void = { line in if !json { output.err(line + "\n") } }
        var report = Report()
        let policy: Policy
        let ledger: ConsentLedger
        let questions: [ConsentQuestion]
        var synthetic: SyntheticWorkload?
        if let directory = parsed.option("workload") {
            for option in ["subjects", "queries", "seed", "export"] where parsed.option(option) != nil {
                throw .argument("`--\(option)` does not apply to `--workload`, whose files say what to measure")
            }
            guard !directory.isEmpty else { throw .argument("`--workload` needs a directory") }
            log("reading the workload in \(directory)…")
            let folder = URL(fileURLWithPath: directory)
            policy = try Policy(contentsOfFile: folder.appendingPathComponent("policy.json").path)
            ledger = try ConsentLedger(
                policy: policy, contentsOfFile: folder.appendingPathComponent("ledger.jsonl").path)
            questions = try ConsentQuestion.questions(
                contentsOfFile: folder.appendingPathComponent("queries.jsonl").path)
            guard !questions.isEmpty else {
                throw .argument("`\(folder.appendingPathComponent("queries.jsonl").path)` holds no question to time")
            }
            report.workload = directory
        } else {
            let queries = try number("queries", 1_000_000, 1...100_000_000)
            guard let seed = UInt64(parsed.option("seed") ?? "42") else {
                throw .argument("`--seed` must be a whole number")
            }
            log("generating \(subjects) subjects and \(queries) questions (seed \(seed))…")
            let workload = try SyntheticWorkload(subjects: subjects, questions: queries, seed: seed)
            (policy, ledger, questions) = (workload.policy, workload.ledger, workload.questions)
            synthetic = workload
            report.seed = seed
        }
        let decisions = measure(policy: policy, ledger: ledger, questions: questions, into: &report, output: output)
        guard let decisions else {
            // The engines disagree: no figure means anything, but the report says how far.
            output.out((json ? jsonLine(report) : text(report)) + "\n")
            return .failure
        }
        if let directory = parsed.option("export"), let synthetic {
            try export(synthetic, decisions: decisions.compiled, engine: decisions.engine, to: directory)
            log("exported the workload to \(directory)")
        }
        output.out((json ? jsonLine(report) : text(report)) + "\n")
        return report.agreement == 1 ? .success : .failure
    }

    /// Compiles the workload, checks the compiled engine against the reference, and times every figure of the
    /// report; `nil` (with the disagreement on standard error) when the engines disagree.
    static func measure(
        policy: Policy, ledger: ConsentLedger, questions: [ConsentQuestion], into report: inout Report,
        output: CommandOutput
    ) -> (compiled: [CompiledDecision], engine: ConsentEngine)? {
        let queries = questions.count
        report.subjects = ledger.recordsInAnyOrder.count
        report.queries = queries
        report.fields = policy.fields.count

        // Policy compile: median of repeated compiles.
        var policyTimes: [Double] = []
        var compiled = CompiledPolicy(policy)
        for _ in 0..<21 {
            let start = DispatchTime.now().uptimeNanoseconds
            compiled = CompiledPolicy(policy)
            policyTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        report.policyCompileMs = median(policyTimes)

        let compileStart = DispatchTime.now().uptimeNanoseconds
        let engine = ConsentEngine(compiled: compiled, ledger: ledger)
        report.ledgerCompile =
            Double(DispatchTime.now().uptimeNanoseconds - compileStart) / Double(max(1, report.subjects))
        report.bytesPerSubject = engine.compiledStateBytes / max(1, report.subjects)

        // The compiled evaluator must agree with the reference before any figure means anything: on every question
        // of a workload of up to 10,000, otherwise on 10,000 drawn at random afresh each run (a fixed stride could
        // be dodged by a workload built to), by name, with the grant each names.
        let reference = ReferenceEvaluator(ledger: ledger)
        let sample: [Int]
        if queries <= 10_000 {
            sample = Array(0..<queries)
        } else {
            var drawn = Set<Int>()
            while drawn.count < 10_000 { drawn.insert(Int.random(in: 0..<queries)) }
            sample = drawn.sorted()
        }
        var agreeing = 0
        var sampled = 0
        for index in sample {
            let question = questions[index]
            let expected = reference.decision(for: question)
            let actual = engine.decision(for: question)
            let compiledAgrees = engine.compiledDecision(for: question).reason == expected.reason
            sampled += 1
            if expected == actual && compiledAgrees {
                agreeing += 1
            } else if agreeing == sampled - 1 {
                output.err("consent bench: compiled \(actual) differs from reference \(expected) for \(question)\n")
            }
        }
        report.sampled = sampled
        report.agreement = Double(agreeing) / Double(sampled)
        guard agreeing == sampled else { return nil }

        let resolved = questions.map { engine.compiled.compile($0) }
        let handles = questions.map { engine.handle(for: $0.subject) }
        var decisions = [CompiledDecision](repeating: CompiledDecision(.noConsent), count: queries)

        // Hot: the subject's state in hand, as in a request handler that looks a customer up once and asks its
        // questions: every question, grouped by subject. Best of three passes.
        let slotOfQuestion = handles.map(\.index)
        let order = (0..<queries).sorted { lhs, rhs in (slotOfQuestion[lhs], lhs) < (slotOfQuestion[rhs], rhs) }
        let hotQuestions = order.map { resolved[$0] }
        let hotHandles = order.map { handles[$0] }
        var hotTimes: [Double] = []
        var allocations: Int64?
        for pass in 0..<3 {
            let before = output.allocationCount()
            let start = DispatchTime.now().uptimeNanoseconds
            decisions.withUnsafeMutableBufferPointer { results in
                for index in 0..<queries {
                    results[index] = engine.decision(hotQuestions[index], for: hotHandles[index])
                }
            }
            hotTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(queries))
            if pass == 0, let before, let after = output.allocationCount() { allocations = after - before }
        }
        // Put the decisions back in question order for the counts and the checksum.
        var inOrder = decisions
        for (position, index) in order.enumerated() { inOrder[index] = decisions[position] }
        decisions = inOrder
        report.hot = hotTimes.min() ?? 0
        report.allocationsPerDecision = allocations.map { Double($0) / Double(queries) }

        // Cold: the subject is looked up by id among all N for every question, names already resolved.
        var coldTimes: [Double] = []
        var sink = 0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0..<queries {
                let decision = engine.decision(resolved[index], for: engine.handle(for: questions[index].subject))
                sink &+= Int(decision.reason.ordinal)
            }
            coldTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(queries))
        }
        report.cold = coldTimes.min() ?? 0

        // By name: strings to a decision, questions in stream order — the call a service makes per request.
        var byNameTimes: [Double] = []
        var byNameAllocations: Int64?
        for pass in 0..<3 {
            let before = output.allocationCount()
            let start = DispatchTime.now().uptimeNanoseconds
            sink &+= byNamePass(engine, questions)
            byNameTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(queries))
            if pass == 0, let before, let after = output.allocationCount() { byNameAllocations = after - before }
        }
        report.byName = byNameTimes.min() ?? 0
        report.byNameAllocationsPerDecision = byNameAllocations.map { Double($0) / Double(queries) }
        var fullTimes: [Double] = []
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            sink &+= byNameFullPass(engine, questions)
            fullTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(queries))
        }
        report.byNameFull = fullTimes.min() ?? 0

        // Record view: all of a record's fields for one purpose, in one call.
        var fields = FieldSet(fieldCount: compiled.fieldCount)
        let views = min(queries, 200_000)
        var viewTimes: [Double] = []
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0..<views {
                engine.allowedFields(
                    for: handles[index], purpose: resolved[index].purpose, at: resolved[index].at, into: &fields)
                sink &+= fields.words[0].nonzeroBitCount
            }
            viewTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(views))
        }
        report.recordView = viewTimes.min() ?? 0

        report.allowed = decisions.reduce(0) { $0 + ($1.isAllowed ? 1 : 0) }
        report.denied = queries - report.allowed
        report.checksum = SyntheticWorkload.checksum(decisions.lazy.map { $0.reason })
        report.peakResidentBytes = PeakMemory.residentBytes()
        if sink == Int.min { output.err("") }  // keeps the measured loops from being optimised away
        return (decisions, engine)
    }

    // The by-name passes are functions of their own so that `valgrind --tool=callgrind
    // --toggle-collect='*byNamePass*'` counts their instructions alone.

    /// Every question by name to a `CompiledDecision`, in stream order.
    @inline(never)
    static func byNamePass(_ engine: ConsentEngine, _ questions: [ConsentQuestion]) -> Int {
        // Read in place, as a handler holds its request's strings: copying each question out of the array would time
        // six reference counts of the harness's own.
        questions.withUnsafeBufferPointer { questions in
            var sink = 0
            for index in questions.indices {
                sink &+= Int(engine.compiledDecision(for: questions[index]).reason.ordinal)
            }
            return sink
        }
    }

    /// Every question by name to a `Decision` with its grant id, in stream order.
    @inline(never)
    static func byNameFullPass(_ engine: ConsentEngine, _ questions: [ConsentQuestion]) -> Int {
        questions.withUnsafeBufferPointer { questions in
            var sink = 0
            for index in questions.indices {
                let decision = engine.decision(for: questions[index])
                sink &+= Int(decision.reason.ordinal) &+ (decision.grant == nil ? 0 : 1)
            }
            return sink
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func round(_ value: Double, _ places: Int = 1) -> JSONValue {
        let scale = pow(10, Double(places))
        return .number(String((value * scale).rounded() / scale))
    }

    static func jsonLine(_ report: Report) -> String {
        var object: JSONObject = [
            "subjects": .number(String(report.subjects)), "queries": .number(String(report.queries)),
            "fields": .number(String(report.fields)),
            "seed": report.seed.map { .number(String($0)) } ?? .null,
            "workload": report.workload.map(JSONValue.string) ?? .null,
            "hotNsPerDecision": round(report.hot), "coldNsPerDecision": round(report.cold),
            "recordViewNsPer40Fields": round(report.recordView),
            "byNameNsPerDecision": round(report.byName), "byNameFullNsPerDecision": round(report.byNameFull),
            "ledgerCompileNsPerSubject": report.subjects > 0 ? round(report.ledgerCompile) : .null,
            "policyCompileMs": round(report.policyCompileMs, 3),
            "bytesPerSubject": report.subjects > 0 ? .number(String(report.bytesPerSubject)) : .null,
            "allocationsPerDecision": report.allocationsPerDecision.map { round($0, 3) } ?? .null,
            "byNameAllocationsPerDecision": report.byNameAllocationsPerDecision.map { round($0, 3) } ?? .null,
            "peakResidentBytes": report.peakResidentBytes.map { .number(String($0)) } ?? .null,
            "sampled": .number(String(report.sampled)), "agreement": round(report.agreement, 6),
            "allowed": .number(String(report.allowed)), "denied": .number(String(report.denied)),
            "checksum": .string(report.checksum),
        ]
        object.members.removeAll { $0.value == .null && ($0.key == "seed" || $0.key == "workload") }
        return JSONValue.object(object).serialized()
    }

    static func text(_ report: Report) -> String {
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        func allocations(_ value: Double?) -> String {
            value.map { String(format: "%.3f", $0) } ?? "not measured on this platform"
        }
        let source = report.workload.map { "workload \($0)" } ?? "seed \(report.seed ?? 0)"
        let memory = report.peakResidentBytes.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "not measured"
        return """
            consent bench — \(report.subjects) subjects, \(report.queries) questions, \(source)
              by name → CompiledDecision  \(format(report.byName)) ns  (strings in, questions in stream order)
              by name → Decision          \(format(report.byNameFull)) ns  (with the grant id)
              hot decision                \(format(report.hot)) ns  (subject and names resolved)
              cold decision               \(format(report.cold)) ns  (subject looked up among \(report.subjects))
              record view (\(report.fields) fields)    \(format(report.recordView)) ns
              ledger compile              \(format(report.ledgerCompile)) ns per subject
              policy compile              \(String(format: "%.3f", report.policyCompileMs)) ms
              compiled state              \(report.bytesPerSubject) bytes per subject
              allocations per decision    \(allocations(report.allocationsPerDecision)) (by name: \(allocations(report.byNameAllocationsPerDecision)))
              peak resident memory        \(memory)
              agreement with reference    \(report.agreement == 1 ? "all" : String(format: "%.6f of", report.agreement)) \(report.sampled) sampled questions
              decisions                   \(report.allowed) allowed, \(report.denied) denied
              checksum                    \(report.checksum)
            """
    }

    static func export(
        _ workload: SyntheticWorkload, decisions: [CompiledDecision], engine: ConsentEngine, to directory: String
    ) throws(ConsentKitError) {
        let folder = URL(fileURLWithPath: directory)
        func write(_ name: String, _ data: Data) throws(ConsentKitError) {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try data.write(to: folder.appendingPathComponent(name))
            } catch {
                throw .cannotWrite(folder.appendingPathComponent(name).path, error)
            }
        }
        try write("policy.json", workload.policy.jsonData())
        try write("ledger.jsonl", workload.ledger.jsonLines())
        var queries = ""
        queries.reserveCapacity(workload.questions.count * 120)
        for question in workload.questions {
            var object: JSONObject = [
                "subject": .string(question.subject.rawValue), "purpose": .string(question.purpose.rawValue),
                "field": .string(question.field.rawValue), "at": .string(RFC3339.format(question.instant)),
            ]
            if let recipient = question.recipient { object.members.append(("recipient", .string(recipient.rawValue))) }
            if let destination = question.destination {
                object.members.append(("destination", .string(destination.rawValue)))
            }
            if let channel = question.channel { object.members.append(("channel", .string(channel.rawValue))) }
            queries += JSONValue.object(object).serialized() + "\n"
        }
        try write("queries.jsonl", Data(queries.utf8))
        var lines = ""
        lines.reserveCapacity(decisions.count * 60)
        for decision in decisions {
            let object: JSONObject = [
                "effect": .string(decision.effect.rawValue), "reason": .string(decision.reason.rawValue),
                "grant": engine.grantID(of: decision).map { .string($0.rawValue) } ?? .null,
            ]
            lines += JSONValue.object(object).serialized() + "\n"
        }
        try write("decisions.jsonl", Data(lines.utf8))
    }
}
