import Criteria
import Foundation
import Models
import Testing

/// The real catalog in `data/criteria/`, table by table, for every unit kind that reports: which
/// sets judge a 2025 self-assessment, data that meets every criterion of each set, the edges of
/// every rule, the classification cut-offs, the Vietnamese texts and citations, and a unit merged
/// in 2025 (`data/units/tuyen-quang.json`). Tables come from ../shared/domain.md and the seeds.
@Suite("Criteria sets table (real data)")
struct CriteriaSetsTableTests {
    // MARK: - Tables

    /// Every set file of `data/criteria/`, by judgement.
    static let recognitionSets = ["TT124-KDC@1", "TT124-XA@1", "TT124-CQDN@1", "TT124-GD@1", "TT124-GD@2"]
    static let classificationSets = ["QD510-KDC@1", "QD510-XA@1", "QD510-CQDN@1", "QD510-GD@1"]
    static let modelUnitSets = ["DH-XA@1", "DH-CQDNGD@1"]
    static let allSets = recognitionSets + classificationSets + modelUnitSets

    /// The sets that judge a unit kind's 2025 self-assessment, in the catalog's order: recognition
    /// (TT124), classification (QĐ510), model unit (điển hình; none for a residential area).
    static let setsByKind: [(UnitKind, [String])] = [
        (.residentialArea, ["TT124-KDC", "QD510-KDC"]),
        (.commune, ["TT124-XA", "QD510-XA", "DH-XA"]),
        (.ward, ["TT124-XA", "QD510-XA", "DH-XA"]),
        (.town, ["TT124-XA", "QD510-XA", "DH-XA"]),
        (.agency, ["TT124-CQDN", "QD510-CQDN", "DH-CQDNGD"]),
        (.enterprise, ["TT124-CQDN", "QD510-CQDN", "DH-CQDNGD"]),
        (.school, ["TT124-GD", "QD510-GD", "DH-CQDNGD"]),
    ]

    /// The levels of every QĐ510 sheet, highest first, with the fewest points each needs.
    static let levels = [("xuat_sac", 90), ("kha", 70), ("trung_binh", 50), ("yeu", 0)]

    // MARK: - Helpers

    /// The rule types these tables know how to meet and to miss. A rule of another type (e.g. one
    /// added to `Rule` later) is reported as not covered, so the tables get extended with it.
    enum Shape {
        case yes(field: String, label: String)
        case atLeast(field: String, minimum: Int, label: String)
        case atMost(field: String, maximum: Int, label: String)
        case share(numerator: String, denominator: String, percent: Double, label: String)
        case noneOf(field: String, codes: [String: String])
    }

    /// `criterion`'s rule as a ``Shape``; an issue when the tables do not cover its type.
    static func shape(of criterion: Criterion) -> Shape? {
        let rule = criterion.rule
        if case .yes(let field, let label) = rule { return .yes(field: field, label: label) }
        if case .atLeast(let field, let minimum, let label) = rule {
            return .atLeast(field: field, minimum: minimum, label: label)
        }
        if case .atMost(let field, let maximum, let label) = rule {
            return .atMost(field: field, maximum: maximum, label: label)
        }
        if case .shareAtLeast(let numerator, let denominator, let percent, let label) = rule {
            return .share(numerator: numerator, denominator: denominator, percent: percent, label: label)
        }
        if case .noneOf(let field, let codes) = rule { return .noneOf(field: field, codes: codes) }
        Issue.record("\(criterion.id): rule \(rule) is not covered by these tables")
        return nil
    }

    static let loaded = Result { try CriteriaCatalog.load(directory: CriteriaFixtures.dataDirectory) }

    static func catalog() throws -> CriteriaCatalog { try loaded.get() }

    static func set(_ reference: String) throws -> CriteriaSet {
        try #require(try catalog().set(reference: reference), "no set \(reference) in data/criteria")
    }

    /// Data that meets every criterion of `set`, read off each rule: yes → true, at_least → its
    /// minimum, at_most → its maximum, share_at_least → 100 of 100, none_of → nothing happened.
    static func modelData(for set: CriteriaSet) -> [String: JSONValue] {
        var data: [String: JSONValue] = [:]
        for criterion in set.criteria {
            switch shape(of: criterion) {
            case nil: continue
            case .yes(let field, _): data[field] = .bool(true)
            case .atLeast(let field, let minimum, _): data[field] = .number(Double(minimum))
            case .atMost(let field, let maximum, _): data[field] = .number(Double(maximum))
            case .share(let numerator, let denominator, _, _):
                data[numerator] = .number(100)
                data[denominator] = .number(100)
            case .noneOf(let field, _): data[field] = .array([])
            }
        }
        return data
    }

    /// The union of the model data of every set that judges `kind` in 2025; a field two sets want
    /// differently is an issue.
    static func modelData(for kind: UnitKind) throws -> [String: JSONValue] {
        var data: [String: JSONValue] = [:]
        for set in try catalog().sets(for: kind, .selfAssessment, year: 2025) {
            for (field, value) in modelData(for: set) {
                if let other = data[field], other != value {
                    Issue.record("\(set.reference) wants \(field) = \(value), another set \(other)")
                }
                data[field] = value
            }
        }
        return data
    }

    /// A field of `criterion` that no other criterion of `set` reads: changing it changes only
    /// this criterion.
    static func ownField(of criterion: Criterion, in set: CriteriaSet) -> String? {
        criterion.rule.fields.first { field in set.criteria.filter { $0.rule.fields.contains(field) }.count == 1 }
    }

    /// `data` changed on `criterion`'s own field so that the criterion is not met.
    static func turnedOff(
        _ criterion: Criterion, in set: CriteriaSet, _ data: [String: JSONValue]
    ) throws -> [String: JSONValue] {
        let field = try #require(ownField(of: criterion, in: set), "\(criterion.id) shares all its fields")
        var data = data
        switch try #require(shape(of: criterion)) {
        case .yes: data[field] = .bool(false)
        case .atLeast(_, let minimum, _): data[field] = .number(Double(minimum - 1))
        case .atMost(_, let maximum, _): data[field] = .number(Double(maximum + 1))
        case .share: data[field] = .number(0)
        case .noneOf(_, let codes): data[field] = .array([.string(try #require(codes.keys.sorted().first))])
        }
        return data
    }

    /// Criteria of `set` whose points add up to exactly `total`, each with a field of its own, in
    /// the set's order; `nil` when no such criteria add up to it.
    static func criteria(of set: CriteriaSet, summingTo total: Int) -> [Criterion]? {
        var reachable: [Int: [Criterion]] = [0: []]
        for criterion in set.criteria where ownField(of: criterion, in: set) != nil {
            guard let points = criterion.points else { continue }
            for sum in reachable.keys.sorted() where sum + points <= total && reachable[sum + points] == nil {
                reachable[sum + points] = (reachable[sum] ?? []) + [criterion]
            }
        }
        return reachable[total]
    }

    /// The ids of the criteria `data` does not meet, in the set's order.
    static func failed(_ data: [String: JSONValue], _ set: CriteriaSet) -> [String] {
        CriteriaEngine.judge(data, against: set).criteria.filter { !$0.met }.map(\.criterion)
    }

    /// Whether `text` has a Vietnamese letter with a diacritic (ă, đ, ơ, ư, ạ ...).
    static func isVietnamese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x00C0...0x1EF9).contains($0.value) }
    }

    // MARK: - Which sets apply

    @Test("every file of data/criteria is in the tables, with its judgement, legal source and submission kind")
    func everySetInTheTables() throws {
        let catalog = try Self.catalog()
        #expect(catalog.sets.map(\.reference).sorted() == Self.allSets.sorted())
        let expected: [(references: [String], judgement: Judgement, source: String)] = [
            (Self.recognitionSets, .recognition, "Thông tư 124/2021/TT-BCA"),
            (Self.classificationSets, .classification, "Quyết định 510/QĐ-BCA-V05"),
            (Self.modelUnitSets, .modelUnit, "Quyết định 9745/QĐ-BCA-V05"),
        ]
        for (references, judgement, source) in expected {
            for reference in references {
                let set = try Self.set(reference)
                #expect(set.judgement == judgement, "\(reference)")
                #expect(set.legalSource.hasPrefix(source), "\(reference): \(set.legalSource)")
                #expect(set.submissionKinds == [.selfAssessment], "\(reference)")
                #expect(set.validFromYear == 2022 && set.validToYear == nil, "\(reference)")
            }
        }
    }

    @Test(
        "the sets that judge a 2025 self-assessment: recognition, classification, then model unit",
        arguments: setsByKind)
    func setsThatApply(kind: UnitKind, ids: [String]) throws {
        let catalog = try Self.catalog()
        let sets = catalog.sets(for: kind, .selfAssessment, year: 2025)
        #expect(sets.map(\.id) == ids)
        #expect(sets.map(\.judgement) == Array([Judgement.recognition, .classification, .modelUnit].prefix(ids.count)))
        #expect(catalog.set(for: kind, .selfAssessment, year: 2025)?.id == ids.first)
        // The same sets for every year from 2022; none before, and none for other submission kinds.
        #expect(catalog.sets(for: kind, .selfAssessment, year: 2022).map(\.id) == ids)
        #expect(catalog.sets(for: kind, .selfAssessment, year: 2021).isEmpty)
        for other in SubmissionKind.allCases where other != .selfAssessment {
            #expect(catalog.sets(for: kind, other, year: 2025).isEmpty, "\(other)")
        }
    }

    @Test("the unit kinds that report are exactly those the sets judge; province and district have no set")
    func reportingKinds() throws {
        let catalog = try Self.catalog()
        let judged = Set(catalog.sets.flatMap(\.unitKinds))
        #expect(judged == Set(Self.setsByKind.map(\.0)))
        for kind in UnitKind.allCases where !judged.contains(kind) {
            #expect(catalog.sets(for: kind, .selfAssessment, year: 2025).isEmpty, "\(kind)")
        }
        #expect(!judged.contains(.province) && !judged.contains(.district))
    }

    // MARK: - Data that meets every criterion

    @Test(
        "data meeting every criterion passes a pass/fail set, and scores 100 (xuất sắc) on a QĐ510 sheet",
        arguments: allSets)
    func modelDataMeetsEverything(reference: String) throws {
        let set = try Self.set(reference)
        let judged = CriteriaEngine.judge(Self.modelData(for: set), against: set)
        #expect(judged.criteria.map(\.criterion) == set.criteria.map(\.id))
        for outcome in judged.criteria {
            #expect(outcome.met && outcome.reason.hasPrefix("Đạt: "), "\(outcome.criterion): \(outcome.reason)")
        }
        switch set.judgement {
        case .classification:
            #expect(judged.outcome == .classified)
            #expect(set.maximumPoints == 100)
            #expect(judged.points == set.maximumPoints)
            #expect(judged.level?.id == "xuat_sac")
            #expect(judged.criteria.map(\.points) == set.criteria.map(\.points))
            // Nothing stated: 0 points, the lowest level.
            let empty = CriteriaEngine.judge([:], against: set)
            #expect(empty.points == 0 && empty.level?.id == "yeu")
        case .recognition, .modelUnit:
            #expect(judged.outcome == .passed)
            #expect(judged.points == nil && judged.level == nil)
            #expect(judged.criteria.allSatisfy { $0.points == nil })
            #expect(CriteriaEngine.judge([:], against: set).outcome == .failed)
        }
    }

    @Test("one unit's data can meet every set that judges it at once", arguments: setsByKind)
    func oneUnitMeetsAllItsSets(kind: UnitKind, ids: [String]) throws {
        let data = try Self.modelData(for: kind)
        let sets = try Self.catalog().sets(for: kind, .selfAssessment, year: 2025)
        #expect(sets.map(\.id) == ids)
        for set in sets {
            let judged = CriteriaEngine.judge(data, against: set)
            #expect(Self.failed(data, set).isEmpty, "\(set.reference)")
            #expect(judged.outcome == (set.judgement == .classification ? .classified : .passed))
            if set.judgement == .classification { #expect(judged.points == 100 && judged.level?.id == "xuat_sac") }
        }
    }

    // MARK: - Edges of every rule

    @Test(
        "every criterion at its cut-off is met; one step short fails that criterion only (and costs its points)",
        arguments: allSets)
    func cutOffs(reference: String) throws {
        let set = try Self.set(reference)
        let model = Self.modelData(for: set)
        let lost = { (criterion: Criterion, data: [String: JSONValue]) in
            let judged = CriteriaEngine.judge(data, against: set)
            #expect(Self.failed(data, set) == [criterion.id], "\(criterion.id)")
            if set.judgement == .classification {
                #expect(judged.points == set.maximumPoints - (criterion.points ?? 0), "\(criterion.id)")
                #expect(judged.criteria.first { $0.criterion == criterion.id }?.points == 0)
            } else {
                #expect(judged.outcome == .failed, "\(criterion.id)")
            }
        }
        let reason = { (criterion: Criterion, data: [String: JSONValue]) in
            CriteriaEngine.judge(data, against: set).criteria.first { $0.criterion == criterion.id }?.reason ?? ""
        }
        for criterion in set.criteria {
            var data = model
            switch Self.shape(of: criterion) {
            case nil: continue
            case .yes(let field, let label):
                data[field] = .bool(false)
                lost(criterion, data)
                #expect(reason(criterion, data).hasPrefix("Chưa đạt: chưa có \(label)"))
            case .atLeast(let field, let minimum, _):
                #expect(minimum >= 1, "\(criterion.id): a minimum of 0 cannot fail")
                data[field] = .number(Double(minimum))
                #expect(Self.failed(data, set).isEmpty, "\(criterion.id) at its minimum \(minimum)")
                data[field] = .number(Double(minimum - 1))
                lost(criterion, data)
                #expect(reason(criterion, data).contains("yêu cầu ít nhất \(minimum)"))
            case .atMost(let field, let maximum, _):
                data[field] = .number(Double(maximum))
                #expect(Self.failed(data, set).isEmpty, "\(criterion.id) at its maximum \(maximum)")
                data[field] = .number(Double(maximum + 1))
                lost(criterion, data)
            case .share(let numerator, let denominator, let percent, _):
                let whole = try #require(Int(exactly: percent), "\(criterion.id): \(percent)% is not whole")
                for total in [100, 30, 48, 7] {
                    // The fewest that reach the percentage: exactly `whole` of 100.
                    let needed = (whole * total + 99) / 100
                    data[denominator] = .number(Double(total))
                    data[numerator] = .number(Double(needed))
                    #expect(Self.failed(data, set).isEmpty, "\(criterion.id): \(needed)/\(total)")
                    data[numerator] = .number(Double(needed - 1))
                    lost(criterion, data)
                    #expect(reason(criterion, data).contains("(\(needed - 1)/\(total)), yêu cầu \(whole)%"))
                }
            case .noneOf(let field, let codes):
                for (code, name) in codes {
                    data[field] = .array([.string(code)])
                    lost(criterion, data)
                    #expect(reason(criterion, data).hasPrefix("Chưa đạt: đã xảy ra: \(name)"), "\(code)")
                }
                data[field] = .array([.string("khong_thuoc_danh_muc")])
                #expect(Self.failed(data, set).isEmpty, "\(criterion.id): a code outside the list")
            }
        }
    }

    @Test(
        "a share exactly at its percentage meets the criterion, one person fewer does not",
        arguments: [
            ("TT124-KDC@1", "TT124-KDC-1.3", 100, 100, true), ("TT124-KDC@1", "TT124-KDC-1.3", 99, 100, false),
            ("TT124-GD@1", "TT124-GD-5", 60, 60, true), ("TT124-GD@1", "TT124-GD-5", 59, 60, false),
            ("QD510-CQDN@1", "QD510-CQDN-4", 90, 100, true), ("QD510-CQDN@1", "QD510-CQDN-4", 89, 100, false),
            ("QD510-CQDN@1", "QD510-CQDN-4", 27, 30, true), ("QD510-CQDN@1", "QD510-CQDN-4", 26, 30, false),
            ("QD510-GD@1", "QD510-GD-4", 9, 10, true), ("QD510-GD@1", "QD510-GD-4", 8, 10, false),
            ("DH-CQDNGD@1", "DH-CQ-2.3", 45, 50, true), ("DH-CQDNGD@1", "DH-CQ-2.3", 44, 50, false),
        ])
    func shareAtThePercentage(reference: String, criterion: String, part: Int, total: Int, met: Bool) throws {
        let set = try Self.set(reference)
        let found = try #require(set.criteria.first { $0.id == criterion })
        guard case .share(let numerator, let denominator, _, _) = Self.shape(of: found) else {
            Issue.record("\(criterion) is not a share")
            return
        }
        var data = Self.modelData(for: set)
        data[numerator] = .number(Double(part))
        data[denominator] = .number(Double(total))
        #expect(Self.failed(data, set) == (met ? [] : [criterion]))
    }

    @Test("a field left out fails only the criteria that read it, saying “báo cáo chưa nêu”", arguments: allSets)
    func missingField(reference: String) throws {
        let set = try Self.set(reference)
        let model = Self.modelData(for: set)
        #expect(!model.isEmpty)
        for field in model.keys.sorted() {
            var data = model
            data[field] = nil
            let readers = set.criteria.filter { $0.rule.fields.contains(field) }
            let judged = CriteriaEngine.judge(data, against: set)
            #expect(Self.failed(data, set) == readers.map(\.id), "without \(field)")
            for outcome in judged.criteria where !outcome.met {
                #expect(outcome.reason.hasPrefix("Chưa đạt: báo cáo chưa nêu"), "\(outcome.reason)")
            }
            if set.judgement == .classification {
                #expect(judged.points == set.maximumPoints - readers.reduce(0) { $0 + ($1.points ?? 0) })
            } else {
                #expect(judged.outcome == .failed)
            }
        }
    }

    @Test(
        "“lợi dụng tôn giáo” voids “an toàn”, costs the sheet's points and the model-unit title",
        arguments: [
            (UnitKind.residentialArea, "TT124-KDC-3", "QD510-KDC-10", 84, String?.none),
            (.commune, "TT124-XA-4", "QD510-XA-17", 82, "DH-XA-7.2"),
            (.ward, "TT124-XA-4", "QD510-XA-17", 82, "DH-XA-7.2"),
            (.town, "TT124-XA-4", "QD510-XA-17", 82, "DH-XA-7.2"),
        ])
    func exploitingReligion(
        kind: UnitKind, recognition: String, classification: String, points: Int, modelUnit: String?
    ) throws {
        var data = try Self.modelData(for: kind)
        data["security_incidents"] = .array([.string("loi_dung_ton_giao")])
        let sets = try Self.catalog().sets(for: kind, .selfAssessment, year: 2025)
        let expected = [recognition, classification] + (modelUnit.map { [$0] } ?? [])
        #expect(sets.count == expected.count)
        for (set, criterion) in zip(sets, expected) {
            let judged = CriteriaEngine.judge(data, against: set)
            #expect(Self.failed(data, set) == [criterion], "\(set.reference)")
            let reason = try #require(judged.criteria.first { $0.criterion == criterion }?.reason)
            #expect(reason.hasPrefix("Chưa đạt: đã xảy ra: lợi dụng tôn giáo, dân tộc gây mất an ninh, trật tự"))
            switch set.judgement {
            case .classification:
                #expect(judged.points == points)
                #expect(judged.level?.id == "kha")
            case .recognition, .modelUnit:
                #expect(judged.outcome == .failed)
            }
        }
    }

    // MARK: - Classification cut-offs

    @Test(
        "every QĐ510 sheet: 100 points, levels xuất sắc 90, khá 70, trung bình 50, yếu 0, marked provisional",
        arguments: classificationSets)
    func sheetLevels(reference: String) throws {
        let set = try Self.set(reference)
        #expect(set.maximumPoints == 100)
        #expect(set.levels.map(\.id) == Self.levels.map(\.0))
        #expect(set.levels.map(\.minimumPoints) == Self.levels.map(\.1))
        #expect(set.levels.allSatisfy { Self.isVietnamese($0.name) })
        #expect(set.levelsProvisional, "domain.md: the official cut-offs were not retrieved")
    }

    @Test(
        "a total exactly at a cut-off reaches the level; one point less falls to the next",
        arguments: classificationSets, [(90, "xuat_sac", "kha"), (70, "kha", "trung_binh"), (50, "trung_binh", "yeu")]
    )
    func levelCutOff(reference: String, cutOff: (Int, String, String)) throws {
        let set = try Self.set(reference)
        let model = Self.modelData(for: set)
        for (total, level) in [(cutOff.0, cutOff.1), (cutOff.0 - 1, cutOff.2)] {
            let off = try #require(
                Self.criteria(of: set, summingTo: set.maximumPoints - total),
                "no criteria of \(reference) add up to \(set.maximumPoints - total) points")
            var data = model
            for criterion in off { data = try Self.turnedOff(criterion, in: set, data) }
            let judged = CriteriaEngine.judge(data, against: set)
            #expect(Self.failed(data, set) == off.map(\.id))
            #expect(judged.points == total)
            #expect(judged.level?.id == level, "\(total) points")
        }
    }

    /// Items of the QĐ510 agency and enterprise sheet that domain.md names: the rule fields they
    /// read, their points together, and the share the rule requires.
    static let knownSheetItems: [(fields: [String], points: Int, percent: Double?)] = [
        (["event_19_8_held"], 5, nil),
        (["coordination_plan"], 1, nil),
        (["staff_participating"], 3, 90),
        (["party_resolution_q1", "plan_issued_q1", "reports_on_time"], 3, nil),
    ]

    @Test(
        "the QĐ510 items domain.md names have their points (the school sheet takes them from the agency sheet)",
        arguments: ["QD510-CQDN@1", "QD510-GD@1"], knownSheetItems)
    func knownSheetItem(reference: String, item: (fields: [String], points: Int, percent: Double?)) throws {
        let set = try Self.set(reference)
        let matching = set.criteria.filter { !Set($0.rule.fields).isDisjoint(with: item.fields) }
        #expect(Set(matching.flatMap(\.rule.fields)).isSuperset(of: item.fields))
        #expect(matching.reduce(0) { $0 + ($1.points ?? 0) } == item.points, "\(matching.map(\.id))")
        if let percent = item.percent {
            let criterion = try #require(matching.first)
            guard case .share(_, "staff_total", percent, _) = Self.shape(of: criterion) else {
                Issue.record("\(reference): \(criterion.id) is not a share of \(percent)% of staff_total")
                return
            }
        }
        var data = Self.modelData(for: set)
        for criterion in matching { data = try Self.turnedOff(criterion, in: set, data) }
        #expect(CriteriaEngine.judge(data, against: set).points == set.maximumPoints - item.points)
    }

    // MARK: - Texts, sources and fields

    @Test(
        "every criterion has Vietnamese text and a source; every reason cites the set's legal source",
        arguments: allSets)
    func textsAndCitations(reference: String) throws {
        let set = try Self.set(reference)
        #expect(Self.isVietnamese(set.title))
        let met = CriteriaEngine.judge(Self.modelData(for: set), against: set).criteria
        let unmet = CriteriaEngine.judge([:], against: set).criteria
        for (index, criterion) in set.criteria.enumerated() {
            let text = criterion.text.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Self.isVietnamese(text) && text.hasSuffix(".") && !text.contains("_"), "\(criterion.id): \(text)")
            #expect(!criterion.source.trimmingCharacters(in: .whitespaces).isEmpty, "\(criterion.id)")
            #expect((criterion.group != nil) == (set.judgement != .recognition), "\(criterion.id): group")
            switch Self.shape(of: criterion) {
            case nil: break
            case .yes(_, let label), .atLeast(_, _, let label), .atMost(_, _, let label), .share(_, _, _, let label):
                #expect(Self.isVietnamese(label), "\(criterion.id): \(label)")
            case .noneOf(_, let codes):
                #expect(!codes.isEmpty && codes.values.allSatisfy(Self.isVietnamese), "\(criterion.id)")
            }
            let citation = "(\(set.legalSource), \(criterion.source))."
            for (outcome, prefix) in [(met[index], "Đạt: "), (unmet[index], "Chưa đạt: ")] {
                #expect(outcome.criterion == criterion.id)
                #expect(outcome.reason.hasPrefix(prefix) && outcome.reason.hasSuffix(citation), "\(outcome.reason)")
                for field in criterion.rule.fields {
                    #expect(!outcome.reason.contains(field), "\(criterion.id): the reason shows the field \(field)")
                }
            }
        }
    }

    @Test("a criterion id belongs to one set id (versions of a set may keep their ids)")
    func idsBelongToOneSet() throws {
        var owners: [String: Set<String>] = [:]
        for set in try Self.catalog().sets {
            for criterion in set.criteria { owners[criterion.id, default: []].insert(set.id) }
        }
        let shared = owners.filter { $0.value.count > 1 }.keys.sorted()
        #expect(shared.isEmpty, "criterion ids used by several sets: \(shared)")
        #expect(owners.count > Self.allSets.count)
    }

    @Test(
        "every rule reads self-assessment fields of the type it needs; event lists are the schema's", arguments: allSets
    )
    func fieldTypes(reference: String) throws {
        let set = try Self.set(reference)
        let schema = SubmissionSchema.fields(of: .selfAssessment)
        let type = { (field: String) in schema.first { $0.name == field }?.type }
        for criterion in set.criteria {
            switch Self.shape(of: criterion) {
            case nil: break
            case .yes(let field, _):
                #expect(type(field) == .boolean, "\(criterion.id): \(field)")
            case .atLeast(let field, _, _), .atMost(let field, _, _):
                #expect(type(field) == .count, "\(criterion.id): \(field)")
            case .share(let numerator, let denominator, let percent, _):
                #expect(type(numerator) == .count && type(denominator) == .count, "\(criterion.id)")
                #expect(percent > 0 && percent <= 100, "\(criterion.id): \(percent)")
            case .noneOf(let field, let codes):
                guard case .codes(let allowed) = type(field) else {
                    Issue.record("\(criterion.id): \(field) is not a list of codes")
                    continue
                }
                #expect(Set(codes.keys) == allowed, "\(criterion.id): codes of \(field)")
            }
        }
    }

    // MARK: - A unit merged in 2025

    /// The day after `day`.
    static func day(after day: Day) -> Day? {
        Day(year: day.year, month: day.month, day: day.day + 1) ?? Day(year: day.year, month: day.month + 1, day: 1)
            ?? Day(year: day.year + 1, month: 1, day: 1)
    }

    static let registryFile = CriteriaFixtures.dataDirectory.deletingLastPathComponent()
        .appendingPathComponent("units/tuyen-quang.json")

    @Test("a residential area merged on 1/7/2025 counts for 2025 (data to 30/6), not for 2026, and names its successor")
    func mergedUnit() throws {
        let registry = try UnitRegistry.load(from: Self.registryFile)
        let merged = registry.allUnits.filter { $0.validTo != nil && !$0.successors.isEmpty }
        let unit = try #require(merged.first { $0.kind == .residentialArea })
        #expect(unit.id == "TQ-NH-THUONGNONG-KDC03")
        #expect(unit.validTo == Day("2025-06-30"))
        #expect(unit.successors == ["TQ-NH-THUONGNONG-KDC01"])

        let year2025 = Period(year: 2025).window(for: unit.kind)
        let year2026 = Period(year: 2026).window(for: unit.kind)
        #expect(registry.unit(unit.id, during: year2025)?.name == "Thôn Nà Cào")
        #expect(registry.unit(unit.id, during: Period(year: 2025, half: 1).window(for: unit.kind)) != nil)
        #expect(registry.unit(unit.id, during: Period(year: 2025, half: 2).window(for: unit.kind)) == nil)
        #expect(registry.unit(unit.id, during: year2026) == nil)
        let lastDay = try #require(Day("2025-06-30"))
        let firstDayAfter = try #require(Self.day(after: lastDay))
        let newYearsEve = try #require(Day("2025-12-31"))
        #expect(firstDayAfter == Day("2025-07-01") && Self.day(after: newYearsEve) == Day("2026-01-01"))
        #expect(unit.isValid(during: lastDay...lastDay) && !unit.isValid(during: firstDayAfter...firstDayAfter))
        #expect(year2025.contains(lastDay))
        #expect(registry.supervisors(of: unit.id, during: year2025) == ["TQ-NH-THUONGNONG", "TQ-NH", "TQ"])
        #expect(registry.supervisors(of: unit.id, during: year2026).isEmpty)

        // The successor takes over in the same commune, valid in both years.
        for window in [year2025, year2026] {
            let successor = try #require(registry.unit("TQ-NH-THUONGNONG-KDC01", during: window))
            #expect(successor.kind == unit.kind && successor.parent == unit.parent)
        }
        // Every merged unit of the file ends the day before its successors, of its kind, carry on.
        for ended in merged {
            let end = try #require(ended.validTo)
            let next = try #require(Self.day(after: end))
            #expect(registry.unit(ended.id, during: next...next) == nil, "\(ended.id)")
            for id in ended.successors {
                let successor = registry.unit(id, during: next...next)
                #expect(successor?.kind == ended.kind, "\(ended.id) → \(id)")
            }
        }
    }
}
