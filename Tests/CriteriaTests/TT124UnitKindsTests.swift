import Criteria
import Foundation
import Models
import Testing

/// The TT124 sets for communes, agencies and enterprises, and schools, from the data directory:
/// table-driven cases from domain.md, including the edges (exactly 100 %, exactly one model, a
/// missing field, one disciplined officer, one case of school violence).
@Suite("TT124 sets per unit kind")
struct TT124UnitKindsTests {
    static let catalog: CriteriaCatalog? = try? CriteriaCatalog.load(directory: CriteriaFixtures.dataDirectory)

    func evaluate(_ kind: UnitKind, _ data: [String: JSONValue]) throws -> (set: String, passed: Bool, failed: [String])
    {
        let catalog = try #require(Self.catalog)
        let set = try #require(catalog.set(for: kind, .selfAssessment, year: 2025))
        let (passed, outcomes) = CriteriaEngine.evaluate(data, against: set)
        return (set.reference, passed, outcomes.filter { !$0.met }.map(\.criterion))
    }

    static let goodCommune: [String: JSONValue] = [
        "party_resolution_q1": .bool(true), "plan_issued_q1": .bool(true), "registered_q1": .bool(true),
        "effective_models": .number(1), "policy_implemented": .bool(true), "security_incidents": .array([]),
        "police_disciplined": .number(0),
    ]

    @Test(
        "communes, wards and towns",
        arguments: [
            ("all met, exactly one effective model", [:], [String]()),
            ("no effective model", ["effective_models": JSONValue.number(0)], ["TT124-XA-2"]),
            ("one officer disciplined", ["police_disciplined": .number(1)], ["TT124-XA-5"]),
            ("no plan in Q1", ["plan_issued_q1": .bool(false)], ["TT124-XA-1.2"]),
            (
                "a prolonged dispute", ["security_incidents": .array([.string("tranh_chap_khieu_kien_keo_dai")])],
                ["TT124-XA-4"]
            ),
            ("disciplined count not stated", ["police_disciplined": .null], ["TT124-XA-5"]),
        ] as [(String, [String: JSONValue], [String])])
    func commune(_ name: String, _ change: [String: JSONValue], _ failing: [String]) throws {
        for kind in [UnitKind.commune, .ward, .town] {
            let result = try evaluate(kind, Self.goodCommune.merging(change) { $1 })
            #expect(result.set == "TT124-XA@1")
            #expect(result.failed == failing, "\(name) (\(kind))")
            #expect(result.passed == failing.isEmpty)
        }
    }

    static let goodAgency: [String: JSONValue] = [
        "party_resolution_q1": .bool(true), "plan_issued_q1": .bool(true), "registered_q1": .bool(true),
        "staff_total": .number(48), "staff_briefed": .number(48), "effective_models": .number(2),
    ]

    @Test(
        "agencies and enterprises",
        arguments: [
            ("all met, exactly 100 % briefed", [:], [String]()),
            ("47 of 48 briefed", ["staff_briefed": JSONValue.number(47)], ["TT124-CQDN-3"]),
            ("not registered", ["registered_q1": .bool(false)], ["TT124-CQDN-2"]),
            ("no model", ["effective_models": .number(0)], ["TT124-CQDN-4"]),
        ] as [(String, [String: JSONValue], [String])])
    func agency(_ name: String, _ change: [String: JSONValue], _ failing: [String]) throws {
        for kind in [UnitKind.agency, .enterprise] {
            let result = try evaluate(kind, Self.goodAgency.merging(change) { $1 })
            #expect(result.set == "TT124-CQDN@1")
            #expect(result.failed == failing, "\(name) (\(kind))")
        }
    }

    @Test(
        "schools",
        arguments: [
            ("all met", [:], [String]()),
            ("one case of school violence", ["school_violence_cases": JSONValue.number(1)], ["TT124-GD-4"]),
            ("no coordination with the parents' board", ["parents_board_coordination": .bool(false)], ["TT124-GD-3"]),
            (
                "a plan but no resolution in Q1 (version 2 reads both)", ["party_resolution_q1": .bool(false)],
                ["TT124-GD-1.1"]
            ),
        ] as [(String, [String: JSONValue], [String])])
    func school(_ name: String, _ change: [String: JSONValue], _ failing: [String]) throws {
        let good: [String: JSONValue] = [
            "party_resolution_q1": .bool(true), "plan_issued_q1": .bool(true), "registered_q1": .bool(true),
            "parents_board_coordination": .bool(true),
            "school_violence_cases": .number(0), "staff_total": .number(60), "staff_briefed": .number(60),
            "effective_models": .number(1),
        ]
        let result = try evaluate(.school, good.merging(change) { $1 })
        #expect(result.set == "TT124-GD@2")
        #expect(result.failed == failing, "\(name)")
    }

    @Test("at_most gives a reason with the number and what is required")
    func atMostReason() throws {
        let catalog = try #require(Self.catalog)
        let set = try #require(catalog.set(for: .school, .selfAssessment, year: 2025))
        let (_, outcomes) = CriteriaEngine.evaluate(["school_violence_cases": .number(2)], against: set)
        let reason = try #require(outcomes.first { $0.criterion == "TT124-GD-4" }?.reason)
        #expect(reason.hasPrefix("Chưa đạt: 2 vụ bạo lực học đường, yêu cầu không có"))
    }
}
