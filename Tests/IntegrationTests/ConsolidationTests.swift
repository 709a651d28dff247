import Foundation
import Models
import StoreEngines
import Testing

/// The consolidated picture against figures worked out by hand: a resent submission, a correction,
/// a commune merged in the middle of the year, reports on time, late and missing, through a real
/// intake node and a real reporting subscriber (its ZeroMQ query and its HTTP API).
@Suite("consolidation against hand-computed figures, real processes")
struct ConsolidationTests {
    /// Two districts; C3 merges into C2 on 30/6 of the year; W1 never reports.
    static func registry(year: Int) -> String {
        #"""
        {"registry": "consolidation", "version": "1", "units": [
          {"id": "P", "name": "Tỉnh Thử", "kind": "province"},
          {"id": "D1", "name": "Huyện Một", "kind": "district", "parent": "P"},
          {"id": "D2", "name": "Huyện Hai", "kind": "district", "parent": "P"},
          {"id": "C1", "name": "Xã Một", "kind": "commune", "parent": "D1"},
          {"id": "C2", "name": "Xã Hai", "kind": "commune", "parent": "D1"},
          {"id": "C3", "name": "Xã Ba", "kind": "commune", "parent": "D1", "valid_to": "\#(year)-06-30",
           "successors": ["C2"]},
          {"id": "W1", "name": "Phường Một", "kind": "ward", "parent": "D1"},
          {"id": "C4", "name": "Xã Bốn", "kind": "commune", "parent": "D2"}
        ]}
        """#
    }

    /// Registration due 1/1 (past when the test runs, so late), self-assessment and yearly report due
    /// 31/12 (ahead, so on time).
    static func calendar(year: Int) -> String {
        #"""
        {"calendar": "consolidation", "version": "1", "time_zone": "Asia/Ho_Chi_Minh", "valid_from_year": \#(year),
         "valid_to_year": null, "reminder_days": [14, 7, 1], "escalation_days": 7, "digest_weekday": 1,
         "obligations": [
          {"id": "registration_plan", "name": "Nghị quyết, đăng ký phấn đấu và kế hoạch thực hiện năm",
           "source": "Kế hoạch điển hình, mục V", "unit_kinds": ["commune", "ward"], "kind": "registration_plan",
           "period": "year", "due": "01-01", "action": "Gửi nghị quyết, đăng ký và kế hoạch."},
          {"id": "self_assessment", "name": "Tự đánh giá, phân loại phong trào",
           "source": "Quyết định 510/QĐ-BCA-V05, Điều 11", "unit_kinds": ["commune", "ward"],
           "kind": "self_assessment", "period": "year", "due": "12-31", "action": "Gửi bản tự đánh giá."},
          {"id": "yearly_report", "name": "Báo cáo kết quả năm", "source": "Kế hoạch điển hình, mục V",
           "unit_kinds": ["commune", "ward"], "kind": "yearly_report", "period": "year", "due": "12-31",
           "action": "Gửi báo cáo năm."}
         ]}
        """#
    }

    @Test(
        "resend once, correction replaces, merged commune owes only before its merge, late and missing exact",
        arguments: StoreEngine.available)
    func handComputed(engine: StoreEngine) async throws {
        let today = try #require(Day.today())
        let year = today.year
        // On 1 January itself the registration is on time, not late: the figures below say which.
        let pastDue = today > (try #require(Day("\(year)-01-01")))
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-consolidation-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let registryFile = directory.appendingPathComponent("units.json")
        let calendarFile = directory.appendingPathComponent("calendar.json")
        try Data(Self.registry(year: year).utf8).write(to: registryFile)
        try Data(Self.calendar(year: year).utf8).write(to: calendarFile)
        let system = try TestSystem("consolidation", registry: registryFile.path, calendar: calendarFile.path)
        let intake = try system.cluster.startIntake()
        let reporting = try system.cluster.startSubscriber(
            "antq-reporting", name: "reporting", following: [intake], extra: try TestSystem.reportingStore(engine))

        func body(_ id: String, _ unit: String, _ kind: String, _ data: String, replaces: String? = nil) -> [UInt8] {
            let replacing = replaces.map { #", "replaces": "\#($0)""# } ?? ""
            return Array(
                #"{"submission_id": "\#(id)", "unit": "\#(unit)", "kind": "\#(kind)", "period": "\#(year)"\#(replacing), "data": \#(data)}"#
                    .utf8)
        }
        let plan = #"{"party_resolution": true, "registered": true, "plan_issued": true}"#
        let assessment = #"{"party_resolution_q1": true, "registered_q1": true}"#
        let submissions = [
            body("c1-plan", "C1", "registration_plan", plan),
            body("c1-sa", "C1", "self_assessment", assessment),
            body("c1-yr", "C1", "yearly_report", #"{"tip_offs": 10, "security_teams": 2}"#),
            body("c2-plan", "C2", "registration_plan", plan),
            body("c2-yr", "C2", "yearly_report", #"{"tip_offs": 5, "security_teams": 4}"#),
            body("c2-yr-2", "C2", "yearly_report", #"{"tip_offs": 7}"#, replaces: "c2-yr"),
            body("c4-plan", "C4", "registration_plan", plan),
            body("c4-plan", "C4", "registration_plan", plan),  // the same submission resent
            body("c4-sa", "C4", "self_assessment", assessment),
            body("c4-yr", "C4", "yearly_report", #"{"tip_offs": 3}"#),
        ]
        let (outcomes, _) = try system.client(intake, "submissions").submitAll(submissions, window: 1)
        #expect(outcomes.allSatisfy { $0.receipt != nil }, "\(outcomes.compactMap(\.rejection))")
        #expect(Set(outcomes.compactMap(\.receipt?.key)).count == 9, "the resend has the first one's receipt")

        let query = try system.client(reporting, "query")
        func report() throws -> Report {
            try JSONCoding.decode(
                Report.self,
                from: try query.request(.report, body: JSONCoding.encode(ReportRequest(period: "\(year)"))).body)
        }
        let head = try system.stats(intake).lastSequence
        #expect(try system.waitUntil { try report().positions[intake.name] == head })
        let consolidated = try report()

        // Submissions: C1 three, C2 two (the correction is a version of its report), C4 three (the resend once).
        #expect(
            consolidated.rows.map { "\($0.area) \($0.unitKind.rawValue) \($0.received)" } == [
                "D1 commune 5", "D2 commune 3",
            ])

        // Completeness, per obligation, area and kind, worked out by hand.
        let late = pastDue ? 1 : 0
        let onTime = pastDue ? 0 : 1
        let expected: [String] = [
            // Registration (due 1/1): C1, C2, C3 and W1 in D1 (C3 still existed), C4 in D2.
            "registration_plan D1 commune expected 3 on_time \(2 * onTime) late \(2 * late) missing 1",
            "registration_plan D1 ward expected 1 on_time 0 late 0 missing 1",
            "registration_plan D2 commune expected 1 on_time \(onTime) late \(late) missing 0",
            // Self-assessment (due 31/12): C3 has merged into C2 and owes nothing; C2 did not send it.
            "self_assessment D1 commune expected 2 on_time 1 late 0 missing 1",
            "self_assessment D1 ward expected 1 on_time 0 late 0 missing 1",
            "self_assessment D2 commune expected 1 on_time 1 late 0 missing 0",
            // Yearly report (due 31/12): C2's first version met it; the correction changes nothing here.
            "yearly_report D1 commune expected 2 on_time 2 late 0 missing 0",
            "yearly_report D1 ward expected 1 on_time 0 late 0 missing 1",
            "yearly_report D2 commune expected 1 on_time 1 late 0 missing 0",
        ]
        #expect(
            try #require(consolidated.obligations).map {
                "\($0.obligation) \($0.area) \($0.unitKind.rawValue) expected \($0.expected) on_time \($0.onTime) late \($0.late) missing \($0.missing)"
            } == expected)

        // Indicators: C2's correction replaces its first report (security_teams gone with it).
        let indicators = try #require(consolidated.indicators)
        #expect(indicators.map(\.area) == ["D1", "D2"])
        #expect(indicators.map(\.reports) == [2, 1])
        #expect(indicators.map(\.values) == [["tip_offs": 17, "security_teams": 2], ["tip_offs": 3]])

        // The same through the HTTP API: who is missing, and the merged commune's own page.
        let base = try #require(reporting.endpoints["http"])
        let missing = try JSONParser.parse([UInt8](try await httpGet("\(base)/api/v1/missing?year=\(year)").body))
        #expect(
            Set(
                try #require(missing.array).compactMap { entry -> String? in
                    guard let object = entry.object else { return nil }
                    return "\(object["obligation"]?.string ?? "") \(object["unit"]?.string ?? "")"
                }) == [
                    "registration_plan C3", "registration_plan W1", "self_assessment C2", "self_assessment W1",
                    "yearly_report W1",
                ])
        let merged = try #require(
            try JSONParser.parse([UInt8](try await httpGet("\(base)/api/v1/units/C3?year=\(year)").body)).object)
        let owed = try #require(merged["standing"]?.object?["obligations"]?.array)
        #expect(owed.compactMap { $0.object?["obligation"]?.string } == ["registration_plan"])
        #expect(owed.first?.object?["status"]?.string == "missing")
        // The official report's province line of completeness: 13 owed, 5 on time, 3 late, 5 missing.
        let csv = String(decoding: try await httpGet("\(base)/reports/\(year).csv").body.dropFirst(3), as: UTF8.self)
        let province =
            pastDue ? #"Toàn tỉnh,13,5,3,5,"38,5%""# : #"Toàn tỉnh,13,8,0,5,"61,5%""#
        #expect(csv.contains(province), "\(csv)")
    }
}
