public import ConsentCore
public import Foundation

/// The privacy-views workload shared by `consent bench --views` and Benchmarks/: the standard workload's policy
/// with two of its fields typed as dates, one contract purpose over all 40 fields, and views over it — decisions
/// only, 8 masks and 2 age bands, the same with 2 pseudonyms, an opt-out view and an anonymised view — plus
/// realistic records for its subjects.
public struct ViewWorkload: Sendable {
    /// The policy with the views.
    public let policy: Policy
    /// The standard workload's events, under ``policy``.
    public let ledger: ConsentLedger
    /// One record per subject, every field filled.
    public let records: [PersonalRecord]
    /// The instant views are projected at.
    public let instant: Date

    /// The views' ids.
    public static let decisionsOnly = "bench.decisions"
    public static let masked = "bench.masked"
    public static let pseudonymised = "bench.pseudonymised"
    public static let optOut = "bench.optOut"
    public static let anonymised = "bench.anonymised"

    /// Builds the workload from the standard one.
    public init(_ workload: SyntheticWorkload) throws(ConsentKitError) {
        let base = workload.policy
        func first(_ category: CategoryID) -> FieldDefinition { base.fields.first { $0.category == category }! }
        let dates: Set<CategoryID> = ["demographic.birthDate", "demographic.ageBand"]
        let fields = base.fields.map { field in
            dates.contains(field.category) ? FieldDefinition(field.id, category: field.category, type: .date) : field
        }
        let crm = Purpose("bench.crm", basis: .contract, fields: fields.map(\.id))
        let name = first("identity.name").id
        let email = first("contact.email").id
        let phone = first("contact.phone").id
        let address = first("contact.address").id
        let masks: [ViewRule] = [
            ViewRule(field: name, .mask(MaskPattern.builtIn["chineseName"]!)),
            ViewRule(field: email, .mask(MaskPattern.builtIn["email"]!)),
            ViewRule(field: phone, .mask(MaskPattern.builtIn["mobile"]!)),
            ViewRule(field: address, .mask(MaskPattern.builtIn["address"]!)),
            ViewRule(field: first("contact.wechat").id, .mask(MaskPattern(id: "firstTwo", keepFirst: 2))),
            ViewRule(field: first("identity.customerNumber").id, .mask(MaskPattern(id: "lastFour", keepLast: 4))),
            ViewRule(field: first("device.id").id, .mask(MaskPattern(id: "lastFour", keepLast: 4))),
            ViewRule(field: first("device.advertisingId").id, .mask(MaskPattern(id: "lastFour", keepLast: 4))),
            ViewRule(field: first("demographic.birthDate").id, .generalise(.ageBand(bounds: [14, 18, 30, 45, 60]))),
            ViewRule(field: first("demographic.ageBand").id, .generalise(.ageBand(bounds: [14, 18, 30, 45, 60]))),
        ]
        let clearRest = ViewRule(category: "behaviour", .clear)
        let views = [
            PrivacyView(
                id: Self.decisionsOnly, kind: .personalData, purpose: crm.id, justification: "benchmark"),
            PrivacyView(
                id: Self.masked, kind: .personalData, purpose: crm.id, rules: masks, justification: "benchmark"),
            PrivacyView(
                id: Self.pseudonymised, kind: .personalData, purpose: crm.id,
                rules: masks.filter { ![name, phone].contains($0.field) }
                    + [ViewRule(field: name, .pseudonymise), ViewRule(field: phone, .pseudonymise)],
                justification: "benchmark"),
            PrivacyView(
                id: Self.optOut, kind: .optOut, purpose: "marketing.email",
                rules: [ViewRule(field: email, .clear), clearRest]),
            PrivacyView(
                id: Self.anonymised, kind: .anonymised, purpose: crm.id,
                rules: [
                    ViewRule(
                        field: first("demographic.birthDate").id, .generalise(.ageBand(bounds: [14, 18, 30, 45, 60]))),
                    ViewRule(field: first("demographic.gender").id, .clear),
                    ViewRule(field: first("loyalty.tier").id, .clear),
                ],
                quasiIdentifiers: [
                    first("demographic.birthDate").id, first("demographic.gender").id, first("loyalty.tier").id,
                ],
                k: 5, shortfall: .generalise),
        ]
        policy = try Policy(
            categories: base.categories, fields: fields, purposes: base.purposes + [crm], views: views)
        var ledger = ConsentLedger(policy: policy)
        for entry in workload.ledger.entries { try ledger.append(entry.event) }
        self.ledger = ledger
        instant = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28, inside the workload's window

        var random = SplitMix64(seed: workload.seed ^ 0x5EED)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        let surnames = ["王", "李", "张", "刘", "陈", "欧阳", "司马", "段"]
        let given = ["娜娜", "建国", "小明", "伟", "芳", "正淳"]
        var records: [PersonalRecord] = []
        for subject in ledger.subjects {
            var record = PersonalRecord(subject: subject, schema: policy.recordSchema)
            for field in fields {
                let value: FieldValue
                switch field.category {
                case "identity.name": value = .string(surnames[below(surnames.count)] + given[below(given.count)])
                case "contact.email": value = .string("customer\(below(100_000))@example.cn")
                case "contact.phone": value = .string("13\(below(10))\(String(10_000_000 + below(89_999_999)))")
                case "contact.address": value = .string("北京市海淀区马连洼街道\(below(999))号")
                case "demographic.gender": value = .string(below(2) == 0 ? "female" : "male")
                case "loyalty.tier": value = .string(["bronze", "silver", "gold"][below(3)])
                default:
                    if field.type == .date {
                        value = .date(CalendarDate(year: 1950 + below(70), month: 1 + below(12), day: 1 + below(28))!)
                    } else {
                        value = .string("v\(below(1_000_000))-\(field.id.rawValue)")
                    }
                }
                record.setChecked(value, at: policy.recordSchema.position(of: field.id)!)
            }
            records.append(record)
        }
        self.records = records
    }
}

extension ViewRule {
    /// The field a field rule names.
    fileprivate var field: FieldID? {
        if case .field(let id) = target { id } else { nil }
    }
}
