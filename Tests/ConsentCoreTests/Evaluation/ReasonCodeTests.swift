import ConsentKit
import ConsentKitTestSupport
import Testing

@Suite struct ReasonCodeTests {
    @Test(arguments: ReasonCode.allCases)
    func roundTripsItsDottedStringAndCitesAnArticle(code: ReasonCode) {
        #expect(ReasonCode(rawValue: code.rawValue) == code)
        #expect(ReasonCode(ordinal: code.ordinal) == code)
        #expect(code.rawValue.hasPrefix(code.effect == .allow ? "allowed." : "denied."))
        #expect(code.citation.contains("Art."))
        #expect(!code.summary.isEmpty)
    }

    @Test func hasThirtyStableCodes() {
        #expect(ReasonCode.allCases.count == 30)
        #expect(Set(ReasonCode.allCases.map(\.rawValue)).count == 30)
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
                    basis == .consent ? "consent" : "legalBasis.\(basis.rawValue)"))
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
