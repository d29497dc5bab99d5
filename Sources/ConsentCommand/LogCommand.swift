internal import ConsentKit
internal import Foundation

/// `consent log`: the tamper-evident access log — recording the decisions of a question file, verifying a log,
/// exporting its last checkpoint, and a customer's receipt.
enum LogCommand {
    static let usage = """
        usage: consent log record --log LOG --policy POLICY --ledger LEDGER --queries QUESTIONS
                                  [--actor ROLE[/PRINCIPAL]] [--view VIEW] [--key-file PATH | --key-env NAME]
               consent log verify LOG [--checkpoint NOTE] [--key-file PATH | --key-env NAME] [--json]
               consent log checkpoint LOG [--key-file PATH | --key-env NAME]
               consent log receipt LOG --subject SUBJECT [--key-file PATH | --key-env NAME]

        record decides every question of a question file (JSON Lines, as `consent bench --export` writes
        queries.jsonl) with the compiled engine and appends one entry per decision to LOG, durably, ending with a
        checkpoint. Entries hold no personal data: the customer and the principal appear as keyed references. A new
        log is sealed with the key given, or with a new random key written to LOG.key (mode 0600): keep a copy of
        it away from this machine, since verifying needs it. --actor names the role (default `consent-cli`) and,
        after a slash, the person or account acting.

        verify checks every line of LOG with its key (--key-file, --key-env, or LOG.key): exit 0 for an intact log,
        1 for a tampered one, naming the first bad line and the kind of change (truncated, deleted, reordered,
        modified, forked, resealed, or unanchored for entries no checkpoint seals yet), 2 when it cannot be read or
        the key is not its key. --checkpoint checks the log against a checkpoint note kept elsewhere.

        checkpoint prints the last checkpoint of a verified LOG as a note to keep elsewhere.
        receipt prints, as JSON, every entry of one customer with an inclusion proof against the last checkpoint.
        """

    static func run(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        guard let action = arguments.first else {
            throw .argument("expected `record`, `verify`, `checkpoint` or `receipt`")
        }
        let rest = Array(arguments.dropFirst())
        try KeyOptions.refuseInlineSecrets(rest)
        switch action {
        case "record": return try record(rest, output: output)
        case "verify": return try verify(rest, output: output)
        case "checkpoint":
            let parsed = try Arguments(rest, options: ["key-file", "key-env"], flags: [])
            let path = try onePath(parsed)
            let result = try AccessLogVerifier.verify(path: path, key: try key(parsed, log: path, output: output))
            if let failure = result.failure { return tampered(path, failure, output: output) }
            guard let checkpoint = result.lastCheckpoint else {
                throw .argument("access log `\(path)` has no checkpoint yet")
            }
            do {
                output.out(try checkpoint.note())
            } catch {
                throw ConsentKitError(code: .invalidValue, message: "cannot write the note: \(error)")
            }
            return .success
        case "receipt":
            let parsed = try Arguments(rest, options: ["key-file", "key-env", "subject"], flags: [])
            let path = try onePath(parsed)
            let receipt = try AccessLogVerifier.receipt(
                for: SubjectID(try parsed.required("subject")), path: path,
                key: try key(parsed, log: path, output: output))
            do {
                output.out(String(decoding: try receipt.jsonData(), as: UTF8.self))
            } catch {
                throw ConsentKitError(code: .invalidValue, message: "cannot write the receipt: \(error)")
            }
            return .success
        default:
            throw .argument(
                "unknown log command `\(action.escapingControlCharacters)`\(Suggestion.hint(for: action, in: ["record", "verify", "checkpoint", "receipt"]))"
            )
        }
    }

    static func onePath(_ parsed: Arguments) throws(ConsentKitError) -> String {
        guard parsed.positional.count == 1 else { throw .argument("expected one access log file") }
        return parsed.positional[0]
    }

    /// The key file beside a log, used when no key option is given.
    static func defaultKeyPath(for log: String) -> String { log + ".key" }

    /// The verification key: from `--key-file`/`--key-env` (base64url text, or at least 32 raw bytes), else from
    /// `LOG.key`.
    static func key(_ parsed: Arguments, log: String, output: CommandOutput) throws(ConsentKitError) -> AccessLogKey {
        if parsed.option("key-file") != nil || parsed.option("key-env") != nil {
            return try decodeKey(try KeyOptions.secret(parsed, output: output))
        }
        let path = defaultKeyPath(for: log)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .argument("no key for access log `\(log)`: give --key-file PATH or --key-env NAME (no `\(path)`)")
        }
        var bytes = Array(try FileInput.read(path, maximumBytes: 65_536))
        while bytes.last == UInt8(ascii: "\n") || bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return try decodeKey(bytes)
    }

    static func decodeKey(_ secret: [UInt8]) throws(ConsentKitError) -> AccessLogKey {
        if let text = String(bytes: secret, encoding: .utf8), let key = try? AccessLogKey(text: text) { return key }
        return try AccessLogKey(secret: secret)
    }

    static func record(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(
            arguments, options: ["log", "policy", "ledger", "queries", "actor", "view", "key-file", "key-env"],
            flags: [])
        guard parsed.positional.isEmpty else { throw .argument("unexpected argument `\(parsed.positional[0])`") }
        try parsed.requireAll(["log", "policy", "ledger", "queries"])
        let path = try parsed.required("log")
        let policy = try FileKinds.policy(at: try parsed.required("policy"))
        let ledger = try FileKinds.ledger(policy: policy, at: try parsed.required("ledger"))
        let questions = try ConsentQuestion.questions(contentsOfFile: try parsed.required("queries"))
        let actorText = parsed.option("actor") ?? "consent-cli"
        let parts = actorText.split(separator: "/", maxSplits: 1).map(String.init)
        let actor = AccessActor(role: parts.first ?? "", principal: parts.count > 1 ? parts[1] : nil)
        if let problem = AccessActor.problem(withRole: actor.role) { throw .argument("`--actor`: \(problem)") }
        let view = parsed.option("view")
        // Every question must name what the policy declares before anything is written: the log holds no other name.
        var problems: [Diagnostic] = []
        let recipients = Set(
            policy.purposes.flatMap { $0.thirdParty?.recipients ?? [] } + policy.views.compactMap(\.recipient))
        let destinations = Set(
            policy.purposes.flatMap { $0.crossBorder?.destinations ?? [] } + policy.views.compactMap(\.destination))
        for (index, question) in questions.enumerated() {
            let checks: [(String, String, Bool)] = [
                ("purpose", question.purpose.rawValue, policy.purpose(question.purpose) != nil),
                ("field", question.field.rawValue, policy.field(question.field) != nil),
                ("recipient", question.recipient?.rawValue ?? "", question.recipient.map(recipients.contains) ?? true),
                (
                    "destination", question.destination?.rawValue ?? "",
                    question.destination.map(destinations.contains) ?? true
                ),
            ]
            for (name, value, known) in checks where !known {
                problems.append(
                    Diagnostic(
                        code: .unknownIdentifier,
                        message: "the policy declares no \(name) `\(value.escapingControlCharacters)`; the access log "
                            + "records only declared names",
                        location: InputLocation(file: parsed.option("queries"), line: index + 1, path: name)))
            }
            if problems.count >= 100 { break }
        }
        if !problems.isEmpty { throw ConsentKitError(reporting: problems) }
        if let view, policy.view(view) == nil {
            throw .argument(
                "`--view`: the policy declares no view `\(view.escapingControlCharacters)`"
                    + Suggestion.hint(for: view, in: policy.views.map(\.id)))
        }
        var created: AccessLogKey?
        if FileManager.default.fileExists(atPath: path) {
            // Appending seals new epochs on top of what is there: never on top of a log that does not verify. With
            // no key here (none given, no LOG.key), the writer checks only the unsealed tail.
            let keyGiven = parsed.option("key-file") != nil || parsed.option("key-env") != nil
            if keyGiven || FileManager.default.fileExists(atPath: defaultKeyPath(for: path)) {
                let result = try AccessLogVerifier.verify(
                    path: path, key: try key(parsed, log: path, output: output), sealedPartOnly: true
                ) { _ in }
                if let failure = result.failure {
                    output.err("error: not appending to a log that does not verify\n")
                    return tampered(path, failure, output: output)
                }
            } else {
                output.err(
                    "note: no key to verify `\(path.escapingControlCharacters)` before appending (no --key-file, "
                        + "--key-env or \(defaultKeyPath(for: path).escapingControlCharacters))\n")
            }
        } else {
            if parsed.option("key-file") != nil || parsed.option("key-env") != nil {
                created = try key(parsed, log: path, output: output)
            } else {
                let key = AccessLogKey.random()
                let keyPath = defaultKeyPath(for: path)
                let descriptor = open(keyPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else {
                    throw ConsentKitError(
                        code: .io,
                        message: "cannot create the key file `\(keyPath)`: \(String(cString: strerror(errno)))")
                }
                let text = Array((key.text + "\n").utf8)
                let written = text.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                let synced = fsync(descriptor)
                Foundation.close(descriptor)
                guard written == text.count, synced == 0 else {
                    unlink(keyPath)
                    throw ConsentKitError(code: .io, message: "cannot write the key file `\(keyPath)`")
                }
                output.err(
                    "created a new verification key in \(keyPath) (mode 0600): keep a copy away from this machine; "
                        + "verifying the log needs it\n")
                created = key
            }
        }
        let log = try AccessLog(path: path, policy: policy, creatingWith: created)
        let engine = ConsentEngine(ledger: ledger)
        var allowed = 0
        var batch: [AccessEntry] = []
        batch.reserveCapacity(1_024)
        do {
            for question in questions {
                let (decision, entry) = engine.decisionAndEntry(for: question, actor: actor, view: view)
                if decision.isAllowed { allowed += 1 }
                batch.append(entry)
                if batch.count == 1_024 {
                    try log.append(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try log.append(batch)
            let checkpoint = try log.checkpoint() ?? log.lastCheckpointWritten
            log.close()
            output.out(
                "recorded \(questions.count) decisions (\(allowed) allowed, \(questions.count - allowed) denied) in "
                    + "\(path.escapingControlCharacters)"
                    + (checkpoint.map { "; checkpoint \($0.epoch): \($0.size) entries, root \($0.root.hex)" } ?? "")
                    + "\n")
        } catch {
            log.close()
            throw error
        }
        return .success
    }

    static func verify(_ arguments: [String], output: CommandOutput) throws(ConsentKitError) -> ExitCode {
        let parsed = try Arguments(arguments, options: ["checkpoint", "key-file", "key-env"], flags: ["json"])
        let path = try onePath(parsed)
        let key = try key(parsed, log: path, output: output)
        var anchor: LogCheckpoint?
        if let notePath = parsed.option("checkpoint") {
            let data = try FileInput.read(notePath, maximumBytes: 65_536)
            guard let text = String(data: data, encoding: .utf8) else {
                throw .argument("the checkpoint note `\(notePath)` is not UTF-8 text")
            }
            anchor = try LogCheckpoint(note: text)
        }
        let result = try AccessLogVerifier.verify(path: path, key: key, anchor: anchor)
        if parsed.flag("json") {
            var object: JSONObject = [
                "log": .string(path), "intact": .bool(result.isIntact), "entries": .number(String(result.entries)),
                "checkpoints": .number(String(result.checkpoints)),
                "dropped": .object([
                    "sampled": .number(String(result.dropped.sampled)),
                    "overflow": .number(String(result.dropped.overflow)),
                    "overflowNeverDropped": .number(String(result.dropped.overflowNeverDropped)),
                ]),
            ]
            if let failure = result.failure {
                object.members.append(
                    (
                        "failure",
                        .object([
                            "kind": .string(failure.kind.rawValue), "line": .number(String(failure.line)),
                            "entry": failure.sequence.map { .number(String($0)) } ?? .null,
                            "message": .string(failure.message),
                        ])
                    ))
            }
            output.out(JSONValue.object(object).serialized() + "\n")
            return result.isIntact ? .success : .failure
        }
        if let failure = result.failure { return tampered(path, failure, output: output) }
        let last = result.lastCheckpoint.map { " (last: epoch \($0.epoch), \($0.size) entries, root \($0.root.hex))" }
        output.out(
            "\(path.escapingControlCharacters): intact: \(result.entries) entries, \(result.checkpoints) "
                + (result.checkpoints == 1 ? "checkpoint" : "checkpoints")
                + "\(last ?? ""); dropped: \(result.dropped.sampled) sampled, \(result.dropped.overflow) on "
                + "overflow, \(result.dropped.overflowNeverDropped) never-dropped on overflow\n")
        return .success
    }

    static func tampered(_ path: String, _ failure: LogFailure, output: CommandOutput) -> ExitCode {
        output.out("\(path.escapingControlCharacters): TAMPERED: \(failure.description.escapingControlCharacters)\n")
        return .failure
    }
}
