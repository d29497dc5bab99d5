/// Text in several languages, keyed by language tag (`zh`, `en`, `zh-Hant`, `pt-BR`): what a privacy centre shows a
/// customer for a purpose's title and description (PIPL Art. 17: notice in clear and understandable language).
///
/// ```swift
/// let title: LocalizedText = ["zh": "邮件营销", "en": "Email marketing"]
/// let shown = title.text(for: ["en-GB", "en"])   // Optional("Email marketing")
/// ```
public struct LocalizedText: Sendable, Hashable, ExpressibleByDictionaryLiteral, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The text per language tag.
    public let texts: [String: String]

    /// The most languages a text may have, and the longest a text may be (UTF-8 bytes).
    public static let maximumLanguages = 32
    public static let maximumBytes = 4096

    /// Creates a text from its translations.
    public init(_ texts: [String: String]) { self.texts = texts }

    /// Creates a text from `language: text` pairs.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.texts = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// A text in one language that is not stated (`und`), shown whatever language is asked for.
    public init(stringLiteral value: String) { self.texts = ["und": value] }

    /// The text for the first of `languages` it has: by exact tag, then by primary language (`en` for `en-GB`, and
    /// `zh-Hans` for `zh`), then in English, then undetermined, then the first tag in order. `nil` only when empty.
    public func text(for languages: [String]) -> String? {
        let lowered = Dictionary(texts.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        for language in languages {
            // RFC 4647 lookup: the tag, then ever shorter prefixes of it (`zh-Hant-TW`, `zh-Hant`, `zh`).
            var subtags = language.lowercased().split(separator: "-").map(String.init)
            while !subtags.isEmpty {
                if let match = lowered[subtags.joined(separator: "-")] { return match }
                subtags.removeLast()
            }
            // Then a more specific text of the same language (`zh-Hans` for `zh`), the first in tag order.
            let primary = language.lowercased().split(separator: "-").first.map(String.init) ?? ""
            if let regional = lowered.keys.sorted().first(where: { $0.hasPrefix(primary + "-") }) {
                return lowered[regional]
            }
        }
        return lowered["en"] ?? lowered["und"] ?? texts.min { $0.key < $1.key }?.value
    }

    /// The languages, in order.
    public var languages: [String] { texts.keys.sorted() }

    /// `en: Email marketing; zh: 邮件营销`.
    public var description: String { languages.map { "\($0): \(texts[$0] ?? "")" }.joined(separator: "; ") }

    /// What is wrong with the text, if anything: too many languages, a malformed tag or one given twice (tags are
    /// compared without case), an empty or over-long text, or one holding a control character (a line feed only
    /// where `lineBreaks` allows it, as in a description).
    package func problems(lineBreaks: Bool = false) -> [(key: String?, message: String)] {
        var problems: [(key: String?, message: String)] = []
        if texts.isEmpty { problems.append((nil, "a text needs at least one language")) }
        if texts.count > Self.maximumLanguages {
            problems.append((nil, "at most \(Self.maximumLanguages) languages"))
        }
        var seen: Set<String> = []
        for (tag, text) in texts.sorted(by: { $0.key < $1.key }) {
            if !seen.insert(tag.lowercased()).inserted {
                problems.append(
                    (tag, "`\(tag.escapingControlCharacters)` is given twice (tags are compared without case)"))
            }
            if !Self.isLanguageTag(tag) {
                let shown = tag.escapingControlCharacters
                problems.append((tag, "`\(shown)` is not a language tag (like `zh`, `en`, `pt-BR`)"))
            }
            if text.isEmpty { problems.append((tag, "the text is empty")) }
            if text.utf8.count > Self.maximumBytes {
                problems.append((tag, "the text is longer than \(Self.maximumBytes) bytes"))
            }
            if text.unicodeScalars.contains(where: { $0.isControlCharacter && !(lineBreaks && $0 == "\n") }) {
                problems.append((tag, "the text holds a control character"))
            }
        }
        return problems
    }

    /// `zh`, `en`, `zh-Hant`, `pt-BR`, `und`: a primary subtag of 2–8 letters, then subtags of 1–8 letters or digits.
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...8).contains(primary.count),
            primary.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
