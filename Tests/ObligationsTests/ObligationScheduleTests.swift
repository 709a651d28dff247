import Foundation
import Models
import Obligations
import Testing

@Suite("Obligation schedule")
struct ObligationScheduleTests {
    static let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data").standardizedFileURL

    static func calendar() throws -> ObligationCalendar {
        try ObligationCalendar.load(from: dataDirectory.appendingPathComponent("calendar/tuyen-quang.v1.json"))
    }

    /// A district, a commune under it, a hamlet under the commune, and an agency under the province.
    static func registry() throws -> UnitRegistry {
        try UnitRegistry(
            name: "t", version: "1",
            units: [
                Unit(id: "P", name: "Tỉnh", kind: .province),
                Unit(id: "D", name: "Huyện", kind: .district, parent: "P"),
                Unit(id: "C", name: "Xã C", kind: .commune, parent: "D"),
                Unit(id: "C-1", name: "Thôn 1", kind: .residentialArea, parent: "C", reportedBy: "C"),
                Unit(id: "A", name: "Sở A", kind: .agency, parent: "P"),
            ])
    }

    static func day(_ text: String) throws -> Day { try #require(Day(text)) }

    @Test("days count across months and years, and know their weekday")
    func dayArithmetic() throws {
        #expect(try Self.day("2025-04-10").adding(days: -14) == Day("2025-03-27"))
        #expect(try Self.day("2024-12-31").adding(days: 1) == Day("2025-01-01"))
        #expect(try Self.day("2024-02-28").adding(days: 1) == Day("2024-02-29"))
        #expect(try Self.day("1970-01-01").dayNumber == 0)
        #expect(try Self.day("2025-11-24").weekday == 1)  // a Monday
        #expect(try Self.day("2025-11-30").weekday == 7)
        // Days in Vietnam (UTC+7) from stored UTC times and from instants.
        #expect(Day.inVietnam(utcTimestamp: "2025-11-20T16:59:59.999Z") == Day("2025-11-20"))
        #expect(Day.inVietnam(utcTimestamp: "2025-11-20T17:00:00.000Z") == Day("2025-11-21"))
        #expect(Day.inVietnam(utcTimestamp: "2025-12-31T18:30:00.000Z") == Day("2026-01-01"))
        #expect(Day.inVietnam(utcTimestamp: "20 November 2025") == nil)
        #expect(Day.today(at: Date(timeIntervalSince1970: 0)) == Day("1970-01-01"))
        #expect(Day.today(at: Date(timeIntervalSince1970: 17 * 3600)) == Day("1970-01-02"))
        for number in stride(from: -1000, through: 30000, by: 37) {
            #expect(Day(dayNumber: number)?.dayNumber == number)
        }
    }

    @Test("14, 7 and 1 days before a due day: a reminder to each unit that owes it, with a stable key")
    func reminders() throws {
        let schedule = ObligationSchedule(calendar: try Self.calendar(), registry: try Self.registry())
        let notices = schedule.notices(on: try Self.day("2025-03-27")) { _, _, _ in false }
        let keys = Set(notices.map(\.key))
        #expect(keys == ["reminder:C:registration_plan:2025:14", "reminder:A:registration_plan:2025:14"])
        #expect(notices.allSatisfy { $0.stage == .reminder(daysBefore: 14) })
        let dayBefore = schedule.notices(on: try Self.day("2025-04-09")) { _, _, _ in false }
        #expect(
            Set(dayBefore.map(\.key)) == ["reminder:C:registration_plan:2025:1", "reminder:A:registration_plan:2025:1"])
        #expect(schedule.notices(on: try Self.day("2025-03-28")) { _, _, _ in false }.isEmpty)
    }

    @Test("a met obligation gets no reminder, overdue notice or escalation")
    func metStopsEverything() throws {
        let schedule = ObligationSchedule(calendar: try Self.calendar(), registry: try Self.registry())
        let met: (String, String, Int) -> Bool = { unit, obligation, year in
            unit == "C" && obligation == "registration_plan" && year == 2025
        }
        for text in ["2025-03-27", "2025-04-03", "2025-04-09", "2025-04-11", "2025-04-17"] {
            let notices = schedule.notices(on: try Self.day(text), isMet: met)
            #expect(!notices.contains { $0.missing.contains { $0.unit == "C" } }, "\(text)")
            #expect(notices.contains { $0.missing.contains { $0.unit == "A" } }, "\(text)")
        }
    }

    @Test("the day after: overdue to the unit; seven days after: escalation to the unit above")
    func overdueAndEscalation() throws {
        let schedule = ObligationSchedule(calendar: try Self.calendar(), registry: try Self.registry())
        let overdue = schedule.notices(on: try Self.day("2025-11-21")) { _, _, _ in false }
        #expect(overdue.map(\.key).contains("overdue:C-1:self_assessment_residential:2025"))
        let escalation = schedule.notices(on: try Self.day("2025-11-27")) { _, _, _ in false }
        let notice = try #require(escalation.first { $0.stage == .escalation })
        #expect(notice.key == "escalation:C:C-1:self_assessment_residential:2025")
        #expect(notice.recipient == "C")
        // An agency's escalation goes to the province that manages it.
        let agency = schedule.notices(on: try Self.day("2025-04-17")) { _, _, _ in false }
        #expect(agency.contains { $0.key == "escalation:P:A:registration_plan:2025" && $0.recipient == "P" })
    }

    @Test("on the digest weekday each supervisor gets one list of what its units missed lately")
    func digest() throws {
        let schedule = ObligationSchedule(calendar: try Self.calendar(), registry: try Self.registry())
        // Monday 2025-12-01: the hamlet's self-assessment (20/11) and the commune's reports are missing.
        let notices = schedule.notices(on: try Self.day("2025-12-01")) { unit, obligation, _ in
            !(unit == "C-1" && obligation == "self_assessment_residential")
                && !(unit == "C" && obligation == "yearly_report")
        }
        let digests = notices.filter { $0.stage == .digest }
        #expect(digests.map(\.key) == ["digest:C:2025-12-01", "digest:D:2025-12-01"])
        #expect(digests[0].missing.map(\.obligation.id) == ["self_assessment_residential"])
        #expect(digests[1].missing.map(\.obligation.id) == ["yearly_report"])
        // Not a Monday: no digest.
        #expect(
            schedule.notices(on: try Self.day("2025-12-02")) { _, _, _ in false }.allSatisfy { $0.stage != .digest })
    }

    @Test("a submission meets the obligation of its kind, period part and event")
    func metBy() throws {
        let calendar = try Self.calendar()
        func facts(
            _ kind: SubmissionKind, _ period: String, _ unitKind: UnitKind = .commune, event: String? = nil
        )
            -> SubmissionFacts
        {
            SubmissionFacts(
                key: "n/x", root: "n/x", version: 1, unit: "C", unitKind: unitKind, area: "D", kind: kind,
                period: period,
                acceptedAt: "t", event: event)
        }
        #expect(calendar.obligations(metBy: facts(.sixMonthlyReport, "2025-H1")).map(\.id) == ["six_monthly_report"])
        #expect(calendar.obligations(metBy: facts(.sixMonthlyReport, "2025-H2")).isEmpty)
        #expect(
            calendar.obligations(metBy: facts(.selfAssessment, "2025", .residentialArea)).map(\.id) == [
                "self_assessment_residential"
            ])
        #expect(
            calendar.obligations(metBy: facts(.eventParticipation, "2025", event: "ngay_hoi_toan_dan_bao_ve_antq_19_8"))
                .map(
                    \.id) == ["event_19_8"])
        #expect(calendar.obligations(metBy: facts(.eventParticipation, "2025", event: nil)).isEmpty)
    }

    @Test(
        "a calendar with impossible dates, wrong kinds or an unknown event is refused with every problem and its line")
    func validation() throws {
        let text = """
            {"calendar": "t", "version": "1", "time_zone": "Asia/Ho_Chi_Minh", "valid_from_year": 2025,
             "valid_to_year": null, "reminder_days": [7, 0], "escalation_days": 7, "digest_weekday": 8,
             "obligations": [
              {"id": "a", "name": "A", "source": "s", "unit_kinds": ["commune"], "kind": "yearly_report",
               "period": "year", "due": "02-30", "action": "x"},
              {"id": "b", "name": "B", "source": "s", "unit_kinds": ["district"], "kind": "six_monthly_report",
               "period": "year", "due": "06-10", "action": "x"},
              {"id": "c", "name": "C", "source": "s", "unit_kinds": ["commune"], "kind": "event_participation",
               "period": "year", "event": "ngay_le", "due": "08-26", "action": "x"}
             ]}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: CalendarError.self) { try ObligationCalendar.load(from: url) }
        let problems = error?.problems ?? []
        #expect(problems.contains("\(url.path):1: reminder_days must each be 1 to 60 days, not [7, 0]"))
        #expect(problems.contains("\(url.path):1: digest_weekday must be 1 (Monday) to 7 (Sunday), not 8"))
        #expect(problems.contains("\(url.path):4: obligation a: due 02-30 is not a day of every year (MM-DD)"))
        #expect(problems.contains("\(url.path):6: obligation b: a district does not submit reports"))
        #expect(
            problems.contains("\(url.path):6: obligation b: six_monthly_report is for a half year, not period year"))
        #expect(problems.contains("\(url.path):8: obligation c: unknown event code ngay_le"))
        #expect(problems.count == 6)
    }

    @Test("the Tuyên Quang calendar loads, covers 2025 and lists the deadlines of the seeds")
    func realCalendar() throws {
        let calendar = try Self.calendar()
        #expect(calendar.covers(2025))
        let dues = Dictionary(uniqueKeysWithValues: calendar.obligations.map { ($0.id, $0.due) })
        #expect(dues["registration_plan"] == "04-10")
        #expect(dues["six_monthly_report"] == "06-10")
        #expect(dues["yearly_report"] == "11-10")
        #expect(dues["self_assessment_residential"] == "11-20")
        #expect(dues["self_assessment"] == "11-30")
    }

    @Test("a due date early in January is reminded of in December; escalation needs at least two days")
    func nextYearAndEscalationDays() throws {
        let text = { (due: String, escalation: Int) in
            """
            {"calendar": "t", "version": "1", "time_zone": "Asia/Ho_Chi_Minh", "valid_from_year": 2025,
             "valid_to_year": null, "reminder_days": [14], "escalation_days": \(escalation), "digest_weekday": 1,
             "obligations": [{"id": "a", "name": "A", "source": "s", "unit_kinds": ["commune"], "kind": "yearly_report",
               "period": "year", "due": "\(due)", "action": "x"}]}
            """
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text("01-10", 7).utf8).write(to: url)
        let schedule = ObligationSchedule(
            calendar: try ObligationCalendar.load(from: url), registry: try Self.registry())
        #expect(
            schedule.notices(on: try Self.day("2025-12-27")) { _, _, _ in false }.map(\.key) == ["reminder:C:a:2026:14"]
        )
        try Data(text("01-10", 1).utf8).write(to: url)
        #expect(throws: CalendarError.self) { try ObligationCalendar.load(from: url) }
    }
}
