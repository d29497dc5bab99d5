import ConsentKit
import Foundation
import Testing
import _ConsentKitWorkload

/// Random views over a random world's policy, random records, and the leak checks the property tests share.
enum RandomViews {
    static let strings = [
        "段正淳", "欧阳娜娜", "高", "13812345678", "１３８１２３４５６７８", "+86 138 1234 5678", "11010519491231002X",
        "6222020200112233445", "zhang.san@example.cn", "a@b.cn", "北京市海淀区马连洼街道289号", "Ze\u{301}lie",
        "👨‍👩‍👧王", "", "x", "secret-value",
    ]

    static func kind(of outcome: FieldOutcome) -> String {
        switch outcome {
        case .clear: "clear"
        case .masked: "masked"
        case .generalised: "generalised"
        case .pseudonymised: "pseudonymised"
        case .withheld(.denied): "withheld.denied"
        case .withheld(let other): "withheld.\(other.code.dropFirst(5))"
        }
    }

    /// The policy with 1–4 random views that pass validation, or `nil` when none did.
    static func policy(adding base: Policy, random: inout SplitMix64, deidentifyingOnly: Bool = false) -> Policy? {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var views: [PrivacyView] = []
        let patterns = Array(MaskPattern.builtIn.values).sorted { $0.id < $1.id }
        for index in 0..<(1 + Int(random.next() % 4)) {
            let kinds: [PrivacyView.Kind] = deidentifyingOnly ? [.anonymised, .disclosure] : PrivacyView.Kind.allCases
            let kind = pick(kinds)
            let candidates =
                kind == .disclosure
                ? base.purposes.filter { $0.thirdParty?.recipients.isEmpty == false } : base.purposes
            guard !candidates.isEmpty else { continue }
            let purpose = pick(candidates)
            var rules: [ViewRule] = []
            for field in base.fields where random.next() % 3 != 0 {
                let sensitive = base.sensitivity(of: field.id)?.isSensitive ?? false
                var transforms: [FieldTransform] = [
                    .withhold, .mask(pick(patterns)), .generalise(.prefix(keep: 1 + Int(random.next() % 4))),
                ]
                if kind != .anonymised { transforms.append(.pseudonymise) }
                let direct = PrivacyView.directIdentifierCategories.contains { $0.covers(field.category) }
                if !(kind.deidentifies && sensitive) && !(kind == .anonymised && direct) { transforms.append(.clear) }
                if kind == .anonymised && direct { transforms.removeAll { $0.restriction == 1 } }
                rules.append(ViewRule(field: field.id, pick(transforms)))
            }
            // Sometimes a category rule on top, which may overlap.
            if random.next() % 3 == 0 { rules.append(ViewRule(category: "contact", .withhold)) }
            let quasi = kind == .anonymised ? [pick(base.fields).id] : []
            views.append(
                PrivacyView(
                    id: "v\(index)", kind: kind, purpose: purpose.id,
                    recipient: kind == .disclosure || (purpose.thirdParty != nil && random.next() % 2 == 0)
                        ? purpose.thirdParty?.recipients.first : nil,
                    channel: random.next() % 2 == 0 ? purpose.channels.first : nil, rules: rules,
                    withheldFields: random.next() % 4 == 0 ? .omitted : .withheld,
                    justification: kind == .personalData ? "tests" : nil, quasiIdentifiers: quasi,
                    k: kind == .anonymised ? 2 + Int(random.next() % 3) : 0,
                    shortfall: random.next() % 2 == 0 ? .suppress : .generalise))
        }
        // Views that fail validation (a sensitive category rule under a de-identifying kind) are dropped one by one.
        while !views.isEmpty {
            do {
                return try Policy(
                    regime: base.regime, timeZone: base.timeZoneID, minorAge: base.minorAge,
                    ageReachedOn: base.ageReachedOn, categories: base.categories, fields: base.fields,
                    purposes: base.purposes, views: views)
            } catch {
                views.removeLast()
            }
        }
        return nil
    }

    static func record(policy: Policy, subjects: Int, random: inout SplitMix64) -> PersonalRecord {
        let subject = random.next() % 10 == 0 ? "nobody" : "s\(random.next() % UInt64(max(subjects, 1)))"
        var record = PersonalRecord(subject: SubjectID(subject), schema: policy.recordSchema)
        for field in policy.fields where random.next() % 4 != 0 {
            let value = strings[Int(random.next() % UInt64(strings.count))]
            try? record.set(field.id, to: .string(value))
        }
        return record
    }

    /// The leak checks on one output: plain conditions, recording an issue only on failure, so that a million
    /// records stay cheap to check.
    static func checkLeaks(_ shown: RecordView, policy: Policy, view: PrivacyView) {
        if !view.kind.deidentifies && shown.label != .identified && shown.dropped == nil {
            Issue.record("\(view.id): a view that shows the customer id labelled \(shown.label)")
        }
        if view.kind.deidentifies, let subject = shown.shownSubject, !subject.hasPrefix("psn:") {
            Issue.record("\(view.id): de-identifying view shows the customer id \(subject)")
        }
        for (position, outcome) in shown.outcomes.enumerated() {
            guard let outcome else { continue }
            let field = policy.fields[position]
            switch outcome {
            case .clear:
                let sensitive = policy.sensitivity(of: field.id)?.isSensitive ?? false
                if sensitive && shown.label != .identified {
                    Issue.record("\(view.id): sensitive \(field.id) in clear under label \(shown.label)")
                }
                if sensitive && view.kind.deidentifies {
                    Issue.record("\(view.id): de-identifying view shows sensitive \(field.id) in clear")
                }
            case .masked(let text, _):
                if case .mask(let pattern) = view.transform(for: field),
                    VisibleCharacters.count(in: text, original: "", pattern: pattern) > pattern.maximumVisible
                {
                    Issue.record("\(pattern.id) showed \(text)")
                }
            default: break
            }
            if let reason = outcome.reason, reason.effect != .allow, outcome != .withheld(.denied(reason)) {
                Issue.record("\(field.id) shown with a deny reason \(reason)")
            }
        }
    }
}
