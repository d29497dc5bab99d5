import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Question files and the policy's `processing` block: what reads, what is refused with which path, and round trips.
@Suite struct QuestionAndProcessingFormatTests {
    @Test func questionFilesReadEveryMemberAndRefuseBadLinesWithTheirPaths() throws {
        let good = """
            {"subject":"alice","purpose":"partner.coalition","field":"points","at":"2026-03-01T08:00:00+08:00","recipient":"star-airlines"}

            {"subject":"bob","purpose":"hq.analytics","field":"loyaltyTier","at":"2026-03-01T00:00:00Z","destination":"SG","channel":"email"}
            """
        let questions = try ConsentQuestion.questions(jsonLines: Data(good.utf8))
        #expect(questions.count == 2)
        #expect(questions[0].recipient == "star-airlines")
        #expect(questions[0].instant == Date(timeIntervalSince1970: 1_772_323_200))
        #expect(questions[1].destination == "SG" && questions[1].channel == "email")

        let bad = """
            {"subject":"alice","purpose":"p","field":"f"}
            {"subject":" alice","purpose":"p","field":"f","at":"2026-03-01T00:00:00Z","extra":1}
            {"subject":"alice","purpose":"p","field":"f","at":"2026-02-30T00:00:00Z"}
            not json
            """
        let error = try #require(throws: ConsentKitError.self) {
            try ConsentQuestion.questions(jsonLines: Data(bad.utf8), file: "q.jsonl")
        }
        let places = error.diagnostics.map { "\($0.location.line ?? 0):\($0.location.path)" }
        #expect(places.contains("1:at"))
        #expect(places.contains("2:subject") && places.contains("2:extra"))
        #expect(places.contains("3:at"))
        #expect(error.diagnostics.contains { $0.location.line == 4 })
    }

    /// A named pipe is read whole from a writer that opens it late and writes slowly; one nobody opens for writing
    /// is refused with a typed error after a few seconds, instead of blocking for ever or reading as empty.
    @Test func namedPipesWaitForTheirWriterAndRefuseAPipeWithout() throws {
        let scratch = ScratchDirectory()
        let pipe = scratch.url.appendingPathComponent("questions.jsonl").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let line = #"{"subject":"alice","purpose":"marketing.email","field":"email","at":"2026-03-01T00:00:00Z"}"#
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Opens the pipe half a second late, then writes two lines a moment apart.
        writer.arguments = ["-c", "sleep 0.5; { echo '\(line)'; sleep 0.3; echo '\(line)'; } > '\(pipe)'"]
        try writer.run()
        let questions = try ConsentQuestion.questions(contentsOfFile: pipe)
        writer.waitUntilExit()
        #expect(questions.count == 2)

        let started = Date()
        #expect(throws: ConsentKitError.self) { try ConsentQuestion.questions(contentsOfFile: pipe) }
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func aMillionBadLinesReportAHundredProblems() throws {
        let line = #"{"subject":"a"}"# + "\n"
        let data = Data(String(repeating: line, count: 20_000).utf8)
        let error = try #require(throws: ConsentKitError.self) { try ConsentQuestion.questions(jsonLines: data) }
        #expect(error.diagnostics.count <= ConsentQuestion.maximumReportedProblems + 1)
        #expect(error.diagnostics.last?.message.contains("stopped after") == true)
    }

    @Test func theProcessingBlockRoundTripsAndIsValidated() throws {
        let policy = try TestSupport.retailPolicy()
        #expect(policy.processing.controller?.name == "Example Retail (Shanghai) Co., Ltd.")
        #expect(policy.processing.purposes["pharmacy.prescriptions"]?.majorImpact == true)
        let again = try Policy(jsonData: policy.jsonData())
        #expect(again.processing == policy.processing)
        #expect(again.jsonData() == policy.jsonData())

        var object = try #require(
            try JSONSerialization.jsonObject(with: policy.jsonData()) as? [String: Any])
        object["processing"] =
            [
                "controller": ["name": "", "contact": "x"],
                "securityMeasures": "line\u{7}bell",
                "purposes": ["no.such.purpose": ["retention": "1 year"], "marketing.email": ["majorImpact": "yes"]],
                "unknown": true,
            ] as [String: Any]
        let data = try JSONSerialization.data(withJSONObject: object)
        let error = try #require(throws: ConsentKitError.self) { try Policy(jsonData: data) }
        let paths = Set(error.diagnostics.map(\.location.path))
        #expect(paths.contains("processing.unknown"))
        #expect(paths.contains("processing.controller.name"))
        #expect(paths.contains("processing.securityMeasures"))
        #expect(paths.contains { $0.contains("no.such.purpose") })
        #expect(paths.contains { $0.hasSuffix("majorImpact") })
    }
}
