package import ConsentCore

extension JSONReader {
    /// Free text an event records: a string within ``TextRule``.
    package mutating func text(_ value: JSONValue, at path: JSONPath) -> String? {
        guard let text = string(value, at: path) else { return nil }
        if let problem = TextRule.problem(with: text) {
            fail(.invalidValue, problem, at: path)
            return nil
        }
        return text
    }

    /// A channel of `consentkit.policy/1`.
    package mutating func channel(_ value: JSONValue, at path: JSONPath) -> Channel? {
        guard let name = string(value, at: path) else { return nil }
        guard Channel.knownChannels.contains(Channel(name)) else {
            let known = Channel.knownChannels.map { "`\($0)`" }.joined(separator: ", ")
            fail(.invalidValue, "`\(name)` is not one of \(known)", at: path)
            return nil
        }
        return Channel(name)
    }

    /// A regime id a built-in profile has.
    package mutating func regime(_ value: JSONValue, at path: JSONPath) -> Regime? {
        guard let name = string(value, at: path) else { return nil }
        guard let regime = customRegimes[name] ?? Regime(named: name) else {
            fail(
                .unknownIdentifier,
                "unknown regime `\(name.escapingControlCharacters)`; expected `PIPL`, `GDPR`, `GDPR-<country>` (EU/EEA, "
                    + "e.g. `GDPR-FR`), `CCPA`, `LGPD` or `PDPA-TH`",
                at: path)
            return nil
        }
        return regime
    }

    /// A subject's or a policy's `regimes`: a non-empty list of regime ids, none twice. All or nothing.
    package mutating func regimes(_ value: JSONValue, at path: JSONPath) -> [Regime]? {
        let before = diagnostics.count
        var seen: Set<String> = []
        let list = array(value, at: path, nonEmpty: true) { reader, item, itemPath -> Regime? in
            guard let regime = reader.regime(item, at: itemPath) else { return nil }
            if !seen.insert(regime.name).inserted {
                reader.fail(.duplicateIdentifier, "`\(regime.name)` is listed twice", at: itemPath)
            }
            return regime
        }
        return diagnostics.count == before ? list : nil
    }

    /// An `ageRange`: `{"min", "max"}` whole years, neither negative, `min` not above `max`.
    package mutating func ageRange(_ value: JSONValue, at path: JSONPath) -> AgeRange? {
        guard let object = object(value, at: path, allowed: ["min", "max"]) else { return nil }
        let low = required(object, "min", at: path) { $0.integer($1, at: $2, in: 0...200) }
        let high = required(object, "max", at: path) { $0.integer($1, at: $2, in: 0...200) }
        guard let low, let high else { return nil }
        guard let range = AgeRange(min: low, max: high) else {
            fail(.invalidValue, "`min` \(low) is greater than `max` \(high)", at: path)
            return nil
        }
        return range
    }
}
