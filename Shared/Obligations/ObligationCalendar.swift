import Foundation
import Models

/// What units owe and when, for a province: a versioned data file in `data/calendar/`.
///
/// Each obligation is met by a submission of a kind, for a period part of the year (and, for
/// events, with an event code), and falls due on a day of that year in Vietnam's calendar. The
/// calendar also says when to remind (days before), when to escalate to the supervising unit (days
/// after), and on which weekday supervisors get their digest of who is missing.
public struct ObligationCalendar: Codable, Sendable, Equatable {
    public let calendar: String
    public let version: String
    /// Always `Asia/Ho_Chi_Minh`: due dates are days in Vietnam.
    public let timeZone: String
    public let validFromYear: Int
    public let validToYear: Int?
    /// Reminders this many days before a due date, e.g. `[14, 7, 1]`.
    public let reminderDays: [Int]
    /// The supervising unit is told this many days after a missed due date.
    public let escalationDays: Int
    /// ISO weekday of the supervisors' digest: 1 Monday … 7 Sunday.
    public let digestWeekday: Int
    public let note: String?
    public let obligations: [Obligation]

    /// `calendar@version`, as recorded with what it produced.
    public var reference: String { "\(calendar)@\(version)" }

    enum CodingKeys: String, CodingKey {
        case calendar, version, note, obligations
        case timeZone = "time_zone"
        case validFromYear = "valid_from_year"
        case validToYear = "valid_to_year"
        case reminderDays = "reminder_days"
        case escalationDays = "escalation_days"
        case digestWeekday = "digest_weekday"
    }

    /// Whether the calendar covers `year`.
    public func covers(_ year: Int) -> Bool {
        validFromYear <= year && (validToYear.map { year <= $0 } ?? true)
    }

    /// The obligations met by a submission with these facts, in the year of its period.
    public func obligations(metBy facts: SubmissionFacts) -> [Obligation] {
        guard let period = Period(facts.period) else { return [] }
        return obligations.filter { $0.isMet(by: facts, period: period) }
    }
}

/// One thing a unit owes in a year.
public struct Obligation: Codable, Sendable, Equatable {
    /// Which part of the year the submission covers.
    public enum PeriodPart: String, Codable, Sendable {
        case year
        case firstHalf = "first_half"
        case secondHalf = "second_half"
    }

    /// Stable id, e.g. `six_monthly_report`.
    public let id: String
    /// What a user reads, e.g. "Báo cáo kết quả 6 tháng đầu năm".
    public let name: String
    /// Where the deadline comes from, e.g. "Kế hoạch ..., mục V".
    public let source: String
    public let unitKinds: [UnitKind]
    /// The submission kind that meets it.
    public let kind: SubmissionKind
    public let period: PeriodPart
    /// For events: the event code the submission must carry (`data.event`).
    public let event: String?
    /// The due day in the year, `MM-DD`.
    public let due: String
    /// What the unit should do, in Vietnamese (shown in notices).
    public let action: String

    enum CodingKeys: String, CodingKey {
        case id, name, source, kind, period, event, due, action
        case unitKinds = "unit_kinds"
    }

    /// The due day in `year` (`nil` when `due` is not a day of that year, e.g. 02-29).
    public func dueDay(in year: Int) -> Day? {
        let parts = due.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    /// The period a submission for `year` must name.
    public func period(in year: Int) -> Period {
        switch period {
        case .year: Period(year: year)
        case .firstHalf: Period(year: year, half: 1)
        case .secondHalf: Period(year: year, half: 2)
        }
    }

    /// Whether a submission with these facts, for the period `submitted`, meets this obligation.
    public func isMet(by facts: SubmissionFacts, period submitted: Period) -> Bool {
        facts.kind == kind && unitKinds.contains(facts.unitKind) && submitted == period(in: submitted.year)
            && (event.map { $0 == facts.event } ?? true)
    }
}

/// A calendar that cannot be used, with every problem found (file and line where known).
public struct CalendarError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid obligations calendar: " + problems.joined(separator: "; ") }
}

extension ObligationCalendar {
    /// Everything wrong with the calendar; empty when it can be used.
    public func problems() -> [String] {
        var problems: [String] = []
        if timeZone != "Asia/Ho_Chi_Minh" {
            problems.append("time_zone must be Asia/Ho_Chi_Minh (due dates are days in Vietnam), not \(timeZone)")
        }
        if let last = validToYear, last < validFromYear {
            problems.append("valid_to_year \(last) is before valid_from_year \(validFromYear)")
        }
        if reminderDays.contains(where: { $0 < 1 || $0 > 60 }) {
            problems.append("reminder_days must each be 1 to 60 days, not \(reminderDays)")
        }
        if Set(reminderDays).count != reminderDays.count { problems.append("reminder_days repeats a day") }
        // Day 1 after the due date is the overdue notice's; escalation comes after it.
        if !(2...60).contains(escalationDays) {
            problems.append("escalation_days must be 2 to 60, not \(escalationDays)")
        }
        if !(1...7).contains(digestWeekday) {
            problems.append("digest_weekday must be 1 (Monday) to 7 (Sunday), not \(digestWeekday)")
        }
        if obligations.isEmpty { problems.append("no obligations") }
        var ids: Set<String> = []
        for obligation in obligations {
            let at = "obligation \(obligation.id)"
            if !ids.insert(obligation.id).inserted { problems.append("\(at) is defined twice") }
            // Every year, leap or not, must have the day: 02-29 would skip three years in four.
            if obligation.dueDay(in: 2025) == nil || obligation.dueDay(in: 2024) == nil {
                problems.append("\(at): due \(obligation.due) is not a day of every year (MM-DD)")
            }
            if obligation.unitKinds.isEmpty { problems.append("\(at) names no unit_kinds") }
            for kind in obligation.unitKinds where !kind.submitsReports {
                problems.append("\(at): a \(kind.rawValue) does not submit reports")
            }
            if (obligation.period == .year) == obligation.kind.isHalfYearly {
                problems.append(
                    "\(at): \(obligation.kind.rawValue) is for \(obligation.kind.isHalfYearly ? "a half year" : "a year"), not period \(obligation.period.rawValue)"
                )
            }
            if let event = obligation.event {
                if obligation.kind != .eventParticipation {
                    problems.append("\(at): only event_participation obligations name an event")
                } else if !SubmissionSchema.eventCodes.contains(event) {
                    problems.append("\(at): unknown event code \(event)")
                }
            } else if obligation.kind == .eventParticipation {
                problems.append("\(at): an event_participation obligation must name its event")
            }
        }
        return problems
    }

    /// Loads and checks a calendar file; problems name the file and the line of the obligation.
    public static func load(from url: URL) throws -> ObligationCalendar {
        let data = try Data(contentsOf: url)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        func line(of problem: String) -> Int {
            let words = problem.split(separator: " ")
            if let at = words.firstIndex(of: "obligation"), at + 1 < words.count {
                let id = words[at + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                if let index = lines.firstIndex(where: { $0.contains("\"id\"") && $0.contains("\"\(id)\"") }) {
                    return index + 1
                }
            }
            return 1
        }
        let calendar: ObligationCalendar
        do { calendar = try JSONDecoder().decode(ObligationCalendar.self, from: data) } catch {
            throw CalendarError(problems: ["\(url.path): \(error)"])
        }
        let problems = calendar.problems()
        guard problems.isEmpty else {
            throw CalendarError(problems: problems.map { "\(url.path):\(line(of: $0)): \($0)" })
        }
        return calendar
    }
}
