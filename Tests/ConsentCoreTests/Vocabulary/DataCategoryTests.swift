import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct DataCategoryTests {
    @Test func coversItselfAndDescendantsByWholeSegments() {
        let contact = CategoryID("contact")
        #expect(contact.covers("contact"))
        #expect(contact.covers("contact.email"))
        #expect(contact.covers("contact.email.work"))
        #expect(!contact.covers("contacts"))
        #expect(!CategoryID("contact.email").covers("contact"))
    }

    @Test func listsItsLineage() {
        #expect(CategoryID("a.b.c").lineage == ["a", "a.b", "a.b.c"])
    }

    @Test(arguments: ["", ".a", "a.", "a..b", "a b"])
    func rejectsMalformedIDs(id: String) {
        #expect(!CategoryID(id).isWellFormed)
    }

    @Test func builtInSensitiveCategoriesCarryTheirArticle28Kind() {
        let catalog = CategoryCatalog.builtIn
        #expect(catalog.sensitivity(of: "biometric.face") == .sensitive(.biometric))
        #expect(catalog.sensitivity(of: "financialAccount.bankCard.debit") == .sensitive(.financialAccount))
        #expect(catalog.sensitivity(of: "identityDocument.nationalId") == .sensitive(.identityDocument))
        #expect(catalog.sensitivity(of: "medicalHealth") == .sensitive(.medicalHealth))
        #expect(catalog.sensitivity(of: "contact.email") == .notSensitive)
        #expect(catalog.resolve("made.up") == nil)
    }

    @Test func policyCategoriesInheritAndAddFlags() {
        let catalog = CategoryCatalog(
            regimes: [.pipl],
            declared: [
                DataCategory("loyalty", sensitive: true), DataCategory("medicalHealth.genetic", writtenConsent: true),
                DataCategory("contact", sensitive: true),
            ])
        #expect(catalog.sensitivity(of: "loyalty.tier") == .sensitive(.declaredByPolicy))
        #expect(catalog.resolve("medicalHealth.genetic.sequence")?.writtenConsent == true)
        #expect(catalog.resolve("medicalHealth")?.writtenConsent == false)
        #expect(catalog.sensitivity(of: "contact.email") == .sensitive(.declaredByPolicy))
    }

    @Test func typedFieldsCarryTheirTypeAndBuiltInSensitivity() {
        let email = PersonalDataField<String>("email", category: .contactEmail)
        let birth = PersonalDataField<CalendarDate>("birthDate", category: .demographicBirthDate)
        let template = PersonalDataField<Foundation.Data>("face", category: .biometricFace)
        #expect(email.type == .string && birth.type == .date && template.type == .bytes)
        #expect(PersonalDataField<[String]>("tags", category: .preferenceInterests).type == .stringList)
        #expect(template.sensitivity == .sensitive(.biometric))
        #expect(!email.sensitivity.isSensitive)
        #expect(email.definition == FieldDefinition("email", category: "contact.email", type: .string))
    }

    @Test func consentKindsAreOrderedOrdinarySeparateWritten() {
        #expect(ConsentKind.written.satisfies(.separate) && ConsentKind.separate.satisfies(.ordinary))
        #expect(!ConsentKind.separate.satisfies(.written) && !ConsentKind.ordinary.satisfies(.separate))
    }

    @Test func mandatoryBasesAreThoseImposedByLaw() {
        #expect(
            LegalBasis.allCases.filter(\.isMandatory) == [
                .legalObligation, .vitalInterests, .publicInterest, .otherLaw, .legalClaims,
            ])
        for basis in LegalBasis.allCases where Regime.pipl.profile.bases.contains(basis) {
            #expect(basis.citation.contains("PIPL Art. 13"))
        }
    }
}
