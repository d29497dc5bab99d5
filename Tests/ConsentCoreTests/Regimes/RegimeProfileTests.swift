import ConsentKit
import Foundation
import Testing

/// The built-in profiles hold the tables of Regimes.md, entry for entry.
@Suite struct RegimeProfileTests {
    @Test func thereAreThirtyFiveBuiltInRegimes() {
        #expect(Regime.all.count == 35)
        #expect(Set(Regime.all.map(\.name)).count == 35)
        #expect(Regime(named: "GDPR-FR")?.profile.base == "GDPR")
        #expect(Regime(named: "GDPR-XX") == nil)
        #expect(Regime(named: "gdpr") == nil)
        #expect(Regime.gdpr("DE") == Regime(named: "GDPR-DE"))
    }

    @Test func memberStatesHaveTheirArticle8Ages() throws {
        let ages: [Int: [String]] = [
            13: ["BE", "DK", "EE", "FI", "LV", "MT", "PT", "SE", "IS", "NO"],
            14: ["AT", "BG", "CY", "IT", "LT", "ES"],
            15: ["CZ", "FR", "GR", "SI"],
            16: ["DE", "HR", "HU", "IE", "LU", "NL", "PL", "RO", "SK", "LI"],
        ]
        #expect(ages.values.map(\.count).reduce(0, +) == 30)
        for (age, states) in ages {
            for state in states {
                let profile = try #require(Regime.gdpr(state)).profile
                #expect(profile.ageBands.map(\.below) == [age], "\(state)")
                #expect(profile.ageBands[0].grantors == (state == "FR" ? .joint : .guardian), "\(state)")
                #expect(profile.age.reachedOn == .birthday && profile.age.leapDay == .march1)
                #expect(profile.age.zone.flatMap(TimeZone.init(identifier:)) != nil, "\(state)")
            }
        }
        #expect(Regime.gdpr.profile.ageBands.map(\.below) == [16])
    }

    @Test func basesAreTheClosedListsOfEachRegime() {
        func names(_ regime: Regime) -> Set<String> { Set(regime.profile.bases.map(\.rawValue)) }
        #expect(
            names(.pipl)
                == [
                    "consent", "contract", "employment", "legalObligation", "vitalInterests", "publicInterest",
                    "publiclyDisclosed", "otherLaw",
                ])
        #expect(
            names(.gdpr)
                == [
                    "consent", "contract", "legalObligation", "vitalInterests", "publicTask", "legitimateInterests",
                    "legalClaims",
                ])
        #expect(names(.ccpa) == ["disclosedPurpose", "consent", "legalObligation", "legalClaims"])
        #expect(
            names(.lgpd)
                == [
                    "consent", "legalObligation", "publicTask", "research", "contract", "legalClaims", "vitalInterests",
                    "healthProtection", "legitimateInterests", "creditProtection", "publiclyDisclosed", "childContact",
                ])
        #expect(
            names(.pdpaTH)
                == [
                    "consent", "research", "vitalInterests", "contract", "publicTask", "legitimateInterests",
                    "legalObligation",
                ])
    }

    @Test func sensitiveConditionsAndMechanismsAreTheListedOnes() {
        #expect(Regime.pipl.profile.sensitive.model == .anyBasis)
        #expect(Regime.ccpa.profile.sensitive.model == .limitRight)
        #expect(Regime.gdpr.profile.sensitive.conditions.count == 9)
        #expect(Regime.lgpd.profile.sensitive.conditions.contains(.fraudPrevention))
        #expect(!Regime.lgpd.profile.bases.contains { $0.rawValue == "fraudPrevention" })
        #expect(Regime.pdpaTH.profile.sensitive.conditions.count == 9)
        #expect(Regime.ccpa.profile.transfers.mechanisms.isEmpty && Regime.ccpa.profile.territory.isEmpty)
        #expect(Regime.gdpr.profile.transfers.consentRoutes[.derogationConsent] == [.transferInformed, .explicit])
        #expect(Regime.lgpd.profile.transfers.consentRoutes[.specificConsent] == [.transferInformed, .separate])
        #expect(Regime.pdpaTH.profile.transfers.adequacy.isEmpty)
        #expect(Regime.gdpr.profile.territory.count == 30)
    }

    @Test func erasureSurvivorsAreTheMandatoryBases() {
        #expect(Regime.pipl.profile.erasureSurvivors == [.legalObligation])
        for regime in [Regime.gdpr, .ccpa, .lgpd, .pdpaTH] {
            #expect(regime.profile.erasureSurvivors == [.legalObligation, .vitalInterests, .legalClaims])
        }
    }

    @Test func onlyPIPLAndTheGDPRKeepAGuardiansGrantAfterMajority() {
        for regime in Regime.all {
            #expect(
                regime.profile.consent.guardianGrantSurvivesMajority == ["PIPL", "GDPR"].contains(regime.profile.base))
        }
    }

    @Test func everyProfileIsUnbundledOutsidePIPL() {
        for regime in Regime.all {
            let unbundled = regime.profile.consent.baseline.contains(.unbundled)
            #expect(unbundled == (regime != .pipl), "\(regime)")
        }
    }
}
