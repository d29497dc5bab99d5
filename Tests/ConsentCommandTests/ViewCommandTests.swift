import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

/// `consent view` on the retail example: the five views end to end, deterministic output, keys from a file or the
/// environment only, and bad input refused with nothing written.
@Suite struct ViewCommandTests {
    let scratch = ScratchDirectory()
    static let retail = TestSupport.path("Documentation/Examples/retail")
    static let base = [
        "view", "--policy", retail + "/retail.policy.json", "--ledger", retail + "/retail.ledger.jsonl",
        "--at", "2026-06-01T12:00:00+08:00",
    ]

    func view(
        _ name: String, records: String = retail + "/retail.records.jsonl", _ extra: [String] = [],
        environment: [String: String] = [:]
    ) -> Captured {
        Captured(Self.base + ["--records", records, "--view", name] + extra, environment: environment)
    }

    func lines(_ run: Captured) throws -> [[String: Any]] {
        try run.out.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func allFiveViewsRunAndEveryLineCarriesALabelAndFields() throws {
        for name in [
            "crm.standard", "privacy.officer", "loyalty.analytics", "marketing.emailList", "partner.starAirlines",
        ] {
            let run = view(
                name, ["--key-id", "k1", "--key-env", "VIEW_KEY"],
                environment: ["VIEW_KEY": String(repeating: "k", count: 32)])
            #expect(run.status == .success, "\(name): \(run.err)")
            let records = try lines(run)
            #expect(!records.isEmpty, "\(name)")
            for record in records {
                #expect(["identified", "deidentified", "anonymised"].contains(record["label"] as? String))
                let fields = try #require(record["fields"] as? [String: Any])
                for (_, value) in fields {
                    if let object = value as? [String: Any] {
                        #expect(object.keys.sorted() == ["withheld"] && object["withheld"] is String)
                    }
                }
            }
            #expect(run.err.contains("view \(name): 8 records"), "\(run.err)")
        }
    }

    @Test func outputIsByteIdenticalAcrossRuns() {
        let first = view("crm.standard")
        let second = view("crm.standard")
        #expect(first.out == second.out && !first.out.isEmpty)
        let key = ["--key-id", "k1", "--key-env", "K"]
        let environment = ["K": String(repeating: "s", count: 40)]
        #expect(
            view("partner.starAirlines", key, environment: environment).out
                == view("partner.starAirlines", key, environment: environment).out)
    }

    @Test func theSummaryCountsDropsPerReason() throws {
        let run = view("marketing.emailList", ["--summary-json"])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(run.err.utf8)) as? [String: Any])
        #expect(summary["records"] as? Int == 8 && summary["written"] as? Int == 1)
        let dropped = try #require(summary["dropped"] as? [String: Int])
        #expect(dropped["denied.optedOut.directMarketing"] == 1 && dropped["denied.withdrawn"] == 1)
        let analytics = view("loyalty.analytics", ["--summary-json"])
        let k = try #require(try JSONSerialization.jsonObject(with: Data(analytics.err.utf8)) as? [String: Any])
        #expect((k["kReached"] as? Int ?? 0) >= 2)
    }

    @Test func withoutAKeyPseudonymsAreWithheldAndSaidSo() throws {
        let run = view("partner.starAirlines")
        #expect(run.status == .success)
        #expect(run.err.contains("no key was given"))
        // The example's disclosure view omits withheld fields: neither a pseudonym nor the name is written.
        #expect(
            !run.out.isEmpty && !run.out.contains("psn:") && !run.out.contains("欧阳") && !run.out.contains("\"name\""))
        #expect(view("partner.starAirlines", ["--key", "abc"]).status == .invalidInput)
        let short = view("partner.starAirlines", ["--key-id", "k1", "--key-env", "K"], environment: ["K": "short"])
        #expect(short.status == .invalidInput && short.err.contains("at least 32 bytes"))
    }

    @Test func badRecordsWriteNothingAndNameLineAndField() throws {
        let path = scratch.path("bad.jsonl")
        try Data(
            "{\"subject\":\"alice\",\"fields\":{\"name\":\"ok\"}}\n{\"subject\":\"bob\",\"fields\":{\"points\":\"many\"}}\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: path))
        let run = view("crm.standard", records: path)
        #expect(run.status == .invalidInput)
        #expect(run.out.isEmpty)
        #expect(run.err.contains(":2:") && run.err.contains("fields.points"), "\(run.err)")
        let unknown = view("crm.standrd")
        #expect(unknown.status == .invalidInput && unknown.err.contains("crm.standard"), "\(unknown.err)")
        let missing = Captured(Self.base + ["--view", "crm.standard"])
        #expect(missing.status == .invalidInput)
    }
}
