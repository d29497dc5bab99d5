import ConsentKit
import Testing

/// The built-in masks on the values they are meant for and on the ones that break naive masks: short values,
/// compound surnames, full-width digits, combining marks and emoji, values of the wrong shape.
@Suite struct MaskPatternTests {
    func mask(_ id: String, _ value: String) -> String? { MaskPattern.builtIn[id]!.apply(to: value) }

    @Test func chineseNamesKeepTheSurnameOnly() {
        #expect(mask("chineseName", "段正淳") == "段**")
        #expect(mask("chineseName", "张三") == "张*")
        // Compound surnames keep both characters, and the given name is still hidden.
        #expect(mask("chineseName", "欧阳娜娜") == "欧阳**")
        #expect(mask("chineseName", "司马懿") == "司马*")
        // A name that is all surname would be shown whole: it falls back (the caller redacts it).
        #expect(mask("chineseName", "欧阳") == nil)
        #expect(mask("chineseName", "高") == nil)
        #expect(mask("chineseName", "") == nil)
        // Other scripts are masked the same way; no Han character survives as "other".
        #expect(mask("chineseName", "Frank") == "F****")
    }

    @Test func masksCountWhatAReaderSeesAsOneCharacter() {
        // "é" written as e + combining accent is one character; a family emoji is one character.
        #expect(mask("chineseName", "Ze\u{301}lie") == "Z****")
        #expect(mask("chineseName", "👨‍👩‍👧王") == "👨‍👩‍👧*")
        let redact = MaskPattern(id: "lastTwo", keepLast: 2, minimumHidden: 1)
        #expect(redact.apply(to: "北京市海淀区") == "****淀区")
        #expect(redact.apply(to: "淀区") == nil)
    }

    @Test func mobileNumbersIncludingFullWidthDigitsAndCountryPrefix() {
        #expect(mask("mobile", "13812345678") == "138****5678")
        #expect(mask("mobile", "１３８１２３４５６７８") == "１３８****５６７８")
        #expect(mask("mobile", "+86 138 1234 5678") == "+86 138 **** 5678")
        #expect(mask("mobile", "0086-13812345678") == "0086-138****5678")
        #expect(mask("mobile", "138-1234-5678") == "138-****-5678")
        // Not a mobile number: too short, too long, not starting with 1, letters.
        #expect(mask("mobile", "1381234567") == nil)
        #expect(mask("mobile", "138123456789") == nil)
        #expect(mask("mobile", "23812345678") == nil)
        #expect(mask("mobile", "138a2345678") == nil)
        #expect(mask("mobile", "5678") == nil)
    }

    @Test func residentIDNumbersOf18And15Characters() {
        #expect(mask("idNumber", "11010519491231002X") == "1****************X")
        #expect(mask("idNumber", "11010519491231002x") == "1****************x")
        #expect(mask("idNumber", "110105491231002") == "1*************2")
        // 17 characters, a letter inside, an X in a 15-digit number, spaces: not an ID number.
        #expect(mask("idNumber", "1101051949123100X") == nil)
        #expect(mask("idNumber", "1101051949A231002X") == nil)
        #expect(mask("idNumber", "11010549123100X") == nil)
        #expect(mask("idNumber", "110105 19491231002X") == nil)
        // A policy may show more (a bank's 6 + 4), and the lint then warns.
        let sixFour = MaskPattern(id: "id64", style: .idNumber, keepFirst: 6, keepLast: 4, minimumHidden: 4)
        #expect(sixFour.apply(to: "11010519491231002X") == "110105********002X")
        #expect(sixFour.maximumVisible == 10)
    }

    @Test func bankCardsWithAndWithoutSeparators() {
        #expect(mask("bankCard", "6222020200112233445") == "6222***********3445")
        #expect(mask("bankCard", "6222 0202 0011 2233") == "6222 **** **** 2233")
        #expect(mask("bankCard", "62220202001") == nil)
        #expect(mask("bankCard", "62220202001122334455") == nil)
    }

    @Test func emailShowsTheDomainAndHidesTheLength() {
        #expect(mask("email", "zhang.san@example.cn") == "z****@example.cn")
        #expect(mask("email", "ab@example.cn") == "a****@example.cn")
        // One character before the @ would be shown whole.
        #expect(mask("email", "a@example.cn") == nil)
        #expect(mask("email", "not-an-address") == nil)
        #expect(mask("email", "x@y@example.cn") == "x****@example.cn" || mask("email", "x@y@example.cn") == nil)
        #expect(mask("email", "user@localhost") == nil)
        #expect(mask("email", "@example.cn") == nil)
    }

    @Test func addressesKeepTheDistrict() {
        #expect(mask("address", "北京市海淀区马连洼街道289号") == "北京市海淀区****")
        #expect(mask("address", "北京市海淀区") == nil)
        #expect(mask("redact", "anything at all") == "****")
        #expect(mask("redact", "") == "****")
    }

    @Test func fixedWidthDigitMasksHideTheCount() {
        let pattern = MaskPattern(id: "card", style: .bankCard, keepFirst: 0, keepLast: 4, fixedWidth: 4)
        #expect(pattern.apply(to: "6222020200112233445") == "****3445")
        #expect(pattern.apply(to: "622202020011") == "****0011")
        let first = MaskPattern(id: "first", style: .digits, keepFirst: 3, keepLast: 0, fixedWidth: 3)
        #expect(first.apply(to: "123456") == "123***")
    }

    @Test func noBuiltInShowsMoreThanItSays() {
        let samples = [
            "段正淳", "欧阳娜娜", "13812345678", "+86 138 1234 5678", "11010519491231002X", "6222020200112233445",
            "zhang.san@example.cn", "北京市海淀区马连洼街道289号",
        ]
        for (id, pattern) in MaskPattern.builtIn {
            for sample in samples {
                guard let masked = pattern.apply(to: sample) else { continue }
                let shown = VisibleCharacters.count(in: masked, original: sample, pattern: pattern)
                #expect(shown <= pattern.maximumVisible, "\(id) shows \(shown) of \(sample): \(masked)")
            }
        }
    }
}

/// Counts the characters of a masked value that come from the value, not counting what a pattern declares it
/// keeps beside the mask (an e-mail's domain, a mobile number's country prefix, separators).
enum VisibleCharacters {
    static func count(in masked: String, original: String, pattern: MaskPattern) -> Int {
        var text = Substring(masked)
        if pattern.style == .email, let at = masked.lastIndex(of: "@") { text = masked[..<at] }
        if pattern.style == .mobile {
            for prefix in ["+86", "0086", "＋８６", "+８６", "００８６"] where text.hasPrefix(prefix) {
                text = text.dropFirst(prefix.count)
                break
            }
        }
        return text.filter { $0 != pattern.fill && $0 != " " && $0 != "-" }.count
    }
}
