/// The lawful basis on which a purpose processes personal information (PIPL Art. 13).
///
/// Closed by law, so an enum: a `switch` over it is exhaustive.
public enum LegalBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// Art. 13(1): the individual's consent.
    case consent
    /// Art. 13(2): necessary to conclude or perform a contract to which the individual is a party.
    case contract
    /// Art. 13(2): necessary for human-resources management under lawful labour rules and collective contracts.
    case employment
    /// Art. 13(3): necessary to perform a statutory duty or obligation.
    case legalObligation
    /// Art. 13(4): necessary to respond to a public health emergency or protect life, health or property.
    case vitalInterests
    /// Art. 13(5): news reporting and public-opinion supervision in the public interest, within reason.
    case publicInterest
    /// Art. 13(6) and Art. 27: information the individual disclosed or that was lawfully disclosed, within reason.
    case publiclyDisclosed
    /// Art. 13(7): other circumstances provided by laws and administrative regulations.
    case otherLaw

    /// Whether the basis is mandatory — imposed by law rather than chosen by the individual — so that objections,
    /// restrictions and a minor's status never override it (Art. 13(3)–(5), (7)).
    public var isMandatory: Bool {
        switch self {
        case .legalObligation, .vitalInterests, .publicInterest, .otherLaw: true
        case .consent, .contract, .employment, .publiclyDisclosed: false
        }
    }

    /// The provision that establishes the basis.
    public var citation: String {
        switch self {
        case .consent: "PIPL Art. 13(1)"
        case .contract, .employment: "PIPL Art. 13(2)"
        case .legalObligation: "PIPL Art. 13(3)"
        case .vitalInterests: "PIPL Art. 13(4)"
        case .publicInterest: "PIPL Art. 13(5)"
        case .publiclyDisclosed: "PIPL Art. 13(6), Art. 27"
        case .otherLaw: "PIPL Art. 13(7)"
        }
    }
}
