public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// The impact assessment (PIPL Art. 55–56, GB/T 39335-2020) and the reports built from evidence: who accessed what
/// (a verified log) and how consent stands (the ledger).
extension ComplianceReport {
    /// The text of a cell that people must fill in: ConsentKit pre-fills the facts, never the judgement.
    public static let forTheAssessor = "[to be assessed by people]"

    // MARK: Impact assessment

    /// The Art. 55 trigger matrix per purpose (each cell citing its article and the policy element it comes from),
    /// the Art. 56 content pre-filled from the policy and the log for each purpose that needs an assessment, the
    /// data map, and a GDPR Art. 35 / WP248 screening.
    public static func pipia(policy: Policy, log: AccessSummary? = nil, at instant: Date) -> ComplianceReport {
        var matrix: [[Cell]] = []
        var triggered: [(Purpose, [String], String)] = []
        var missing: [MissingItem] = []
        for (index, purpose) in policy.purposes.enumerated() {
            let purposePath = "purposes[\(index)]"
            let path = purposePath
            let kinds = sensitiveKinds(of: purpose, in: policy)
            let (entrusted, provided) = recipients(of: purpose)
            let impact = policy.processing.purposes[purpose.id]?.majorImpact
            var reasons: [String] = []
            // Personal information of children under 14 is sensitive in itself (Art. 28).
            let children =
                policy.processing.purposes[purpose.id]?.dataSubjects.contains {
                    ["children", "minors", "child", "minor"].contains($0.lowercased())
                } ?? false
            if !kinds.isEmpty || children { reasons.append("sensitive personal information (Art. 55(1))") }
            if purpose.automatedDecision { reasons.append("automated decision-making (Art. 55(2))") }
            if !entrusted.isEmpty { reasons.append("entrusted processing (Art. 55(3))") }
            if !provided.isEmpty { reasons.append("provision to other processors (Art. 55(3))") }
            if purpose.publicDisclosure { reasons.append("public disclosure (Art. 55(3))") }
            if purpose.crossBorder != nil { reasons.append("provision abroad (Art. 55(4))") }
            if impact == true { reasons.append("other major impact (Art. 55(5))") }
            if impact == nil {
                missing.append(
                    MissingItem(
                        item: "whether `\(purpose.id.rawValue)` otherwise has a major impact on individuals",
                        citation: "PIPL Art. 55(5)", source: "processing.purposes.\(purpose.id.rawValue).majorImpact"))
            }
            if !reasons.isEmpty { triggered.append((purpose, reasons, path)) }
            matrix.append([
                Cell(purpose.id.rawValue, source: path),
                Cell(
                    yesNo(!kinds.isEmpty || children, kinds + (children ? ["minors' personal information"] : [])),
                    citation: "PIPL Art. 55(1), Art. 28", source: path + ".fields"),
                Cell(
                    yesNo(purpose.automatedDecision), citation: "PIPL Art. 55(2), Art. 24",
                    source: path + ".automatedDecision"),
                Cell(
                    yesNo(!entrusted.isEmpty, entrusted), citation: "PIPL Art. 55(3), Art. 21",
                    source: path + ".thirdParty"),
                Cell(
                    yesNo(!provided.isEmpty, provided), citation: "PIPL Art. 55(3), Art. 23",
                    source: path + ".thirdParty"),
                Cell(
                    yesNo(purpose.publicDisclosure), citation: "PIPL Art. 55(3), Art. 25",
                    source: path + ".publicDisclosure"),
                Cell(
                    yesNo(purpose.crossBorder != nil, purpose.crossBorder?.destinations.map(\.rawValue) ?? []),
                    citation: "PIPL Art. 55(4), Art. 38", source: path + ".crossBorder"),
                impact.map {
                    Cell(
                        yesNo($0), citation: "PIPL Art. 55(5)",
                        source: "processing.purposes.\(purpose.id.rawValue).majorImpact")
                } ?? Cell("not assessed", citation: "PIPL Art. 55(5)", missing: true),
                Cell(
                    !reasons.isEmpty ? "YES" : impact == nil ? "undetermined: Art. 55(5) not assessed" : "no",
                    citation: "PIPL Art. 55", missing: reasons.isEmpty && impact == nil),
            ])
        }
        let triggerTable = Table(
            columns: [
                H("Purpose", "处理目的"), H("Sensitive PI", "敏感个人信息"), H("Automated decisions", "自动化决策"),
                H("Entrusted processing", "委托处理"), H("Provision to others", "向他人提供"), H("Public disclosure", "公开"),
                H("Provision abroad", "向境外提供"), H("Other major impact", "其他重大影响"), H("Assessment required", "需要评估"),
            ], rows: matrix)

        // Art. 56 content, pre-filled.
        var contentSections: [Section] = []
        for (purpose, reasons, purposePath) in triggered {
            let fields = fields(of: purpose, in: policy)
            let kinds = sensitiveKinds(of: purpose, in: policy)
            let (entrusted, provided) = recipients(of: purpose)
            let views = policy.views.filter { $0.purpose == purpose.id }
            var evidence = "no access log given"
            if let log {
                let tallies = log.byRolePurposeView.filter { $0.key.parts[1] == purpose.id.rawValue }.map(\.value)
                let privileged = log.privileged.filter { $0.key.parts[2] == purpose.id.rawValue }.map(\.value)
                evidence =
                    "access log (\(log.verification.isIntact ? "verified" : "NOT verified")): "
                    + "\(tallies.reduce(0) { $0 + $1.allowed }) accesses allowed, \(tallies.reduce(0) { $0 + $1.denied }) "
                    + "denied, \(privileged.reduce(0) { $0 + $1.total }) through privileged views"
            }
            let strength =
                purpose.writtenConsent || fields.contains { policy.requiresWrittenConsent($0.id) }
                ? "written"
                : kinds.isEmpty && purpose.thirdParty == nil && purpose.crossBorder == nil
                    && !purpose.publicDisclosure && !purpose.surveillanceImages ? "ordinary" : "separate"
            let rows: [[Cell]] = [
                [
                    Cell(
                        "(1) Lawful, legitimate and necessary purpose and method", citation: "PIPL Art. 56(1); Art. 5–6"
                    ),
                    Cell(
                        "basis \(purpose.basis.rawValue) (\(purpose.basis.citation)); \(fields.count) fields: "
                            + fields.map(\.id.rawValue).joined(separator: ", ")
                            + (purpose.basis == .consent
                                ? "; consent required: \(strength), notice version \(purpose.consentVersion)" : ""),
                        source: purposePath),
                    Cell(forTheAssessor),
                ],
                [
                    Cell("(2) Impact on rights and interests, and security risks", citation: "PIPL Art. 56(2)"),
                    Cell(
                        "triggers: \(reasons.joined(separator: "; ")); sensitive kinds: \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")); "
                            + "recipients: \((entrusted + provided).joined(separator: ", ").nonEmpty ?? "none"); "
                            + "abroad: \(purpose.crossBorder?.destinations.map(\.rawValue).joined(separator: ", ") ?? "none"); "
                            + evidence),
                    Cell(forTheAssessor),
                ],
                [
                    Cell(
                        "(3) Protective measures: lawful, effective, proportionate",
                        citation: "PIPL Art. 56(3); Art. 51"),
                    Cell(
                        "each use decided per customer, field and instant with a reason code; "
                            + (views.isEmpty
                                ? "no privacy view declared for this purpose"
                                : "views: " + views.map { "\($0.id) (\($0.kind.rawValue))" }.joined(separator: ", "))
                            + "; accesses recorded in a sealed, value-free access log"
                            + (policy.processing.securityMeasures.map { "; declared measures: \($0)" } ?? "")),
                    Cell(forTheAssessor),
                ],
            ]
            contentSections.append(
                Section(
                    H("Assessment of \(purpose.id.rawValue)", "评估：\(purpose.id.rawValue)"),
                    tables: [
                        Table(
                            columns: [
                                H("Content", "评估内容"), H("Pre-filled from the policy and the log", "依据政策与日志预填"),
                                H("Assessment", "评估结论"),
                            ], rows: rows)
                    ]))
        }

        // GB/T 39335-2020 §5.3 data map.
        let dataMap = Table(
            columns: [
                H("Purpose", "处理目的"), H("Fields", "字段"), H("Recipients", "接收方"), H("Destinations", "境外接收地"),
                H("Retention", "保存期限"),
            ],
            rows: policy.purposes.map { purpose in
                let (entrusted, provided) = recipients(of: purpose)
                let retention = policy.processing.purposes[purpose.id]?.retention
                return [
                    Cell(purpose.id.rawValue),
                    Cell(fields(of: purpose, in: policy).map(\.id.rawValue).joined(separator: ", ")),
                    Cell((entrusted + provided).joined(separator: ", ").nonEmpty ?? "none"),
                    Cell(purpose.crossBorder?.destinations.map(\.rawValue).joined(separator: ", ") ?? "none"),
                    retention.map { Cell($0) } ?? Cell("not declared", missing: true),
                ]
            })

        // GDPR Art. 35(3) / WP248 screening.
        let screening = Table(
            columns: [H("Purpose", "处理目的"), H("Criteria met (WP248)", "满足的标准"), H("DPIA", "数据保护影响评估")],
            rows: policy.purposes.map { purpose in
                var criteria: [String] = []
                if !sensitiveKinds(of: purpose, in: policy).isEmpty {
                    criteria.append("sensitive or highly personal data")
                }
                if purpose.automatedDecision { criteria.append("automated decision with legal or similar effect") }
                if purpose.surveillanceImages { criteria.append("systematic monitoring") }
                if policy.processing.purposes[purpose.id]?.dataSubjects.contains(where: {
                    ["children", "minors", "patients", "employees"].contains($0.lowercased())
                }) == true {
                    criteria.append("vulnerable data subjects")
                }
                return [
                    Cell(purpose.id.rawValue), Cell(criteria.joined(separator: "; ").nonEmpty ?? "none"),
                    Cell(
                        criteria.count >= 2 ? "likely required (two or more criteria)" : "screen further",
                        citation: "GDPR Art. 35(3); WP248 rev.01"),
                ]
            })
        var facts = commonFacts(policy, at: instant)
        facts.append(("purposes needing an assessment", "\(triggered.count) of \(policy.purposes.count)"))
        if let log { facts.append(("access log", log.completeness)) }
        facts.append(
            ("retention", "keep this assessment and the processing records at least three years (PIPL Art. 56)"))
        return ComplianceReport(
            kind: .pipia, title: H("Personal information protection impact assessment", "个人信息保护影响评估"),
            basis: "PIPL Art. 55–56; GB/T 39335-2020 §5.3–5.7; GDPR Art. 35",
            facts: facts,
            sections: [
                Section(
                    H("When an assessment is required (Art. 55)", "需要评估的情形（第五十五条）"),
                    paragraphs: [
                        "Each cell is computed from the policy element it names. \"Other major impact\" is a judgement "
                            + "the policy records in processing.purposes.<purpose>.majorImpact."
                    ], tables: [triggerTable])
            ] + contentSections + [
                Section(H("Data map (GB/T 39335-2020 §5.3)", "数据映射分析"), tables: [dataMap]),
                Section(H("DPIA screening (GDPR Art. 35(3), WP248)", "GDPR 影响评估筛查"), tables: [screening]),
            ], missing: missing)
    }

    // MARK: Access

    /// Who reached which sensitive fields, through which view and purpose, how often; denies; privileged accesses
    /// with their justification; disclosures — from a verified log, with a statement of how complete it is.
    public static func access(policy: Policy, log: AccessSummary, at instant: Date) -> ComplianceReport {
        func view(_ id: String) -> String { id.isEmpty ? "—" : id }
        let sensitive = Table(
            columns: [
                H("Role", "角色"), H("Principal (keyed reference)", "操作人（密钥引用）"), H("Purpose", "处理目的"), H("View", "视图"),
                H("Sensitive class", "敏感类别"), H("Allowed", "允许"), H("Denied", "拒绝"),
            ],
            rows: log.sensitive.sorted { $0.key < $1.key }.map { key, tally in
                [
                    Cell(key.parts[0]), Cell(key.parts[1].isEmpty ? "—" : key.parts[1]), Cell(key.parts[2]),
                    Cell(view(key.parts[3])), Cell(key.parts[4], citation: "PIPL Art. 28"), Cell(String(tally.allowed)),
                    Cell(String(tally.denied)),
                ]
            })
        let denies = Table(
            columns: [H("Reason", "原因"), H("Citation", "依据"), H("Denies", "拒绝次数")],
            rows: log.denyReasons.sorted { $0.key.rawValue < $1.key.rawValue }.map { reason, count in
                [Cell(reason.rawValue), Cell(reason.citation), Cell(String(count))]
            })
        let privileged = Table(
            columns: [
                H("Role", "角色"), H("Principal (keyed reference)", "操作人（密钥引用）"), H("Purpose", "处理目的"),
                H("View", "视图"), H("Justification", "理由"), H("Accesses", "访问次数"),
            ],
            rows: log.privileged.sorted { $0.key < $1.key }.map { key, tally in
                [
                    Cell(key.parts[0]), Cell(key.parts[1].isEmpty ? "—" : key.parts[1]), Cell(key.parts[2]),
                    Cell(view(key.parts[3])),
                    policy.view(key.parts[3])?.justification.map {
                        Cell($0, source: "views.\(key.parts[3]).justification")
                    }
                        ?? Cell("not declared", missing: true),
                    Cell(String(tally.total)),
                ]
            })
        let disclosures = Table(
            columns: [
                H("Purpose", "处理目的"), H("Recipient", "接收方"), H("Destination", "境外接收地"), H("Allowed", "允许"),
                H("Denied", "拒绝"),
            ],
            rows: log.disclosures.sorted { $0.key < $1.key }.map { key, tally in
                [
                    Cell(key.parts[0]), Cell(key.parts[1].nonEmpty ?? "—"), Cell(key.parts[2].nonEmpty ?? "—"),
                    Cell(String(tally.allowed)), Cell(String(tally.denied)),
                ]
            })
        var perPurpose: [String: Int] = [:]
        for (key, tally) in log.byRolePurposeView { perPurpose[key.parts[1], default: 0] += tally.total }
        var facts = commonFacts(policy, at: instant)
        facts.append(("access log", log.completeness))
        facts.append(("log id", log.verification.logID))
        if let first = log.first, let last = log.last {
            facts.append(("period", "\(RFC3339.format(first)) to \(RFC3339.format(last))"))
        }
        facts.append(("entries", "\(log.entries), of which \(log.minors) about minors"))
        let ownHash = policyHash(policy)
        let others = log.policyHashes.keys.filter { $0 != ownHash }.sorted()
        if !others.isEmpty {
            facts.append(
                (
                    "policy versions",
                    "entries decided under other policy versions too: \(others.joined(separator: ", "))"
                ))
        }
        func section(_ heading: Heading, _ table: Table, empty: String) -> Section {
            Section(heading, paragraphs: table.rows.isEmpty ? [empty] : [], tables: table.rows.isEmpty ? [] : [table])
        }
        return ComplianceReport(
            kind: .access, title: H("Access to sensitive personal information", "敏感个人信息访问报告"),
            basis: "PIPL Art. 28–29, 51, 54 (compliance audits); GB/T 39335-2020 §5.7; from a verified access log",
            facts: facts,
            sections: [
                section(
                    H("Sensitive fields reached", "访问的敏感字段"), sensitive, empty: "No entry touched a sensitive field."),
                section(H("Privileged accesses", "特权访问"), privileged, empty: "No access through a privileged view."),
                section(H("Disclosures", "对外提供"), disclosures, empty: "No entry disclosed data."),
                section(H("Denies by reason", "拒绝原因"), denies, empty: "No access was denied."),
                Section(
                    H("Accesses by purpose", "按处理目的统计"),
                    charts: [
                        Chart(
                            title: "entries per purpose",
                            bars: perPurpose.sorted { $0.key < $1.key }.map {
                                (label: $0.key, value: Optional($0.value))
                            })
                    ]),
            ])
    }
}
