internal import ConsentCore
internal import Foundation

/// What the log knows from the policy about an entry: whether each name in it is declared (the log accepts no other,
/// so no value can pass for a name), each field's class, and the classes that keep an entry from being dropped.
struct AccessClassifier: Sendable {
    private let fieldClasses: [FieldID: String]
    private let sensitiveFields: Set<FieldID>
    private let disclosingPurposes: Set<PurposeID>
    private let purposes: Set<PurposeID>
    private let views: [String: PrivacyView.Kind]
    private let recipients: Set<RecipientID>
    private let destinations: Set<Destination>

    /// The most fields one entry may name.
    static let maximumFields = 4_096

    init(policy: Policy) {
        var classes: [FieldID: String] = [:]
        var sensitive: Set<FieldID> = []
        for field in policy.fields {
            switch policy.sensitivity(of: field.id) {
            case .sensitive(let kind)?:
                classes[field.id] = kind.rawValue
                sensitive.insert(field.id)
            default:
                classes[field.id] = "ordinary"
            }
        }
        fieldClasses = classes
        sensitiveFields = sensitive
        purposes = Set(policy.purposes.map(\.id))
        disclosingPurposes = Set(
            policy.purposes.filter { $0.providesToOthers || $0.crossBorder != nil || $0.sellsOrShares }.map(\.id))
        views = Dictionary(policy.views.map { ($0.id, $0.kind) }, uniquingKeysWith: { first, _ in first })
        recipients = Set(
            policy.purposes.flatMap { $0.thirdParty?.recipients ?? [] } + policy.views.compactMap(\.recipient))
        destinations = Set(
            policy.purposes.flatMap { $0.crossBorder?.destinations ?? [] } + policy.views.compactMap(\.destination))
    }

    /// The entry's classes, or every reason it cannot be logged (each with its path).
    func flags(of entry: AccessEntry, path: JSONPath = JSONPath()) throws(ConsentKitError) -> AccessFlags {
        if let flags = validFlags(of: entry) { return flags }
        return try checkedFlags(of: entry, path: path)
    }

    /// The entry's classes when everything in it is acceptable, else `nil` — the decision path's case, checked
    /// without building any diagnostic.
    private func validFlags(of entry: AccessEntry) -> AccessFlags? {
        guard RFC3339.isRepresentable(entry.instant), AccessActor.problem(withRole: entry.actor.role) == nil,
            purposes.contains(entry.purpose), !entry.fields.isEmpty, entry.fields.count <= Self.maximumFields
        else { return nil }
        if let principal = entry.actor.principal, IdentifierRule.problem(with: principal) != nil { return nil }
        var flags = entry.flags
        for field in entry.fields {
            guard fieldClasses[field] != nil else { return nil }
            if sensitiveFields.contains(field) { flags.insert(.sensitive) }
        }
        if let grant = entry.grant, IdentifierRule.problem(with: grant.rawValue) != nil { return nil }
        if let recipient = entry.recipient {
            guard recipients.contains(recipient) else { return nil }
            flags.insert(.disclosure)
        }
        if let destination = entry.destination {
            guard destinations.contains(destination) else { return nil }
            flags.insert(.disclosure)
        }
        if let view = entry.view {
            guard let kind = views[view] else { return nil }
            if kind == .personalData { flags.insert(.privileged) }
            if kind == .disclosure { flags.insert(.disclosure) }
        }
        if entry.reason.effect == .deny { flags.insert(.denied) }
        if disclosingPurposes.contains(entry.purpose) { flags.insert(.disclosure) }
        return flags
    }

    /// Every reason the entry cannot be logged, thrown with paths.
    private func checkedFlags(of entry: AccessEntry, path: JSONPath) throws(ConsentKitError) -> AccessFlags {
        var problems = DiagnosticCollector(file: nil)
        func fail(_ code: ConsentKitError.Code, _ message: String, _ key: String) {
            problems.fail(code, message, at: path + key)
        }
        if let problem = RFC3339.problem(with: entry.instant) { fail(.invalidDate, problem, "instant") }
        if let problem = AccessActor.problem(withRole: entry.actor.role) { fail(.invalidValue, problem, "role") }
        if let principal = entry.actor.principal, let problem = IdentifierRule.problem(with: principal) {
            fail(.invalidValue, "the principal: \(problem)", "principal")
        }
        if !purposes.contains(entry.purpose) {
            fail(
                .unknownIdentifier,
                "`\(entry.purpose.rawValue.escapingControlCharacters)` is not a purpose the policy declares", "purpose")
        }
        if let view = entry.view, views[view] == nil {
            fail(.unknownIdentifier, "`\(view.escapingControlCharacters)` is not a view the policy declares", "view")
        }
        if entry.fields.isEmpty || entry.fields.count > Self.maximumFields {
            fail(.invalidValue, "an entry names 1 to \(Self.maximumFields) fields, not \(entry.fields.count)", "fields")
        }
        var flags = entry.flags
        for (index, field) in entry.fields.enumerated() {
            if fieldClasses[field] == nil {
                problems.fail(
                    .unknownIdentifier,
                    "`\(field.rawValue.escapingControlCharacters)` is not a field the policy declares",
                    at: path + "fields" + index)
            } else if sensitiveFields.contains(field) {
                flags.insert(.sensitive)
            }
        }
        if let grant = entry.grant, let problem = IdentifierRule.problem(with: grant.rawValue) {
            fail(.invalidValue, problem, "grant")
        }
        if let recipient = entry.recipient, !recipients.contains(recipient) {
            fail(
                .unknownIdentifier,
                "`\(recipient.rawValue.escapingControlCharacters)` is not a recipient the policy declares", "recipient")
        }
        if let destination = entry.destination, !destinations.contains(destination) {
            fail(
                .unknownIdentifier,
                "`\(destination.rawValue.escapingControlCharacters)` is not a destination the policy declares",
                "destination")
        }
        if problems.hasErrors { throw ConsentKitError(reporting: problems.diagnostics) }
        if entry.reason.effect == .deny { flags.insert(.denied) }
        if disclosingPurposes.contains(entry.purpose) || entry.recipient != nil || entry.destination != nil {
            flags.insert(.disclosure)
        }
        if let view = entry.view, let kind = views[view] {
            if kind == .personalData { flags.insert(.privileged) }
            if kind == .disclosure { flags.insert(.disclosure) }
        }
        return flags
    }

    /// Each field's class: `ordinary`, or its kind of sensitive personal information.
    func classes(of fields: [FieldID]) -> [String] { fields.map(className) }

    /// A field's class.
    func className(of field: FieldID) -> String { fieldClasses[field] ?? "ordinary" }
}
