import Models
import Testing

@Suite("Receipt and event bodies")
struct ReceiptTests {
    static let receipt = Receipt(
        key: "intake-1/tn-2025.002", submissionID: "tn-2025.002", unit: "TQ-YS-THANGQUAN-THON1", kind: .selfAssessment,
        period: "2025", version: 2, replaces: "tn-2025.001", acceptedAt: "2025-11-02T08:30:00Z", sequence: 17
    )

    @Test("a receipt encodes with snake_case keys in sorted order and decodes back")
    func receipt_roundTrip() throws {
        let json = String(decoding: JSONCoding.encode(Self.receipt), as: UTF8.self)
        #expect(
            json == #"""
                {"accepted_at":"2025-11-02T08:30:00Z","key":"intake-1/tn-2025.002","kind":"self_assessment",\#
                "period":"2025","replaces":"tn-2025.001","sequence":17,"submission_id":"tn-2025.002",\#
                "unit":"TQ-YS-THANGQUAN-THON1","version":2}
                """#)
        #expect(try JSONCoding.decode(Receipt.self, from: bytes(json)) == Self.receipt)
    }

    @Test("an original's receipt leaves replaces out and decodes it as nil")
    func receipt_original() throws {
        let original = Receipt(
            key: "intake-1/a", submissionID: "a", unit: "U", kind: .yearlyReport, period: "2024", version: 1,
            replaces: nil, acceptedAt: "2024-11-20T00:00:00Z", sequence: 1
        )
        let body = JSONCoding.encode(original)
        #expect(!String(decoding: body, as: UTF8.self).contains("replaces"))
        #expect(try JSONCoding.decode(Receipt.self, from: body) == original)
    }

    @Test("a receipt with an unknown kind does not decode")
    func receipt_unknownKind() {
        let json = String(decoding: JSONCoding.encode(Self.receipt), as: UTF8.self)
            .replacingOccurrences(of: "self_assessment", with: "weekly")
        let error = #expect(throws: WireError.self) { try JSONCoding.decode(Receipt.self, from: bytes(json)) }
        #expect(error?.code == .badRequest)
    }

    @Test("submission facts and evaluations use snake_case keys and round trip")
    func evaluation_roundTrip() throws {
        let facts = SubmissionFacts(
            key: "intake-1/b", root: "intake-1/a", version: 2, unit: "TQ-YS-THANGQUAN-THON1",
            unitKind: .residentialArea,
            area: "TQ-YS", kind: .selfAssessment, period: "2025", acceptedAt: "2025-11-02T08:30:00Z"
        )
        let factsJSON = String(decoding: JSONCoding.encode(facts), as: UTF8.self)
        #expect(factsJSON.contains(#""unit_kind":"residential_area""#))
        #expect(factsJSON.contains(#""accepted_at":"2025-11-02T08:30:00Z""#))
        #expect(try JSONCoding.decode(SubmissionFacts.self, from: bytes(factsJSON)) == facts)

        let evaluation = Evaluation(
            submission: facts, criteriaSet: nil, outcome: .notApplicable,
            criteria: [
                CriterionOutcome(criterion: "c1", met: false, reason: "Chưa có nghị quyết")
            ], summary: "Không áp dụng", evaluatedAt: "2025-11-02T08:31:00Z", worker: "evaluation-w1"
        )
        let json = String(decoding: JSONCoding.encode(evaluation), as: UTF8.self)
        #expect(json.contains(#""outcome":"not_applicable""#))
        #expect(json.contains(#""evaluated_at":"2025-11-02T08:31:00Z""#))
        #expect(try JSONCoding.decode(Evaluation.self, from: bytes(json)) == evaluation)
        let withSet = try JSONCoding.decode(
            Evaluation.self,
            from: bytes(
                json.replacingOccurrences(of: "\"summary\"", with: "\"criteria_set\":\"khu-dan-cu@2024\",\"summary\""))
        )
        #expect(withSet.criteriaSet == "khu-dan-cu@2024")
    }
}
