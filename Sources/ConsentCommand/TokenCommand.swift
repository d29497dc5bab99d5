internal import ConsentKit
internal import Foundation

/// `consent token issue` and `consent token verify`: signed consent tokens (Documentation/Tokens.md).
enum TokenCommand {
    static let usage = """
        usage: consent token issue --policy POLICY --ledger LEDGER (--grant ID | --subject S)
                                   --issuer I --audience A --key-id K (--key-file PATH | --key-env NAME)
                                   [--at INSTANT] [--ttl SECONDS]
               consent token verify TOKEN --audience A --key-id K (--key-file PATH | --key-env NAME)
                                   [--at INSTANT] [--leeway SECONDS] [--json]

        issue prints a token for one grant of the ledger (--grant) or for a subject's consent as of INSTANT
        (--subject), valid from INSTANT (default now) for --ttl seconds (default 3600).
        verify checks a token and prints what it carries; it exits 1 when the token is refused, naming the reason
        (malformed, unsupportedVersion, unknownKey, badSignature, expired, notYetValid, wrongAudience).
        The key is the content of a file or of an environment variable (one trailing newline ignored), at least
        32 bytes; it is never accepted as a command-line argument, where other users could read it.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        try KeyOptions.refuseInlineSecrets(arguments)
        switch arguments.first {
        case "issue": return try issue(Array(arguments.dropFirst()), output: output)
        case "verify": return try verify(Array(arguments.dropFirst()), output: output)
        case let other?: throw .argument("unknown token command `\(other)`; expected `issue` or `verify`")
        case nil: throw .argument("expected `issue` or `verify`")
        }
    }

    private static func issue(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments,
            options: [
                "policy", "ledger", "grant", "subject", "issuer", "audience", "key-id", "key-file", "key-env", "at",
                "ttl",
            ], flags: [])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        let ring = try keyRing(parsed, output: output)
        let policy = try Policy(contentsOfFile: try parsed.required("policy"))
        let ledger = try ConsentLedger(policy: policy, contentsOfFile: try parsed.required("ledger"))
        let instant = try parsed.instant()
        let ttl =
            try parsed.option("ttl").map { (text) throws(ConsentKitError) -> TimeInterval in
                guard let value = Int(text), value >= 1 else {
                    throw .argument("`--ttl` must be a whole number of seconds")
                }
                return TimeInterval(value)
            } ?? 3600
        let content: ConsentToken.Content
        switch (parsed.option("grant"), parsed.option("subject")) {
        case (let id?, nil):
            guard let grant = ledger.grant(GrantID(id)) else {
                throw ConsentKitError(
                    code: .unknownIdentifier, message: "the ledger has no grant `\(id)`",
                    location: InputLocation(path: "--grant"))
            }
            content = .grant(grant)
        case (nil, let subject?):
            content = .snapshot(try ConsentSnapshot(SubjectID(subject), from: ledger, at: instant))
        default:
            throw .argument("give exactly one of `--grant ID` and `--subject S`")
        }
        let text = try ring.issue(
            content, issuer: try parsed.required("issuer"), audience: try parsed.required("audience"),
            issuedAt: instant, lifetime: ttl)
        output.out(text + "\n")
        return .success
    }

    private static func verify(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments, options: ["audience", "key-id", "key-file", "key-env", "at", "leeway"], flags: ["json"])
        guard parsed.positional.count == 1 else { throw .argument("expected one token to verify") }
        let ring = try keyRing(parsed, output: output)
        let leeway =
            try parsed.option("leeway").map { (text) throws(ConsentKitError) -> TimeInterval in
                guard let value = Int(text), value >= 0, Double(value) <= TokenKeyRing.maximumLeeway else {
                    throw .argument("`--leeway` must be whole seconds from 0 to 86400")
                }
                return TimeInterval(value)
            } ?? 0
        let audience = try parsed.required("audience")
        let instant = try parsed.instant()
        let token: ConsentToken
        do {
            token = try ring.verify(parsed.positional[0], audience: audience, at: instant, leeway: leeway)
        } catch {
            if parsed.flag("json") {
                let object: JSONObject = [
                    "valid": .bool(false), "reason": .string(Self.reason(for: error.code)),
                    "message": .string(error.message),
                ]
                output.out(JSONValue.object(object).serialized() + "\n")
            } else {
                output.err("consent token verify: refused: \(Self.reason(for: error.code)): \(error)\n")
            }
            return .failure
        }
        let json = json(token)
        output.out(parsed.flag("json") ? json.serialized() + "\n" : json.serialized(pretty: true) + "\n")
        return .success
    }

    /// The one-key ring the options name: the key is read from a file or the environment, never an argument.
    private static func keyRing(_ parsed: Arguments, output: CommandOutput) throws(ConsentKitError) -> TokenKeyRing {
        let id = try parsed.required("key-id")
        let secret = try KeyOptions.secret(parsed, output: output)
        return try TokenKeyRing(keys: [try TokenKey(id: id, secret: secret)], signingKeyID: id)
    }

    private static func json(_ token: ConsentToken) -> JSONValue {
        var object: JSONObject = [
            "valid": .bool(true), "issuer": .string(token.issuer), "keyId": .string(token.keyID),
            "audience": .string(token.audience), "issuedAt": .string(RFC3339.format(token.issuedAt)),
            "expiresAt": .string(RFC3339.format(token.expiresAt)),
        ]
        switch token.content {
        case .grant(let grant):
            object.members.append(("grant", ConsentEvent.grant(grant).jsonValue))
        case .snapshot(let snapshot):
            object.members.append(
                (
                    "snapshot",
                    .object([
                        "subject": .string(snapshot.subject.rawValue), "at": .string(RFC3339.format(snapshot.at)),
                        "minor": .bool(snapshot.minor), "guardianship": .bool(snapshot.guardianship),
                        "erased": .bool(snapshot.erased),
                        "grants": .array(snapshot.grants.map { ConsentEvent.grant($0).jsonValue }),
                        "optedOut": .array(snapshot.optedOut.map { .string($0.rawValue) }),
                        "channelsOptedOut": .array(snapshot.channelsOptedOut.map { .string($0.rawValue) }),
                        "restricted": .array(snapshot.restricted.map { .string($0.rawValue) }),
                    ])
                ))
        }
        return .object(object)
    }

    /// The `reason` of `verify --json`: the names this output has always used (`malformed`, `unsupportedVersion`,
    /// `unknownKey`, …), kept when the library's token errors became ``ConsentKitError`` codes, so scripts that read
    /// them keep working.
    static func reason(for code: ConsentKitError.Code) -> String {
        switch code {
        case .malformedToken: "malformed"
        case .unsupportedFormat: "unsupportedVersion"
        case .unknownSigningKey: "unknownKey"
        default: code.name
        }
    }
}
