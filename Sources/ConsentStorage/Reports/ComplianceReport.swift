internal import ConsentCore
internal import Foundation

/// A compliance report as data: a title, the law it answers to, the facts it was built from, sections of paragraphs,
/// tables and charts, and the items a regulator expects that the policy does not declare. Rendered as JSON,
/// Markdown or a self-contained HTML page (``ReportFormat``), byte for byte the same for the same inputs.
///
/// Every cell may carry the article it answers to and the policy element it was taken from, so that an auditor can
/// check each claim against its source.
public struct ComplianceReport: Sendable, Hashable {
    /// The reports ConsentKit builds.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Personal information protection impact assessment (PIPL Art. 55–56; GB/T 39335-2020).
        case pipia
        /// Record of processing activities (GDPR Art. 30; PIPL Art. 55–56).
        case ropa
        /// Who reached which sensitive fields, from a verified access log.
        case access
        /// Consent statistics as of an instant.
        case consent
        /// The data model, the views, and who uses which purposes and views.
        case inventory
    }

    /// A heading in English and, where the report is bilingual, Chinese.
    public struct Heading: Sendable, Hashable {
        /// The English text.
        public var english: String
        /// The Chinese text, if any.
        public var chinese: String?

        /// Creates a heading.
        public init(_ english: String, _ chinese: String? = nil) {
            self.english = english
            self.chinese = chinese
        }
    }

    /// One cell of a table.
    public struct Cell: Sendable, Hashable {
        /// The text shown.
        public var text: String
        /// The article the cell answers to, such as `PIPL Art. 55(1)`.
        public var citation: String?
        /// The policy element (JSON path) or log evidence the cell was taken from.
        public var source: String?
        /// Whether the cell stands for an item the policy should declare and does not.
        public var missing: Bool

        /// Creates a cell.
        public init(_ text: String, citation: String? = nil, source: String? = nil, missing: Bool = false) {
            self.text = text
            self.citation = citation
            self.source = source
            self.missing = missing
        }
    }

    /// A table.
    public struct Table: Sendable, Hashable {
        /// The columns' headings.
        public var columns: [Heading]
        /// The rows, each with one cell per column.
        public var rows: [[Cell]]

        /// Creates a table.
        public init(columns: [Heading], rows: [[Cell]]) {
            self.columns = columns
            self.rows = rows
        }
    }

    /// A bar chart of labelled counts.
    public struct Chart: Sendable, Hashable {
        /// What it shows.
        public var title: String
        /// The bars, in order: a label and a count (`nil` for a count suppressed as too small to show).
        public var bars: [(label: String, value: Int?)]

        /// Creates a chart.
        public init(title: String, bars: [(label: String, value: Int?)]) {
            self.title = title
            self.bars = bars
        }

        public static func == (lhs: Chart, rhs: Chart) -> Bool {
            lhs.title == rhs.title && lhs.bars.map(\.label) == rhs.bars.map(\.label)
                && lhs.bars.map(\.value) == rhs.bars.map(\.value)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(title)
            for bar in bars {
                hasher.combine(bar.label)
                hasher.combine(bar.value)
            }
        }
    }

    /// A section.
    public struct Section: Sendable, Hashable {
        /// Its heading.
        public var heading: Heading
        /// Paragraphs before its tables.
        public var paragraphs: [String]
        /// Its tables.
        public var tables: [Table]
        /// Its charts.
        public var charts: [Chart]

        /// Creates a section.
        public init(_ heading: Heading, paragraphs: [String] = [], tables: [Table] = [], charts: [Chart] = []) {
            self.heading = heading
            self.paragraphs = paragraphs
            self.tables = tables
            self.charts = charts
        }
    }

    /// An item the law expects that the policy does not declare.
    public struct MissingItem: Sendable, Hashable {
        /// What is missing.
        public var item: String
        /// The article that asks for it.
        public var citation: String
        /// Where to declare it in the policy.
        public var source: String
    }

    /// Which report.
    public var kind: Kind
    /// The title.
    public var title: Heading
    /// The law the report answers to.
    public var basis: String
    /// What it was built from: the policy's hash, the instant, the log and how complete it is.
    public var facts: [(name: String, value: String)]
    /// The sections.
    public var sections: [Section]
    /// What the policy should declare and does not (empty when complete).
    public var missing: [MissingItem]

    /// Creates a report.
    public init(
        kind: Kind, title: Heading, basis: String, facts: [(name: String, value: String)], sections: [Section],
        missing: [MissingItem] = []
    ) {
        self.kind = kind
        self.title = title
        self.basis = basis
        self.facts = facts
        self.sections = sections
        self.missing = missing
    }

    public static func == (lhs: ComplianceReport, rhs: ComplianceReport) -> Bool {
        lhs.kind == rhs.kind && lhs.title == rhs.title && lhs.basis == rhs.basis
            && lhs.facts.map(\.name) == rhs.facts.map(\.name) && lhs.facts.map(\.value) == rhs.facts.map(\.value)
            && lhs.sections == rhs.sections && lhs.missing == rhs.missing
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(title)
        for fact in facts {
            hasher.combine(fact.name)
            hasher.combine(fact.value)
        }
        hasher.combine(sections)
    }
}

/// How a report is written out.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// JSON, for tools.
    case json
    /// Markdown, for review and version control.
    case md
    /// A self-contained HTML page with charts as inline SVG: no script, no request to anywhere.
    case html
}
