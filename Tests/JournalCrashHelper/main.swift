// A writer process for the journal's process tests. It prints each grant's id only after `append` returned — that
// is, after it is durable — so the parent can kill it at any moment and check that every id it printed is in the
// journal when it is reopened.
//
// usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH [MODE]
//
// Modes:
// - (none): append batches of grants as fast as it can.
// - `erase`: record a birth date (distinct per subject) and a grant for a fresh subject, print the grant id, erase
//   the subject (which rewrites the journal and its snapshot) and print `erased:SUBJECT` once that returned.
// - `accesslog`: append access-log entries (grant ids `g<number>`) to an access log at JOURNAL instead, printing each
//   id once its batch is durable.
// - `fill`: lower this process's file-size limit a few kilobytes above the journal's length, so that a write runs
//   into it like a full disk (a short write, then `EFBIG`); print `full` when an append fails, raise the limit again
//   and go on appending. The parent checks that no fragment of the failed append is left in the file.
//
// Exit status: 0 when done, 1 on an error (printed to standard error), 3 when the journal is locked by another writer.
import ConsentKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count == 6 || arguments.count == 7, let start = Int(arguments[3]), let count = Int(arguments[4]),
    let batch = Int(arguments[5])
else {
    FileHandle.standardError.write(Data("usage: JournalCrashHelper JOURNAL POLICY START COUNT BATCH [MODE]\n".utf8))
    exit(2)
}
let mode = arguments.count == 7 ? arguments[6] : ""
let at = Date(timeIntervalSince1970: 1_767_225_600)

/// A birth date of its own for each erased subject, so the parent can tell whose data survived where.
func birthDate(_ number: Int) -> CalendarDate {
    CalendarDate(year: 1940 + number % 60, month: 1 + number % 12, day: 1 + number % 28)!
}

func grants(_ ids: [GrantID]) -> [ConsentEvent] {
    ids.map { id in
        .grant(
            ConsentGrant(
                id, subject: SubjectID("c\(id.rawValue.count % 7)"), purposes: ["marketing.email"], fields: ["email"],
                kind: .ordinary, at: at, noticeVersion: 2,
                evidence: ConsentEvidence(
                    channel: "app", touchpoint: "crash-test", reference: String(repeating: "x", count: 200))))
    }
}

// Unbuffered: the parent reads these even after this process is killed.
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

/// The journal, or exit status 3 when another writer holds it.
func openJournal(_ path: String, _ policy: Policy) -> ConsentJournal {
    do {
        return try ConsentJournal(path: path, policy: policy)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(error.code == .locked ? 3 : 1)
    }
}

do {
    let policy = try Policy(contentsOfFile: arguments[2])
    if mode == "accesslog" {
        // An access log instead of a journal: entries carry the grant id `g<number>`, printed once `append` returned.
        var options = AccessLog.Options()
        options.checkpointEntries = 50
        let log: AccessLog
        do {
            log = try AccessLog(
                path: arguments[1], policy: policy,
                creatingWith: try AccessLogKey(secret: Array(repeating: UInt8(7), count: 32)), options: options)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(error.code == .locked ? 3 : 1)
        }
        var number = start
        while number < start + count {
            let numbers = Array(number..<min(number + batch, start + count))
            try log.append(
                numbers.map {
                    AccessEntry(
                        at: at.addingTimeInterval(Double($0)), actor: AccessActor(role: "crash-test"),
                        subject: SubjectID("c\($0 % 7)"), purpose: "marketing.email", fields: ["email"],
                        reason: .allowed.consent, grant: GrantID("g\($0)"))
                })
            say(numbers.map { "g\($0)" }.joined(separator: "\n"))
            number += batch
        }
        log.close()
        exit(0)
    }
    let journal = openJournal(arguments[1], policy)
    var number = start
    switch mode {
    case "erase":
        while number < start + count {
            let subject = SubjectID("e\(number)")
            try journal.append([
                .subjectFacts(subject, SubjectFactsChange(birthDate: .set(birthDate(number))), at: at),
                .grant(
                    ConsentGrant(
                        GrantID("g\(number)"), subject: subject, purposes: ["marketing.email"], fields: ["email"],
                        kind: .ordinary, at: at, noticeVersion: 2)),
            ])
            say("g\(number)")
            try journal.erase(subject, at: at.addingTimeInterval(60))
            say("erased:\(subject)")
            number += 1
        }
    case "fill":
        signal(SIGXFSZ, SIG_IGN)
        #if canImport(Glibc)
            let fileSize = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
        #else
            let fileSize = RLIMIT_FSIZE
        #endif
        var limit = rlimit()
        getrlimit(fileSize, &limit)
        let original = limit
        let length = (try FileManager.default.attributesOfItem(atPath: arguments[1])[.size] as? Int) ?? 0
        limit.rlim_cur = rlim_t(length + 4_000)
        setrlimit(fileSize, &limit)
        var full = false
        while number < start + count {
            let ids = (number..<min(number + batch, start + count)).map { GrantID("g\($0)") }
            do {
                try journal.append(grants(ids))
                say(ids.map(\.rawValue).joined(separator: "\n"))
                number += batch
            } catch {
                if full { throw error }
                full = true
                say("full:\(error.code)")
                var restored = original
                setrlimit(fileSize, &restored)
            }
        }
    default:
        while number < start + count {
            let ids = (number..<min(number + batch, start + count)).map { GrantID("g\($0)") }
            try journal.append(grants(ids))
            say(ids.map(\.rawValue).joined(separator: "\n"))
            number += batch
        }
    }
    journal.close()
    exit(0)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
