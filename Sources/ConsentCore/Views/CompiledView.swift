internal import Foundation

/// A ``PrivacyView`` resolved against a compiled policy, once: per field its transform, whether the purpose
/// declares it, whether it is sensitive or a direct identifier; the question's indices; the pseudonymiser. Project
/// records through it with ``ConsentEngine/view(of:as:at:)``.
///
/// ```swift
/// let view = try engine.compiled.view("crm.standard")
/// let shown = engine.view(of: record, as: view, at: .now)
/// ```
public struct CompiledView: Sendable {
    /// The declaration.
    public let view: PrivacyView
    /// The layout of the records it projects.
    public let schema: RecordSchema
    /// The id of the key pseudonyms are made with, or `nil` when the view has none (its pseudonymised fields are
    /// then withheld).
    public var pseudonymKeyID: String? { pseudonymiser?.keyID }

    /// What the projection loop reads per field: plain bytes, so the loop copies no reference-counted value.
    struct FieldPlan: Sendable {
        enum Action: UInt8, Sendable {
            case clear, withhold, pseudonymise, transform
        }
        var action: Action
        var declared: Bool
        var sensitive: Bool
        var directIdentifier: Bool
    }

    /// The declaration's kind, id and output choice, kept beside it: reading them through ``view`` on the
    /// projection path would copy the whole declaration, rules and all, once per record.
    let kind: PrivacyView.Kind
    let id: String
    let omitsWithheld: Bool

    let plans: [FieldPlan]
    /// Each field's transform, read only for ``FieldPlan/Action/transform``.
    let transforms: [FieldTransform]
    let question: CompiledQuestion
    let pseudonymiser: Pseudonymiser?
    /// A field the purpose declares, asked first by opt-out views: an opt-out or objection denies every field.
    let probeField: Int32?
    /// Positions of the quasi-identifiers in the schema.
    let quasiIdentifiers: [Int]
    /// Positions of the date fields holding a birth date, which say whether a customer is a minor.
    let birthDateFields: [Int]
    let policy: Policy

    init(_ view: PrivacyView, compiled: CompiledPolicy, key: PseudonymKey?) {
        let policy = compiled.policy
        self.view = view
        self.kind = view.kind
        self.id = view.id
        self.omitsWithheld = view.withheldFields == .omitted || view.kind == .anonymised
        self.policy = policy
        self.schema = policy.recordSchema
        let purpose = policy.purpose(view.purpose)
        transforms = policy.fields.map { view.transform(for: $0) }
        plans = zip(policy.fields, transforms).map { field, transform in
            FieldPlan(
                action: Self.action(transform),
                declared: purpose.map { policy.purpose($0, declares: field) } ?? false,
                sensitive: policy.sensitivity(of: field.id)?.isSensitive ?? false,
                directIdentifier: PrivacyView.directIdentifierCategories.contains { $0.covers(field.category) })
        }
        question = compiled.compile(
            ConsentQuestion(
                subject: SubjectID(""), purpose: view.purpose, field: policy.fields.first?.id ?? FieldID(""),
                at: Date(timeIntervalSince1970: 0), recipient: view.recipient, destination: view.destination,
                channel: view.channel))
        pseudonymiser = key?.pseudonymiser(purpose: view.purpose, recipient: view.recipient)
        probeField = plans.firstIndex(where: \.declared).map(Int32.init)
        quasiIdentifiers = view.quasiIdentifiers.compactMap { policy.recordSchema.position(of: $0) }
        birthDateFields = policy.fields.indices.filter {
            policy.fields[$0].type == .date && CategoryID.demographicBirthDate.covers(policy.fields[$0].category)
        }
    }

    /// The same view with its quasi-identifiers generalised one level more (k-anonymity's second try), or `nil`
    /// when none can get coarser.
    func coarser() -> CompiledView? {
        var changed = false
        var transforms = self.transforms
        for position in quasiIdentifiers {
            if case .generalise(let generalisation) = transforms[position],
                let coarser = generalisation.coarser(minorAge: policy.minorAge)
            {
                transforms[position] = .generalise(coarser)
                changed = true
            }
        }
        guard changed else { return nil }
        return CompiledView(copying: self, transforms: transforms)
    }

    static func action(_ transform: FieldTransform) -> FieldPlan.Action {
        switch transform {
        case .clear: .clear
        case .withhold: .withhold
        case .pseudonymise: .pseudonymise
        case .mask, .generalise: .transform
        }
    }

    private init(copying other: CompiledView, transforms: [FieldTransform]) {
        self.view = other.view
        self.kind = other.kind
        self.id = other.id
        self.omitsWithheld = other.omitsWithheld
        self.schema = other.schema
        self.transforms = transforms
        self.plans = zip(other.plans, transforms).map { plan, transform in
            var plan = plan
            plan.action = Self.action(transform)
            return plan
        }
        self.question = other.question
        self.pseudonymiser = other.pseudonymiser
        self.probeField = other.probeField
        self.quasiIdentifiers = other.quasiIdentifiers
        self.birthDateFields = other.birthDateFields
        self.policy = other.policy
    }
}

extension CompiledPolicy {
    /// The policy's view `id`, compiled; with a `key`, its pseudonymised fields get keyed pseudonyms (without one
    /// they are withheld, never hashed without a key).
    ///
    /// - Throws: ``ConsentKitError`` `unknownIdentifier` when the policy declares no such view.
    public func view(_ id: String, key: PseudonymKey? = nil) throws(ConsentKitError) -> CompiledView {
        guard let view = policy.view(id) else {
            let known = policy.views.map { "`\($0.id)`" }.joined(separator: ", ")
            throw ConsentKitError(
                code: .unknownIdentifier,
                message: "the policy declares no view `\(id.escapingControlCharacters)`"
                    + (known.isEmpty ? " (it declares none)" : "; it declares \(known)"),
                location: InputLocation(path: "views"))
        }
        return CompiledView(view, compiled: self, key: key)
    }
}

extension CompiledView {
    /// Whether any field can come out pseudonymised: a `pseudonymise` rule, or a mask whose short values fall back
    /// to pseudonyms.
    public var usesPseudonyms: Bool {
        transforms.contains { transform in
            switch transform {
            case .pseudonymise: true
            case .mask(let pattern): pattern.shortValue == .pseudonymise
            default: false
            }
        }
    }
}
