import Foundation
import Models
import Testing

/// A criteria set that reads a unit's whole year (self-assessment and event reports) through the
/// real services: intake attaches the dossier, the worker judges it, reporting keeps the latest.
@Suite("a unit's year judged together, real processes")
struct DossierFlowTests {
    static let unit = "TQ-SD-DONGTHO"

    static let yearSet = #"""
        {"id": "TEST-YEAR", "version": "1", "judgement": "recognition", "title": "Bộ tiêu chí thử đọc cả năm",
         "legal_source": "Văn bản thử", "unit_kinds": ["commune"],
         "submission_kinds": ["self_assessment", "event_participation"], "valid_from_year": 2022, "valid_to_year": null,
         "criteria": [
           {"id": "TY-1", "text": "Có nghị quyết quý I.", "source": "mục 1",
            "rule": {"type": "yes", "field": "party_resolution_q1", "label": "nghị quyết trong quý I"}},
           {"id": "TY-2", "text": "Tổ chức hoặc tham gia Ngày hội 19/8.", "source": "mục 2",
            "rule": {"type": "includes", "field": "event", "code": "ngay_hoi_toan_dan_bao_ve_antq_19_8", "label": "Ngày hội 19/8"}}
         ]}
        """#

    static func event(_ id: String, _ code: String, on day: String) -> [UInt8] {
        Array(
            #"""
            {"submission_id": "\#(id)", "unit": "\#(unit)", "kind": "event_participation", "period": "2025",
             "data": {"event": "\#(code)", "held_on": "\#(day)", "organised": true, "participants": 300}}
            """#.utf8)
    }

    static let assessment = Array(
        #"""
        {"submission_id": "dy-sa", "unit": "\#(unit)", "kind": "self_assessment", "period": "2025",
         "data": {"party_resolution_q1": true, "registered_q1": true, "plan_issued_q1": true}}
        """#.utf8)

    @Test("an event before the self-assessment waits for it; later events re-judge the year; the latest counts")
    func yearTogether() throws {
        let criteria = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-criteria-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: TestSystem.criteriaPath), to: criteria)
        defer { try? FileManager.default.removeItem(at: criteria) }
        try Self.yearSet.write(
            to: criteria.appendingPathComponent("test-year.v1.json"), atomically: true, encoding: .utf8)
        let system = try TestSystem("dossier", criteria: criteria.path)
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (reporting, _) = try system.cluster.startSubscribers(following: [intake])
        let client = try system.client(intake, "submissions")
        let query = try system.client(reporting, "query")
        func yearResult() throws -> Evaluation? {
            let reply = try query.request(
                .results, body: JSONCoding.encode(UnitResultsRequest(unit: Self.unit, period: "2025")))
            return try JSONCoding.decode(UnitResults.self, from: reply.body).evaluations.first {
                $0.criteriaSet == "TEST-YEAR@1"
            }
        }

        // The festival first: no self-assessment yet, so the year set gives no result.
        _ = try client.submitAll([Self.event("dy-e1", "ngay_hoi_toan_dan_bao_ve_antq_19_8", on: "2025-08-19")])
        #expect(try system.waitUntil(.seconds(10)) { try system.stats(intake).evaluated == 1 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try yearResult() == nil)

        // The self-assessment: judged with the festival already reported.
        _ = try client.submitAll([Self.assessment])
        #expect(try system.waitUntil { try yearResult() != nil })
        let first = try #require(try yearResult())
        #expect(first.outcome == .passed)
        #expect(first.sources == ["intake-1/dy-e1", "intake-1/dy-sa"])
        #expect(first.criteria.map(\.met) == [true, true])

        // Another event re-judges the year with all three; reporting keeps the result that saw the most.
        _ = try client.submitAll([Self.event("dy-e2", "ngay_moi_truong_5_6", on: "2025-06-05")])
        #expect(try system.waitUntil { try yearResult()?.sources?.count == 3 })
        let latest = try #require(try yearResult())
        #expect(latest.submission.key == "intake-1/dy-e2")
        #expect(try #require(latest.revision) > (first.revision ?? .max))
        #expect(latest.outcome == .passed)

        // The other sets of a commune read only the self-assessment and still judge it.
        let reply = try query.request(
            .results, body: JSONCoding.encode(UnitResultsRequest(unit: Self.unit, period: "2025")))
        let sets = try JSONCoding.decode(UnitResults.self, from: reply.body).evaluations.compactMap(\.criteriaSet)
        #expect(Set(sets) == ["TT124-XA@1", "QD510-XA@1", "DH-XA@1", "TEST-YEAR@1"])
    }
}
