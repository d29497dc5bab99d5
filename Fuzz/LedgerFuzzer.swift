// libFuzzer target for ConsentKit's readers of JSON input, compiled together with the ConsentKit sources by
// Fuzz/run.sh (`swiftc -sanitize=fuzzer,address`). Each input is tried three ways:
//
// 1. as one JSON document: whatever parses must write out and parse back to the same value;
// 2. as a JSON Lines ledger against the retail example's policy: whatever loads must write out (`jsonLines()`) and load back
//    to the same lines, checksummed journal lines included;
// 3. as a policy document: whatever loads must write out (`jsonData()`) and load back to the same document;
// 4. as a records file against the retail example's policy: whatever loads is projected through every one of its
//    privacy views (with a pseudonym key), and every output line must parse as JSON and withhold every field the
//    engine denies.
//
// A ledger that loads is also asked one question per subject and purpose, so the evaluator (every regime, age band
// and conjunction a ledger's `regimes` facts reach) runs on hostile input too.
//
// Any crash, hang, sanitizer report or broken invariant is a finding.
import Foundation

/// The retail example's policy (Fuzz/run.sh runs from the package root): 23 fields, 20 purposes.
private let policy: Policy = {
    do {
        return try Policy(contentsOfFile: "Documentation/Examples/retail/retail.policy.json")
    } catch {
        fatalError("the fuzzer's policy: \(error)")
    }
}()

/// The retail ledger's engine and the policy's views, compiled once, for the records check.
private let engine: ConsentEngine = {
    do {
        return ConsentEngine(
            ledger: try ConsentLedger(
                policy: policy, contentsOfFile: "Documentation/Examples/retail/retail.ledger.jsonl"))
    } catch {
        fatalError("the fuzzer's ledger: \(error)")
    }
}()
private let views: [CompiledView] = {
    do {
        let key = try PseudonymKey(id: "fuzz", secret: Array("a fuzzing secret of 32 bytes....".utf8))
        return try policy.views.map { try engine.compiled.view($0.id, key: key) }
    } catch {
        fatalError("the fuzzer's views: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        let written = value.serialized()
        guard let again = try? JSONParser.parse(Array(written.utf8)), again == value else {
            fatalError("a parsed JSON value does not read back from what it writes: \(written)")
        }
    }
    if let ledger = try? ConsentLedger(policy: policy, jsonLines: Data(bytes)) {
        let written = ledger.jsonLines()
        guard let again = try? ConsentLedger(policy: policy, jsonLines: written), again.jsonLines() == written else {
            fatalError(
                "a loaded ledger does not read back from what it writes: \(String(decoding: written, as: UTF8.self))")
        }
        let evaluator = ReferenceEvaluator(ledger: ledger)
        let instant = Date(timeIntervalSince1970: 1_780_000_000)
        for subject in ledger.subjects.prefix(4) {
            for purpose in policy.purposes.prefix(6) {
                guard let field = purpose.fields.first else { continue }
                _ = evaluator.decision(
                    for: ConsentQuestion(subject: subject, purpose: purpose.id, field: field, at: instant))
            }
        }
    }
    if let records = try? PersonalRecord.records(jsonLines: Data(bytes), schema: policy.recordSchema) {
        let instant = Date(timeIntervalSince1970: 1_780_000_000)
        for view in views {
            engine.forEachView(of: records, as: view, at: instant) { shown in
                guard (try? JSONParser.parse(Array(shown.jsonLine.utf8))) != nil else {
                    fatalError("a view wrote a line that is not JSON: \(shown.jsonLine)")
                }
                for (field, outcome) in shown.fields {
                    let decision = engine.decision(
                        for: ConsentQuestion(
                            subject: shown.subject, purpose: view.view.purpose, field: field, at: instant,
                            recipient: view.view.recipient, destination: view.view.destination,
                            channel: view.view.channel))
                    if !decision.isAllowed && outcome != .withheld(.denied(decision.reason)) {
                        fatalError("view \(view.view.id) showed denied field \(field): \(outcome)")
                    }
                }
            }
        }
    }
    if let loaded = try? Policy(jsonData: Data(bytes)) {
        let written = loaded.jsonData()
        guard let again = try? Policy(jsonData: written), again.jsonData() == written else {
            fatalError(
                "a loaded policy does not read back from what it writes: \(String(decoding: written, as: UTF8.self))")
        }
    }
    return 0
}
