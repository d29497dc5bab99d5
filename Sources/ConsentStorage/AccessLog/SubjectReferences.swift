internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// The only place an access log's customer ids are kept: `<log>.subjects`, one line per customer with a random key
/// of its own (`{"subject":"c-1","key":"…"}`, mode 0600). The log holds only each customer's reference,
/// HMAC(customer key, "consentkit.access-log.subject/1" ‖ log id ‖ customer id), cut to 16 bytes.
///
/// Forgetting a customer removes their line: the key is gone, so nobody — not even with the log's own keys — can tell
/// which entries were theirs, while every entry, the chain and the tree stay exactly as sealed (crypto-shredding).
struct SubjectReferences {
    let path: String
    let logID: String
    /// The log's reference key: each line carries an HMAC under it, so that a changed or swapped customer key is
    /// refused rather than silently linking entries to the wrong customer (or to none).
    let referenceKey: [UInt8]
    /// Each customer's key and reference.
    private(set) var entries: [SubjectID: (key: [UInt8], reference: String)] = [:]
    /// The length of the file's complete lines: a last line a crash cut short is not counted, and the writer cuts it
    /// before appending (it names a customer whose entries were never acknowledged).
    private(set) var completeLength = 0

    static func path(for log: String) -> String { log + ".subjects" }

    /// A table kept in memory only (benchmarks).
    init(inMemoryFor logID: String) {
        path = ""
        self.logID = logID
        referenceKey = [UInt8](repeating: 0, count: 32)
    }

    /// The HMAC a line of the table carries: of the customer id and their key, under the reference key.
    static func lineCode(subject: String, key: [UInt8], referenceKey: [UInt8]) -> String {
        var message = Array("consentkit.access-log.subject-key/1".utf8) + [0]
        message += Array(subject.utf8) + [0]
        message += key
        return Base64URL.encode(Array(HMACSHA256.authenticationCode(for: message, key: referenceKey).prefix(16)))
    }

    /// A line of the table.
    func line(subject: SubjectID, key: [UInt8]) -> [UInt8] {
        let object: JSONObject = [
            "subject": .string(subject.rawValue), "key": .string(Base64URL.encode(key)),
            "mac": .string(Self.lineCode(subject: subject.rawValue, key: key, referenceKey: referenceKey)),
        ]
        return Array((JSONValue.object(object).serialized() + "\n").utf8)
    }

    /// Reads the table beside `log` (an absent file is an empty table), checking each line's HMAC.
    init(log: String, logID: String, referenceKey: [UInt8]) throws(ConsentKitError) {
        path = Self.path(for: log)
        self.logID = logID
        self.referenceKey = referenceKey
        guard let data = FileManager.default.contents(atPath: path) else { return }
        completeLength = (data.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            guard case .object(let object)? = try? JSONParser.parse(Array(line)),
                case .string(let subject)? = object["subject"], case .string(let keyText)? = object["key"],
                let key = Base64URL.decode(Array(keyText.utf8)), key.count == 16,
                case .string(let code)? = object["mac"],
                HMACSHA256.constantTimeEquals(
                    Array(code.utf8), Array(Self.lineCode(subject: subject, key: key, referenceKey: referenceKey).utf8))
            else {
                // A line a crash cut short is the last one and names a customer whose entries were not acknowledged.
                if lineNumber == data.split(separator: 0x0A, omittingEmptySubsequences: false).count { break }
                throw ConsentKitError(
                    code: .corruptedData,
                    message: "line \(lineNumber) of `\(path)` is not a customer's key sealed for this log: the "
                        + "file was changed",
                    location: InputLocation(file: path, line: lineNumber))
            }
            let id = SubjectID(subject)
            entries[id] = (key, Self.reference(of: id, key: key, logID: logID))
        }
    }

    /// The reference of `subject` under `key`.
    static func reference(of subject: SubjectID, key: [UInt8], logID: String) -> String {
        var message = Array("consentkit.access-log.subject/1".utf8) + [0]
        message += Array(logID.utf8) + [0]
        message += Array(subject.rawValue.utf8)
        return Base64URL.encode(Array(HMACSHA256.authenticationCode(for: message, key: key).prefix(16)))
    }

    /// The reference of `subject`, creating a key for a customer seen for the first time (its line is added to
    /// `newLines`, to be written before the entries that use it).
    mutating func reference(of subject: SubjectID, newLines: inout [UInt8]) -> String {
        if let known = entries[subject] { return known.reference }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let reference = Self.reference(of: subject, key: key, logID: logID)
        entries[subject] = (key, reference)
        newLines += line(subject: subject, key: key)
        return reference
    }

    /// The reference of a grant of `subject`: HMAC(customer key, "consentkit.access-log.grant/1" ‖ log id ‖ grant
    /// id), cut to 16 bytes — so that a grant id that happens to name the customer (`alice-mkt-email`) never reaches
    /// the log, and forgetting the customer unlinks their grants too. Call after ``reference(of:newLines:)``.
    func grantReference(_ grant: GrantID, of subject: SubjectID) -> String? {
        guard let key = entries[subject]?.key else { return nil }
        var message = Array("consentkit.access-log.grant/1".utf8) + [0]
        message += Array(logID.utf8) + [0]
        message += Array(grant.rawValue.utf8)
        return Base64URL.encode(Array(HMACSHA256.authenticationCode(for: message, key: key).prefix(16)))
    }

    /// Removes `subject`'s key from memory and from the file (rewritten atomically); returns whether it was there.
    mutating func forget(_ subject: SubjectID) throws(ConsentKitError) -> Bool {
        guard entries[subject] != nil else { return false }
        var bytes: [UInt8] = []
        // The file first: if it cannot be rewritten, the key stays, in memory and on disk alike.
        for (id, entry) in entries.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where id != subject {
            bytes += line(subject: id, key: entry.key)
        }
        try JournalFile.replace(path, with: bytes, modeOf: path)
        entries[subject] = nil
        return true
    }
}
