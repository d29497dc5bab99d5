import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@testable import ConsentCommand

/// `consent report` on the retail example: byte-for-byte golden files for the reports built from the policy and the
/// ledger, the access report from a verified log (and none from a tampered one), missing inputs named with exit 2,
/// suppression of small cells, and HTML that is self-contained and well formed.
///
/// To accept a deliberate change of a report: `CONSENTKIT_UPDATE_GOLDEN=1 swift test --filter ReportCommandTests`,
/// then review the diff of `Tests/Fixtures/Reports`.
@Suite struct ReportCommandTests {
    let scratch = ScratchDirectory()
    static let retail = TestSupport.path("Documentation/Examples/retail")
    static let at = "2026-06-01T00:00:00Z"

    func report(_ kind: String, _ extra: [String] = []) -> Captured {
        Captured(["report", kind, "--policy", Self.retail + "/retail.policy.json", "--at", Self.at] + extra)
    }

    func golden(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = TestSupport.fixture("Reports/\(name)")
        if ProcessInfo.processInfo.environment["CONSENTKIT_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
    }

    @Test func reportsFromThePolicyAndTheLedgerMatchTheirGoldenFiles() throws {
        let ledger = ["--ledger", Self.retail + "/retail.ledger.jsonl"]
        for (kind, format, extra) in [
            ("pipia", "md", []), ("ropa", "md", []), ("inventory", "md", []), ("consent", "md", ledger),
            ("ropa", "json", []), ("pipia", "html", []), ("consent", "json", ledger + ["--minimum-cell", "2"]),
        ] {
            let run = report(kind, ["--format", format] + extra)
            #expect(run.status == .success, "\(kind): \(run.err)")
            try golden("retail.\(kind)\(extra.contains("--minimum-cell") ? ".k2" : "").\(format)", run.out)
            // Deterministic: the same inputs give the same bytes.
            #expect(report(kind, ["--format", format] + extra).out == run.out)
        }
    }

    @Test func theAccessReportComesOnlyFromAVerifiedLog() throws {
        let log = scratch.url.appendingPathComponent("access.log").path
        let record = Captured([
            "log", "record", "--log", log, "--policy", Self.retail + "/retail.policy.json", "--ledger",
            Self.retail + "/retail.ledger.jsonl", "--queries", Self.retail + "/retail.queries.jsonl", "--actor",
            "crm/agent-li",
        ])
        #expect(record.status == .success)
        let run = report("access", ["--log", log])
        #expect(run.status == .success, "\(run.err)")
        #expect(run.out.contains("verified intact: 64 entries"))
        #expect(run.out.contains("| crm |") && run.out.contains("medicalHealth [PIPL Art. 28]"))
        #expect(run.out.contains("of which 16 about minors"))
        #expect(report("access", ["--log", log]).out == run.out)
        for kind in ["inventory", "pipia"] {
            let withLog = report(kind, ["--log", log])
            #expect(withLog.status == .success)
            #expect(withLog.out.contains("verified"), "\(kind)")
        }
        // A tampered log gives no report, and exit 1.
        var lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.swapAt(3, 4)
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: false, encoding: .utf8)
        let tampered = report("access", ["--log", log])
        #expect(tampered.status == .failure)
        #expect(tampered.out.isEmpty)
        #expect(tampered.err.contains("reordered"))
    }

    @Test func missingInputsAreNamedWithExitTwo() {
        let access = report("access")
        #expect(access.status == .invalidInput)
        #expect(access.err.contains("--log"))
        let consent = report("consent")
        #expect(consent.status == .invalidInput)
        #expect(consent.err.contains("--ledger"))
        #expect(report("ropaa").err.contains("ropa"))
        #expect(report("ropa", ["--format", "pdf"]).status == .invalidInput)
        #expect(report("consent", ["--ledger", "/nonexistent.jsonl"]).status == .invalidInput)
        #expect(
            report("consent", ["--ledger", Self.retail + "/retail.ledger.jsonl", "--minimum-cell", "0"]).status
                == .invalidInput)
    }

    @Test func itemsThePolicyDoesNotDeclareAreNamedNotHidden() throws {
        let policy = try Policy(
            fields: [FieldDefinition("email", category: "contact.email", type: .string)],
            purposes: [Purpose("marketing.email", basis: .consent, fields: ["email"], marketing: true)])
        let path = scratch.url.appendingPathComponent("bare.policy.json").path
        try policy.jsonData().write(to: URL(fileURLWithPath: path))
        let run = Captured(["report", "ropa", "--policy", path, "--at", Self.at])
        #expect(run.status == .success)
        #expect(run.err.contains("5 items the law asks for are not declared"), "\(run.err)")
        for item in [
            "processing.controller", "processing.protectionOfficer", "processing.securityMeasures",
            "processing.purposes.marketing.email.dataSubjects", "processing.purposes.marketing.email.retention",
        ] {
            #expect(run.out.contains("declare `\(item)`"), "\(item)")
        }
        #expect(run.out.contains("**MISSING**"))
        #expect(!run.out.contains("N/A"))
        let pipia = Captured(["report", "pipia", "--policy", path, "--at", Self.at, "--format", "json"])
        #expect(pipia.out.contains("processing.purposes.marketing.email.majorImpact"))
    }

    @Test func smallCellsAreSuppressed() {
        let suppressed = report("consent", ["--ledger", Self.retail + "/retail.ledger.jsonl"])
        #expect(suppressed.out.contains("<10"))
        let shown = report("consent", ["--ledger", Self.retail + "/retail.ledger.jsonl", "--minimum-cell", "1"])
        #expect(!shown.out.contains("<1 "))
        #expect(!shown.out.contains("| <1 |"))
    }

    /// The HTML page loads nothing from anywhere, runs no script, and its tags nest.
    @Test func theHTMLIsSelfContainedAndWellFormed() throws {
        for kind in ["pipia", "ropa", "inventory", "consent"] {
            let html = report(kind, ["--format", "html", "--ledger", Self.retail + "/retail.ledger.jsonl"]).out
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            for forbidden in ["<script", " src=", "href=", "url(", "@import", "<link", "<iframe"] {
                #expect(!html.contains(forbidden), "\(kind): \(forbidden)")
            }
            #expect(
                html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").range(of: "http") == nil
            )
            try expectBalancedTags(html, kind)
        }
    }

    func expectBalancedTags(_ html: String, _ name: String) throws {
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link", "rect", "!DOCTYPE"]
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                Issue.record("\(name): an unclosed `<`")
                return
            }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let nameEnd = tag.firstIndex { $0 == " " || $0 == "/" && $0 != tag.first } ?? tag.endIndex
            if tag.hasPrefix("/") {
                let closing = String(tag.dropFirst())
                #expect(stack.popLast() == closing, "\(name): </\(closing)> closes the wrong element")
            } else if !tag.hasSuffix("/"), !void.contains(String(tag[..<nameEnd])) {
                stack.append(String(tag[..<nameEnd]))
            }
        }
        #expect(stack.isEmpty, "\(name): unclosed \(stack)")
    }

    /// The browser CI installs (Debian's chromium), if it is here.
    static let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The HTML report opened in a real headless browser: it parses into the tables, headings and charts it was
    /// written with, and renders (a screenshot is written beside it, to look at).
    @Test(.enabled(if: browser != nil, "no headless browser installed (CI installs Debian's chromium)"))
    func theHTMLRendersInAHeadlessBrowser() throws {
        let browser = try #require(Self.browser)
        let run = report("pipia", ["--format", "html"])
        let page = scratch.url.appendingPathComponent("pipia.html")
        try run.out.write(to: page, atomically: true, encoding: .utf8)
        func chromium(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: browser)
            process.arguments =
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
                + arguments + [page.absoluteString]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let dom = try chromium(["--dump-dom", "--virtual-time-budget=2000"])
        #expect(dom.contains("<h1>Personal information protection impact assessment"), "\(dom.prefix(300))")
        #expect(
            dom.components(separatedBy: "<table>").count - 1 == run.out.components(separatedBy: "<table>").count - 1)
        #expect(dom.contains("个人信息保护影响评估"))
        #expect(!dom.contains("<script"))
        let screenshot = scratch.url.appendingPathComponent("pipia.png")
        _ = try chromium(["--screenshot=\(screenshot.path)", "--window-size=1280,1800", "--hide-scrollbars"])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "the browser rendered no screenshot")
    }
}
