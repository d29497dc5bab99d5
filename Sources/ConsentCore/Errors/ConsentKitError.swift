/// An error thrown by ConsentKit: what was wrong, and where.
///
/// It is the one error type of the library: every throwing public API — policies and ledgers, dates, journals and
/// stores, tokens — throws it, so one `catch` handles them all. Every error carries a ``Code`` to match on, a
/// one-line message meant for people, and an ``InputLocation`` naming the file, line and JSON path of the input at
/// fault; an error the operating system reported also carries its number (``systemError``). Validation that finds
/// several problems (a policy with three mistakes) throws one error whose ``diagnostics`` lists all of them.
///
/// Two errors compare equal when their codes are equal, so tests can write the error they expect:
///
/// ```swift
/// #expect(throws: ConsentKitError(code: .unknownIdentifier)) { try Policy(jsonData: data) }
/// ```
public struct ConsentKitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. New codes may be added in minor releases.
    public var code: Code
    /// A one-line, lower-case description with user input in backticks.
    public var message: String
    /// Where the problem is, as precisely as known.
    public var location: InputLocation
    /// Every problem found when more than one was, the first of which is this error's own.
    public var diagnostics: [Diagnostic]
    /// The operating system's error number (`errno`, such as `ENOSPC`) when the operating system reported the
    /// failure: set for ``Code/io``, ``Code/fileNotFound`` and ``Code/storageFailure`` errors where one was given.
    public var systemError: Int32?

    /// Creates an error.
    public init(
        code: Code, message: String = "", location: InputLocation = InputLocation(), diagnostics: [Diagnostic] = [],
        systemError: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.location = location
        self.diagnostics = diagnostics
        self.systemError = systemError
    }

    /// Creates an error that reports the errors among a list of diagnostics (warnings are kept alongside).
    ///
    /// - Precondition: at least one of `diagnostics` is an error.
    package init(reporting diagnostics: [Diagnostic]) {
        let first = diagnostics.first { $0.severity == .error } ?? diagnostics[0]
        self.init(code: first.code, message: first.message, location: first.location, diagnostics: diagnostics)
    }

    /// `file:line: path: message`, followed by further problems on their own lines.
    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.count > 1 else { return Diagnostic(code: code, message: message, location: location).description }
        return errors.map(\.description).joined(separator: "\n")
    }

    public static func == (lhs: ConsentKitError, rhs: ConsentKitError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension ConsentKitError {
    /// The kind of an error: a stable name to match on, open to additions in minor releases without breaking
    /// clients (a struct rather than an enum, so a `switch` needs a `default`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, such as `unknownKey`: stable, and what ``description`` prints.
        public let name: String
        /// A code of this name. The library's own codes are the static members; a tool in this repository declares
        /// its own the same way (the `consent` command's `invalidArgument`), and such codes are not API.
        package init(_ name: String) { self.name = name }

        // Reading input (policies, ledgers, scenarios, dates).

        /// The input is not well-formed JSON (or a JSON Lines line is cut off).
        public static let malformedJSON = Code("malformedJSON")
        /// An object has a key the format does not define; a typo must not silently weaken a policy.
        public static let unknownKey = Code("unknownKey")
        /// A required key is absent.
        public static let missingKey = Code("missingKey")
        /// A value has the wrong JSON type (a string where a number belongs).
        public static let wrongType = Code("wrongType")
        /// A value has the right type but is not allowed (an unknown basis, a negative version).
        public static let invalidValue = Code("invalidValue")
        /// A date or instant is malformed or impossible (`2026-02-30`), or lies outside years 1–9999.
        public static let invalidDate = Code("invalidDate")
        /// An id names no purpose, field, category or grant that exists.
        public static let unknownIdentifier = Code("unknownIdentifier")
        /// An id is declared twice.
        public static let duplicateIdentifier = Code("duplicateIdentifier")
        /// The `format` or `regime` is not one this version reads, or a token's version is not one it verifies.
        public static let unsupportedFormat = Code("unsupportedFormat")
        /// Events contradict each other (a withdrawal before the grant it withdraws).
        public static let inconsistentLedger = Code("inconsistentLedger")
        /// A policy lint: legal but against a rule of the regime (a marketing purpose claiming `contract`).
        public static let lint = Code("lint")

        // Files and stores.

        /// A named file does not exist (or a directory on its path does not).
        public static let fileNotFound = Code("fileNotFound")
        /// A file could not be opened or read for another reason the operating system gave (permission, an I/O
        /// error, a directory where a file belongs); ``ConsentKitError/systemError`` holds its number.
        public static let io = Code("io")
        /// Storage failed: a write, `fsync`, truncation or rename did not complete (a full disk, an I/O error). What
        /// failed to be written was not acknowledged.
        public static let storageFailure = Code("storageFailure")
        /// Another writer holds the store (a journal already open for writing, in this process or another).
        public static let locked = Code("locked")
        /// Stored data fails its checksum or does not read back as what was written: corruption, not a crash. Nothing
        /// was changed; repairing it is an operator's explicit choice.
        public static let corruptedData = Code("corruptedData")

        // Consent tokens (``TokenKeyRing/verify(_:audience:at:leeway:)``).

        /// Not a consent token: wrong prefix, bad base64url, truncated or inconsistent bytes.
        public static let malformedToken = Code("malformedToken")
        /// The token names a key id the key ring does not hold.
        public static let unknownSigningKey = Code("unknownSigningKey")
        /// The token's tag does not match: tampered with, or signed with another secret.
        public static let badSignature = Code("badSignature")
        /// The token is past its expiry (beyond the leeway allowed).
        public static let expired = Code("expired")
        /// The token was issued in the future (beyond the leeway allowed).
        public static let notYetValid = Code("notYetValid")
        /// The token is meant for another audience.
        public static let wrongAudience = Code("wrongAudience")

        /// The code's name, such as `unknownKey`.
        public var description: String { name }
    }
}

extension ConsentKitError {
    /// A subject-rights request (export, erasure, snapshot) about a subject the ledger holds nothing about.
    package static func unknownSubject(_ subject: SubjectID) -> ConsentKitError {
        ConsentKitError(
            code: .unknownIdentifier, message: "nothing is held about subject `\(subject)`",
            location: InputLocation(path: "subject"))
    }
}

extension ConsentKitError {
    /// The error of one event of a batch, saying which: its path gains the event's index (`[2].id`), its message
    /// the position ("event 3 of 5 in the batch; none was appended").
    package func inBatch(_ index: Int, of count: Int) -> ConsentKitError {
        var error = self
        let path = location.path
        error.location.path = "[\(index)]" + (path.isEmpty ? "" : path.hasPrefix("[") ? path : "." + path)
        error.message += " (event \(index + 1) of \(count) in the batch; none was appended)"
        return error
    }
}
