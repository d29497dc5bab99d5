public import ConsentCore
public import Foundation

/// Question files: one question per line, `{"subject":"alice","purpose":"marketing.email","field":"email",
/// "at":"2026-03-01T00:00:00Z"}` with optional `recipient`, `destination` and `channel` — what
/// `consent bench --export` writes as `queries.jsonl`, so that recorded traffic can be replayed (Formats.md,
/// "Question files").
extension ConsentQuestion {
    /// The most problems one question file reports before it stops looking.
    public static let maximumReportedProblems = 100

    /// Reads every question of a JSON Lines document. All or nothing: a document with any bad line throws, listing
    /// every problem (up to ``maximumReportedProblems``) with its line and JSON path.
    public static func questions(jsonLines data: Data, file: String? = nil) throws(ConsentKitError)
        -> [ConsentQuestion]
    {
        try JSONLines.decode(data, file: file, limit: maximumReportedProblems) { value, reader in
            ConsentQuestion(json: value, reader: &reader)
        }
    }

    /// Reads the question file at `path` (``questions(jsonLines:file:)``).
    public static func questions(contentsOfFile path: String) throws(ConsentKitError) -> [ConsentQuestion] {
        try questions(jsonLines: try FileInput.read(path), file: path)
    }

    package init?(json value: JSONValue, reader: inout JSONReader) {
        let root = JSONPath()
        guard
            let object = reader.object(
                value, at: root, allowed: ["subject", "purpose", "field", "at", "recipient", "destination", "channel"])
        else { return nil }
        let subject = reader.required(object, "subject", at: root) { $0.identifier($1, at: $2) }
        let purpose = reader.required(object, "purpose", at: root) { $0.identifier($1, at: $2) }
        let field = reader.required(object, "field", at: root) { $0.identifier($1, at: $2) }
        let instant = reader.required(object, "at", at: root) { $0.instant($1, at: $2) }
        let recipient = reader.optional(object, "recipient", at: root) { $0.identifier($1, at: $2) }
        let destination = reader.optional(object, "destination", at: root) { $0.identifier($1, at: $2) }
        let channel = reader.optional(object, "channel", at: root) { $0.identifier($1, at: $2) }
        guard let subject, let purpose, let field, let instant else { return nil }
        self.init(
            subject: SubjectID(subject), purpose: PurposeID(purpose), field: FieldID(field), at: instant,
            recipient: recipient.map(RecipientID.init), destination: destination.map(Destination.init),
            channel: channel.map(Channel.init))
    }
}
