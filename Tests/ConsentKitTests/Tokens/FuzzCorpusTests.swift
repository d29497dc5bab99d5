import Foundation
import Testing

@testable import ConsentKit

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
                #expect(error.reason == .unknownKey && token.keyID != "k1", "\(name): \(error)")
            }
        }
        #expect(decoded > 0)
    }
}
