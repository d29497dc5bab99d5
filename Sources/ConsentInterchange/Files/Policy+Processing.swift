package import ConsentCore

/// Reading and writing the policy file's `processing` block (Formats.md, "Records of processing").
extension Policy {
    /// `processing`: the controller, representative, protection officer, security measures and per-purpose records.
    package static func readProcessing(_ value: JSONValue, at path: JSONPath, reader: inout JSONReader)
        -> ProcessingRecords?
    {
        let keys = ["controller", "representative", "protectionOfficer", "securityMeasures", "purposes"]
        guard let object = reader.object(value, at: path, allowed: keys) else { return nil }
        func party(_ key: String) -> ProcessingRecords.Party? {
            reader.optional(object, key, at: path) { reader, value, partyPath -> ProcessingRecords.Party? in
                guard let party = reader.object(value, at: partyPath, allowed: ["name", "contact"]) else { return nil }
                let name = reader.required(party, "name", at: partyPath) { $0.string($1, at: $2) }
                let contact = reader.required(party, "contact", at: partyPath) { $0.string($1, at: $2) }
                guard let name, let contact else { return nil }
                return ProcessingRecords.Party(name: name, contact: contact)
            }
        }
        var records = ProcessingRecords(
            controller: party("controller"), representative: party("representative"),
            protectionOfficer: party("protectionOfficer"),
            securityMeasures: reader.optional(object, "securityMeasures", at: path) { $0.string($1, at: $2) })
        if let purposes = reader.optional(
            object, "purposes", at: path,
            { reader, value, purposesPath in
                reader.object(value, at: purposesPath, allowed: nil)
            })
        {
            for (key, item) in purposes.members {
                let itemPath = path + "purposes" + key
                guard
                    let record = reader.object(
                        item, at: itemPath, allowed: ["dataSubjects", "retention", "majorImpact"])
                else { continue }
                let subjects =
                    reader.optional(record, "dataSubjects", at: itemPath) { reader, value, listPath in
                        reader.array(value, at: listPath) { reader, element, elementPath in
                            reader.string(element, at: elementPath)
                        }
                    } ?? []
                records.purposes[PurposeID(key)] = ProcessingRecords.PurposeRecord(
                    dataSubjects: subjects,
                    retention: reader.optional(record, "retention", at: itemPath) { $0.string($1, at: $2) },
                    majorImpact: reader.optional(record, "majorImpact", at: itemPath) { $0.bool($1, at: $2) })
            }
        }
        return records
    }

    /// The `processing` block as JSON (purposes in id order).
    package var processingJSON: JSONValue {
        var object = JSONObject()
        for (key, party) in [
            ("controller", processing.controller), ("representative", processing.representative),
            ("protectionOfficer", processing.protectionOfficer),
        ] {
            if let party {
                object.members.append((key, .object(["name": .string(party.name), "contact": .string(party.contact)])))
            }
        }
        if let measures = processing.securityMeasures { object.members.append(("securityMeasures", .string(measures))) }
        if !processing.purposes.isEmpty {
            var purposes = JSONObject()
            for (purpose, record) in processing.purposes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                var item = JSONObject()
                if !record.dataSubjects.isEmpty {
                    item.members.append(("dataSubjects", .array(record.dataSubjects.map(JSONValue.string))))
                }
                if let retention = record.retention { item.members.append(("retention", .string(retention))) }
                if let impact = record.majorImpact { item.members.append(("majorImpact", .bool(impact))) }
                purposes.members.append((purpose.rawValue, .object(item)))
            }
            object.members.append(("purposes", .object(purposes)))
        }
        return .object(object)
    }
}
