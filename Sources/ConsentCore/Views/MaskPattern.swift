/// A display mask: which characters of a value stay visible and what replaces the rest — a convention kept as data,
/// so a policy can follow its own sector's practice instead of one pattern hard-coded here.
///
/// Masks count **grapheme clusters** (what a reader sees as one character: `欧`, `é` written as `e` + accent, an emoji
/// with modifiers), never UTF-16 units or bytes, and they replace every hidden character whatever its script: a Han
/// character is hidden like a Latin letter. (Masks that only replace letters and digits leave Chinese text in clear.)
///
/// **Short values.** A mask only applies when the value has at least ``keepFirst`` + ``keepLast`` +
/// ``minimumHidden`` counted characters; otherwise showing the "visible" part would show most or all of the value,
/// and the value falls back to ``shortValue`` (a full mask, or a keyed pseudonym). A value whose shape the style
/// does not recognise (an 18-character ID number with 17 characters, an e-mail address without `@`) falls back the
/// same way: a mask never passes through what it does not understand.
///
/// The built-in patterns (``builtIn``) follow common Chinese practice — compound surnames, mobile numbers with `+86`
/// and full-width digits, 15- and 18-character resident ID numbers, bank cards, e-mail, addresses — and a policy
/// may declare its own (`maskPatterns` in the policy file).
public struct MaskPattern: Sendable, Hashable {
    /// How the pattern reads a value.
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// Counts every character.
        case text
        /// A personal name: keeps the surname (two characters for a compound surname such as 欧阳), hides the rest.
        case chineseName
        /// Counts digits only (ASCII or full-width); separators stay as they are.
        case digits
        /// A mobile number: digits, an optional `+86`/`0086` country prefix kept aside, 11 digits starting with 1.
        case mobile
        /// A resident identity number: 18 characters (17 digits and a digit or `X`) or 15 digits.
        case idNumber
        /// A bank card number: 12–19 digits, separators kept.
        case bankCard
        /// An e-mail address: the mask applies to the local part, the domain stays.
        case email
    }

    /// What a value too short (or of the wrong shape) for the mask gets instead.
    public enum ShortValue: String, Sendable, Hashable, CaseIterable {
        /// The fill character ``fixedWidth`` times (four when the pattern does not fix a width).
        case redact
        /// A keyed pseudonym of the value, or a redaction when the view has no key.
        case pseudonymise
    }

    /// The pattern's name: a built-in one (`mobile`) or one the policy declares.
    public let id: String
    /// How the value is read.
    public let style: Style
    /// Visible characters at the start (for ``Style/chineseName``: the surname instead).
    public let keepFirst: Int
    /// Visible characters at the end.
    public let keepLast: Int
    /// The fewest characters that must be hidden for the mask to apply.
    public let minimumHidden: Int
    /// The character that replaces hidden ones.
    public let fill: Character
    /// When set, the hidden part is exactly this many fill characters, so the output does not reveal the length.
    public let fixedWidth: Int?
    /// What a short or unrecognised value gets.
    public let shortValue: ShortValue

    /// Declares a pattern.
    public init(
        id: String, style: Style = .text, keepFirst: Int = 0, keepLast: Int = 0, minimumHidden: Int = 1,
        fill: Character = "*", fixedWidth: Int? = nil, shortValue: ShortValue = .redact
    ) {
        self.id = id
        self.style = style
        self.keepFirst = keepFirst
        self.keepLast = keepLast
        self.minimumHidden = minimumHidden
        self.fill = fill
        self.fixedWidth = fixedWidth
        self.shortValue = shortValue
    }

    /// The most characters of the value the pattern can show (the surname counts as two for a name; an e-mail's
    /// domain is not counted, since it names the provider rather than the person).
    public var maximumVisible: Int {
        style == .chineseName ? max(keepFirst, 2) + keepLast : keepFirst + keepLast
    }

    /// The built-in patterns, by id.
    ///
    /// | id | example | shows |
    /// | --- | --- | --- |
    /// | `chineseName` | 欧阳娜娜 → 欧阳** | the surname |
    /// | `mobile` | 13812345678 → 138****5678 | first 3 and last 4 digits |
    /// | `idNumber` | 11010519491231002X → 1****************X | first and last character |
    /// | `bankCard` | 6222020200112233445 → 6222***********3445 | first 4 and last 4 digits |
    /// | `email` | zhang.san@example.cn → z****@example.cn | first character of the local part, the domain |
    /// | `address` | 北京市海淀区马连洼街道289号 → 北京市海淀区**** | the first 6 characters |
    /// | `redact` | anything → **** | nothing |
    public static let builtIn: [String: MaskPattern] = Dictionary(
        uniqueKeysWithValues: [
            MaskPattern(id: "chineseName", style: .chineseName, keepFirst: 1),
            MaskPattern(id: "mobile", style: .mobile, keepFirst: 3, keepLast: 4, minimumHidden: 4),
            MaskPattern(id: "idNumber", style: .idNumber, keepFirst: 1, keepLast: 1, minimumHidden: 12),
            MaskPattern(id: "bankCard", style: .bankCard, keepFirst: 4, keepLast: 4, minimumHidden: 4),
            MaskPattern(id: "email", style: .email, keepFirst: 1, minimumHidden: 1, fixedWidth: 4),
            MaskPattern(id: "address", style: .text, keepFirst: 6, minimumHidden: 1, fixedWidth: 4),
            MaskPattern(id: "redact", style: .text, minimumHidden: 0, fixedWidth: 4),
        ].map { ($0.id, $0) })

    /// Two-character surnames (复姓), for ``Style/chineseName``: the common ones of the Hundred Family Surnames and
    /// today's registers. A name starting with one keeps both characters.
    public static let compoundSurnames: Set<String> = [
        "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛", "尉迟", "公羊",
        "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容", "仲孙", "钟离", "长孙", "宇文",
        "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马", "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正",
        "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐", "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "公户",
        "公玉", "公仪", "梁丘", "公仲", "公上", "公门", "公山", "公坚", "左丘", "公伯", "西门", "公祖", "第五", "公乘",
        "贯丘", "公皙", "南荣", "东里", "东宫", "仲长", "子书", "子桑", "即墨", "达奚", "褚师", "吴铭", "纳兰", "归海",
        "东门", "况后", "有琴", "梁丘", "左人", "西宫", "欧侯", "呼衍",
    ]

    /// The masked text of `value`, or `nil` when the value is too short or of the wrong shape for the pattern (the
    /// caller then applies ``shortValue``).
    public func apply(to value: String) -> String? {
        switch style {
        case .text: return maskCharacters(Substring(value), keepFirst: keepFirst)
        case .chineseName:
            var surname = 1
            if let second = value.index(value.startIndex, offsetBy: 2, limitedBy: value.endIndex),
                Self.compoundSurnames.contains(String(value[..<second]))
            {
                surname = 2
            }
            return maskCharacters(Substring(value), keepFirst: max(keepFirst, surname))
        case .email:
            guard let at = value.lastIndex(of: "@") else { return nil }
            let domain = value[value.index(after: at)...]
            // The domain stays in clear, so it must be a domain: labels of letters, digits and hyphens.
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2,
                labels.allSatisfy({ label in
                    !label.isEmpty
                        && label.unicodeScalars.allSatisfy {
                            $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
                        }
                }),
                let masked = maskCharacters(value[..<at], keepFirst: keepFirst)
            else { return nil }
            return masked + "@" + domain
        case .digits, .mobile, .idNumber, .bankCard:
            // ASCII, the common case, is masked byte by byte; other text (full-width digits) by character.
            if value.utf8.allSatisfy({ $0 < 0x80 }), fill.isASCII {
                return maskDigits(
                    Array(value.utf8), isDigit: { (0x30...0x39).contains($0) }, x: UInt8(ascii: "X"),
                    lowerX: UInt8(ascii: "x"), separators: [0x20, 0x2D], fill: fill.asciiValue!
                ) { String(decoding: $0, as: UTF8.self) }
            }
            return maskDigits(
                Array(value), isDigit: Self.isDigit, x: "X", lowerX: "x", separators: [" ", "-"], fill: fill
            ) { String($0) }
        }
    }

    /// The redaction a short value gets: the fill character ``fixedWidth`` times, or four.
    public var redaction: String { String(repeating: fill, count: fixedWidth ?? 4) }

    private func hidden(_ count: Int) -> String { String(repeating: fill, count: fixedWidth ?? count) }

    /// Keeps `keepFirst` and ``keepLast`` characters (grapheme clusters) around the hidden ones.
    private func maskCharacters(_ text: Substring, keepFirst: Int) -> String? {
        if let masked = maskSimpleText(text, keepFirst: keepFirst) { return masked.isEmpty ? nil : masked }
        let count = text.count
        // A kept character carries its whole cluster: one with a tail of combining or tag characters could carry
        // a hidden value along, so such text is not masked but falls back.
        if text.prefix(keepFirst).contains(where: { $0.unicodeScalars.count > 10 })
            || text.suffix(keepLast).contains(where: { $0.unicodeScalars.count > 10 })
        {
            return nil
        }
        let hiddenCount = count - keepFirst - keepLast
        guard hiddenCount >= max(minimumHidden, 0), hiddenCount > 0 || keepFirst + keepLast == 0 else { return nil }
        if count == 0 { return hidden(0).isEmpty ? nil : hidden(0) }
        var output = String()
        output.reserveCapacity(text.utf8.count + (fixedWidth ?? hiddenCount) * fill.utf8.count)
        output += text.prefix(keepFirst)
        output += hidden(hiddenCount)
        output += text.suffix(keepLast)
        return output
    }

    /// The fast path of ``maskCharacters(_:keepFirst:)`` for text in which every Unicode scalar is a character of
    /// its own — ASCII (but CR, which pairs with LF), precomposed Latin, CJK ideographs and punctuation, kana,
    /// Hangul syllables, full-width forms — masked on its UTF-8 bytes: `nil` when the text is not such text
    /// (emoji, combining marks), `""` when the mask does not apply.
    private func maskSimpleText(_ text: Substring, keepFirst: Int) -> String? {
        if let masked = text.utf8.withContiguousStorageIfAvailable({ maskSimpleBytes($0, keepFirst: keepFirst) }) {
            return masked
        }
        return maskSimpleBytes(Array(text.utf8), keepFirst: keepFirst)
    }

    private func maskSimpleBytes(_ bytes: some RandomAccessCollection<UInt8>, keepFirst: Int) -> String? {
        // Count the scalars, checking each stands alone; note where the head ends and the tail starts.
        var count = 0
        var starts: (head: Int, tail: Int) = (bytes.count, bytes.count)
        var offset = 0
        var index = bytes.startIndex
        var scalarStarts = 0
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                var value = UInt32(byte)
                var length = 1
                if byte >= 0xF0 {
                    return nil
                } else if byte >= 0xE0 {
                    length = 3
                    value = UInt32(byte & 0x0F)
                } else if byte >= 0xC0 {
                    length = 2
                    value = UInt32(byte & 0x1F)
                }
                if length > 1 {
                    var next = bytes.index(after: index)
                    for _ in 1..<length {
                        guard next != bytes.endIndex else { return nil }
                        value = value << 6 | UInt32(bytes[next] & 0x3F)
                        next = bytes.index(after: next)
                    }
                }
                guard Self.standsAlone(value) else { return nil }
                if scalarStarts == keepFirst { starts.head = offset }
                scalarStarts += 1
                count += 1
            }
            offset += 1
            index = bytes.index(after: index)
        }
        if keepFirst >= count { starts.head = bytes.count }
        let hiddenCount = count - keepFirst - keepLast
        guard hiddenCount >= max(minimumHidden, 0), hiddenCount > 0 || keepFirst + keepLast == 0 else { return "" }
        if keepLast > 0 {
            // The tail's first byte: walk back keepLast scalar starts from the end.
            var remaining = keepLast
            var position = bytes.count
            var cursor = bytes.endIndex
            while remaining > 0 && cursor != bytes.startIndex {
                cursor = bytes.index(before: cursor)
                position -= 1
                if bytes[cursor] & 0xC0 != 0x80 { remaining -= 1 }
            }
            starts.tail = position
        }
        let fillBytes = fill.utf8
        let width = fixedWidth ?? hiddenCount
        if count == 0 && width == 0 { return "" }
        let head = bytes.prefix(starts.head)
        let tail = bytes.suffix(bytes.count - starts.tail)
        return String(unsafeUninitializedCapacity: head.count + width * fillBytes.count + tail.count) { output in
            var written = 0
            for byte in head {
                output[written] = byte
                written += 1
            }
            for _ in 0..<width {
                for byte in fillBytes {
                    output[written] = byte
                    written += 1
                }
            }
            for byte in tail {
                output[written] = byte
                written += 1
            }
            return written
        }
    }

    /// Whether a scalar is always a character by itself when the text holds no combining or joining scalar.
    private static func standsAlone(_ value: UInt32) -> Bool {
        switch value {
        case 0x20...0x7E, 0x09, 0x0A: true
        case 0xA0...0x2FF: true
        case 0x3000...0x3029, 0x3030...0x3098, 0x309B...0x30FF: true
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3: true
        case 0xFF01...0xFF5E: true
        default: false
        }
    }

    /// Masks counting digits only: separators (spaces, `-`) stay where they are, so `138 1234 5678` reads
    /// `138 **** 5678`; a style with a shape checks the digits first. Generic over bytes (ASCII) and characters.
    private func maskDigits<Unit: Equatable>(
        _ input: [Unit], isDigit: (Unit) -> Bool, x: Unit, lowerX: Unit, separators: [Unit], fill: Unit,
        text: ([Unit]) -> String
    ) -> String? {
        var characters = input[...]
        var prefix: [Unit] = []
        if style == .mobile {
            // A country prefix is kept aside: it says where the number is from, not whose it is.
            let codes: [[Unit]] = Self.countryPrefixes.compactMap { code in
                let units = input.count >= code.count ? Array(input[..<code.count]) : []
                return text(units) == code ? units : nil
            }
            if let code = codes.first {
                prefix = code
                characters = characters.dropFirst(code.count)
                while let first = characters.first, separators.contains(first) {
                    prefix.append(first)
                    characters = characters.dropFirst()
                }
            }
        }
        var units = Array(characters)
        var digitPositions: [Int] = []
        digitPositions.reserveCapacity(units.count)
        for (offset, unit) in units.enumerated() {
            if isDigit(unit) {
                digitPositions.append(offset)
            } else if style == .idNumber, offset == units.count - 1, unit == x || unit == lowerX {
                digitPositions.append(offset)
            } else if !separators.contains(unit) || style == .idNumber {
                return nil
            }
        }
        let count = digitPositions.count
        switch style {
        case .mobile:
            guard count == 11, text([units[digitPositions[0]]]) == "1" || text([units[digitPositions[0]]]) == "１"
            else { return nil }
        case .idNumber:
            guard count == 18 || (count == 15 && isDigit(units[units.count - 1])), units.count == count else {
                return nil
            }
        case .bankCard: guard (12...19).contains(count) else { return nil }
        default: break
        }
        let hiddenCount = count - keepFirst - keepLast
        guard hiddenCount >= max(minimumHidden, 1) else { return nil }
        if let width = fixedWidth {
            // A fixed width hides how many digits there were: the visible digits around one run of fill.
            let head = keepFirst == 0 ? [] : Array(units[...digitPositions[keepFirst - 1]])
            let tail = keepLast == 0 ? [] : Array(units[digitPositions[count - keepLast]...])
            return text(prefix + head) + String(repeating: self.fill, count: width) + text(tail)
        }
        for index in keepFirst..<(count - keepLast) { units[digitPositions[index]] = fill }
        return text(prefix + units)
    }

    private static let countryPrefixes = ["+86", "0086", "＋８６", "+８６", "００８６"]

    /// ASCII `0`–`9` and their full-width forms (`０`–`９`), which phone numbers typed on Chinese keyboards often use.
    static func isDigit(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
        return (0x30...0x39).contains(scalar.value) || (0xFF10...0xFF19).contains(scalar.value)
    }
}
