import ConsentKit
import ConsentKitTestSupport
import Testing

@Suite struct ReasonCodeTests {
    @Test(arguments: ReasonCode.allCases)
    func roundTripsItsDottedStringAndCitesAnArticle(code: ReasonCode) {
        #expect(ReasonCode(rawValue: code.rawValue) == code)
        #expect(ReasonCode(ordinal: code.ordinal) == code)
        #expect(code.rawValue.hasPrefix(code.effect == .allow ? "allowed." : "denied."))
        // Every code cites its provision: an article, or a section of a statute or regulation (CCPA 1798.120, § 7070).
        #expect(code.citation.contains("Art.") || code.citation.contains("§") || code.citation.contains("1798."))
        #expect(!code.summary.isEmpty)
    }

    @Test func hasFiftySixStableCodes() {
        // PIPL's thirty, then the twenty-six the other regimes added, appended so earlier ordinals keep their number.
        #expect(ReasonCode.allCases.count == 56)
        #expect(Set(ReasonCode.allCases.map(\.rawValue)).count == 56)
        #expect(ReasonCode(ordinal: 29) == .separateConsentRequired)
        #expect(ReasonCode(ordinal: 30) == .allowedByLegitimateInterests)
        #expect(ReasonCode(ordinal: 55) == .channelConsentRequired)
        #expect(ReasonCode.allCases.prefix { $0.effect == .allow }.count == 17)
        #expect(ReasonCode(rawValue: "denied.nope") == nil)
    }

    @Test func matchesPrefixesByWholeSegments() {
        #expect(ReasonCode.optedOutOfDirectMarketing.matches(prefix: "denied.optedOut"))
        #expect(ReasonCode.optedOutOfDirectMarketing.matches(prefix: "denied"))
        #expect(ReasonCode.optedOutOfDirectMarketing.matches(prefix: "denied.optedOut.directMarketing"))
        #expect(!ReasonCode.optedOutOfDirectMarketing.matches(prefix: "denied.opted"))
        #expect(!ReasonCode.optedOutOfDirectMarketing.matches(prefix: "denied.optedOut.direct"))
        #expect(ReasonCode.allowedByContract.matches(prefix: "allowed.legalBasis"))
    }

    @Test func mapsBasesAndOptOutKinds() {
        for basis in LegalBasis.allCases {
            #expect(
                ReasonCode.allowed(by: basis).rawValue.hasSuffix(
                    basis == .consent
                        ? "consent" : basis == .disclosedPurpose ? "disclosedPurpose" : "legalBasis.\(basis.rawValue)"))
        }
        for kind in OptOutKind.allCases {
            #expect(ReasonCode.optedOut(of: kind).rawValue == "denied.optedOut.\(kind.rawValue)")
        }
    }

    @Test func decisionsDescribeThemselves() {
        #expect(Decision(.allowedByConsent, grant: "g1").description == "allow allowed.consent (grant g1)")
        #expect(Decision(.withdrawn).description == "deny denied.withdrawn")
        #expect(!Decision(.withdrawn).isAllowed)
    }
}
