public import ConsentCore
internal import ConsentInterchange
public import Foundation

/// The reports derived from the policy itself (and, where given, from a verified access log): the inventory, the
/// record of processing activities, and the impact assessment.
extension ComplianceReport {
    typealias H = Heading

    /// The first 16 hexadecimal digits of SHA-256 of the policy file's canonical JSON: the same hash the access log
    /// writes into each entry, so a report and a log can be matched to the policy version they came from.
    public static func policyHash(_ policy: Policy) -> String {
        String(LogHash.of(Array(policy.jsonData())).hex.prefix(16))
    }

    static func commonFacts(_ policy: Policy, at instant: Date) -> [(name: String, value: String)] {
        [
            ("policy", "sha256:\(policyHash(policy))…, regimes \(policy.regimes.map(\.name).joined(separator: ", "))"),
            ("as of", RFC3339.format(instant)),
        ]
    }

    /// The fields a purpose may use under the policy, in the policy's order.
    static func fields(of purpose: Purpose, in policy: Policy) -> [FieldDefinition] {
        policy.fields.filter { policy.purpose(purpose, declares: $0) }
    }

    static func sensitiveKinds(of purpose: Purpose, in policy: Policy) -> [String] {
        var kinds: [String] = []
        for field in fields(of: purpose, in: policy) {
            if case .sensitive(let kind)? = policy.sensitivity(of: field.id), !kinds.contains(kind.rawValue) {
                kinds.append(kind.rawValue)
            }
        }
        return kinds
    }

    static func purposePath(_ purpose: Purpose, in policy: Policy) -> String {
        "purposes[\(policy.purposes.firstIndex { $0.id == purpose.id } ?? 0)]"
    }

    static func recipients(of purpose: Purpose) -> (entrusted: [String], provided: [String]) {
        guard let provision = purpose.thirdParty else { return ([], []) }
        var entrusted: [String] = []
        var provided: [String] = []
        for recipient in provision.recipients {
            let role = provision.roles[recipient] ?? .thirdParty
            if role.isIndependent { provided.append(recipient.rawValue) } else { entrusted.append(recipient.rawValue) }
        }
        return (entrusted, provided)
    }

    static func yesNo(_ value: Bool, _ detail: [String] = []) -> String {
        value ? (detail.isEmpty ? "yes" : "yes: " + detail.joined(separator: ", ")) : "no"
    }

    // MARK: Inventory

    /// The data model, the purposes, the views, and — from a verified log — which roles use which purposes and views.
    public static func inventory(policy: Policy, log: AccessSummary? = nil, at instant: Date) -> ComplianceReport {
        let fieldsTable = Table(
            columns: [
                H("Field", "字段"), H("Category", "类别"), H("Type", "类型"), H("Sensitivity", "敏感程度"),
                H("Written consent", "书面同意"), H("Purposes", "处理目的"),
            ],
            rows: policy.fields.enumerated().map { index, field in
                let sensitivity = policy.sensitivity(of: field.id) ?? .notSensitive
                let citation: String? =
                    if case .sensitive(let kind) = sensitivity { kind.citation } else { nil }
                return [
                    Cell(field.id.rawValue, source: "fields[\(index)]"), Cell(field.category.rawValue),
                    Cell(field.type.rawValue),
                    Cell(
                        sensitivity.isSensitive ? "sensitive (\(sensitivity.kindName))" : "not sensitive",
                        citation: citation),
                    Cell(yesNo(policy.requiresWrittenConsent(field.id))),
                    Cell(
                        policy.purposes.filter { policy.purpose($0, declares: field) }.map(\.id.rawValue).joined(
                            separator: ", ")),
                ]
            })
        let purposesTable = Table(
            columns: [
                H("Purpose", "处理目的"), H("Basis", "处理依据"), H("Fields", "字段数"), H("Marketing", "营销"),
                H("Automated decisions", "自动化决策"), H("Recipients", "接收方"), H("Abroad", "境外"),
            ],
            rows: policy.purposes.enumerated().map { index, purpose in
                let (entrusted, provided) = recipients(of: purpose)
                return [
                    Cell(purpose.id.rawValue, source: "purposes[\(index)]"),
                    Cell(purpose.basis.rawValue, citation: purpose.basis.citation),
                    Cell(String(fields(of: purpose, in: policy).count)), Cell(yesNo(purpose.marketing)),
                    Cell(yesNo(purpose.automatedDecision)),
                    Cell(yesNo(!(entrusted + provided).isEmpty, entrusted + provided)),
                    Cell(yesNo(purpose.crossBorder != nil, purpose.crossBorder?.destinations.map(\.rawValue) ?? [])),
                ]
            })
        let viewsTable = Table(
            columns: [
                H("View", "视图"), H("Kind", "类型"), H("Purpose", "处理目的"), H("Recipient", "接收方"),
                H("Output label", "输出标签"), H("Justification", "理由"),
            ],
            rows: policy.views.enumerated().map { index, view in
                [
                    Cell(view.id, source: "views[\(index)]"), Cell(view.kind.rawValue), Cell(view.purpose.rawValue),
                    Cell(view.recipient?.rawValue ?? view.destination?.rawValue ?? "—"),
                    Cell(
                        view.kind == .anonymised
                            ? "anonymised" : view.kind.deidentifies ? "deidentified" : "identified",
                        citation: "PIPL Art. 73"),
                    Cell(view.justification ?? "—"),
                ]
            })
        var usage = Section(H("Who uses which purposes and views", "谁通过哪些目的和视图访问"))
        if let log {
            usage.paragraphs.append("From the access log: \(log.completeness).")
            usage.tables.append(
                Table(
                    columns: [
                        H("Role", "角色"), H("Purpose", "处理目的"), H("View", "视图"), H("Allowed", "允许"),
                        H("Denied", "拒绝"),
                    ],
                    rows: log.byRolePurposeView.sorted { $0.key < $1.key }.map { key, tally in
                        [
                            Cell(key.parts[0]), Cell(key.parts[1]), Cell(key.parts[2].isEmpty ? "—" : key.parts[2]),
                            Cell(String(tally.allowed)), Cell(String(tally.denied)),
                        ]
                    }))
        } else {
            usage.paragraphs.append(
                "No access log was given: which roles use which purposes and views is not known to this report "
                    + "(give --log).")
        }
        return ComplianceReport(
            kind: .inventory, title: H("Personal information inventory", "个人信息清单"),
            basis: "GB/T 39335-2020 §5.3 data mapping; GDPR Art. 30; PIPL Art. 51, 55–56",
            facts: commonFacts(policy, at: instant),
            sections: [
                Section(
                    H("Data model", "数据模型"), paragraphs: ["\(policy.fields.count) fields."], tables: [fieldsTable]),
                Section(H("Purposes", "处理目的"), tables: [purposesTable]),
                Section(
                    H("Privacy views", "隐私视图"),
                    paragraphs: policy.views.isEmpty ? ["The policy declares no privacy views."] : [],
                    tables: policy.views.isEmpty ? [] : [viewsTable]),
                usage,
            ])
    }

    // MARK: Record of processing

    /// One row per purpose with every item of GDPR Art. 30(1)(a)–(g) and the PIPL equivalents, headed in English and
    /// Chinese; each item the policy does not declare is marked and listed in ``missing``.
    public static func ropa(policy: Policy, at instant: Date) -> ComplianceReport {
        let records = policy.processing
        var missing: [MissingItem] = []
        func party(_ party: ProcessingRecords.Party?) -> String? { party.map { "\($0.name) (\($0.contact))" } }
        if records.controller == nil {
            missing.append(
                MissingItem(
                    item: "name and contact details of the controller (personal information processor)",
                    citation: "GDPR Art. 30(1)(a); PIPL Art. 17(1)", source: "processing.controller"))
        }
        if records.protectionOfficer == nil {
            missing.append(
                MissingItem(
                    item: "data protection officer / person in charge of personal information protection",
                    citation: "GDPR Art. 30(1)(a), Art. 37; PIPL Art. 52", source: "processing.protectionOfficer"))
        }
        if records.securityMeasures == nil {
            missing.append(
                MissingItem(
                    item: "general description of the technical and organisational security measures",
                    citation: "GDPR Art. 30(1)(g), Art. 32; PIPL Art. 51", source: "processing.securityMeasures"))
        }
        let controller =
            [
                party(records.controller).map { "controller: \($0)" },
                party(records.protectionOfficer).map { "DPO: \($0)" },
                party(records.representative).map { "representative: \($0)" },
            ].compactMap { $0 }.joined(separator: "; ")
        var rows: [[Cell]] = []
        for (index, purpose) in policy.purposes.enumerated() {
            let purposePath = "purposes[\(index)]"
            let record = records.purposes[purpose.id]
            let path = "processing.purposes.\(purpose.id.rawValue)"
            let fields = fields(of: purpose, in: policy)
            let kinds = sensitiveKinds(of: purpose, in: policy)
            let (entrusted, provided) = recipients(of: purpose)
            if record?.dataSubjects.isEmpty ?? true {
                missing.append(
                    MissingItem(
                        item: "categories of data subjects of `\(purpose.id.rawValue)`", citation: "GDPR Art. 30(1)(c)",
                        source: path + ".dataSubjects"))
            }
            if record?.retention == nil {
                missing.append(
                    MissingItem(
                        item: "time limit for erasure of `\(purpose.id.rawValue)`",
                        citation: "GDPR Art. 30(1)(f); PIPL Art. 19", source: path + ".retention"))
            }
            var transfers = "none"
            if let crossBorder = purpose.crossBorder {
                transfers =
                    crossBorder.destinations.map(\.rawValue).joined(separator: ", ")
                    + "; safeguard: \(crossBorder.mechanism.rawValue)"
            }
            rows.append([
                Cell(
                    purpose.id.rawValue
                        + (purpose.title.flatMap { $0.text(for: ["en", "zh"]) }.map { " — \($0)" } ?? ""),
                    citation: "GDPR Art. 30(1)(b)",
                    source: purposePath),
                controller.isEmpty
                    ? Cell(
                        "not declared", citation: "GDPR Art. 30(1)(a)", source: "processing.controller", missing: true)
                    : Cell(controller, citation: "GDPR Art. 30(1)(a)", source: "processing"),
                Cell(purpose.basis.rawValue, citation: purpose.basis.citation, source: purposePath + ".basis"),
                (record?.dataSubjects.isEmpty ?? true)
                    ? Cell(
                        "not declared", citation: "GDPR Art. 30(1)(c)", source: path + ".dataSubjects", missing: true)
                    : Cell(record!.dataSubjects.joined(separator: ", "), citation: "GDPR Art. 30(1)(c)", source: path),
                Cell(
                    fields.map(\.id.rawValue).joined(separator: ", "), citation: "GDPR Art. 30(1)(c)",
                    source: purposePath + ".fields"),
                Cell(kinds.isEmpty ? "none" : kinds.joined(separator: ", "), citation: "GDPR Art. 9; PIPL Art. 28"),
                Cell(
                    (entrusted.map { "\($0) (entrusted)" } + provided).joined(separator: ", ").nonEmpty ?? "none",
                    citation: "GDPR Art. 30(1)(d); PIPL Art. 21, 23"),
                Cell(transfers, citation: "GDPR Art. 30(1)(e); PIPL Art. 38–39"),
                record?.retention.map {
                    Cell($0, citation: "GDPR Art. 30(1)(f); PIPL Art. 19", source: path + ".retention")
                }
                    ?? Cell(
                        "not declared", citation: "GDPR Art. 30(1)(f); PIPL Art. 19", source: path + ".retention",
                        missing: true),
                records.securityMeasures.map {
                    Cell($0, citation: "GDPR Art. 30(1)(g); PIPL Art. 51", source: "processing.securityMeasures")
                }
                    ?? Cell(
                        "not declared", citation: "GDPR Art. 30(1)(g); PIPL Art. 51",
                        source: "processing.securityMeasures", missing: true),
            ])
        }
        let table = Table(
            columns: [
                H("Purpose", "处理目的"), H("Controller, DPO, representative", "处理者、负责人、代表"),
                H("Legal basis", "处理依据"), H("Data subjects", "个人类别"), H("Personal data", "个人信息种类"),
                H("Sensitive data", "敏感个人信息"), H("Recipients", "接收方"),
                H("Transfers abroad and safeguards", "境外提供及保障措施"), H("Erasure time limit", "保存期限"),
                H("Security measures", "安全保护措施"),
            ], rows: rows)
        var facts = commonFacts(policy, at: instant)
        facts.append(("completeness", missing.isEmpty ? "every item declared" : "\(missing.count) items missing"))
        return ComplianceReport(
            kind: .ropa, title: H("Record of processing activities", "个人信息处理活动记录"),
            basis: "GDPR Art. 30(1)(a)–(g); PIPL Art. 55–56 (records kept at least three years)", facts: facts,
            sections: [Section(H("Processing activities", "处理活动"), tables: [table])], missing: missing)
    }
}

extension String {
    /// The string, or `nil` when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Sensitivity {
    /// The kind's name, or `notSensitive`.
    var kindName: String {
        if case .sensitive(let kind) = self { return kind.rawValue }
        return "notSensitive"
    }
}
