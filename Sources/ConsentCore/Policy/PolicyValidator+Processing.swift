extension PolicyValidator {
    /// The `processing` block: every purpose it describes is declared, and every text is a text a record can hold
    /// (no control characters, bounded), each problem with its path.
    package mutating func validate(processing: ProcessingRecords, at path: JSONPath, purposes: [Purpose]) {
        func text(_ value: String, at path: JSONPath) {
            if value.isEmpty {
                collector.fail(.invalidValue, "must not be empty", at: path)
            } else if let problem = TextRule.problem(with: value) {
                collector.fail(.invalidValue, problem, at: path)
            }
        }
        for (key, party) in [
            ("controller", processing.controller), ("representative", processing.representative),
            ("protectionOfficer", processing.protectionOfficer),
        ] {
            guard let party else { continue }
            text(party.name, at: path + key + "name")
            text(party.contact, at: path + key + "contact")
        }
        if let measures = processing.securityMeasures { text(measures, at: path + "securityMeasures") }
        let declared = Set(purposes.map(\.id))
        for (purpose, record) in processing.purposes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let purposePath = path + "purposes" + purpose.rawValue
            if !declared.contains(purpose) {
                collector.fail(
                    .unknownIdentifier,
                    "`\(purpose.rawValue.escapingControlCharacters)` is not a purpose the policy declares",
                    at: purposePath)
            }
            for (index, subjects) in record.dataSubjects.enumerated() {
                text(subjects, at: purposePath + "dataSubjects" + index)
            }
            if let retention = record.retention { text(retention, at: purposePath + "retention") }
        }
    }
}
