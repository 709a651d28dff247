import Criteria
import Foundation
import Models
import Testing

/// Points, totals and levels (Decision 510/QĐ-BCA-V05 style sets), and every set that applies.
@Suite("Classification and several sets")
struct ClassificationTests {
    /// A classification set's JSON: `criteria` are (id, field, points) yes/no criteria.
    static func sheet(
        id: String = "SHEET", version: String = "1", criteria: [(String, String, Int)],
        levels: String =
            #"[{"id": "xuat_sac", "name": "Xuất sắc", "min_points": 9}, {"id": "kha", "name": "Khá", "min_points": 6}, {"id": "yeu", "name": "Yếu", "min_points": 0}]"#
    ) -> String {
        let items = criteria.map { id, field, points in
            #"{"id": "\#(id)", "text": "Tiêu chí \#(id).", "source": "mục \#(id)", "points": \#(points), "rule": {"type": "yes", "field": "\#(field)", "label": "\#(field)"}}"#
        }
        return """
            {"id": "\(id)", "version": "\(version)", "judgement": "classification", "title": "Phân loại thử",
             "legal_source": "Quyết định thử", "unit_kinds": ["residential_area"], "submission_kinds": ["self_assessment"],
             "valid_from_year": 2022, "valid_to_year": null, "levels": \(levels), "levels_provisional": true,
             "criteria": [\(items.joined(separator: ", "))]}
            """
    }

    static func decode(_ json: String) throws -> CriteriaSet {
        try JSONDecoder().decode(CriteriaSet.self, from: Data(json.utf8))
    }

    static let tenPoints = [
        ("P-1", "party_resolution_q1", 3), ("P-2", "registered_q1", 3), ("P-3", "policy_implemented", 4),
    ]

    @Test(
        "the total is the sum of the points of the criteria met, and picks the level at its cut-off",
        arguments: [
            (["party_resolution_q1": true, "registered_q1": true, "policy_implemented": true], 10, "xuat_sac"),
            (["party_resolution_q1": true, "registered_q1": true, "policy_implemented": false], 6, "kha"),
            (["party_resolution_q1": false, "registered_q1": true, "policy_implemented": false], 3, "yeu"),
            (["party_resolution_q1": false, "registered_q1": false, "policy_implemented": false], 0, "yeu"),
        ])
    func totalsAndLevels(data: [String: Bool], points: Int, level: String) throws {
        let set = try Self.decode(Self.sheet(criteria: Self.tenPoints))
        let judged = CriteriaEngine.judge(data.mapValues { .bool($0) }, against: set)
        #expect(judged.outcome == .classified)
        #expect(judged.points == points)
        #expect(judged.level?.id == level)
        #expect(judged.criteria.map(\.points) == Self.tenPoints.map { data[$0.1] == true ? $0.2 : 0 })
    }

    @Test("a reason says the points awarded; the summary the total, the level and that cut-offs are provisional")
    func reasonsAndSummary() throws {
        let set = try Self.decode(Self.sheet(criteria: Self.tenPoints))
        let judged = CriteriaEngine.judge(
            ["party_resolution_q1": .bool(true), "registered_q1": .bool(false), "policy_implemented": .bool(true)],
            against: set)
        #expect(judged.criteria[0].reason == "Đạt: có party_resolution_q1, được 3/3 điểm (Quyết định thử, mục P-1).")
        #expect(judged.criteria[1].reason == "Chưa đạt: chưa có registered_q1, 0/3 điểm (Quyết định thử, mục P-2).")
        #expect(
            CriteriaEngine.summary(judged, set: set)
                == "Phân loại thử: 7/10 điểm, xếp loại Khá (ngưỡng xếp loại tạm thời; bộ tiêu chí SHEET@1).")
    }

    @Test("a missing field awards no points")
    func missingField() throws {
        let set = try Self.decode(Self.sheet(criteria: Self.tenPoints))
        let judged = CriteriaEngine.judge([:], against: set)
        #expect(judged.points == 0)
        #expect(judged.level?.id == "yeu")
        #expect(judged.criteria.allSatisfy { $0.reason.contains("báo cáo chưa nêu") })
    }

    @Test(
        "a classification set is refused without points, with levels out of order, or not starting at 0",
        arguments: [
            (
                #"[{"id": "a", "name": "A", "min_points": 5}, {"id": "b", "name": "B", "min_points": 5}, {"id": "c", "name": "C", "min_points": 0}]"#,
                "level a (5 points) must need more than b (5)"
            ),
            (#"[{"id": "a", "name": "A", "min_points": 5}]"#, "the lowest level a must start at 0 points"),
            (
                #"[{"id": "a", "name": "A", "min_points": 50}, {"id": "b", "name": "B", "min_points": 0}]"#,
                "level a needs 50 points but the criteria award at most 10"
            ),
            ("[]", "is a classification but has no levels"),
        ])
    func badLevels(levels: String, problem: String) throws {
        let set = try Self.decode(Self.sheet(criteria: Self.tenPoints, levels: levels))
        #expect(throws: CriteriaError.self) { try CriteriaCatalog(sets: [set]) }
        do { _ = try CriteriaCatalog(sets: [set]) } catch { #expect(error.description.contains(problem)) }
    }

    @Test("points on a pass/fail set, or a criterion without points on a sheet, is refused")
    func pointsWhereTheyDoNotBelong() throws {
        let zero = try Self.decode(
            Self.sheet(criteria: [("P-1", "registered_q1", 0), ("P-2", "policy_implemented", 10)]))
        do {
            _ = try CriteriaCatalog(sets: [zero])
            Issue.record("a criterion with 0 points was accepted")
        } catch { #expect(error.description.contains("criterion P-1 of SHEET@1 needs points above 0")) }
        let recognition = try CriteriaFixtures.set(criteria: [
            #"{"id": "R-1", "text": "T.", "source": "s", "points": 3, "rule": \#(CriteriaFixtures.yesRule)}"#
        ])
        do {
            _ = try CriteriaCatalog(sets: [recognition])
            Issue.record("points on a recognition set were accepted")
        } catch { #expect(error.description.contains("awards points but the set is not a classification")) }
    }

    @Test("every set that applies judges a submission: recognition first, each set id in its newest version")
    func everySetThatApplies() throws {
        let recognition = try CriteriaFixtures.set(id: "A-SAFE")
        let sheet1 = try Self.decode(Self.sheet(id: "B-SHEET", version: "1", criteria: Self.tenPoints))
        let sheet2 = try Self.decode(Self.sheet(id: "B-SHEET", version: "2", criteria: Self.tenPoints))
        let catalog = try CriteriaCatalog(sets: [sheet2, recognition, sheet1])
        let sets = catalog.sets(for: .residentialArea, .selfAssessment, year: 2025)
        #expect(sets.map(\.reference) == ["A-SAFE@1", "B-SHEET@2"])
        #expect(catalog.set(reference: "B-SHEET@1") == sheet1)

        let facts = SubmissionFacts(
            key: "n/s1", root: "n/s1", version: 1, unit: "U", unitKind: .residentialArea, area: "D",
            kind: .selfAssessment, period: "2025", acceptedAt: "t")
        let body = Array(
            #"{"data": {"party_resolution_q1": true, "registered_q1": true, "policy_implemented": true}}"#.utf8)
        let evaluations = Evaluator(catalog: catalog, worker: "w").evaluate(facts, body: body, at: "t")
        #expect(evaluations.map(\.criteriaSet) == ["A-SAFE@1", "B-SHEET@2"])
        #expect(evaluations.map(\.judgement) == [.recognition, .classification])
        #expect(evaluations[0].outcome == .passed)
        #expect(evaluations[1].outcome == .classified)
        #expect(evaluations[1].points == 10 && evaluations[1].maximumPoints == 10)
        #expect(evaluations[1].level == "xuat_sac" && evaluations[1].levelName == "Xuất sắc")
        // Re-evaluation under a named older version judges with that version only.
        let again = Evaluator(catalog: catalog, worker: "w").evaluate(facts, body: body, at: "t", under: sheet1)
        #expect(again.map(\.criteriaSet) == ["B-SHEET@1"])
        // Round trip through the wire form subscribers read.
        #expect(try Evaluation(body: evaluations[1].jsonBytes) == evaluations[1])
        #expect(evaluations[1].jsonBytes == JSONCoding.encode(evaluations[1]))
        let outline = try EvaluationOutline(body: evaluations[1].jsonBytes)
        #expect(outline.level == "xuat_sac" && outline.points == 10 && outline.judgement == .classification)
    }
}
