import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

/// Replays the committed libFuzzer corpus (Fuzz/Corpus) through the fuzzer's checks, so what fuzzing found stays
/// fixed without libFuzzer.
@Suite struct FuzzCorpusTests {
    @Test func everyCorpusInputIsHandledAndWhatDecodesIsCanonical() throws {
        let directory = TestSupport.path("Fuzz/Corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.count > 100)
        let key = try TokenKey(id: "k1", secret: Array("fuzzing-key-fuzzing-key-fuzzing!".utf8))
        let ring = try TokenKeyRing(keys: [key], signingKeyID: "k1")
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var decoded = 0
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            _ = try? ring.verify(String(decoding: bytes, as: UTF8.self), audience: "ads", at: now)
            guard let token = try? ConsentToken(decoding: bytes) else { continue }
            decoded += 1
            #expect(try token.encoded() == bytes, "\(name) does not re-encode to itself")
            // Signed with the ring's secret, it verifies if it names the ring's key id.
            let signed = ConsentToken.prefix + Base64URL.encode(bytes + key.tag(bytes[...]))
            do {
                let verified = try ring.verify(signed, audience: token.audience, at: token.issuedAt)
                #expect(verified == token)
            } catch {
                #expect(error.code == .unknownSigningKey && token.keyID != "k1", "\(name): \(error)")
            }
        }
        #expect(decoded > 0)
    }
}

/// Replays the committed corpus of the JSON fuzzer (Fuzz/LedgerCorpus) through its checks: what parses, loads as a
/// ledger or loads as a policy writes out to something that reads back the same.
@Suite struct LedgerFuzzCorpusTests {
    @Test func everyCorpusInputIsHandledAndWhatLoadsReadsBack() throws {
        let directory = TestSupport.path("Fuzz/LedgerCorpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.count > 20)
        let policy = try TestSupport.retailPolicy()
        var loaded = (json: 0, ledgers: 0, policies: 0)
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            if let value = try? JSONParser.parse(bytes) {
                loaded.json += 1
                #expect(try JSONParser.parse(Array(value.serialized().utf8)) == value, "\(name)")
            }
            if let ledger = try? ConsentLedger(policy: policy, jsonLines: Data(bytes)) {
                loaded.ledgers += 1
                let written = ledger.jsonLines()
                #expect(try ConsentLedger(policy: policy, jsonLines: written).jsonLines() == written, "\(name)")
            }
            if let document = try? Policy(jsonData: Data(bytes)) {
                loaded.policies += 1
                let written = document.jsonData()
                #expect(try Policy(jsonData: written).jsonData() == written, "\(name)")
            }
        }
        #expect(loaded.json > 0 && loaded.ledgers > 0 && loaded.policies > 0, "\(loaded)")
    }
}
