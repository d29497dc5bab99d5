/// "Did you mean …?" for a misspelt command, option or name: the nearest candidate by edit distance, when it is
/// close enough to be a typo (at most a third of the word's length, and at most 3 edits).
enum Suggestion {
    /// The nearest candidate to `word`, or `nil` when none is plausibly what was meant.
    static func nearest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = min(3, max(1, word.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            if distance <= limit && distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// ` (did you mean `x`?)`, or nothing.
    static func hint(for word: String, in candidates: some Sequence<String>, prefix: String = "") -> String {
        nearest(to: word, in: candidates).map { " (did you mean `\(prefix)\($0)`?)" } ?? ""
    }

    /// Levenshtein distance, with one row of memory; words here are short.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
