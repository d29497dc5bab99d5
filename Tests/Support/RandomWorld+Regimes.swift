package import ConsentKit
import Foundation
import _ConsentKitWorkload

extension RandomWorld {
    /// The regimes a regime world's policy lists some of.
    package static let regimeChoices: [Regime] = [
        .pipl, .gdpr, Regime.gdpr("FR")!, Regime.gdpr("BE")!, Regime.gdpr("DE")!, .ccpa, .lgpd, .pdpaTH,
    ]
    /// Field categories for regime worlds: the PIPL ones and the regimes' own.
    package static let regimeFieldCategories: [CategoryID] =
        fieldCategories + [
            "genetic", "sexLife", "racialEthnicOrigin", "politicalOpinion", "accountCredentials", "neural",
            "citizenshipImmigration", "criminalRecord", "medicalHealth.disability", "identityDocument",
            "browsingHistory", "communications",
        ]

    /// A random world under several regimes, built to reach every step of Regimes.md §11 and the conjunction:
    /// a policy listing one to three regimes (bases, sensitive conditions and transfer mechanisms by regime, every
    /// purpose flag, recipient roles, an online platform or not), subjects under one or two of them with birth
    /// dates at each band's edge, age ranges, emancipation and dated changes of regime, and every event type,
    /// including objections and their rejection, customer relationships, device-scoped opt-outs and opt-ins a
    /// business asked for, and grants with recorded attributes. Instants span 2026-01-01 to 2026-05-01, across the
    /// dated ban of 2026-03-17.
    package init(regimeSeed seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func subset<T>(_ items: [T], _ percent: UInt64) -> [T] { items.filter { _ in chance(percent) } }

        var regimes: [Regime] = []
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let regime = pick(Self.regimeChoices)
            if !regimes.contains(regime) { regimes.append(regime) }
        }
        // The regimes' own categories exist only for a policy listing a regime beyond PIPL.
        let categories = regimes == [.pipl] ? Self.fieldCategories : Self.regimeFieldCategories
        let fieldCount = chance(10) ? 65 + Int(random.next() % 5) : 1 + Int(random.next() % 12)
        let fields = (0..<fieldCount).map {
            FieldDefinition(FieldID("f\($0)"), category: pick(categories), type: .string)
        }
        let roles = RecipientRole.allCases
        func purposes(plain: Bool) -> [Purpose] {
            var purposes: [Purpose] = []
            for index in 0..<(1 + Int(random.next() % 7)) {
                var byRegime: [String: LegalBasis] = [:]
                var conditions: [String: SensitiveCondition] = [:]
                var mechanisms: [String: TransferMechanism] = [:]
                let withConditions = !plain && chance(60)
                for regime in regimes {
                    let bases = regime.profile.bases.sorted { $0.rawValue < $1.rawValue }
                    byRegime[regime.name] = plain || chance(50) ? .consent : pick(bases)
                    let listed = regime.profile.sensitive.conditions.sorted { $0.rawValue < $1.rawValue }
                    // A purpose gives a condition for every regime that lists them, or for none.
                    if !listed.isEmpty && withConditions { conditions[regime.name] = pick(listed) }
                    let accepted = regime.profile.transfers.mechanisms.sorted { $0.rawValue < $1.rawValue }
                    if !accepted.isEmpty { mechanisms[regime.name] = pick(accepted) }
                }
                var declared = subset(fields.map(\.id), 60)
                let declaredCategories = subset(Self.grantCategories.filter { $0 != "nothing.here" }, 15)
                if declared.isEmpty && declaredCategories.isEmpty { declared = [fields[0].id] }
                let recipients = subset(Self.recipients, 60)
                var recipientRoles: [RecipientID: RecipientRole] = [:]
                for recipient in recipients where chance(50) { recipientRoles[recipient] = pick(roles) }
                var flags: PurposeFlags = []
                for (_, flag) in PurposeFlags.named where chance(plain ? 0 : 12) && flag != .childContactOnly {
                    flags.formUnion(flag)
                }
                // LGPD Art. 14 §3: the child-contact basis serves only a purpose flagged so, which passes nothing on.
                let childContact = byRegime.values.contains(.childContact) || chance(3)
                if childContact { flags.insert(.childContactOnly) }
                var declaredFalse: PurposeFlags = []
                if chance(10) { declaredFalse.formUnion(.infersCharacteristics) }
                declaredFalse.subtract(flags)
                purposes.append(
                    Purpose(
                        PurposeID("p\(index)"), basis: byRegime[regimes[0].name] ?? .consent, fields: declared,
                        categories: declaredCategories, marketing: chance(30), automatedDecision: chance(20),
                        publicDisclosure: chance(10), surveillanceImages: chance(5), writtenConsent: chance(10),
                        thirdParty: !childContact && chance(35)
                            ? ThirdPartyProvision(recipients: recipients, roles: recipientRoles) : nil,
                        crossBorder: chance(30)
                            ? CrossBorderTransfer(
                                destinations: subset(Self.destinations + ["BR", "CN", "JP"], 50),
                                mechanism: mechanisms[regimes[0].name] ?? .standardContract,
                                mechanismByRegime: mechanisms) : nil,
                        channels: subset(Channel.knownChannels, 40), consentVersion: Int(random.next() % 3),
                        basisByRegime: regimes.count > 1 || chance(50) ? byRegime : [:],
                        sensitiveConditionByRegime: conditions, flags: flags,
                        flagsDeclaredFalse: declaredFalse))
            }
            return purposes
        }
        let timeZone = pick(Self.zones)
        let onlinePlatform = chance(50)
        // A random policy may break a rule of §15 (a flag a regime refuses, a condition the basis does not need);
        // drawing again, then falling back to consent for every purpose, keeps the seed's world valid.
        var built: Policy?
        for attempt in 0..<6 {
            do {
                built = try Policy(
                    regime: regimes[0], regimes: regimes, onlinePlatform: onlinePlatform, timeZone: timeZone,
                    categories: [DataCategory("loyalty", sensitive: chance(30) ? true : nil)], fields: fields,
                    purposes: purposes(plain: attempt == 5))
                break
            } catch {
                // CONSENTKIT_DEBUG_WORLD=1 shows why a draw was refused.
                if ProcessInfo.processInfo.environment["CONSENTKIT_DEBUG_WORLD"] != nil {
                    print("world \(seed) attempt \(attempt): \(error)")
                }
            }
        }
        policy =
            try built
            ?? Policy(
                regime: regimes[0], regimes: regimes, categories: [DataCategory("loyalty")], fields: fields,
                purposes: [Purpose("p0", basis: .consent, fields: [fields[0].id])])

        var instants = (0..<40).map { Self.base.addingTimeInterval(Double($0) * 3 * 86_400 + 43_200 * Double($0 % 2)) }
        func instant() -> Date { pick(instants) }

        subjectCount = 1 + Int(random.next() % 6)
        let subjectIDs = (0..<subjectCount).map { SubjectID("s\($0)") }
        let ages = [10, 13, 14, 15, 16, 18, 20]
        subjects = []
        for subject in subjectIDs where chance(85) {
            var facts = SubjectFacts()
            if chance(70) {
                facts.regimes = subset(regimes, 60)
                if facts.regimes!.isEmpty { facts.regimes = [pick(regimes)] }
            }
            if chance(65) {
                // Born so that a band's edge falls inside the instant grid.
                let years = pick(ages) + (chance(70) ? 0 : Int(random.next() % 9) - 4)
                facts.birthDate = CalendarDate(
                    daysSinceEpoch: CalendarDate(year: 2026 - years, month: 1, day: 1)!.daysSinceEpoch
                        + Int(random.next() % 120))
                if chance(5) { facts.birthDate = CalendarDate(year: 2012, month: 2, day: 29) }
            }
            if chance(15) {
                let least = pick(ages) - Int(random.next() % 3)
                facts.ageRange = AgeRange(min: least, max: least + Int(random.next() % 4))
            }
            if chance(8) { facts.minor = chance(70) }
            if chance(8) { facts.guardianship = chance(60) }
            if chance(10) { facts.emancipated = chance(70) }
            subjects.append((subject, facts))
        }
        // Questions on every local midnight of the grid's days in the policy's and the regimes' zones.
        for zone in Set(regimes.compactMap(\.timeZone) + [policy.timeZone]) {
            for day in stride(from: 0, to: 120, by: 7) {
                let midnight = Self.base.timeIntervalSince1970 + Double(day) * 86_400
                let local = midnight - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight)))
                instants += [local - 1, local].map(Date.init(timeIntervalSince1970:))
            }
        }

        var events: [ConsentEvent] = []
        var grants: [(GrantID, SubjectID, Date, [PurposeID])] = []
        let purposeIDs = policy.purposes.map(\.id)
        for index in 0..<Int(random.next() % 50) {
            let subject = pick(subjectIDs)
            let at = instant()
            switch random.next() % 26 {
            case 0..<8:
                let named = subset(purposeIDs, 40)
                let grantPurposes = named.isEmpty ? [pick(purposeIDs)] : named
                var grantFields = subset(fields.map(\.id), 30)
                let grantCategories = subset(Self.grantCategories, 15)
                if grantFields.isEmpty && grantCategories.isEmpty { grantFields = [pick(fields).id] }
                let id = GrantID("g\(index)")
                let expiry: Date? = chance(25) ? at.addingTimeInterval(Double(1 + random.next() % 10) * 86_400) : nil
                if let expiry { instants.append(expiry) }
                events.append(
                    .grant(
                        ConsentGrant(
                            id, subject: subject, purposes: grantPurposes, fields: grantFields,
                            categories: grantCategories, kind: pick(ConsentKind.allCases),
                            attributes: chance(50)
                                ? ConsentAttributes(rawValue: UInt8(truncatingIfNeeded: random.next())) : [],
                            grantor: chance(30) ? .guardian : .individual, at: at, expiresAt: expiry,
                            noticeVersion: Int(random.next() % 3),
                            recipients: chance(25) ? subset(Self.recipients + ["rX"], 50) : [],
                            destinations: chance(25) ? subset(Self.destinations + ["XX"], 50) : [])))
                grants.append((id, subject, at, grantPurposes))
            case 8..<10 where !grants.isEmpty:
                let (id, owner, given, named) = pick(grants)
                let when = max(given, at)
                events.append(
                    chance(50)
                        ? .withdraw(Withdrawal(.grant(id), at: when))
                        : .withdraw(Withdrawal(.purposes(owner, [pick(named)]), at: when)))
            case 10..<13:
                let kind = pick(OptOutKind.allCases)
                events.append(
                    chance(65)
                        ? .optOut(
                            subject, kind, at: at, source: chance(30) ? "gpc" : nil,
                            scope: chance(25) ? .device : .subject)
                        : .optIn(subject, kind, at: at, initiatedBy: pick(OptInInitiator.allCases)))
            case 13:
                let channel = pick(Channel.knownChannels)
                events.append(
                    chance(70) ? .channelOptOut(subject, channel, at: at) : .channelOptIn(subject, channel, at: at))
            case 14..<16:
                let purpose = pick(purposeIDs)
                events.append(
                    chance(70)
                        ? .restrict(subject, purpose, at: at, ground: chance(30) ? "accuracy contested" : nil)
                        : .unrestrict(subject, purpose, at: at))
            case 16:
                if chance(30) { events.append(.erase(subject, at: at)) }
            case 17..<19:
                let birth: SubjectFactsChange.Change<CalendarDate> =
                    chance(60)
                    ? .keep
                    : .set(CalendarDate(year: 2026 - pick(ages), month: 1 + Int(random.next() % 4), day: 1)!)
                let regimeChange: SubjectFactsChange.Change<[Regime]> =
                    chance(50) ? .keep : (chance(20) ? .clear : .set([pick(regimes)] + subset(regimes, 30)))
                let emancipated: SubjectFactsChange.Change<Bool> = chance(85) ? .keep : .set(chance(60))
                let guardianship: SubjectFactsChange.Change<Bool> = chance(85) ? .keep : .set(chance(50))
                events.append(
                    .subjectFacts(
                        subject,
                        SubjectFactsChange(
                            birthDate: birth, guardianship: guardianship,
                            regimes: regimeChange.map { list in
                                list.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
                            },
                            emancipated: emancipated), at: at))
            case 19..<21:
                events.append(
                    .objection(
                        Objection(
                            subject: subject, kind: pick(ObjectionKind.allCases), purposes: subset(purposeIDs, 50),
                            at: at)))
            case 21:
                events.append(
                    .objectionRejected(
                        ObjectionRejection(
                            subject: subject, purposes: subset(purposeIDs, 60), reason: "compelling grounds", at: at)))
            case 22..<24:
                let channels = subset(Channel.knownChannels, 50)
                events.append(
                    .customer(
                        CustomerRelationship(
                            subject: subject, channels: channels.isEmpty ? [.email] : channels,
                            objectionOffered: chance(75), at: at)))
            case 24:
                events.append(
                    .reviewRequested(ReviewRequest(subject: subject, purposes: [pick(purposeIDs)], at: at)))
            case 25:
                events.append(.link(IdentityLink(from: subject, into: pick(subjectIDs), at: at)))
            default:
                break
            }
        }
        self.events = events
        self.instants = instants
    }
}

extension SubjectFactsChange.Change {
    /// The change with its value transformed.
    fileprivate func map(_ transform: (Value) -> Value) -> Self {
        if case .set(let value) = self { return .set(transform(value)) }
        return self
    }
}
