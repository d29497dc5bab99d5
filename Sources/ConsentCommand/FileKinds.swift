internal import ConsentKit
internal import Foundation

/// Loading the files a command names, and recognising a file given in the wrong place: a ledger where a policy was
/// expected (or the reverse) is reported as probably swapped, not as the syntax error it also is.
enum FileKinds {
    /// What a file looks like from its first bytes.
    enum Kind: Equatable {
        case policy, regimeOverlay, scenarios, ledger, unknown
    }

    /// Recognises a file: JSON Lines whose first line is an object with an event `type` is a ledger; otherwise the
    /// document's top-level `format` says.
    static func kind(of path: String) -> Kind {
        guard let data = try? FileInput.read(path) else { return .unknown }
        let bytes = Array(data)
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
            case .object(let first)? = try? JSONParser.parse(Array(bytes[..<newline])), first["type"] != nil
        {
            return .ledger
        }
        guard case .object(let object)? = try? JSONParser.parse(bytes) else { return .unknown }
        // A one-event ledger without a final newline.
        if object["type"] != nil && object["format"] == nil { return .ledger }
        guard case .string(let format)? = object["format"] else { return .unknown }
        if format.hasPrefix("consentkit.policy/") { return .policy }
        if format.hasPrefix("consentkit.regime/") { return .regimeOverlay }
        if format.hasPrefix("consentkit.scenarios/") { return .scenarios }
        return .unknown
    }

    /// The policy at `path`; a file that looks like a ledger says the two were probably swapped.
    static func policy(at path: String) throws(ConsentKitError) -> Policy {
        do {
            return try Policy(contentsOfFile: path)
        } catch {
            if kind(of: path) == .ledger {
                throw .argument(
                    "`\(path.escapingControlCharacters)` looks like a ledger (JSON Lines of events), not a policy: "
                        + "were `--policy` and `--ledger` swapped?")
            }
            throw error
        }
    }

    /// The ledger at `path`, checked against `policy`; a file that looks like a policy says the two were probably
    /// swapped.
    static func ledger(policy: Policy, at path: String) throws(ConsentKitError) -> ConsentLedger {
        do {
            return try ConsentLedger(policy: policy, contentsOfFile: path)
        } catch {
            if kind(of: path) == .policy {
                throw .argument(
                    "`\(path.escapingControlCharacters)` looks like a policy, not a ledger: "
                        + "were `--policy` and `--ledger` swapped?")
            }
            throw error
        }
    }
}
