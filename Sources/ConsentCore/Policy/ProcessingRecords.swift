/// What a record of processing activities (GDPR Art. 30(1); PIPL Art. 55–56) and an impact assessment need that
/// deciding does not: who the controller is, whom to contact, how long data is kept, whom it is about, what protects
/// it. Declared in the policy's `processing` block, so that `consent report ropa` and `pipia` derive their rows from
/// the same file the decisions come from — and name each item that is missing instead of printing "N/A".
public struct ProcessingRecords: Sendable, Hashable {
    /// A party named in the record: a name and a way to reach it.
    public struct Party: Sendable, Hashable {
        /// The name.
        public var name: String
        /// An address, e-mail or telephone number.
        public var contact: String

        /// Creates a party.
        public init(name: String, contact: String) {
            self.name = name
            self.contact = contact
        }
    }

    /// What the record says about one purpose.
    public struct PurposeRecord: Sendable, Hashable {
        /// The categories of people whose data it processes (GDPR Art. 30(1)(c)), such as `customers`, `children`.
        public var dataSubjects: [String]
        /// How long the data is kept, or when it is erased (GDPR Art. 30(1)(f); PIPL Art. 19).
        public var retention: String?
        /// Whether the processing otherwise has a major impact on individuals (PIPL Art. 55(5)): a judgement the
        /// policy records; `nil` means not assessed yet.
        public var majorImpact: Bool?

        /// Creates a purpose's record.
        public init(dataSubjects: [String] = [], retention: String? = nil, majorImpact: Bool? = nil) {
            self.dataSubjects = dataSubjects
            self.retention = retention
            self.majorImpact = majorImpact
        }
    }

    /// The controller (PIPL's personal information processor): GDPR Art. 30(1)(a).
    public var controller: Party?
    /// The representative in the EU (GDPR Art. 27) or in China (PIPL Art. 53), if one is required.
    public var representative: Party?
    /// The data protection officer (GDPR Art. 37) or person in charge of personal information protection (PIPL
    /// Art. 52).
    public var protectionOfficer: Party?
    /// A general description of the technical and organisational security measures (GDPR Art. 30(1)(g), Art. 32;
    /// PIPL Art. 51).
    public var securityMeasures: String?
    /// Each purpose's record, by purpose.
    public var purposes: [PurposeID: PurposeRecord]

    /// Creates records; all parts optional (a report names what is missing).
    public init(
        controller: Party? = nil, representative: Party? = nil, protectionOfficer: Party? = nil,
        securityMeasures: String? = nil, purposes: [PurposeID: PurposeRecord] = [:]
    ) {
        self.controller = controller
        self.representative = representative
        self.protectionOfficer = protectionOfficer
        self.securityMeasures = securityMeasures
        self.purposes = purposes
    }

    /// Whether nothing is declared.
    public var isEmpty: Bool { self == ProcessingRecords() }
}
