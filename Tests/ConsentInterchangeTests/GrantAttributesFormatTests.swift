import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// A grant event's `attributes`: a list of attribute names, read strictly and written in one order.
@Suite struct GrantAttributesFormatTests {
    let policy: Policy
    init() throws { policy = try TestSupport.retailPolicy() }

    func ledger(_ attributes: String) throws -> ConsentLedger {
        let line =
            #"{"type":"grant","id":"g1","subject":"c1","purposes":["store.facepay"],"fields":["faceTemplate"],"#
            + #""kind":"ordinary","attributes":\#(attributes),"at":"2026-01-01T00:00:00Z"}"#
        return try ConsentLedger(policy: policy, jsonLines: Data(("\n" + line + "\n").utf8), file: "l.jsonl")
    }

    @Test func attributesAreReadAndWrittenInOneOrder() throws {
        let ledger = try ledger(#"["transferInformed","separate","unbundled"]"#)
        let grant = try #require(ledger.grant("g1"))
        #expect(grant.attributes == [.unbundled, .separate, .transferInformed])
        #expect(grant.strength == .separate)
        let written = String(decoding: ledger.jsonLines(), as: UTF8.self)
        #expect(written.contains(#""kind":"ordinary","attributes":["unbundled","separate","transferInformed"]"#))
        let again = try ConsentLedger(policy: policy, jsonLines: ledger.jsonLines())
        #expect(again.grant("g1") == grant)
        // What the kind already stands for is not kept: one grant, one form.
        #expect(try self.ledger(#"["affirmative","separate"]"#).grant("g1")?.attributes == .separate)
        #expect(try self.ledger(#"["affirmative"]"#).grant("g1")?.attributes == [])
        // None recorded: the key is not written, so v1 files read and write back unchanged.
        let plain = try self.ledger("[]")
        #expect(!String(decoding: plain.jsonLines(), as: UTF8.self).contains("attributes"))
    }

    @Test func badAttributesAreErrorsAtTheirPath() throws {
        let unknown = expectError(.invalidValue) { _ = try ledger(#"["separate","bundled"]"#) }
        #expect(unknown?.location.line == 2)
        #expect(unknown?.location.path == "attributes[1]")
        #expect(unknown?.message.contains("`bundled`") == true)
        let twice = expectError(.duplicateIdentifier) { _ = try ledger(#"["separate","separate"]"#) }
        #expect(twice?.location.path == "attributes[1]")
        #expect(twice?.message.contains("listed twice") == true)
        expectError(.wrongType) { _ = try ledger(#""separate""#) }
        expectError(.wrongType) { _ = try ledger(#"[1]"#) }
    }

    @Test func aRecordedAttributeChangesTheDecision() throws {
        let question = ConsentQuestion(
            subject: "c1", purpose: "store.facepay", field: "faceTemplate", at: try instant("2026-02-01T00:00:00Z"))
        let bundled = ReferenceEvaluator(ledger: try ledger(#"["unbundled"]"#)).decision(for: question)
        #expect(bundled.reason == .separateConsentRequired)
        let separate = ReferenceEvaluator(ledger: try ledger(#"["separate"]"#)).decision(for: question)
        #expect(separate == Decision(.allowedByConsent, grant: "g1"))
    }
}
