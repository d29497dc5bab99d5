/// The lawful basis on which a purpose processes personal information.
///
/// Closed by law, so an enum: a `switch` over it is exhaustive. PIPL's bases (Art. 13) come first; the others
/// belong to the regimes that list them (see ``RegimeProfile/bases``), and a purpose may only claim a basis its
/// regimes have.
public enum LegalBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// The individual's consent (PIPL 13(1); GDPR 6(1)(a); LGPD 7 I; PDPA 19; CCPA opt-in).
    case consent
    /// Necessary to conclude or perform a contract with the individual (PIPL 13(2); GDPR 6(1)(b); LGPD 7 V;
    /// PDPA 24(3)).
    case contract
    /// PIPL 13(2): necessary for human-resources management under lawful labour rules and collective contracts.
    case employment
    /// Necessary to perform a statutory duty or obligation (PIPL 13(3); GDPR 6(1)(c); LGPD 7 II; PDPA 24(6);
    /// CCPA 1798.145(a)(1)).
    case legalObligation
    /// Necessary to protect life, health or property, or a public-health emergency (PIPL 13(4); GDPR 6(1)(d);
    /// LGPD 7 VII; PDPA 24(2)).
    case vitalInterests
    /// PIPL 13(5): news reporting and public-opinion supervision in the public interest, within reason.
    case publicInterest
    /// Information the individual disclosed or that was lawfully disclosed, within reason (PIPL 13(6), 27;
    /// LGPD 7 §4).
    case publiclyDisclosed
    /// PIPL 13(7): other circumstances provided by laws and administrative regulations.
    case otherLaw
    /// The controller's or a third party's legitimate interests, balanced against the individual's (GDPR 6(1)(f);
    /// LGPD 7 IX, 10; PDPA 24(5)).
    case legitimateInterests
    /// A task carried out in the public interest or in the exercise of official authority (GDPR 6(1)(e);
    /// LGPD 7 III; PDPA 24(4)).
    case publicTask
    /// Research, archives or statistics (LGPD 7 IV; PDPA 24(1)).
    case research
    /// Establishing, exercising or defending legal claims (LGPD 7 VI; GDPR 9(2)(f), 17(3)(e); PDPA 26(4);
    /// CCPA 1798.145(a)(4)).
    case legalClaims
    /// LGPD 7 X: protection of credit.
    case creditProtection
    /// LGPD 7 VIII: health protection, by health professionals, health services or health authorities.
    case healthProtection
    /// LGPD 14 §3: a one-off use of a child's data to contact a parent or guardian, or to protect the child.
    case childContact
    /// CCPA 1798.100: a purpose disclosed at collection, under the notice-and-opt-out model.
    case disclosedPurpose

    /// Whether the basis is mandatory — imposed by law rather than chosen by the individual — so that objections,
    /// opt-outs, restrictions and a minor's status never override it: `legalObligation`, `vitalInterests` and
    /// `legalClaims` in every regime, and PIPL's `publicInterest` and `otherLaw` (PIPL Art. 13(3)–(5), (7)).
    public var isMandatory: Bool {
        switch self {
        case .legalObligation, .vitalInterests, .publicInterest, .otherLaw, .legalClaims: true
        case .consent, .contract, .employment, .publiclyDisclosed, .legitimateInterests, .publicTask, .research,
            .creditProtection, .healthProtection, .childContact, .disclosedPurpose:
            false
        }
    }

    /// The provisions that establish the basis, in every regime that has it.
    public var citation: String {
        switch self {
        case .consent: "PIPL Art. 13(1)"
        case .contract, .employment: "PIPL Art. 13(2)"
        case .legalObligation: "PIPL Art. 13(3)"
        case .vitalInterests: "PIPL Art. 13(4)"
        case .publicInterest: "PIPL Art. 13(5)"
        case .publiclyDisclosed: "PIPL Art. 13(6), Art. 27"
        case .otherLaw: "PIPL Art. 13(7)"
        case .legitimateInterests: "GDPR Art. 6(1)(f); LGPD Art. 7 IX, Art. 10; PDPA Sec. 24(5)"
        case .publicTask: "GDPR Art. 6(1)(e); LGPD Art. 7 III; PDPA Sec. 24(4)"
        case .research: "LGPD Art. 7 IV; PDPA Sec. 24(1)"
        case .legalClaims: "LGPD Art. 7 VI; GDPR Art. 9(2)(f), 17(3)(e); PDPA Sec. 26(4); CCPA 1798.145(a)(4)"
        case .creditProtection: "LGPD Art. 7 X"
        case .healthProtection: "LGPD Art. 7 VIII, Art. 11 II(f)"
        case .childContact: "LGPD Art. 14 §3"
        case .disclosedPurpose: "CCPA 1798.100(a)–(c); CCPA Regs § 7002"
        }
    }
}
