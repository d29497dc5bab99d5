// libFuzzer target for the consent token decoder, compiled together with the ConsentKit sources by Fuzz/run.sh
// (`swiftc -sanitize=fuzzer,address`). Each input is tried three ways:
//
// 1. as token text, through `TokenKeyRing.verify` (prefix, base64url, header, key lookup, tag check);
// 2. as the signed bytes of a token, through the content decoder directly — what a forged but validly signed
//    token would reach; whatever decodes must re-encode to exactly the same bytes (the format is canonical);
// 3. as those bytes signed with the fuzzer's key, through `verify` end to end.
//
// Any crash, hang, sanitizer report or broken invariant is a finding.
import Foundation

private let key: TokenKey = {
    do {
        return try TokenKey(id: "k1", secret: Array("fuzzing-key-fuzzing-key-fuzzing!".utf8))
    } catch {
        fatalError("the fuzzer's key: \(error)")
    }
}()
private let ring: TokenKeyRing = {
    do {
        return try TokenKeyRing(keys: [key], signingKeyID: "k1")
    } catch {
        fatalError("the fuzzer's key ring: \(error)")
    }
}()
private let now = Date(timeIntervalSince1970: 1_790_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? ring.verify(String(decoding: bytes, as: UTF8.self), audience: "ads", at: now)
    if let token = try? ConsentToken(decoding: bytes) {
        guard let again = try? token.encoded(), again == bytes else {
            fatalError("decoded bytes do not re-encode to themselves: \(bytes)")
        }
        let signed = bytes + key.tag(bytes[...])
        _ = try? ring.verify(ConsentToken.prefix + Base64URL.encode(signed), audience: token.audience, at: now)
    }
    return 0
}
