public import ConsentKit
internal import ConsentKitTesting
public import Foundation

/// The consent the fleet tests and the benchmark write: one policy, subjects `s0`, `s1`, …, each granting
/// `newsletter` on `email` with a grant `g-<subject>`, and withdrawals of those grants.
public enum FleetWorkload {
    /// The policy: email and phone, consent purposes `newsletter` and `surveys`.
    public static func policy() throws(ConsentKitError) -> Policy { try ConsentStoreCompatibility.policy() }

    /// 2026-01-01T00:00:00Z: grants are given from here.
    public static let start = Date(timeIntervalSince1970: 1_767_225_600)

    /// When decisions are asked: after every grant and withdrawal the workload writes.
    public static let decisionInstant = Date(timeIntervalSince1970: 1_893_456_000)  // 2030-01-01

    /// Subject number `index`.
    public static func subject(_ index: Int) -> SubjectID { SubjectID(rawValue: "s\(index)") }

    /// A grant of `newsletter` on `email`, with id `id`.
    public static func grant(_ id: String, subject: SubjectID, offset: Int = 0) -> ConsentEvent {
        .grant(
            ConsentGrant(
                GrantID(rawValue: id), subject: subject, purposes: ["newsletter"], fields: ["email"],
                kind: .ordinary, attributes: [.unbundled, .transferInformed],
                at: start.addingTimeInterval(Double(offset % 86_400)),
                evidence: ConsentEvidence(channel: "app", touchpoint: "settings")))
    }

    /// The withdrawal of grant `id`.
    public static func withdrawal(of id: String) -> ConsentEvent {
        .withdraw(Withdrawal(.grant(GrantID(rawValue: id)), at: start.addingTimeInterval(200_000)))
    }

    /// The question the propagation measurement watches for `subject`.
    public static func question(_ subject: SubjectID) -> ConsentQuestion {
        ConsentQuestion(subject: subject, purpose: "newsletter", field: "email", at: decisionInstant)
    }

    /// A checksum of every decision a ledger gives: each subject × purpose × field at ``decisionInstant``, with
    /// the reason and the grant. Two processes that hold the same events agree on it.
    public static func decisionChecksum(_ engine: LayeredConsentEngine, subjects: [SubjectID], policy: Policy)
        -> String
    {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01B3
            }
            hash ^= 0xFF
            hash &*= 0x100_0000_01B3
        }
        for subject in subjects {
            for purpose in policy.purposes {
                for field in purpose.fields {
                    let decision = engine.decision(
                        for: ConsentQuestion(subject: subject, purpose: purpose.id, field: field, at: decisionInstant))
                    mix("\(subject)|\(purpose.id)|\(field)|\(decision.reason)|\(decision.grant?.rawValue ?? "-")")
                }
            }
        }
        return String(hash, radix: 16)
    }

    /// Nanoseconds since 1970 by the wall clock: comparable between processes on one machine.
    public static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
