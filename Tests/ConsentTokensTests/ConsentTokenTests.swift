import ConsentKit
import ConsentKitTestSupport
import Foundation
import Testing

@Suite struct ConsentTokenTests {
    let policy: Policy
    let ring: TokenKeyRing
    let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        policy = try TestSupport.retailPolicy()
        ring = try TokenKeyRing(keys: [try TokenKey(id: "k1", secret: secret)], signingKeyID: "k1")
    }

    func fullGrant() throws -> ConsentGrant {
        ConsentGrant(
            "g-full", subject: "customer-42", purposes: ["partner.coalition", "marketing.email"],
            fields: ["email", "name"], categories: ["preference"], kind: .written,
            attributes: [.unbundled, .twoStep, .verifiedParental], grantor: .guardian,
            guardianID: "parent-7", at: Date(timeIntervalSince1970: 1_767_225_600.125),
            expiresAt: Date(timeIntervalSince1970: 1_798_761_600), noticeVersion: 3, recipients: ["r1", "r2"],
            destinations: ["SG"], evidence: ConsentEvidence(channel: "app", touchpoint: "checkout", reference: ""))
    }

    @Test func aGrantRoundTripsEveryField() throws {
        let grant = try fullGrant()
        let text = try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 3600)
        #expect(text.hasPrefix("ckt1."))
        let token = try ring.verify(text, audience: "ads", at: Self.now.addingTimeInterval(10))
        #expect(token.content == .grant(grant))
        #expect(token.issuer == "shop" && token.audience == "ads" && token.keyID == "k1")
        #expect(token.issuedAt == Self.now && token.expiresAt == Self.now.addingTimeInterval(3600))
        // Minimal grants too: no optional part at all.
        let minimal = ConsentGrant(
            "g", subject: "c", purposes: ["hq.analytics"], fields: [], categories: ["preference"], kind: .ordinary,
            at: Self.now.addingTimeInterval(-86_400 * 400))
        let again = try ring.verify(
            try ring.issue(.grant(minimal), issuer: "i", audience: "a", issuedAt: Self.now, lifetime: 1),
            audience: "a", at: Self.now)
        #expect(again.content == .grant(minimal))
    }

    @Test func aSingleGrantTokenFitsIn120Characters() throws {
        let grant = ConsentGrant(
            "g1", subject: "c1", purposes: ["marketing.email"], fields: ["email"], kind: .separate,
            at: Self.now.addingTimeInterval(-3600), noticeVersion: 2)
        let text = try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 86_400)
        #expect(text.utf8.count <= 120, "\(text.utf8.count) characters: \(text)")
    }

    @Test func aSnapshotRoundTripsAndPlugsIntoTheEvaluator() throws {
        var ledger = try ConsentLedger(policy: policy, contentsOfFile: TestSupport.retailLedgerPath)
        try ledger.append(.optOut("alice", .thirdPartyDisclosure, at: Self.now.addingTimeInterval(-50)))
        try ledger.append(.channelOptOut("alice", "sms", at: Self.now.addingTimeInterval(-40)))
        try ledger.append(.restrict("alice", "hq.analytics", at: Self.now.addingTimeInterval(-30)))
        for subject in ledger.subjects {
            let snapshot = try ConsentSnapshot(subject, from: ledger, at: Self.now)
            let text = try ring.issue(
                .snapshot(snapshot), issuer: "crm", audience: "pos", issuedAt: Self.now, lifetime: 600)
            let token = try ring.verify(text, audience: "pos", at: Self.now)
            #expect(token.content == .snapshot(snapshot))
            guard case .snapshot(let verified) = token.content else { continue }
            let rebuilt = ReferenceEvaluator(ledger: try verified.ledger(policy: policy))
            let original = ReferenceEvaluator(ledger: ledger)
            for purpose in policy.purposes {
                for field in policy.fields {
                    for later: TimeInterval in [0, 60, 86_400 * 30] {
                        let question = ConsentQuestion(
                            subject: subject, purpose: purpose.id, field: field.id,
                            at: Self.now.addingTimeInterval(later))
                        // A snapshot carries what is in force: consent withdrawn or expired before it reads as none.
                        let expected = original.decision(for: question)
                        let lapsed: Set<ReasonCode> = [.withdrawn, .expired]
                        let reason = lapsed.contains(expected.reason) ? ReasonCode.noConsent : expected.reason
                        #expect(
                            rebuilt.decision(for: question) == Decision(reason, grant: expected.grant),
                            "\(subject) \(purpose.id) \(field.id) +\(later)")
                    }
                }
            }
        }
    }

    /// The multi-regime example through snapshot tokens: the verifier's decisions at the snapshot's instant are the
    /// issuer's (lapsed consent reads as none), and later ones can only be stricter, never an allow the issuer denies.
    @Test func aSnapshotOfASubjectUnderRegimesCarriesWhatTheyRead() throws {
        let directory = TestSupport.path("Documentation/Examples/multi")
        let policy = try Policy(contentsOfFile: directory + "/multi.policy.json")
        var ledger = try ConsentLedger(policy: policy, contentsOfFile: directory + "/multi.ledger.jsonl")
        let now = try instant("2026-06-01T00:00:00Z")
        try ledger.append(
            .objection(Objection(subject: "lea", kind: .particularSituation, purposes: ["order.history"], at: now)))
        try ledger.append(
            .customer(CustomerRelationship(subject: "mia", channels: [.email], objectionOffered: true, at: now)))
        try ledger.append(.optOut("ploy", .saleOrSharing, at: now.addingTimeInterval(-86_400 * 30)))
        try ledger.append(.optIn("ploy", .saleOrSharing, at: now.addingTimeInterval(-86_400), initiatedBy: .business))
        let original = ReferenceEvaluator(ledger: ledger)
        for subject in ledger.subjects {
            let snapshot = try ConsentSnapshot(subject, from: ledger, at: now)
            #expect(snapshot.regimeState != nil, "\(subject)")
            let text = try ring.issue(.snapshot(snapshot), issuer: "crm", audience: "pos", issuedAt: now, lifetime: 600)
            let token = try ring.verify(text, audience: "pos", at: now)
            #expect(token.content == .snapshot(snapshot))
            guard case .snapshot(let verified) = token.content else { continue }
            let rebuilt = ReferenceEvaluator(ledger: try verified.ledger(policy: policy))
            for purpose in policy.purposes {
                for field in policy.fields {
                    for later: TimeInterval in [0, 86_400 * 400] {
                        let question = ConsentQuestion(
                            subject: subject, purpose: purpose.id, field: field.id, at: now.addingTimeInterval(later))
                        let expected = original.decision(for: question)
                        let got = rebuilt.decision(for: question)
                        if later == 0 && expected.isAllowed {
                            #expect(got == expected, "\(subject) \(purpose.id) \(field.id)")
                        } else if got.isAllowed {
                            #expect(expected.isAllowed, "\(subject) \(purpose.id) \(field.id) later: \(got)")
                        }
                    }
                }
            }
        }
        // A verifier whose policy does not know a regime the snapshot names (one its issuer's policy defined) refuses it.
        var foreign = try ConsentSnapshot("lea", from: ledger, at: now)
        foreign.regimeState?.regimes = ["GDPR-FR-ACME"]
        #expect(throws: ConsentKitError.self) { _ = try foreign.ledger(policy: policy) }
    }

    @Test func everyVerificationFailureHasItsReason() throws {
        let grant = try fullGrant()
        let text = try ring.issue(.grant(grant), issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 60)
        func reason(_ text: String, ring: TokenKeyRing? = nil, audience: String = "ads", at: Date = Self.now)
            -> ConsentKitError.Code?
        {
            do {
                _ = try (ring ?? self.ring).verify(text, audience: audience, at: at)
                return nil
            } catch { return error.code }
        }
        #expect(reason(text) == nil)
        #expect(reason("ckt2." + text.dropFirst(5)) == .malformedToken)
        #expect(reason("ckt1.!!!!") == .malformedToken)
        #expect(reason("ckt1.AAA") == .malformedToken)
        let other = try TokenKeyRing(
            keys: [try TokenKey(id: "k2", secret: secret), try TokenKey(id: "k1", secret: Array(secret.reversed()))],
            signingKeyID: "k2")
        #expect(reason(text, ring: other) == .badSignature)
        let rotated = try TokenKeyRing(keys: [try TokenKey(id: "k2", secret: secret)], signingKeyID: "k2")
        #expect(reason(text, ring: rotated) == .unknownSigningKey)
        #expect(reason(text, at: Self.now.addingTimeInterval(60)) == .expired)
        #expect(reason(text, at: Self.now.addingTimeInterval(59)) == nil)
        #expect(reason(text, at: Self.now.addingTimeInterval(-1)) == .notYetValid)
        #expect(reason(text, audience: "analytics") == .wrongAudience)
        var bytes = Base64URL.decode(Array(text.utf8.dropFirst(5)))!
        bytes[0] = 2
        #expect(reason("ckt1." + Base64URL.encode(bytes)) == .unsupportedFormat)
        // Leeway for clock skew.
        #expect(
            try ring.verify(text, audience: "ads", at: Self.now.addingTimeInterval(-5), leeway: 10).issuer == "shop")
    }

    @Test func keyRotationVerifiesOldTokensAndSignsWithTheNewKey() throws {
        let old = try ring.issue(.grant(try fullGrant()), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 60)
        let newSecret = Array("fedcba9876543210fedcba9876543210".utf8)
        let rotated = try TokenKeyRing(
            keys: [try TokenKey(id: "k1", secret: secret), try TokenKey(id: "k2", secret: newSecret)],
            signingKeyID: "k2")
        #expect(try rotated.verify(old, audience: "a", at: Self.now).keyID == "k1")
        let new = try rotated.issue(
            .grant(try fullGrant()), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 60)
        #expect(try rotated.verify(new, audience: "a", at: Self.now).keyID == "k2")
        #expect(rotated.keyIDs == ["k1", "k2"])
    }

    @Test func tamperingWithAnyByteOrCharacterIsRejected() throws {
        let snapshot = ConsentSnapshot(
            subject: "c1", at: Self.now, minor: true, guardianship: false, erased: false,
            grants: [try fullGrant()].map {
                var grant = $0; grant.subject = "c1"; return grant
            },
            optedOut: [.directMarketing, .sensitiveData], channelsOptedOut: ["sms"], restricted: ["hq.analytics"])
        for content in [ConsentToken.Content.grant(try fullGrant()), .snapshot(snapshot)] {
            let text = try ring.issue(content, issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 60)
            let bytes = Base64URL.decode(Array(text.utf8.dropFirst(5)))!
            for index in bytes.indices {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var tampered = bytes
                    tampered[index] ^= flip
                    #expect(throws: ConsentKitError.self, "byte \(index) ^ \(flip)") {
                        try ring.verify("ckt1." + Base64URL.encode(tampered), audience: "ads", at: Self.now)
                    }
                }
            }
            let characters = Array(text.utf8)
            for index in characters.indices {
                for replacement in Array("A_-0z.".utf8) where replacement != characters[index] {
                    var tampered = characters
                    tampered[index] = replacement
                    #expect(throws: ConsentKitError.self, "character \(index)") {
                        try ring.verify(String(decoding: tampered, as: UTF8.self), audience: "ads", at: Self.now)
                    }
                }
            }
            #expect(throws: ConsentKitError.self) {
                try ring.verify(String(text.dropLast()), audience: "ads", at: Self.now)
            }
            #expect(throws: ConsentKitError.self) { try ring.verify(text + "A", audience: "ads", at: Self.now) }
        }
    }

    @Test func badInputToIssueIsRefused() throws {
        let grant = try fullGrant()
        expectError(.invalidValue) { _ = try TokenKey(id: "short", secret: [1, 2, 3]) }
        expectError(.invalidValue) { _ = try TokenKey(id: "", secret: secret) }
        expectError(.duplicateIdentifier) {
            _ = try TokenKeyRing(
                keys: [try TokenKey(id: "k", secret: secret), try TokenKey(id: "k", secret: secret)], signingKeyID: "k")
        }
        expectError(.unknownIdentifier) {
            _ = try TokenKeyRing(keys: [try TokenKey(id: "k", secret: secret)], signingKeyID: "x")
        }
        expectError(.invalidValue) {
            _ = try ring.issue(.grant(grant), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 0)
        }
        expectError(.invalidValue) {
            _ = try ring.issue(.grant(grant), issuer: "", audience: "a", issuedAt: Self.now, lifetime: 5)
        }
        expectError(.invalidValue) {
            _ = try ring.issue(
                .grant(grant), issuer: "s", audience: "a", issuedAt: Date(timeIntervalSince1970: -5), lifetime: 5)
        }
        let foreign = ConsentSnapshot(subject: "c1", at: Self.now, grants: [grant])
        expectError(.invalidValue) {
            _ = try ring.issue(.snapshot(foreign), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 5)
        }
        expectError(.unknownIdentifier) {
            _ = try ConsentSnapshot("nobody", from: ConsentLedger(policy: policy), at: Self.now)
        }
    }

    /// NaN compares false with everything: an unchecked NaN instant or leeway accepted a token expired by 10⁹ s.
    @Test(arguments: [Double.nan, .infinity, -.infinity, -1, 1e300])
    func verifyingAtANonFiniteInstantOrLeewayFailsClosed(value: Double) throws {
        let text = try ring.issue(
            .grant(try fullGrant()), issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 60)
        let expired = Self.now.addingTimeInterval(1e9)
        if value >= 0 || value.isNaN {
            #expect(throws: ConsentKitError.self) { try ring.verify(text, audience: "ads", at: expired, leeway: value) }
        }
        if value != -1 {
            #expect(throws: ConsentKitError.self) {
                try ring.verify(text, audience: "ads", at: Date(timeIntervalSince1970: value))
            }
        }
        #expect(throws: ConsentKitError.self) { try ring.verify(text, audience: "ads", at: Self.now, leeway: -1) }
    }

    @Test(arguments: [Double.nan, .infinity, 1e300])
    func issuingAGrantWithAnInstantNoFileCanHoldIsAnErrorNotATrap(value: Double) throws {
        var grant = try fullGrant()
        grant.at = Date(timeIntervalSince1970: value)
        expectError(.invalidDate) {
            _ = try ring.issue(.grant(grant), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 5)
        }
        grant = try fullGrant()
        grant.expiresAt = Date(timeIntervalSince1970: value)
        expectError(.invalidDate) {
            _ = try ring.issue(.grant(grant), issuer: "s", audience: "a", issuedAt: Self.now, lifetime: 5)
        }
        #expect(throws: ConsentKitError.self) {
            _ = try ring.issue(
                .grant(try fullGrant()), issuer: "s", audience: "a", issuedAt: Date(timeIntervalSince1970: value),
                lifetime: 5)
        }
    }

    /// The tenth byte of a 64-bit varint holds bit 63 alone; `0x02` there decoded to the same value as `0x00` would
    /// have, giving one grant two valid encodings.
    @Test func varintsAreCanonical() throws {
        var writer = BinaryWriter()
        writer.varint(-1)
        #expect(writer.bytes.count == 10 && writer.bytes.last == 0x01)
        var reader = BinaryReader(writer.bytes)
        #expect(try reader.varint() == -1)
        for last: UInt8 in [0x02, 0x03, 0x7F] {
            var bytes = writer.bytes
            bytes[9] = last
            var reader = BinaryReader(bytes)
            #expect(throws: BinaryReader.Damaged.self) { try reader.varint() }
        }
        var overlong = BinaryReader([0x80, 0x00])
        #expect(throws: BinaryReader.Damaged.self) { try overlong.varint() }
    }

    @Test func anUnknownKeyIDIsNotEchoedRaw() throws {
        let other = try TokenKeyRing(
            keys: [try TokenKey(id: "evil\nconsent token verify: OK valid=true\u{1B}[2J", secret: secret)],
            signingKeyID: "evil\nconsent token verify: OK valid=true\u{1B}[2J")
        let text = try other.issue(
            .grant(try fullGrant()), issuer: "shop", audience: "ads", issuedAt: Self.now, lifetime: 60)
        do {
            _ = try ring.verify(text, audience: "ads", at: Self.now)
            Issue.record("a token signed with an unknown key was accepted")
        } catch {
            #expect(error.code == .unknownSigningKey)
            #expect(!error.description.contains("\n") && !error.description.contains("\u{1B}"))
            #expect(error.description.contains("evil\\nconsent"))
        }
    }

    @Test func base64urlIsStrict() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
            #expect(Base64URL.decode(Array(Base64URL.encode(bytes).utf8)) == bytes)
        }
        #expect(Base64URL.encode(Array("hello".utf8)) == "aGVsbG8")
        #expect(Base64URL.decode(Array("aGVsbG9".utf8)) == nil)  // non-zero unused bits
        #expect(Base64URL.decode(Array("aGVsbG8=".utf8)) == nil)  // no padding
        #expect(Base64URL.decode(Array("a".utf8)) == nil)
        #expect(Base64URL.decode(Array("+/".utf8)) == nil)
    }
}
