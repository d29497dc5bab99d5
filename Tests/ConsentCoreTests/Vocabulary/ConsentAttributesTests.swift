import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct ConsentAttributesTests {
    @Test func kindsStandForTheirAttributeSets() {
        #expect(ConsentKind.ordinary.attributes == [.affirmative])
        #expect(ConsentKind.separate.attributes == [.affirmative, .unbundled, .separate])
        #expect(ConsentKind.written.attributes == [.affirmative, .unbundled, .separate, .explicit, .written])
        for kind in ConsentKind.allCases {
            #expect(kind.attributes.withImplications == kind.attributes, "a kind's set is closed under implication")
            #expect(ConsentKind(strongestIn: kind.attributes) == kind)
        }
    }

    @Test func attributesImplyWhatTheLawReadsIntoThem() {
        #expect(ConsentAttributes.written.withImplications == ConsentKind.written.attributes)
        #expect(ConsentAttributes.separate.withImplications == [.affirmative, .unbundled, .separate])
        #expect(ConsentAttributes.explicit.withImplications == [.affirmative, .explicit], "explicit is not separate")
        #expect(ConsentAttributes().withImplications == .affirmative, "every grant is affirmative")
        #expect(ConsentAttributes([.twoStep, .transferInformed]).withImplications.contains(.affirmative))
    }

    /// The first missing attribute, in the order a denial names it, for every pair of sets: what `firstMissing`
    /// returns is missing, and nothing earlier in the order is.
    @Test func theFirstMissingAttributeFollowsThePrecedence() {
        #expect(ConsentAttributes.precedence.count == ConsentAttribute.allCases.count)
        #expect(Set(ConsentAttributes.precedence) == Set(ConsentAttribute.allCases))
        for have in 0...UInt8.max {
            for need in stride(from: 0, through: 255, by: 7) {
                let has = ConsentAttributes(rawValue: have)
                let required = ConsentAttributes(rawValue: UInt8(need))
                guard let missing = has.firstMissing(of: required) else {
                    #expect(has.isSuperset(of: required))
                    continue
                }
                #expect(required.contains(ConsentAttributes(missing)) && !has.contains(ConsentAttributes(missing)))
                let earlier = ConsentAttributes.precedence.prefix { $0 != missing }
                #expect(earlier.allSatisfy { !required.subtracting(has).contains(ConsentAttributes($0)) })
            }
        }
        #expect(ConsentAttributes.affirmative.firstMissing(of: ConsentKind.written.attributes) == .written)
        #expect(
            ConsentAttributes([.affirmative, .unbundled]).firstMissing(of: ConsentKind.separate.attributes) == .separate
        )
        #expect(
            ConsentAttributes([.written, .twoStep, .verifiedParental]).firstMissing(of: [
                .written, .verifiedParental, .twoStep,
            ])
                == nil)
    }

    @Test func aGrantsStrengthComesFromEveryAttributeItHas() {
        func grant(_ kind: ConsentKind, _ attributes: ConsentAttributes) -> ConsentGrant {
            ConsentGrant(
                "g", subject: "c", purposes: ["p"], fields: ["f"], kind: kind, attributes: attributes,
                at: Date(timeIntervalSince1970: 0))
        }
        #expect(grant(.ordinary, []).strength == .ordinary)
        #expect(grant(.ordinary, [.unbundled, .explicit, .twoStep]).strength == .ordinary)
        #expect(grant(.ordinary, .separate).strength == .separate)
        #expect(grant(.ordinary, .written).strength == .written)
        #expect(grant(.separate, .written).strength == .written)
        #expect(grant(.written, []).strength == .written)
        #expect(grant(.ordinary, .separate).effectiveAttributes == [.affirmative, .unbundled, .separate])
    }

    @Test func attributesPrintByName() {
        #expect(ConsentAttributes([.written, .separate]).description == "[separate, written]")
        #expect(ConsentAttributes().description == "[]")
        #expect(ConsentAttributes(ConsentAttribute.allCases).rawValue == .max)
    }
}
