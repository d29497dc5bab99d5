// Appends grants to a journal as fast as it can and prints each grant's id only after `append` returned — that
// is, after it is durable. The crash tests kill this process at random moments and check that every id it
// printed is in the journal when it is reopened.
//
// With a sixth argument `erase`, it instead records a birth date and a grant for a fresh subject, prints the grant
// id, erases the subject (which rewrites the journal and its snapshot) and prints `erased:SUBJECT` once that
// returned; the test checks that no acknowledged event is lost and no erased subject's birth date survives.
//
// usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH [erase]
import ConsentKit
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 6 || arguments.count == 7, let start = Int(arguments[3]), let count = Int(arguments[4]),
    let batch = Int(arguments[5])
else {
    FileHandle.standardError.write(Data("usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH\n".utf8))
    exit(2)
}
do {
    let policy = try Policy(contentsOfFile: arguments[2])
    let journal = try ConsentJournal(path: arguments[1], policy: policy)
    var number = start
    if arguments.count == 7 && arguments[6] == "erase" {
        let at = Date(timeIntervalSince1970: 1_767_225_600)
        while number < start + count {
            let subject = SubjectID("e\(number)")
            try journal.append([
                .subjectFacts(
                    subject, SubjectFactsChange(birthDate: .set(CalendarDate(year: 2001, month: 2, day: 3)!)), at: at),
                .grant(
                    ConsentGrant(
                        GrantID("g\(number)"), subject: subject, purposes: ["marketing.email"], fields: ["email"],
                        kind: .ordinary, at: at, noticeVersion: 2)),
            ])
            FileHandle.standardOutput.write(Data("g\(number)\n".utf8))
            try journal.erase(subject, at: at.addingTimeInterval(60))
            FileHandle.standardOutput.write(Data("erased:\(subject)\n".utf8))
            number += 1
        }
        exit(0)
    }
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
