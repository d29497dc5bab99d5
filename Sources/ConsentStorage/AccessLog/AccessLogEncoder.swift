internal import ConsentCore
internal import ConsentInterchange
internal import Foundation

/// Writes the access log's lines and keeps what sealing them needs: the hash chain, the Merkle frontier, the epoch
/// and its key. Every line is canonical — one spelling per content, keys in a fixed order — so that the verifier
/// hashes the bytes as they lie in the file and a changed byte anywhere is a changed hash.
///
/// Lines (Documentation/AccessLog.md, "Format"):
/// - the header, first: `{"accessLog":1,"id":…,"created":…,"keyId":…,"checkpointEntries":…,
///   "checkpointMilliseconds":…,"mac":…}`, sealed with K₀;
/// - an entry: `{"seq":…,"at":…,"role":…,…,"policy":…,"mac":…}`; its leaf in the Merkle tree is the line without
///   its `mac` member, and the mac is the first 16 bytes of HMAC(Kₑ, chainₙ), chainₙ = SHA-256(chainₙ₋₁ ‖ leaf hash);
/// - a checkpoint, ending epoch e: `{"checkpoint":e,"size":…,"root":…,"chain":…,"at":…,"dropped":{…},"mac":…}`.
package struct AccessLogEncoder {
    /// The log's id (32 hexadecimal digits).
    let logID: String
    /// The first 16 hexadecimal digits of SHA-256 of the policy, written into every entry.
    let policyHash: String
    /// The epoch being sealed and its key.
    private(set) var epoch: UInt64
    private(set) var epochKey: [UInt8]
    private var schedule: HMACKeySchedule
    /// The hash chain's last link.
    private(set) var chain: LogHash
    /// The Merkle tree's right edge: its size is the next entry's sequence number.
    private(set) var frontier: MerkleFrontier
    /// Entries since the last checkpoint.
    private(set) var entriesInEpoch = 0
    /// The whole seconds of the last instant written, and their text up to the seconds, reused within a second.
    private var cachedSecond: Int64 = .min
    private var cachedText: [UInt8] = []

    /// The length of an entry line's `,"mac":"…"}` ending, and of a header's or checkpoint's.
    static let entrySuffixLength = 32
    static let sealSuffixLength = 53

    init(logID: String, policyHash: String, epoch: UInt64, key: [UInt8], chain: LogHash, frontier: MerkleFrontier) {
        self.logID = logID
        self.policyHash = policyHash
        self.epoch = epoch
        epochKey = key
        schedule = HMACKeySchedule(secret: key)
        self.chain = chain
        self.frontier = frontier
    }

    // MARK: Lines

    /// The header line of a new log (with its newline), and the chain's first link.
    static func header(
        logID: String, created: Date, keyID: String, checkpointEntries: Int, checkpointMilliseconds: Int,
        key: [UInt8]
    ) -> (line: [UInt8], genesis: LogHash) {
        var line: [UInt8] = []
        line += Array(#"{"accessLog":1,"id":""#.utf8) + Array(logID.utf8)
        line += Array(#"","created":""#.utf8) + Array(RFC3339.format(created).utf8)
        line += Array(#"","keyId":""#.utf8) + Array(keyID.utf8)
        line += Array(#"","checkpointEntries":"#.utf8) + Array(String(checkpointEntries).utf8)
        line += Array(#","checkpointMilliseconds":"#.utf8) + Array(String(checkpointMilliseconds).utf8)
        let canonical = line + [UInt8(ascii: "}")]
        let mac = HMACSHA256.authenticationCode(for: canonical, key: key)
        line += Array(#","mac":""#.utf8) + Array(Base64URL.encode(mac).utf8) + Array("\"}\n".utf8)
        return (line, LogHash.of(canonical))
    }

    /// Appends entry `entry`'s line (with its newline) to `out`, sealing it into the chain and the tree.
    mutating func append(
        _ entry: AccessEntry, classifier: AccessClassifier, flags: AccessFlags, subjectReference: String,
        principalReference: String?, grantReference: String?, into out: inout [UInt8]
    ) {
        let start = out.count
        Self.append(#"{"seq":"#, to: &out)
        Self.appendDecimal(frontier.size, to: &out)
        Self.append(#","at":""#, to: &out)
        appendInstant(entry.instant, to: &out)
        Self.append(#"","role":"#, to: &out)
        Self.appendString(entry.actor.role, to: &out)
        if let principalReference {
            Self.append(#","principal":"#, to: &out)
            Self.appendString(principalReference, to: &out)
        }
        Self.append(#","subject":"#, to: &out)
        Self.appendString(subjectReference, to: &out)
        Self.append(#","purpose":"#, to: &out)
        Self.appendString(entry.purpose.rawValue, to: &out)
        if let view = entry.view {
            Self.append(#","view":"#, to: &out)
            Self.appendString(view, to: &out)
        }
        Self.append(#","fields":["#, to: &out)
        for (index, field) in entry.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(field.rawValue, to: &out)
        }
        Self.append(#"],"classes":["#, to: &out)
        for (index, field) in entry.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(classifier.className(of: field), to: &out)
        }
        Self.append(#"],"effect":"#, to: &out)
        Self.append(entry.reason.effect == .allow ? #""allow""# : #""deny""#, to: &out)
        Self.append(#","reason":"#, to: &out)
        Self.appendString(entry.reason.rawValue, to: &out)
        if let grantReference {
            Self.append(#","grant":"#, to: &out)
            Self.appendString(grantReference, to: &out)
        }
        if let recipient = entry.recipient {
            Self.append(#","recipient":"#, to: &out)
            Self.appendString(recipient.rawValue, to: &out)
        }
        if let destination = entry.destination {
            Self.append(#","destination":"#, to: &out)
            Self.appendString(destination.rawValue, to: &out)
        }
        Self.append(#","flags":["#, to: &out)
        var first = true
        for bit in 0..<5 where flags.rawValue & (1 << bit) != 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            Self.append(AccessFlags.name(ofBit: bit), to: &out)
            out.append(UInt8(ascii: "\""))
        }
        Self.append(#"],"policy":""#, to: &out)
        out += policyHash.utf8
        out.append(UInt8(ascii: "\""))
        // The leaf is the line so far, closed: the entry without its mac.
        var leaf = SHA256()
        leaf.update(byte: 0)
        out.withUnsafeBytes { leaf.update(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        leaf.update(byte: UInt8(ascii: "}"))
        let leafHash = LogHash(&leaf)
        let mac = seal(leafHash)
        frontier.append(leafHash)
        entriesInEpoch += 1
        Self.append(#","mac":""#, to: &out)
        let macStart = out.count
        out += repeatElement(UInt8(0), count: 22)
        withUnsafeBytes(of: mac.words) { bytes in
            out.withUnsafeMutableBufferPointer { buffer in
                _ = Base64URL.write(UnsafeRawBufferPointer(rebasing: bytes[0..<16]), into: buffer, at: macStart)
            }
        }
        out += "\"}\n".utf8
    }

    /// Links `leafHash` into the chain and returns the link's code under the epoch's key (its first 16 bytes go
    /// into the entry).
    private mutating func seal(_ leafHash: LogHash) -> LogHash {
        chain = Self.link(chain, leafHash)
        return Self.code(of: chain, schedule: schedule)
    }

    /// The chain's next link: SHA-256(previous ‖ leaf hash).
    static func link(_ previous: LogHash, _ leafHash: LogHash) -> LogHash {
        var hasher = SHA256()
        previous.feed(&hasher)
        leafHash.feed(&hasher)
        return LogHash(&hasher)
    }

    /// HMAC(key, link) with the key's schedule worked out already.
    static func code(of link: LogHash, schedule: HMACKeySchedule) -> LogHash {
        var inner = schedule.inner
        link.feed(&inner)
        var innerHash = LogHash(&inner)
        var outer = schedule.outer
        innerHash.feed(&outer)
        innerHash = LogHash(&outer)
        return innerHash
    }

    /// Appends the checkpoint ending this epoch (with its newline) to `out`, and moves to the next epoch's key,
    /// forgetting this one.
    mutating func appendCheckpoint(at instant: Date, dropped: LogDropCounts, into out: inout [UInt8]) -> LogCheckpoint {
        // To the millisecond, as the line and the note write it, so that a checkpoint read back equals this one.
        let instant = Date(timeIntervalSince1970: (instant.timeIntervalSince1970 * 1000).rounded() / 1000)
        var checkpoint = LogCheckpoint(
            logID: logID, epoch: epoch, size: frontier.size, root: frontier.root, chain: chain, instant: instant,
            dropped: dropped, mac: LogHash(bytes: [UInt8](repeating: 0, count: 32))!)
        let canonical = checkpoint.canonicalLine
        checkpoint.mac = LogHash(bytes: HMACSHA256.authenticationCode(for: canonical, key: epochKey))!
        out += canonical.dropLast()
        Self.append(#","mac":""#, to: &out)
        out += checkpoint.mac.base64URL.utf8
        out += "\"}\n".utf8
        epoch += 1
        epochKey = AccessLogKey.ratchet(epochKey)
        schedule = HMACKeySchedule(secret: epochKey)
        entriesInEpoch = 0
        return checkpoint
    }

    // MARK: Reopening

    /// Takes an entry line of the current epoch that the log already holds (after the last checkpoint), checking its
    /// number and seal; `false` when it does not verify.
    mutating func restore(line text: UnsafeRawBufferPointer) -> Bool {
        var cursor = LineCursor(bytes: text)
        guard cursor.expect(#"{"seq":"#), cursor.number() == frontier.size, cursor.expect(","),
            text.count > Self.entrySuffixLength + 10,
            LogWalk.starts(
                UnsafeRawBufferPointer(rebasing: text[(text.count - Self.entrySuffixLength)...]), with: #","mac":""#),
            text[text.count - 2] == UInt8(ascii: "\""), text[text.count - 1] == UInt8(ascii: "}"),
            let stored = LogWalk.entrySeal(text)
        else { return false }
        var hasher = SHA256()
        hasher.update(byte: 0)
        hasher.update(UnsafeRawBufferPointer(rebasing: text[0..<(text.count - Self.entrySuffixLength)]))
        hasher.update(byte: UInt8(ascii: "}"))
        let leafHash = LogHash(&hasher)
        let link = Self.link(chain, leafHash)
        guard Self.code(of: link, schedule: schedule).prefix16Equals(stored) else { return false }
        chain = link
        frontier.append(leafHash)
        entriesInEpoch += 1
        return true
    }

    /// Takes a checkpoint line ending the current epoch that the log already holds (a crash came before the sealing
    /// state was updated), checking it, and moves to the next epoch; `false` when it does not verify.
    mutating func restoreCheckpoint(line text: UnsafeRawBufferPointer) -> Bool {
        guard let parsed = LogWalk.checkpointFields(text, logID: logID), parsed.epoch == epoch,
            parsed.size == frontier.size, parsed.root == frontier.root, parsed.chain == chain,
            LogWalk.checkSeal(text, suffix: Self.sealSuffixLength, key: epochKey)
        else { return false }
        epoch += 1
        epochKey = AccessLogKey.ratchet(epochKey)
        schedule = HMACKeySchedule(secret: epochKey)
        entriesInEpoch = 0
        return true
    }

    // MARK: Pieces

    /// The instant as RFC 3339 in UTC with milliseconds always written (`2026-12-04T17:00:00.120Z`), so that every
    /// instant has one spelling; the text up to the seconds is reused within a second.
    private mutating func appendInstant(_ instant: Date, to out: inout [UInt8]) {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        let (second, millisecond) = (millis - ((millis % 1000) + 1000) % 1000, ((millis % 1000) + 1000) % 1000)
        if second != cachedSecond {
            cachedSecond = second
            cachedText = Self.civilText(secondsSince1970: second / 1000)
        }
        out += cachedText
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(millisecond / 100))
        out.append(UInt8(ascii: "0") + UInt8(millisecond / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(millisecond % 10))
        out.append(UInt8(ascii: "Z"))
    }

    /// Appends a literal's bytes.
    @inline(__always)
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON string: `"` and `\` escaped; identifiers hold no control character (the log refuses them).
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        let plain: Bool? = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return nil }
            out.append(contentsOf: bytes)
            return true
        }
        if plain != nil {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `YYYY-MM-DDTHH:MM:SS` in UTC for a second since 1970 (years 1–9999, which the classifier guarantees), from
    /// the calendar date's own civil-from-days arithmetic — no calendar object, no string formatting on the writer's
    /// path.
    package static func civilText(secondsSince1970 seconds: Int64) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // The classifier refuses instants outside years 1–9999, so every second here has a calendar date.
        guard let date = CalendarDate(daysSinceEpoch: Int(days)) else { return Array("0001-01-01T00:00:00".utf8) }
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        var text: [UInt8] = []
        text.reserveCapacity(19)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3_600, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        return text
    }

    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        guard value > 0 else {
            out.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt64, UInt64) = (0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }
}
