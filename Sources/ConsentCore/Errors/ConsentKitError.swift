/// An error thrown by ConsentKit: what was wrong, and where.
///
/// Every error carries a ``Code`` to match on, a one-line message meant for people, and an ``InputLocation``
/// naming the file, line and JSON path of the input at fault. Validation that finds several problems (a policy
/// with three mistakes) throws one error whose ``diagnostics`` lists all of them.
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

    /// Creates an error.
    public init(
        code: Code, message: String = "", location: InputLocation = InputLocation(), diagnostics: [Diagnostic] = []
    ) {
        self.code = code
        self.message = message
        self.location = location
        self.diagnostics = diagnostics
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
    /// The kind of an error: a closed set today, open to additions without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedJSON, unknownKey, missingKey, wrongType, invalidValue, invalidDate
            case unknownIdentifier, duplicateIdentifier, unsupportedFormat, inconsistentLedger, fileNotFound
            case invalidArgument, lint, storageFailure, locked, corruptedData
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The input is not well-formed JSON (or a JSON Lines line is cut off).
        public static let malformedJSON = Code(.malformedJSON)
        /// An object has a key the format does not define; a typo must not silently weaken a policy.
        public static let unknownKey = Code(.unknownKey)
        /// A required key is absent.
        public static let missingKey = Code(.missingKey)
        /// A value has the wrong JSON type (a string where a number belongs).
        public static let wrongType = Code(.wrongType)
        /// A value has the right type but is not allowed (an unknown basis, a negative version).
        public static let invalidValue = Code(.invalidValue)
        /// A date or instant is malformed or impossible (`2026-02-30`).
        public static let invalidDate = Code(.invalidDate)
        /// An id names no purpose, field, category or grant that exists.
        public static let unknownIdentifier = Code(.unknownIdentifier)
        /// An id is declared twice.
        public static let duplicateIdentifier = Code(.duplicateIdentifier)
        /// The `format` or `regime` is not one this version reads.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// Events contradict each other (a withdrawal before the grant it withdraws).
        public static let inconsistentLedger = Code(.inconsistentLedger)
        /// A named file could not be read.
        public static let fileNotFound = Code(.fileNotFound)
        /// A command-line argument is missing or malformed.
        public static let invalidArgument = Code(.invalidArgument)
        /// A policy lint: legal but against a rule of the regime (a marketing purpose claiming `contract`).
        public static let lint = Code(.lint)
        /// Storage failed: a write, `fsync`, truncation or rename did not complete (a full disk, an I/O error). What
        /// failed to be written was not acknowledged.
        public static let storageFailure = Code(.storageFailure)
        /// Another writer holds the store (a journal already open for writing, in this process or another).
        public static let locked = Code(.locked)
        /// Stored data fails its checksum or does not read back as what was written: corruption, not a crash. Nothing
        /// was changed; repairing it is an operator's explicit choice.
        public static let corruptedData = Code(.corruptedData)

        /// The code's name, such as `unknownKey`.
        public var description: String { base.rawValue }
    }
}

extension ConsentKitError {
    @inline(never)
    package static func io(_ message: String, file: String) -> ConsentKitError {
        ConsentKitError(code: .fileNotFound, message: message, location: InputLocation(file: file))
    }

    /// A storage failure (``Code/storageFailure``): what was being written was not acknowledged.
    @inline(never)
    package static func storage(_ message: String, file: String) -> ConsentKitError {
        ConsentKitError(code: .storageFailure, message: message, location: InputLocation(file: file))
    }

    /// A subject-rights request (export, erasure, snapshot) about a subject the ledger holds nothing about.
    package static func unknownSubject(_ subject: SubjectID) -> ConsentKitError {
        ConsentKitError(
            code: .unknownIdentifier, message: "nothing is held about subject `\(subject)`",
            location: InputLocation(path: "subject"))
    }

    @inline(never)
    package static func argument(_ message: String) -> ConsentKitError {
        ConsentKitError(code: .invalidArgument, message: message)
    }
}
