public import ConsentCore
internal import ConsentInterchange
public import Foundation

extension ComplianceReport {
    /// How consent stands as of `instant`: per purpose, notice version, channel and strength, the customers with a
    /// grant in force, withdrawn, expired, given by a guardian; opt-outs by kind; grants and withdrawals per month.
    /// Counts are of customers, not events, and a count below `minimumCell` (default 10) is suppressed, so that a
    /// small cell cannot single out a person.
    ///
    /// Standing comes from ``ConsentLedger/state(of:at:)``, which the reference evaluator derives, so the figures
    /// agree with decisions.
    public static func consent(ledger: ConsentLedger, at instant: Date, minimumCell: Int = 10) -> ComplianceReport {
        struct Cell4: Hashable, Comparable {
            var purpose: String
            var notice: Int
            var channel: String
            var strength: String
            static func < (lhs: Cell4, rhs: Cell4) -> Bool {
                (lhs.purpose, lhs.notice, lhs.channel, lhs.strength) < (
                    rhs.purpose, rhs.notice, rhs.channel, rhs.strength
                )
            }
        }
        enum Measure: Int, CaseIterable { case inForce, active, withdrawn, expired, guardian }
        var cells: [Cell4: [Int]] = [:]
        var optOuts: [String: Int] = [:]
        var grantsPerMonth: [String: Int] = [:]
        var withdrawalsPerMonth: [String: Int] = [:]
        let calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = ledger.policy.timeZone
            return calendar
        }()
        func month(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month], from: date)
            return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
        }
        var subjects = 0
        for subject in ledger.subjects {
            let state = ledger.state(of: subject, at: instant)
            if state.grants.isEmpty && state.optedOut.isEmpty { continue }
            subjects += 1
            // Each customer counts once per cell and measure, and once per month.
            var seen: Set<[String]> = []
            for standing in state.grants {
                let grant = standing.grant
                for purpose in grant.purposes {
                    let key = Cell4(
                        purpose: purpose.rawValue, notice: grant.noticeVersion,
                        channel: grant.evidence?.channel ?? "unrecorded", strength: grant.strength.rawValue)
                    var measures: [Measure] = []
                    if standing.inForce.contains(purpose) { measures.append(.inForce) }
                    if standing.active.contains(purpose) { measures.append(.active) }
                    if standing.withdrawn.contains(where: { $0.purpose == purpose }) { measures.append(.withdrawn) }
                    if standing.expired { measures.append(.expired) }
                    if grant.grantor == .guardian { measures.append(.guardian) }
                    for measure in measures
                    where seen.insert([key.purpose, String(key.notice), key.channel, key.strength, "\(measure)"])
                        .inserted
                    {
                        cells[key, default: Array(repeating: 0, count: Measure.allCases.count)][measure.rawValue] += 1
                    }
                }
                if seen.insert(["grant", month(grant.at)]).inserted {
                    grantsPerMonth[month(grant.at), default: 0] += 1
                }
                for withdrawal in standing.withdrawn where seen.insert(["withdraw", month(withdrawal.at)]).inserted {
                    withdrawalsPerMonth[month(withdrawal.at), default: 0] += 1
                }
            }
            for kind in Set(state.optedOut) { optOuts[kind.rawValue, default: 0] += 1 }
        }
        func shown(_ count: Int) -> String {
            count == 0 ? "0" : count < minimumCell ? "<\(minimumCell)" : String(count)
        }
        func bar(_ count: Int) -> Int? { count > 0 && count < minimumCell ? nil : count }
        let standing = Table(
            columns: [
                H("Purpose", "处理目的"), H("Notice version", "告知版本"), H("Channel", "渠道"), H("Strength", "同意类型"),
                H("In force", "有效"), H("Active", "未撤回未过期"), H("Withdrawn", "已撤回"), H("Expired", "已过期"),
                H("By a guardian", "监护人同意"),
            ],
            rows: cells.sorted { $0.key < $1.key }.filter { $0.value.contains { $0 >= minimumCell } }.map {
                key, counts in
                [
                    ComplianceReport.Cell(key.purpose), ComplianceReport.Cell(String(key.notice)),
                    ComplianceReport.Cell(key.channel),
                    ComplianceReport.Cell(
                        key.strength,
                        citation: key.strength == "separate"
                            ? "PIPL Art. 23, 25, 26, 29, 39"
                            : key.strength == "written" ? "PIPL Art. 14, 29" : "PIPL Art. 14"),
                ] + counts.map { ComplianceReport.Cell(shown($0)) }
            })
        let optOutTable = Table(
            columns: [H("Opt-out", "拒绝类型"), H("Customers", "人数")],
            rows: optOuts.sorted { $0.key < $1.key }.map {
                [ComplianceReport.Cell($0.key), ComplianceReport.Cell(shown($0.value))]
            })
        let months = Set(grantsPerMonth.keys).union(withdrawalsPerMonth.keys).sorted()
        let trend = Table(
            columns: [H("Month", "月份"), H("Customers granting", "给予同意人数"), H("Customers withdrawing", "撤回同意人数")],
            rows: months.map {
                [
                    ComplianceReport.Cell($0), ComplianceReport.Cell(shown(grantsPerMonth[$0] ?? 0)),
                    ComplianceReport.Cell(shown(withdrawalsPerMonth[$0] ?? 0)),
                ]
            })
        var facts = commonFacts(ledger.policy, at: instant)
        facts.append(
            (
                "customers",
                "\(subjects) with a grant or an opt-out as of the instant, of \(ledger.subjects.count) in the ledger"
            ))
        let hidden = cells.values.filter { !$0.contains { $0 >= minimumCell } }.count
        facts.append(
            (
                "small cells",
                "counts of 1 to \(minimumCell - 1) customers are shown as <\(minimumCell); \(hidden) combinations of "
                    + "purpose, notice version, channel and strength with fewer than \(minimumCell) customers in every "
                    + "measure are not shown at all"
            ))
        return ComplianceReport(
            kind: .consent, title: H("Consent statistics", "同意情况统计"),
            basis: "PIPL Art. 14–17, 29, 31 (consent, separate and written consent, guardians); GDPR Art. 7(1)",
            facts: facts,
            sections: [
                Section(
                    H("Consent standing", "同意状态"),
                    paragraphs: [
                        "\"In force\" counts grants a decision rests on; \"active\" those neither withdrawn nor expired."
                    ]
                        + (standing.rows.isEmpty
                            ? ["No combination reaches \(minimumCell) customers in any measure: nothing can be shown."]
                            : []),
                    tables: standing.rows.isEmpty ? [] : [standing]),
                Section(
                    H("Opt-outs", "拒绝"), paragraphs: optOuts.isEmpty ? ["No opt-out in force."] : [],
                    tables: optOuts.isEmpty ? [] : [optOutTable]),
                Section(
                    H("Trend", "趋势"), tables: [trend],
                    charts: [
                        Chart(
                            title: "customers granting per month",
                            bars: months.map { (label: $0, value: bar(grantsPerMonth[$0] ?? 0)) }),
                        Chart(
                            title: "customers withdrawing per month",
                            bars: months.map { (label: $0, value: bar(withdrawalsPerMonth[$0] ?? 0)) }),
                    ]),
            ])
    }
}
