import AntqCLI
import Foundation
import Models
import Testing

/// A whole year of the obligations calendar on a simulated clock, through real processes: intake
/// and notification, the clock a file the test moves day by day. Three communes under one district:
/// one reports on time, one late, one never. The notices each receives are listed by hand.
@Suite("obligations over a simulated year, real processes")
struct SimulatedYearTests {
    static let registry = #"""
        {"registry": "simulated", "version": "1", "units": [
          {"id": "P", "name": "Tỉnh Thử", "kind": "province"},
          {"id": "D", "name": "Huyện Thử", "kind": "district", "parent": "P"},
          {"id": "C-ONTIME", "name": "Xã Đúng Hạn", "kind": "commune", "parent": "D"},
          {"id": "C-LATE", "name": "Xã Chậm", "kind": "commune", "parent": "D"},
          {"id": "C-NEVER", "name": "Xã Không Gửi", "kind": "commune", "parent": "D"}
        ]}
        """#

    /// Two obligations of the Tuyên Quang calendar: registration and plan (10/4), self-assessment (30/11).
    static let calendar = #"""
        {"calendar": "simulated", "version": "1", "time_zone": "Asia/Ho_Chi_Minh", "valid_from_year": 2025,
         "valid_to_year": null, "reminder_days": [14, 7, 1], "escalation_days": 7, "digest_weekday": 1,
         "obligations": [
          {"id": "registration_plan", "name": "Nghị quyết, đăng ký phấn đấu và kế hoạch thực hiện năm",
           "source": "Kế hoạch điển hình, mục V", "unit_kinds": ["commune"], "kind": "registration_plan",
           "period": "year", "due": "04-10", "action": "Gửi nghị quyết, đăng ký và kế hoạch."},
          {"id": "self_assessment", "name": "Tự đánh giá, phân loại phong trào",
           "source": "Quyết định 510/QĐ-BCA-V05, Điều 11", "unit_kinds": ["commune"], "kind": "self_assessment",
           "period": "year", "due": "11-30", "action": "Gửi bản tự đánh giá."}
         ]}
        """#

    static func registration(_ unit: String) -> [UInt8] {
        Array(
            #"""
            {"submission_id": "reg-\#(unit)", "unit": "\#(unit)", "kind": "registration_plan", "period": "2025",
             "data": {"party_resolution": true, "registered": true, "plan_issued": true}}
            """#.utf8)
    }

    static func assessment(_ unit: String) -> [UInt8] {
        Array(
            #"""
            {"submission_id": "sa-\#(unit)", "unit": "\#(unit)", "kind": "self_assessment", "period": "2025",
             "data": {"party_resolution_q1": true, "registered_q1": true}}
            """#.utf8)
    }

    @Test(
        "reminders, overdue notices, escalations and digests: exactly these, none after an obligation is met, across a kill -9"
    )
    func wholeYear() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-year-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let registryFile = directory.appendingPathComponent("units.json")
        let calendarFile = directory.appendingPathComponent("calendar.json")
        let clockFile = directory.appendingPathComponent("today")
        try Data(Self.registry.utf8).write(to: registryFile)
        try Data(Self.calendar.utf8).write(to: calendarFile)
        try Data("2025-03-01".utf8).write(to: clockFile)

        let system = try TestSystem("year", registry: registryFile.path, calendar: calendarFile.path)
        let intake = try system.cluster.startIntake()
        let notification = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake],
            extra: ["--clock-file", clockFile.path, "--schedule-interval-ms", "20"])
        let client = try system.client(intake, "submissions")

        func status() throws -> ScheduleStatus {
            try JSONCoding.decode(
                ScheduleStatus.self, from: try system.client(notification, "query").request(.schedule, body: []).body)
        }
        func advance(to day: String) throws {
            try Data(day.utf8).write(to: clockFile)
            #expect(try system.waitUntil(.seconds(20)) { try status().processedThrough == day }, "clock \(day)")
        }
        func submit(_ body: [UInt8], met: Int) throws {
            let (outcomes, _) = try client.submitAll([body])
            #expect(outcomes.first?.receipt != nil)
            #expect(try system.waitUntil(.seconds(20)) { try status().obligationsMet == met }, "met \(met)")
        }

        try advance(to: "2025-03-01")
        try advance(to: "2025-04-01")
        try submit(Self.registration("C-ONTIME"), met: 1)
        try advance(to: "2025-04-14")  // a Monday: the digest still lists C-LATE
        try submit(Self.registration("C-LATE"), met: 2)
        try advance(to: "2025-06-01")
        // A crash mid-year: nothing repeated, nothing skipped.
        notification.kill()
        try notification.start()
        try advance(to: "2025-11-20")
        try submit(Self.assessment("C-ONTIME"), met: 3)
        try advance(to: "2025-12-03")
        try submit(Self.assessment("C-LATE"), met: 4)
        try advance(to: "2025-12-31")

        let scheduled = try system.allNotices(
            notification, units: ["P", "D", "C-ONTIME", "C-LATE", "C-NEVER"], prefix: "")
        func keys(_ unit: String) -> Set<String> { Set(scheduled.filter { $0.unit == unit }.map(\.key)) }

        #expect(
            keys("C-ONTIME") == [
                "reminder:C-ONTIME:registration_plan:2025:14", "reminder:C-ONTIME:self_assessment:2025:14",
            ])
        #expect(
            keys("C-LATE") == [
                "reminder:C-LATE:registration_plan:2025:14", "reminder:C-LATE:registration_plan:2025:7",
                "reminder:C-LATE:registration_plan:2025:1", "overdue:C-LATE:registration_plan:2025",
                "reminder:C-LATE:self_assessment:2025:14", "reminder:C-LATE:self_assessment:2025:7",
                "reminder:C-LATE:self_assessment:2025:1", "overdue:C-LATE:self_assessment:2025",
            ])
        #expect(
            keys("C-NEVER") == [
                "reminder:C-NEVER:registration_plan:2025:14", "reminder:C-NEVER:registration_plan:2025:7",
                "reminder:C-NEVER:registration_plan:2025:1", "overdue:C-NEVER:registration_plan:2025",
                "reminder:C-NEVER:self_assessment:2025:14", "reminder:C-NEVER:self_assessment:2025:7",
                "reminder:C-NEVER:self_assessment:2025:1", "overdue:C-NEVER:self_assessment:2025",
            ])
        // The district: an escalation per obligation C-NEVER missed (C-LATE was in by day 7), and a
        // digest every Monday within 90 days of a missed due date while something is missing.
        let mondays = [
            "2025-04-14", "2025-04-21", "2025-04-28", "2025-05-05", "2025-05-12", "2025-05-19", "2025-05-26",
            "2025-06-02", "2025-06-09", "2025-06-16", "2025-06-23", "2025-06-30", "2025-07-07",
            "2025-12-01", "2025-12-08", "2025-12-15", "2025-12-22", "2025-12-29",
        ]
        #expect(
            keys("D")
                == Set(
                    ["escalation:D:C-NEVER:registration_plan:2025", "escalation:D:C-NEVER:self_assessment:2025"]
                        + mondays.map { "digest:D:\($0)" }))
        #expect(keys("P").isEmpty)

        // What they say: the unit, the obligation, the date, what to do; the digest lists who is missing.
        let overdue = try #require(scheduled.first { $0.key == "overdue:C-LATE:registration_plan:2025" })
        #expect(
            overdue.title == "Quá hạn: Nghị quyết, đăng ký phấn đấu và kế hoạch thực hiện năm năm 2025 (hạn 10/4/2025)")
        #expect(overdue.body.hasPrefix("Kính gửi Xã Chậm,\nĐã quá hạn 10/4/2025"))
        #expect(overdue.body.contains("Gửi nghị quyết, đăng ký và kế hoạch."))
        #expect(overdue.createdAt == "2025-04-11")
        let firstDigest = try #require(scheduled.first { $0.key == "digest:D:2025-04-14" })
        #expect(firstDigest.body.contains("- Xã Chậm: Nghị quyết"))
        #expect(firstDigest.body.contains("- Xã Không Gửi: Nghị quyết"))
        let laterDigest = try #require(scheduled.first { $0.key == "digest:D:2025-04-21" })
        #expect(!laterDigest.body.contains("Xã Chậm"))
        #expect(laterDigest.title.contains("1 nội dung"))
        let escalation = try #require(scheduled.first { $0.key == "escalation:D:C-NEVER:self_assessment:2025" })
        #expect(
            escalation.body.contains(
                "Xã Không Gửi (C-NEVER) chưa gửi Tự đánh giá, phân loại phong trào năm 2025, hạn 30/11/2025"))
        #expect(escalation.body.contains("đã quá hạn 7 ngày"))

        // The unit reads a notice: acknowledged once, the first time stands.
        let query = try system.client(notification, "query")
        let ack = try JSONCoding.decode(
            Notice.self,
            from: try query.request(
                .inboxAck, body: JSONCoding.encode(InboxAckRequest(unit: "C-LATE", key: overdue.key))
            ).body)
        #expect(ack.acknowledgedAt != nil)
        let again = try JSONCoding.decode(
            Notice.self,
            from: try query.request(
                .inboxAck, body: JSONCoding.encode(InboxAckRequest(unit: "C-LATE", key: overdue.key))
            ).body)
        #expect(again.acknowledgedAt == ack.acknowledgedAt)
        #expect(throws: (any Error).self) {
            try query.request(.inboxAck, body: JSONCoding.encode(InboxAckRequest(unit: "C-ONTIME", key: overdue.key)))
        }
        // The same through the CLI: antq inbox ack, then antq inbox shows it read.
        let endpoint = try #require(notification.endpoints["query"])
        let escalationKey = "escalation:D:C-NEVER:registration_plan:2025"
        let acked = try TestSystem.antq(["inbox", "ack", "D", escalationKey, "--notification", endpoint])
        #expect(acked.status == 0)
        #expect(acked.output.hasPrefix("✓ Đã đánh dấu đã đọc lúc"))
        let listed = try TestSystem.antq(["inbox", "D", "--notification", endpoint])
        #expect(listed.status == 0)
        #expect(listed.output.contains("mã: \(escalationKey)"))
        #expect(listed.output.components(separatedBy: "(đã đọc").count == 2)
    }

    @Test("a calendar with an impossible date, or a template with an unknown variable, stops the service at start")
    func badConfiguration() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-badconf-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let calendarFile = directory.appendingPathComponent("calendar.json")
        try Data(Self.calendar.replacingOccurrences(of: "\"due\": \"11-30\"", with: "\"due\": \"11-31\"").utf8)
            .write(to: calendarFile)
        let system = try TestSystem("badconf", calendar: calendarFile.path)
        let intake = try system.cluster.startIntake()
        let notification = system.cluster
        #expect(throws: LaunchError.self) {
            try notification.startSubscriber("antq-notification", name: "notification", following: [intake])
        }
        let log = try String(
            contentsOf: system.cluster.root.appendingPathComponent("notification.log"), encoding: .utf8)
        #expect(log.contains("obligation self_assessment: due 11-31 is not a day of every year (MM-DD)"))

        let templates = try String(
            contentsOf: TestSystem.packageRoot.appendingPathComponent("data/templates/notices.vi.json"), encoding: .utf8
        )
        let templatesFile = directory.appendingPathComponent("templates.json")
        try Data(
            templates.replacingOccurrences(of: "Sau {escalation_days} ngày", with: "Sau {don_vi} ngày")
                .utf8
        )
        .write(to: templatesFile)
        #expect(throws: LaunchError.self) {
            try notification.startSubscriber(
                "antq-notification", name: "notification-2", following: [intake],
                extra: [
                    "--calendar",
                    TestSystem.packageRoot.appendingPathComponent("data/calendar/tuyen-quang.v1.json").path,
                    "--templates", templatesFile.path,
                ])
        }
        let secondLog = try String(
            contentsOf: system.cluster.root.appendingPathComponent("notification-2.log"), encoding: .utf8)
        #expect(secondLog.contains("overdue body uses unknown variable {don_vi}"))
    }

    /// A submission meeting `obligation` for `unit`, as a body.
    static func meeting(_ obligation: String, event: String?, unit: String, day: String) -> [UInt8] {
        let (kind, period, data): (String, String, String) =
            switch obligation {
            case "registration_plan":
                ("registration_plan", "2025", #"{"party_resolution": true, "registered": true, "plan_issued": true}"#)
            case "six_monthly_report": ("six_monthly_report", "2025-H1", "{}")
            case "yearly_report": ("yearly_report", "2025", "{}")
            case "self_assessment": ("self_assessment", "2025", #"{"party_resolution_q1": true}"#)
            default:
                (
                    "event_participation", "2025",
                    #"{"event": "\#(event ?? "")", "held_on": "\#(day)", "organised": true}"#
                )
            }
        return Array(
            #"""
            {"submission_id": "ty-\#(unit)-\#(obligation)", "unit": "\#(unit)", "kind": "\#(kind)", "period": "\#(period)", "data": \#(data)}
            """#.utf8)
    }

    @Test("the Tuyên Quang calendar and registry over 2025: on time, late and silent units of Sơn Dương, exactly")
    func tuyenQuangYear() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-tqyear-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clockFile = directory.appendingPathComponent("today")
        try Data("2025-03-01".utf8).write(to: clockFile)
        let calendarFile = TestSystem.packageRoot.appendingPathComponent("data/calendar/tuyen-quang.v1.json")
        let calendar = try JSONDecoder().decode(
            [String: JSONValue].self, from: Data(contentsOf: calendarFile))
        let obligations = try #require(calendar["obligations"]?.array).compactMap(\.object)

        let system = try TestSystem("tqyear")
        let intake = try system.cluster.startIntake()
        let notification = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake],
            extra: ["--clock-file", clockFile.path, "--schedule-interval-ms", "20"])
        let client = try system.client(intake, "submissions")
        var met = 0
        func status() throws -> ScheduleStatus {
            try JSONCoding.decode(
                ScheduleStatus.self, from: try system.client(notification, "query").request(.schedule, body: []).body)
        }
        func advance(to day: Day) throws {
            try Data("\(day)".utf8).write(to: clockFile)
            #expect(try system.waitUntil(.seconds(30)) { try status().processedThrough == "\(day)" }, "clock \(day)")
        }
        func submit(_ body: [UInt8]) throws {
            let (outcomes, _) = try client.submitAll([body])
            #expect(outcomes.first?.receipt != nil, "\(String(decoding: body, as: UTF8.self))")
            met += 1
            #expect(try system.waitUntil(.seconds(20)) { try status().obligationsMet == met })
        }

        let onTime = "TQ-SD-DONGTHO"  // a commune: everything on 1/3
        let late = "TQ-SD-HONGLAC"  // a commune: each obligation three days after its due date
        let silent = ["TQ-SD-SONDUONG", "TQ-SD-PHONGGDDT"]  // a town and a district agency: nothing
        let registry = system.registry
        func owes(_ unit: String, _ obligation: [String: JSONValue]) -> Bool {
            guard let kind = registry[unit]?.kind.rawValue else { return false }
            return obligation["unit_kinds"]?.array?.contains(.string(kind)) ?? false
        }
        func due(_ obligation: [String: JSONValue]) throws -> Day {
            try #require(Day("2025-" + (obligation["due"]?.string ?? "")))
        }
        try advance(to: try #require(Day("2025-03-01")))
        for obligation in obligations where owes(onTime, obligation) {
            try submit(
                Self.meeting(
                    obligation["id"]?.string ?? "", event: obligation["event"]?.string, unit: onTime, day: "2025-02-28")
            )
        }
        for obligation in try obligations.filter({ owes(late, $0) }).sorted(by: { try due($0) < due($1) }) {
            let day = try #require(try due(obligation).adding(days: 3))
            try advance(to: day)
            try submit(
                Self.meeting(
                    obligation["id"]?.string ?? "", event: obligation["event"]?.string, unit: late,
                    day: "\(try due(obligation).adding(days: -7) ?? day)"))
        }
        try advance(to: try #require(Day("2025-12-31")))

        let people = [onTime, late, "TQ-SD"] + silent
        let hamlets = registry.allUnits.filter { unit in
            unit.kind == .residentialArea && [onTime, late, "TQ-SD-SONDUONG"].contains(unit.parent ?? "")
        }
        let notices = try system.allNotices(notification, units: Set(people + hamlets.map(\.id)), prefix: "")
        func keys(_ unit: String) -> Set<String> { Set(notices.filter { $0.unit == unit }.map(\.key)) }

        // What each owes, by rule: reminders 14, 7, 1 days before and the overdue notice, unless met first.
        func stages(_ unit: String, _ obligation: [String: JSONValue]) -> [String] {
            let id = obligation["id"]?.string ?? ""
            return [
                "reminder:\(unit):\(id):2025:14", "reminder:\(unit):\(id):2025:7", "reminder:\(unit):\(id):2025:1",
                "overdue:\(unit):\(id):2025",
            ]
        }
        let mondays = { (from: String, to: String) throws -> [String] in
            var day = try #require(Day(from))
            var list: [String] = []
            while day <= (try #require(Day(to))) {
                if day.weekday == 1 { list.append("\(day)") }
                day = try #require(day.adding(days: 1))
            }
            return list
        }
        // Supervisors of hamlets: an escalation per silent hamlet on 27/11 (due 20/11), digests from 24/11.
        let hamletDue = try #require(Day("2025-11-20"))
        func hamletNotices(_ supervisor: String) throws -> Set<String> {
            let owing = hamlets.filter {
                $0.parent == supervisor && registry.unit($0.id, during: hamletDue...hamletDue) != nil
            }
            guard !owing.isEmpty else { return [] }
            return Set(owing.map { "escalation:\(supervisor):\($0.id):self_assessment_residential:2025" })
                .union(try mondays("2025-11-21", "2025-12-31").map { "digest:\(supervisor):\($0)" })
        }

        #expect(keys(onTime) == (try hamletNotices(onTime)), "the on-time commune: only about its hamlets")
        let lateExpected = Set(obligations.filter { owes(late, $0) }.flatMap { stages(late, $0) })
        #expect(keys(late) == lateExpected.union(try hamletNotices(late)))
        for unit in silent {
            let expected = Set(obligations.filter { owes(unit, $0) }.flatMap { stages(unit, $0) })
            #expect(keys(unit) == expected.union(try hamletNotices(unit)), "\(unit)")
        }
        // The district: an escalation for each obligation each silent unit missed, and a digest every
        // Monday from the first missed due date (10/4) to the end of the year.
        let escalations = silent.flatMap { unit in
            obligations.filter { owes(unit, $0) }.map { "escalation:TQ-SD:\(unit):\($0["id"]?.string ?? ""):2025" }
        }
        #expect(
            keys("TQ-SD")
                == Set(escalations).union(try mondays("2025-04-11", "2025-12-31").map { "digest:TQ-SD:\($0)" }))
        for hamlet in hamlets {
            let owes =
                registry.unit(hamlet.id, during: try #require(Day("2025-11-20"))...(try #require(Day("2025-11-20"))))
                != nil
            let id = hamlet.id
            #expect(
                keys(id)
                    == (owes
                        ? [
                            "reminder:\(id):self_assessment_residential:2025:14",
                            "reminder:\(id):self_assessment_residential:2025:7",
                            "reminder:\(id):self_assessment_residential:2025:1",
                            "overdue:\(id):self_assessment_residential:2025",
                        ] : []),
                "\(id)")
        }
    }
}
