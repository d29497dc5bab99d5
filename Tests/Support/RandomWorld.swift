package import ConsentKit
package import Foundation
package import _ConsentKitWorkload

/// A random policy, ledger and set of questions from a seed, built to reach every step and boundary of the
/// decision model: instants on grant, expiry, withdrawal and birthday boundaries, several time zones and age
/// rules, inherited sensitivity and written consent, more than 64 fields, unknown names.
package struct RandomWorld {
    package var policy: Policy
    package var subjects: [(SubjectID, SubjectFacts)]
    package var events: [ConsentEvent]
    package var instants: [Date]
    package var subjectCount: Int

    package static let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    package static let zones = ["Asia/Shanghai", "UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata"]
    package static let fieldCategories: [CategoryID] = [
        "contact.email", "contact.phone", "contact.email.work", "identity.name", "biometric.face", "medicalHealth",
        "medicalHealth.genetic", "loyalty.tier", "loyalty.points", "purchase.history", "whereabouts.track",
        "financialAccount.bankCard", "behaviour.clicks", "preference",
    ]
    package static let grantCategories: [CategoryID] = [
        "contact", "contact.email", "medicalHealth", "loyalty", "purchase", "behaviour", "biometric", "nothing.here",
        "identity",
    ]
    package static let recipients: [RecipientID] = ["r1", "r2", "r3"]
    package static let destinations: [Destination] = ["SG", "DE", "US"]

    package init(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func subset<T>(_ items: [T], _ percent: UInt64) -> [T] { items.filter { _ in chance(percent) } }

        let fieldCount = chance(15) ? 65 + Int(random.next() % 10) : 1 + Int(random.next() % 12)
        let fields = (0..<fieldCount).map {
            FieldDefinition(FieldID("f\($0)"), category: pick(Self.fieldCategories), type: .string)
        }
        let categories = [
            DataCategory("loyalty", sensitive: chance(30) ? true : nil),
            DataCategory("medicalHealth.genetic", writtenConsent: true),
        ]
        var purposes: [Purpose] = []
        for index in 0..<(1 + Int(random.next() % 8)) {
            let basis: LegalBasis =
                chance(55) ? .consent : pick(LegalBasis.allCases.filter(Regime.pipl.profile.bases.contains))
            var declared = subset(fields.map(\.id), 60)
            let declaredCategories = subset(Self.grantCategories.filter { $0 != "nothing.here" }, 15)
            if declared.isEmpty && declaredCategories.isEmpty { declared = [fields[0].id] }
            purposes.append(
                Purpose(
                    PurposeID("p\(index)"), basis: basis, fields: declared, categories: declaredCategories,
                    marketing: chance(30), automatedDecision: chance(25), publicDisclosure: chance(10),
                    surveillanceImages: chance(10), writtenConsent: chance(10),
                    thirdParty: chance(30) ? ThirdPartyProvision(recipients: subset(Self.recipients, 60)) : nil,
                    crossBorder: chance(25)
                        ? CrossBorderTransfer(destinations: subset(Self.destinations, 60), mechanism: .standardContract)
                        : nil,
                    channels: subset(Channel.knownChannels, 40), consentVersion: Int(random.next() % 3)))
        }
        policy = try Policy(
            timeZone: pick(Self.zones), minorAge: chance(80) ? 14 : 18,
            ageReachedOn: chance(50) ? .birthday : .dayAfterBirthday, categories: categories, fields: fields,
            purposes: purposes)

        // Instants on a coarse grid, so that events and questions collide exactly.
        var instants = (0..<40).map { Self.base.addingTimeInterval(Double($0) * 43_200) }
        func instant() -> Date { pick(instants) }

        subjectCount = 1 + Int(random.next() % 6)
        let subjectIDs = (0..<subjectCount).map { SubjectID("s\($0)") }
        subjects = []
        for subject in subjectIDs where chance(80) {
            var facts = SubjectFacts()
            if chance(70) {
                // Born so that the minor age falls inside the instant grid, or far from it.
                let years = policy.minorAge - (chance(60) ? 0 : Int(random.next() % 40) - 20)
                let day = Int(random.next() % 20)
                facts.birthDate = CalendarDate(
                    daysSinceEpoch: CalendarDate(year: 2026 - years, month: 1, day: 1)!.daysSinceEpoch + day)
                if let birth = facts.birthDate, let majority = policy.majorityDate(forBirthDate: birth) {
                    let midnight = Double(majority.daysSinceEpoch) * 86_400
                    let local =
                        midnight - Double(policy.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: midnight)))
                    instants += [local - 1, local, local + 0.5].map(Date.init(timeIntervalSince1970:))
                }
            }
            if chance(10) { facts.minor = chance(70) }
            if chance(10) { facts.guardianship = chance(70) }
            subjects.append((subject, facts))
        }

        var events: [ConsentEvent] = []
        var grants: [(GrantID, SubjectID, Date, [PurposeID])] = []
        for index in 0..<Int(random.next() % 45) {
            let subject = pick(subjectIDs)
            let at = instant()
            switch random.next() % 20 {
            case 0..<8:
                let named = subset(purposes.map(\.id), 40)
                let grantPurposes = named.isEmpty ? [pick(purposes).id] : named
                var grantFields = subset(fields.map(\.id), 30)
                let grantCategories = subset(Self.grantCategories, 15)
                if grantFields.isEmpty && grantCategories.isEmpty { grantFields = [pick(fields).id] }
                let id = GrantID("g\(index)")
                let expiry: Date? = chance(30) ? at.addingTimeInterval(Double(1 + random.next() % 10) * 43_200) : nil
                if let expiry { instants.append(expiry) }
                events.append(
                    .grant(
                        ConsentGrant(
                            id, subject: subject, purposes: grantPurposes, fields: grantFields,
                            categories: grantCategories, kind: pick(ConsentKind.allCases),
                            // Recorded attributes, any of the eight: `separate` or `written` make a grant stronger
                            // than its kind, the others leave PIPL's reading of it unchanged.
                            attributes: chance(25)
                                ? ConsentAttributes(rawValue: UInt8(truncatingIfNeeded: random.next())) : [],
                            grantor: chance(25) ? .guardian : .individual, at: at, expiresAt: expiry,
                            noticeVersion: Int(random.next() % 3),
                            recipients: chance(30) ? subset(Self.recipients + ["rX"], 50) : [],
                            destinations: chance(30) ? subset(Self.destinations + ["XX"], 50) : [])))
                grants.append((id, subject, at, grantPurposes))
            case 8..<10 where !grants.isEmpty:
                let (id, owner, given, named) = pick(grants)
                let when = max(given, at)
                if chance(50) {
                    events.append(.withdraw(Withdrawal(.grant(id), at: when)))
                } else {
                    events.append(.withdraw(Withdrawal(.purposes(owner, [pick(named)]), at: when)))
                }
            case 10..<12:
                let kind = pick(OptOutKind.allCases)
                events.append(chance(70) ? .optOut(subject, kind, at: at) : .optIn(subject, kind, at: at))
            case 12:
                let channel = pick(Channel.knownChannels)
                events.append(
                    chance(70) ? .channelOptOut(subject, channel, at: at) : .channelOptIn(subject, channel, at: at))
            case 13..<15:
                let purpose = pick(purposes).id
                events.append(chance(70) ? .restrict(subject, purpose, at: at) : .unrestrict(subject, purpose, at: at))
            case 15:
                if chance(30) { events.append(.erase(subject, at: at)) }
            case 16..<18:
                let birth: SubjectFactsChange.Change<CalendarDate> =
                    chance(50)
                    ? .keep
                    : (chance(20)
                        ? .clear
                        : .set(CalendarDate(year: 2026 - policy.minorAge, month: 1 + Int(random.next() % 12), day: 1)!))
                let minor: SubjectFactsChange.Change<Bool> =
                    chance(60) ? .keep : (chance(30) ? .clear : .set(chance(60)))
                let guardianship: SubjectFactsChange.Change<Bool> = chance(80) ? .keep : .set(chance(50))
                events.append(
                    .subjectFacts(
                        subject, SubjectFactsChange(birthDate: birth, minor: minor, guardianship: guardianship), at: at)
                )
            case 18:
                // Progressive identity: the ledger refuses links it cannot place (self-links, late links).
                events.append(.link(IdentityLink(from: subject, into: pick(subjectIDs), at: at)))
            default:
                break
            }
        }
        self.events = events
        self.instants = instants
    }

    /// A ledger with every event that the ledger accepts (a random withdrawal can precede its grant's slot).
    package func ledger() throws -> ConsentLedger {
        var ledger = ConsentLedger(policy: policy)
        for (subject, facts) in subjects { try ledger.declare(subject, facts: facts) }
        for event in events { try? ledger.append(event) }
        return ledger
    }

    /// A random question, mostly about names and context the purpose declares, so that most questions reach the
    /// objections and consent steps; sometimes about anything at all.
    package func question(_ random: inout SplitMix64) -> ConsentQuestion {
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var at = pick(instants)
        if chance(20) { at = at.addingTimeInterval(chance(50) ? -0.001 : 0.001) }
        let purpose = pick(policy.purposes)
        let declared = policy.fields.filter { policy.purpose(purpose, declares: $0) }.map(\.id)
        let field =
            chance(3) ? FieldID("unknown") : (chance(85) && !declared.isEmpty ? pick(declared) : pick(policy.fields).id)
        let recipients = purpose.thirdParty?.recipients ?? []
        let destinations = purpose.crossBorder?.destinations ?? []
        let recipient: RecipientID? =
            chance(35) && !recipients.isEmpty ? pick(recipients) : (chance(5) ? pick(Self.recipients + ["rX"]) : nil)
        let destination: Destination? =
            chance(35) && !destinations.isEmpty
            ? pick(destinations) : (chance(5) ? pick(Self.destinations + ["XX"]) : nil)
        let channel: Channel? =
            chance(25) && !purpose.channels.isEmpty
            ? pick(purpose.channels) : (chance(5) ? (chance(30) ? Channel("fax") : pick(Channel.knownChannels)) : nil)
        return ConsentQuestion(
            subject: chance(5) ? "nobody" : SubjectID("s\(random.next() % UInt64(subjectCount))"),
            purpose: chance(3) ? "unknown" : purpose.id, field: field, at: at, recipient: recipient,
            destination: destination, channel: channel)
    }
}
