internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

extension ComplianceReport {
    /// The report written in `format`: the same inputs always give the same bytes.
    public func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: jsonText
        case .md: markdown
        case .html: html
        }
    }

    // MARK: JSON

    var jsonText: String {
        func heading(_ heading: Heading, into object: inout JSONObject, key: String = "title") {
            object.members.append((key, .string(heading.english)))
            if let chinese = heading.chinese { object.members.append((key + "Chinese", .string(chinese))) }
        }
        var root: JSONObject = ["report": .string(kind.rawValue)]
        heading(title, into: &root)
        root.members.append(("basis", .string(basis)))
        root.members.append(("facts", .object(JSONObject(facts.map { ($0.name, JSONValue.string($0.value)) }))))
        root.members.append(
            (
                "sections",
                .array(
                    sections.map { section in
                        var object = JSONObject()
                        heading(section.heading, into: &object)
                        if !section.paragraphs.isEmpty {
                            object.members.append(("paragraphs", .array(section.paragraphs.map(JSONValue.string))))
                        }
                        if !section.tables.isEmpty {
                            object.members.append(("tables", .array(section.tables.map(Self.json))))
                        }
                        if !section.charts.isEmpty {
                            object.members.append(
                                (
                                    "charts",
                                    .array(
                                        section.charts.map { chart in
                                            .object([
                                                "title": .string(chart.title),
                                                "bars": .array(
                                                    chart.bars.map { bar in
                                                        .object([
                                                            "label": .string(bar.label),
                                                            "value": bar.value.map { .number(String($0)) } ?? .null,
                                                        ])
                                                    }),
                                            ])
                                        })
                                ))
                        }
                        return .object(object)
                    })
            ))
        root.members.append(
            (
                "missing",
                .array(
                    missing.map {
                        .object([
                            "item": .string($0.item), "citation": .string($0.citation), "source": .string($0.source),
                        ])
                    })
            ))
        return JSONValue.object(root).serialized(pretty: true) + "\n"
    }

    private static func json(_ table: Table) -> JSONValue {
        .object([
            "columns": .array(
                table.columns.map { column in
                    var object: JSONObject = ["title": .string(column.english)]
                    if let chinese = column.chinese { object.members.append(("titleChinese", .string(chinese))) }
                    return .object(object)
                }),
            "rows": .array(
                table.rows.map { row in
                    .array(
                        row.map { cell in
                            var object: JSONObject = ["text": .string(cell.text)]
                            if let citation = cell.citation { object.members.append(("citation", .string(citation))) }
                            if let source = cell.source { object.members.append(("source", .string(source))) }
                            if cell.missing { object.members.append(("missing", .bool(true))) }
                            return .object(object)
                        })
                }),
        ])
    }

    // MARK: Markdown

    var markdown: String {
        func heading(_ heading: Heading) -> String {
            heading.chinese.map { "\(heading.english) · \($0)" } ?? heading.english
        }
        func escape(_ text: String) -> String {
            // Most cells need nothing: decided on the bytes (0xC2 and 0xE2 lead C1 controls and line separators).
            if !text.utf8.contains(where: {
                $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2
                    || $0 == 0xE2
            }) {
                return text
            }
            var out = ""
            for character in Self.printable(text) {
                if character == "\\" || character == "|" { out.append("\\") }
                out.append(character)
            }
            return out
        }
        var out = "# \(escape(heading(title)))\n\n"
        out += "\(escape(basis))\n\n"
        for fact in facts { out += "- **\(escape(fact.name))**: \(escape(fact.value))\n" }
        out += "\n"
        if !missing.isEmpty {
            out += "## Missing from the policy · 政策中缺失的项目\n\n"
            for item in missing {
                out += "- \(escape(item.item)) (\(escape(item.citation))): declare `\(escape(item.source))`\n"
            }
            out += "\n"
        }
        for section in sections {
            out += "## \(escape(heading(section.heading)))\n\n"
            for paragraph in section.paragraphs { out += "\(escape(paragraph))\n\n" }
            for table in section.tables {
                out += "| " + table.columns.map { escape(heading($0)) }.joined(separator: " | ") + " |\n"
                out += "|" + String(repeating: " --- |", count: table.columns.count) + "\n"
                for row in table.rows {
                    out +=
                        "| "
                        + row.map { cell in
                            var text = cell.missing ? "**MISSING** " + escape(cell.text) : escape(cell.text)
                            if let citation = cell.citation { text += " [\(escape(citation))]" }
                            if let source = cell.source { text += " `\(escape(source))`" }
                            return text
                        }.joined(separator: " | ") + " |\n"
                }
                out += "\n"
            }
            for chart in section.charts {
                out += "**\(escape(chart.title))**\n\n| | count |\n| --- | --- |\n"
                for bar in chart.bars {
                    out += "| \(escape(bar.label)) | \(bar.value.map(String.init) ?? "suppressed") |\n"
                }
                out += "\n"
            }
        }
        return out
    }

    // MARK: HTML

    var html: String {
        func escape(_ text: String) -> String {
            if !text.utf8.contains(where: {
                $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                    || $0 == UInt8(ascii: "\"")
                    || $0 == UInt8(ascii: "'") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2
            }) {
                return text
            }
            var out = ""
            for character in Self.printable(text) {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.append(character)
                }
            }
            return out
        }
        func heading(_ heading: Heading) -> String {
            escape(heading.english) + (heading.chinese.map { " <span lang=\"zh\">· \(escape($0))</span>" } ?? "")
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title.english))</title>
            <style>
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1a1a1a; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 0.9rem; }
            th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
            th { background: #f3f4f6; } .cite { color: #555; font-size: 0.8em; display: block; }
            .missing { background: #fde8e8; } .facts dt { font-weight: 600; } .facts dd { margin: 0 0 0.4rem 0; }
            svg text { font-size: 12px; fill: #1a1a1a; }
            @media print { body { margin: 0; } h2 { break-after: avoid; } table { break-inside: auto; } }
            </style>
            </head>
            <body>

            """
        out += "<h1>\(heading(title))</h1>\n<p>\(escape(basis))</p>\n<dl class=\"facts\">\n"
        for fact in facts { out += "<dt>\(escape(fact.name))</dt><dd>\(escape(fact.value))</dd>\n" }
        out += "</dl>\n"
        if !missing.isEmpty {
            out += "<h2>Missing from the policy <span lang=\"zh\">· 政策中缺失的项目</span></h2>\n<ul>\n"
            for item in missing {
                out += "<li class=\"missing\">\(escape(item.item)) (\(escape(item.citation))): declare "
                out += "<code>\(escape(item.source))</code></li>\n"
            }
            out += "</ul>\n"
        }
        for section in sections {
            out += "<section>\n<h2>\(heading(section.heading))</h2>\n"
            for paragraph in section.paragraphs { out += "<p>\(escape(paragraph))</p>\n" }
            for table in section.tables {
                out += "<table>\n<thead><tr>"
                for column in table.columns { out += "<th scope=\"col\">\(heading(column))</th>" }
                out += "</tr></thead>\n<tbody>\n"
                for row in table.rows {
                    out += "<tr>"
                    for cell in row {
                        out += cell.missing ? "<td class=\"missing\">" : "<td>"
                        out += (cell.missing ? "<strong>MISSING</strong> " : "") + escape(cell.text)
                        if let citation = cell.citation { out += "<span class=\"cite\">\(escape(citation))</span>" }
                        if let source = cell.source {
                            out += "<span class=\"cite\"><code>\(escape(source))</code></span>"
                        }
                        out += "</td>"
                    }
                    out += "</tr>\n"
                }
                out += "</tbody>\n</table>\n"
            }
            for chart in section.charts { out += Self.svg(chart, escape: escape) }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// A horizontal bar chart as inline SVG.
    private static func svg(_ chart: Chart, escape: (String) -> String) -> String {
        let barHeight = 18
        let labelWidth = 260
        let width = 720
        let maximum = max(1, chart.bars.compactMap(\.value).max() ?? 1)
        let height = chart.bars.count * (barHeight + 6) + 30
        var out = "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        out += "role=\"img\" aria-label=\"\(escape(chart.title))\">\n"
        out += "<text x=\"0\" y=\"14\" font-weight=\"600\">\(escape(chart.title))</text>\n"
        for (index, bar) in chart.bars.enumerated() {
            let y = 24 + index * (barHeight + 6)
            let length = bar.value.map { max(1, $0 * (width - labelWidth - 70) / maximum) } ?? 0
            out += "<text x=\"0\" y=\"\(y + 13)\">\(escape(String(bar.label.prefix(40))))</text>\n"
            out +=
                "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" fill=\"#3b82f6\"/>\n"
            out +=
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 13)\">\(bar.value.map(String.init) ?? "suppressed")</text>\n"
        }
        out += "</svg>\n<figcaption>\(escape(chart.title))</figcaption>\n</figure>\n"
        return out
    }

    /// `text` with control characters escaped: nothing in a report can move a terminal's cursor or forge a line.
    static func printable(_ text: String) -> String { text.escapingControlCharacters }
}
