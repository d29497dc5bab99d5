internal import ConsentKit

/// A JUnit XML report of scenario outcomes: one test suite per file, one test case per expectation.
enum JUnitReport {
    static func xml(_ results: [(file: String, outcomes: [ScenarioOutcome])]) -> String {
        let total = results.reduce(0) { $0 + $1.outcomes.count }
        let failures = results.reduce(0) { $0 + $1.outcomes.filter { !$0.passed }.count }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"consent test\" tests=\"\(total)\" failures=\"\(failures)\">\n"
        for (file, outcomes) in results {
            let failed = outcomes.filter { !$0.passed }.count
            xml += "  <testsuite name=\"\(escape(file))\" tests=\"\(outcomes.count)\" failures=\"\(failed)\">\n"
            for outcome in outcomes {
                let name = "\(outcome.scenario) query \(outcome.query.index)"
                xml += "    <testcase classname=\"\(escape(file))\" name=\"\(escape(name))\""
                if outcome.passed {
                    xml += "/>\n"
                } else {
                    let message = "expected \(outcome.expectedDescription), got \(outcome.actualDescription)"
                    xml += ">\n      <failure message=\"\(escape(message))\">"
                    xml += escape(outcome.explanation.description) + "</failure>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// XML text with markup escaped, and control characters (which XML 1.0 forbids, and which could drive a
    /// terminal showing the report) written as visible escapes.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text.escapingControlCharacters {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
