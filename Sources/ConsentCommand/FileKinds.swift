internal import ConsentKit
internal import Foundation

/// Loading the files a command names, and recognising a file given in the wrong place: a ledger where a policy was
/// expected (or the reverse) is reported as probably swapped, not as the syntax error it also is.
enum FileKinds {
    /// What a file looks like from its first bytes.
    enum Kind: Equatable {
        case policy, regimeOverlay, scenarios, ledger, unknown
    }

    /// How much of a file recognising it looks at.
    static let sniffLength = 65_536

    /// Recognises a file from its first bytes (at most ``sniffLength``): JSON Lines whose first line is an object
    /// with an event `type` is a ledger; otherwise the first `format` key says.
    static func kind(of data: Data) -> Kind {
        let head = Array(data.prefix(sniffLength))
        let firstLine = head.firstIndex(of: UInt8(ascii: "\n")).map { Array(head[..<$0]) } ?? head
        if case .object(let first)? = try? JSONParser.parse(firstLine), first["type"] != nil, first["format"] == nil {
            return .ledger
        }
        let text = String(decoding: head, as: UTF8.self)
        guard let key = text.range(of: "\"format\""),
            let open = text[key.upperBound...].firstIndex(of: "\""),
            let close = text[text.index(after: open)...].firstIndex(of: "\"")
        else { return .unknown }
        let format = text[text.index(after: open)..<close]
        if format.hasPrefix("consentkit.policy/") { return .policy }
        if format.hasPrefix("consentkit.regime/") { return .regimeOverlay }
        if format.hasPrefix("consentkit.scenarios/") { return .scenarios }
        return .unknown
    }

    /// Recognises the file at `path` from its first bytes, reading no more of it.
    static func kind(of path: String) -> Kind {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unknown }
        defer { try? handle.close() }
        return kind(of: (try? handle.read(upToCount: sniffLength)) ?? Data())
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
