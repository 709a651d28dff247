import Foundation
import Models
import Testing

/// Reporting's completeness and timeliness through real processes: who owed each obligation of the
/// calendar, who reported it on time, late, or not at all, each unit once.
@Suite("completeness and timeliness in the report, real processes")
struct CompletenessTests {
    @Test("each unit counts once per obligation: on time, late, or missing, whatever it resent")
    func completeness() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-complete-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let registryFile = directory.appendingPathComponent("units.json")
        try Data(SimulatedYearTests.registry.utf8).write(to: registryFile)
        // This year: one deadline long past (1/1), one still ahead (31/12) — acceptance is today.
        let today = try #require(Day.today())
        let year = today.year
        let calendarFile = directory.appendingPathComponent("calendar.json")
        try Data(
            SimulatedYearTests.calendar.replacingOccurrences(
                of: "\"valid_from_year\": 2025", with: "\"valid_from_year\": \(year)"
            )
            .replacingOccurrences(of: "\"due\": \"04-10\"", with: "\"due\": \"01-01\"")
            .replacingOccurrences(of: "\"due\": \"11-30\"", with: "\"due\": \"12-31\"").utf8
        ).write(to: calendarFile)
        let system = try TestSystem("complete", registry: registryFile.path, calendar: calendarFile.path)
        let intake = try system.cluster.startIntake()
        let reporting = try system.cluster.startSubscriber("antq-reporting", name: "reporting", following: [intake])
        func body(_ id: String, _ unit: String, _ kind: String, _ data: String) -> [UInt8] {
            Array(
                #"{"submission_id": "\#(id)", "unit": "\#(unit)", "kind": "\#(kind)", "period": "\#(year)", "data": \#(data)}"#
                    .utf8)
        }
        let plan = #"{"party_resolution": true, "registered": true, "plan_issued": true}"#
        let (outcomes, _) = try system.client(intake, "submissions").submitAll([
            body("c1-plan", "C-ONTIME", "registration_plan", plan),
            body("c2-plan", "C-LATE", "registration_plan", plan),
            // A second, different plan from the same unit still counts once.
            body("c2-plan-again", "C-LATE", "registration_plan", plan),
            body("c1-sa", "C-ONTIME", "self_assessment", #"{"party_resolution_q1": true}"#),
        ])
        #expect(outcomes.allSatisfy { $0.receipt != nil })

        let query = try system.client(reporting, "query")
        func report() throws -> Report {
            try JSONCoding.decode(
                Report.self,
                from: try query.request(.report, body: JSONCoding.encode(ReportRequest(period: "\(year)"))).body)
        }
        #expect(try system.waitUntil { try report().rows.reduce(0) { $0 + $1.received } == 4 })
        let rows = try #require(try report().obligations)
        let plans = try #require(rows.first { $0.obligation == "registration_plan" })
        let pastDue = today > (try #require(Day("\(year)-01-01")))
        #expect(plans.expected == 3)
        #expect(plans.onTime == (pastDue ? 0 : 2))
        #expect(plans.late == (pastDue ? 2 : 0))
        #expect(plans.missing == 1)
        #expect(plans.area == "D" && plans.unitKind == .commune && plans.due == "\(year)-01-01")
        let assessments = try #require(rows.first { $0.obligation == "self_assessment" })
        #expect(
            assessments.expected == 3 && assessments.onTime == 1 && assessments.late == 0 && assessments.missing == 2)
        // A half year's report has no obligations section.
        let half = try JSONCoding.decode(
            Report.self,
            from: try query.request(.report, body: JSONCoding.encode(ReportRequest(period: "\(year)-H1"))).body)
        #expect(half.obligations == nil)
        // The CLI prints the section.
        let printed = try TestSystem.antq([
            "report", "\(year)", "--reporting", try #require(reporting.endpoints["query"]),
        ])
        #expect(printed.output.contains("TIẾN ĐỘ THỰC HIỆN CÁC NỘI DUNG PHẢI BÁO CÁO — NĂM \(year)"))
        #expect(printed.output.contains("Tự đánh giá, phân loại phong trào"))
        #expect(printed.output.contains("BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC"))
        #expect(printed.output.contains("Tổng cộng"))
    }
}
