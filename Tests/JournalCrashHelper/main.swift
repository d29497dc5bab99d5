// Appends grants to a journal as fast as it can and prints each grant's id only after `append` returned — that
// is, after it is durable. The crash tests kill this process at random moments and check that every id it
// printed is in the journal when it is reopened.
//
// usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH
import ConsentKit
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 6, let start = Int(arguments[3]), let count = Int(arguments[4]), let batch = Int(arguments[5])
else {
    FileHandle.standardError.write(Data("usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH\n".utf8))
    exit(2)
}
do {
    let policy = try Policy(contentsOfFile: arguments[2])
    let journal = try ConsentJournal(path: arguments[1], policy: policy)
    var number = start
    while number < start + count {
        let ids = (number..<min(number + batch, start + count)).map { GrantID("g\($0)") }
        try journal.append(
            ids.map { id in
                .grant(
                    ConsentGrant(
                        id, subject: SubjectID("c\(id.rawValue.count % 7)"), purposes: ["marketing.email"],
                        fields: ["email"], kind: .ordinary, at: Date(timeIntervalSince1970: 1_767_225_600),
                        noticeVersion: 2,
                        evidence: ConsentEvidence(
                            channel: "app", touchpoint: "crash-test", reference: String(repeating: "x", count: 200))))
            })
        // Unbuffered: the parent reads these even after this process is killed.
        FileHandle.standardOutput.write(Data(ids.map { $0.rawValue + "\n" }.joined().utf8))
        number += batch
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
