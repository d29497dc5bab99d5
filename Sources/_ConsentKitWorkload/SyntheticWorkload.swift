// Not API: this module is shared by `consent bench`, the tests and Benchmarks/ so that all of them measure the same
// work. It carries no stability promise (hence the underscore) and ConsentKit's products never link it.
public import ConsentCore
internal import Foundation

/// The standard benchmark workload of `consent bench` (CommandLine.md): from a seed, a policy of 40 fields (8 sensitive)
/// and 12 purposes covering every basis and flag, subjects (about 5% minors) with 0–12 events each, and questions
/// whose instants fall before, inside and after grant lifetimes. The same seed gives the same workload everywhere,
/// so two builds or two engines can be compared on exactly the same work.
public struct SyntheticWorkload: Sendable {
    /// The policy.
    public let policy: Policy
    /// The ledger of every subject's events.
    public let ledger: ConsentLedger
    /// The questions, in order.
    public let questions: [ConsentQuestion]
    /// The seed it was generated from.
    public let seed: UInt64

    /// The window events fall in: 2025-01-01 to 2027-01-01 UTC; questions range half a year either side.
    static let start = Date(timeIntervalSince1970: 1_735_689_600)
    static let span: TimeInterval = 2 * 365 * 86_400

    /// The policy of the workload.
    public static func makePolicy() throws(ConsentKitError) -> Policy {
        let sensitive: [CategoryID] = [
            "biometric.face", "medicalHealth", "medicalHealth.prescription", "financialAccount.bankCard",
            "whereabouts.track", "identityDocument.nationalId", "religiousBelief", "transactionRecord",
        ]
        let ordinary: [CategoryID] = [
            "identity.name", "identity.customerNumber", "contact.email", "contact.phone", "contact.address",
            "contact.wechat", "demographic.gender", "demographic.birthDate", "demographic.ageBand", "device.id",
            "device.advertisingId", "behaviour.productViews", "behaviour.cart", "behaviour.clicks",
            "preference.interests", "preference.subscriptions", "purchase.history", "feedback.reviews",
            "feedback.likes", "loyalty.tier", "loyalty.points", "loyalty.vouchers", "contact.email.work",
            "device.id.secondary", "behaviour.searches", "preference.sizes", "purchase.returns", "feedback.surveys",
            "loyalty.events", "identity.nickname", "contact.post", "behaviour.sessions",
        ]
        var fields: [FieldDefinition] = []
        var sensitiveIndex = 0
        var ordinaryIndex = 0
        for index in 0..<40 {
            // Every fifth field is sensitive: 8 of 40.
            let category: CategoryID
            if index % 5 == 4 {
                category = sensitive[sensitiveIndex]
                sensitiveIndex += 1
            } else {
                category = ordinary[ordinaryIndex]
                ordinaryIndex += 1
            }
            fields.append(
                FieldDefinition(FieldID("f\(index < 10 ? "0" : "")\(index)"), category: category, type: .string))
        }
        func declared(_ offsets: [Int]) -> [FieldID] { offsets.map { fields[$0].id } }
        let all = Array(0..<40)
        let purposes = [
            Purpose(
                "marketing.email", basis: .consent, fields: declared(all.filter { $0 % 2 == 0 }), marketing: true,
                channels: [.email, .sms], consentVersion: 1),
            Purpose(
                "partner.sharing", basis: .consent, fields: declared(all.filter { $0 % 3 == 0 }),
                thirdParty: ThirdPartyProvision(recipients: ["partner-a", "partner-b"])),
            Purpose(
                "hq.analytics", basis: .consent, fields: declared(all.filter { $0 % 4 != 1 }), categories: ["purchase"],
                crossBorder: CrossBorderTransfer(destinations: ["SG", "DE"], mechanism: .standardContract)),
            Purpose(
                "ads.personalised", basis: .consent, fields: declared(all.filter { $0 % 3 != 2 }),
                categories: ["behaviour"], automatedDecision: true, surveillanceImages: true,
                channels: [.push, .inApp]),
            Purpose("health.programme", basis: .consent, fields: declared(all), writtenConsent: true),
            Purpose(
                "order.fulfilment", basis: .contract, fields: declared(all.filter { $0 < 24 }), automatedDecision: true),
            Purpose("staff.rostering", basis: .employment, fields: declared([0, 1, 2, 3, 5, 6])),
            Purpose("tax.records", basis: .legalObligation, fields: declared(all.filter { $0 % 2 == 1 })),
            Purpose("safety.recall", basis: .vitalInterests, fields: declared([0, 2, 3, 4, 16])),
            Purpose("press.response", basis: .publicInterest, fields: declared([0, 17, 18])),
            Purpose(
                "reviews.reuse", basis: .publiclyDisclosed, fields: declared([0, 17, 18, 27]),
                publicDisclosure: true),
            Purpose("customs.clearance", basis: .otherLaw, fields: declared([0, 3, 4, 29])),
        ]
        return try Policy(
            categories: [DataCategory("loyalty"), DataCategory("medicalHealth.prescription", writtenConsent: true)],
            fields: fields, purposes: purposes)
    }

    /// Generates the workload.
    ///
    /// - Parameters:
    ///   - subjects: how many subjects (ids `c0000000`, `c0000001`, …).
    ///   - questions: how many questions.
    ///   - seed: the seed.
    public init(subjects: Int, questions: Int, seed: UInt64) throws(ConsentKitError) {
        self.seed = seed
        let policy = try Self.makePolicy()
        self.policy = policy
        var random = SplitMix64(seed: seed)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        func chance(_ percent: Int) -> Bool { below(100) < percent }
        func instant(in span: TimeInterval, from start: Date) -> Date {
            // Whole seconds, as instants in files are.
            start.addingTimeInterval(TimeInterval(below(Int(span))))
        }
        let purposes = policy.purposes
        let consentPurposes = purposes.filter { $0.basis == .consent }
        var ledger = ConsentLedger(policy: policy)
        var subjectIDs: [SubjectID] = []
        subjectIDs.reserveCapacity(subjects)
        for number in 0..<subjects {
            let subject = SubjectID(
                "c" + String(repeating: "0", count: max(0, 7 - String(number).count)) + String(number))
            subjectIDs.append(subject)
            var facts = SubjectFacts()
            let minor = chance(5)
            if minor {
                // Born 2011–2013: some turn 14 inside the window.
                facts.birthDate = CalendarDate(year: 2011 + below(3), month: 1 + below(12), day: 1 + below(28))
            } else if chance(65) {
                facts.birthDate = CalendarDate(year: 1950 + below(55), month: 1 + below(12), day: 1 + below(28))
            }
            if chance(1) { facts.guardianship = true }
            try ledger.declare(subject, facts: facts)
            var given: [(GrantID, Date, [PurposeID])] = []
            for event in 0..<below(13) {
                let at = instant(in: Self.span, from: Self.start)
                switch below(100) {
                case 0..<55:
                    let purpose = consentPurposes[below(consentPurposes.count)]
                    let declared = policy.fields.filter { policy.purpose(purpose, declares: $0) }
                    var fields: [FieldID] = []
                    for field in declared where chance(60) { fields.append(field.id) }
                    if fields.isEmpty { fields = [declared[below(declared.count)].id] }
                    let kindRoll = below(100)
                    let kind: ConsentKind = kindRoll < 50 ? .ordinary : (kindRoll < 85 ? .separate : .written)
                    let id = GrantID("\(subject)-g\(event)")
                    try ledger.append(
                        .grant(
                            ConsentGrant(
                                id, subject: subject, purposes: [purpose.id], fields: fields, kind: kind,
                                grantor: minor && chance(70) ? .guardian : .individual, at: at,
                                expiresAt: chance(30)
                                    ? at.addingTimeInterval(TimeInterval(86_400 * (30 + below(400)))) : nil,
                                noticeVersion: below(3),
                                recipients: purpose.thirdParty != nil && chance(50) ? ["partner-a"] : [],
                                destinations: purpose.crossBorder != nil && chance(50) ? ["SG"] : [])))
                    given.append((id, at, [purpose.id]))
                case 55..<70 where !given.isEmpty:
                    let (id, grantedAt, named) = given[below(given.count)]
                    let when = grantedAt.addingTimeInterval(TimeInterval(86_400 * (1 + below(200))))
                    if chance(60) {
                        try ledger.append(.withdraw(Withdrawal(.grant(id), at: when)))
                    } else {
                        try ledger.append(.withdraw(Withdrawal(.purposes(subject, named), at: when)))
                    }
                case 70..<82:
                    let kind = OptOutKind.allCases[below(4)]
                    try ledger.append(chance(75) ? .optOut(subject, kind, at: at) : .optIn(subject, kind, at: at))
                case 82..<88:
                    let channel = Channel.knownChannels[below(Channel.knownChannels.count)]
                    try ledger.append(
                        chance(75)
                            ? .channelOptOut(subject, channel, at: at) : .channelOptIn(subject, channel, at: at))
                case 88..<95:
                    let purpose = purposes[below(purposes.count)].id
                    try ledger.append(
                        chance(70) ? .restrict(subject, purpose, at: at) : .unrestrict(subject, purpose, at: at))
                case 95..<97:
                    try ledger.append(.erase(subject, at: at))
                default:
                    try ledger.append(
                        .subjectFacts(
                            subject,
                            SubjectFactsChange(
                                birthDate: .set(
                                    CalendarDate(year: 1960 + below(50), month: 1 + below(12), day: 1 + below(28))!)
                            ),
                            at: at))
                }
            }
        }
        self.ledger = ledger
        var list: [ConsentQuestion] = []
        list.reserveCapacity(questions)
        let window = Self.start.addingTimeInterval(-Self.span / 4)
        for _ in 0..<questions {
            let subject = chance(1) ? SubjectID("unknown-\(below(1000))") : subjectIDs[below(max(1, subjectIDs.count))]
            let purpose = purposes[below(purposes.count)]
            let field = policy.fields[below(policy.fields.count)].id
            let recipients = purpose.thirdParty?.recipients ?? []
            let destinations = purpose.crossBorder?.destinations ?? []
            list.append(
                ConsentQuestion(
                    subject: subject, purpose: purpose.id, field: field,
                    at: instant(in: Self.span * 1.5, from: window),
                    recipient: !recipients.isEmpty && chance(50) ? recipients[below(recipients.count)] : nil,
                    destination: !destinations.isEmpty && chance(50) ? destinations[below(destinations.count)] : nil,
                    channel: !purpose.channels.isEmpty && chance(40)
                        ? Channel.knownChannels[below(Channel.knownChannels.count)] : nil))
        }
        self.questions = list
    }

    /// FNV-1a over every decision's reason code, in question order, as 16 hex digits.
    public static func checksum(_ reasons: some Sequence<ReasonCode>) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for reason in reasons {
            for byte in reason.rawValue.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            hash ^= 0x0A
            hash &*= 0x0000_0100_0000_01B3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
