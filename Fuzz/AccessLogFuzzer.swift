// libFuzzer target for the access log's readers, compiled together with the ConsentKit sources by Fuzz/run.sh.
// Each input is tried three ways:
//
// 1. as an access log sealed with the fuzzing key (the corpus holds real ones): verification must end — intact or
//    with a failure — and every entry it accepts must read back as a `LoggedEntry`;
// 2. as a checkpoint note: whatever reads must write the same note back;
// 3. as a question file.
//
// Any crash, hang, sanitizer report or broken invariant is a finding.
import Foundation

/// The key the corpus logs are sealed with: 32 bytes of 7.
private let key: AccessLogKey = {
    do {
        return try AccessLogKey(secret: Array(repeating: UInt8(7), count: 32))
    } catch {
        fatalError("the fuzzer's key: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if var walk = try? LogWalk(bytes: bytes, path: "fuzz", key: key, keepLeaves: true) {
        walk.run { sequence, line in
            guard let entry = LoggedEntry(line: line), entry.sequence == sequence else {
                fatalError("an entry that verified does not read back: \(String(decoding: line, as: UTF8.self))")
            }
        }
        if walk.failure == nil {
            walk.checkEnd(state: nil)
            // Whatever verified has a tree whose root is the last checkpoint's, when there is one.
            if let last = walk.checkpoints.last, walk.leaves.count >= Int(last.size) {
                let tree = MerkleTree(leafHashes: walk.leaves)
                guard tree.root(size: Int(last.size)) == last.root else {
                    fatalError("a verified checkpoint's root is not the tree's")
                }
            }
        }
    }
    if let text = String(bytes: bytes, encoding: .utf8), let checkpoint = try? LogCheckpoint(note: text) {
        guard let written = try? checkpoint.note(), let again = try? LogCheckpoint(note: written), again == checkpoint
        else {
            fatalError("a checkpoint note does not read back from what it writes: \(text)")
        }
    }
    _ = try? ConsentQuestion.questions(jsonLines: Data(bytes))
    return 0
}
