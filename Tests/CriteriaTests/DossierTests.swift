import Criteria
import Foundation
import Models
import Testing

/// A unit's year read together: several submission kinds feed one criteria set.
@Suite("Dossier")
struct DossierTests {
    /// A recognition set reading the self-assessment (primary) and event participation.
    static func yearSet() throws -> CriteriaSet {
        try CriteriaFixtures.set(
            id: "YEAR", unitKinds: ["commune"], submissionKinds: ["self_assessment", "event_participation"],
            criteria: [
                CriteriaFixtures.criterion("Y-1", rule: CriteriaFixtures.yesRule),
                CriteriaFixtures.criterion(
                    "Y-2",
                    rule:
                        #"{"type": "includes", "field": "event", "code": "ngay_hoi_toan_dan_bao_ve_antq_19_8", "label": "tổ chức hoặc tham gia Ngày hội 19/8"}"#
                ),
            ])
    }

    static func member(_ key: String, _ kind: SubmissionKind, _ data: [String: JSONValue]) -> Dossier.Member {
        Dossier.Member(
            facts: SubmissionFacts(
                key: "n/\(key)", root: "n/\(key)", version: 1, unit: "C", unitKind: .commune, area: "D", kind: kind,
                period: "2025", acceptedAt: "t"),
            data: data)
    }

    static let assessment = member("sa", .selfAssessment, ["policy_implemented": .bool(true)])
    static func event(_ key: String, _ code: String) -> Dossier.Member {
        member(key, .eventParticipation, ["event": .string(code), "organised": .bool(true)])
    }

    @Test("the codes of every event sent are read together; the 19/8 festival among them meets Y-2")
    func eventsReadTogether() throws {
        let set = try Self.yearSet()
        let dossier = Dossier(
            trigger: Self.event("e2", "ngay_hoi_toan_dan_bao_ve_antq_19_8"),
            others: [Self.assessment, Self.event("e1", "ngay_moi_truong_5_6")])
        let data = dossier.data(for: set)
        #expect(
            data["event"] == .array([.string("ngay_hoi_toan_dan_bao_ve_antq_19_8"), .string("ngay_moi_truong_5_6")]))
        let judged = CriteriaEngine.judge(data, against: set)
        #expect(judged.outcome == .passed)
        #expect(judged.criteria[1].reason.hasPrefix("Đạt: có tổ chức hoặc tham gia Ngày hội 19/8"))
        #expect(dossier.sources(for: set) == ["n/e1", "n/e2", "n/sa"])
    }

    @Test("without the 19/8 festival Y-2 is not met, naming what is missing")
    func festivalMissing() throws {
        let set = try Self.yearSet()
        let judged = CriteriaEngine.judge(
            Dossier(trigger: Self.assessment, others: [Self.event("e1", "ngay_moi_truong_5_6")]).data(for: set),
            against: set)
        #expect(judged.outcome == .failed)
        #expect(judged.criteria.filter { !$0.met }.map(\.criterion) == ["Y-2"])
        let alone = CriteriaEngine.judge(Dossier(trigger: Self.assessment).data(for: set), against: set)
        #expect(alone.criteria[1].reason.hasPrefix("Chưa đạt: báo cáo chưa nêu tổ chức hoặc tham gia Ngày hội 19/8"))
    }

    @Test("a single-instance kind: the most recently accepted submission wins (listed first)")
    func latestWins() throws {
        let set = try Self.yearSet()
        let newer = Self.member("sa2", .selfAssessment, ["policy_implemented": .bool(false)])
        let data = Dossier(trigger: newer, others: [Self.assessment]).data(for: set)
        #expect(data["policy_implemented"] == .bool(false))
    }

    @Test("an event before any self-assessment gives no result under a set whose primary kind is missing")
    func noPrimaryNoResult() throws {
        let set = try Self.yearSet()
        let catalog = try CriteriaCatalog(sets: [set])
        let evaluator = Evaluator(catalog: catalog, worker: "w")
        let early = evaluator.evaluate(
            Dossier(trigger: Self.event("e1", "ngay_hoi_toan_dan_bao_ve_antq_19_8")), at: "t")
        #expect(early.map(\.outcome) == [.notApplicable])
        #expect(early[0].summary.hasPrefix("Chưa có tự đánh giá của năm 2025"))
        let later = evaluator.evaluate(
            Dossier(trigger: Self.event("e1", "ngay_hoi_toan_dan_bao_ve_antq_19_8"), others: [Self.assessment]),
            at: "t",
            revision: 7)
        #expect(later.map(\.outcome) == [.passed])
        #expect(later[0].revision == 7)
        #expect(later[0].sources == ["n/e1", "n/sa"])
        #expect(try Evaluation(body: later[0].jsonBytes) == later[0])
        #expect(later[0].jsonBytes == JSONCoding.encode(later[0]))
    }

    @Test("a lease context round trips, with and without a dossier")
    func leaseContext() throws {
        let plain = LeaseContext(revision: 42)
        #expect(String(decoding: plain.jsonBytes, as: UTF8.self) == #"{"revision":42}"#)
        #expect(try LeaseContext(json: plain.jsonBytes) == plain)
        let full = LeaseContext(revision: 9, criteriaSet: "YEAR@2", dossier: [Self.assessment.facts])
        #expect(try LeaseContext(json: full.jsonBytes) == full)
        #expect(throws: WireError.self) { try LeaseContext(json: Array(#"{"dossier":[]}"#.utf8)) }
    }
}
