import Foundation
import GRDB
import Logging
import Models
import Obligations
import SQLStore

/// Turns the obligations calendar into notices: on each tick it processes every day from the last
/// one processed to today, asks the ``ObligationSchedule`` what is due given what was met, renders
/// the notices from the templates and stores them, with the day it reached, in one transaction.
///
/// Keys make it exactly once: a restart, a replayed tick or a clock moved back repeats nothing,
/// and a day missed while the service was down is caught up (obligations met meanwhile get nothing).
struct NoticeScheduler {
    let schedule: ObligationSchedule
    let templates: NoticeTemplates
    let clock: NoticeClock
    let book: NoticeBook
    let logger: Logger

    /// Processes the days up to today; returns how many notices it stored.
    @discardableResult
    func tick(_ database: any DatabaseWriter) throws -> Int {
        guard let today = clock.today() else {
            logger.warning("no date from the clock; notices wait", metadata: ["clock": "\(clock)"])
            return 0
        }
        return try database.write { db in
            let processed = try String.fetchOne(db, sql: "SELECT processed_through FROM schedule_state WHERE id = 1")
                .flatMap(Day.init)
            // The first start begins today: a new service does not send a backlog of old reminders.
            guard var day = processed.map({ $0.adding(days: 1) }) ?? today, day <= today else { return 0 }
            let met = try Self.met(years: (day.year - 1)...(today.year + 1), db)
            var stored = 0
            while day <= today {
                for notice in schedule.notices(on: day, isMet: { met.contains("\($0)|\($1)|\($2)") }) {
                    let (title, body) = render(notice)
                    let isNew = try book.store(
                        Notice(
                            key: notice.key, unit: notice.recipient, title: title, body: body,
                            createdAt: "\(notice.day)"),
                        SQLiteExecutor(db))
                    if isNew { stored += 1 }
                }
                guard let next = day.adding(days: 1) else { break }
                day = next
            }
            try db.execute(
                sql: """
                    INSERT INTO schedule_state (id, processed_through) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET processed_through = excluded.processed_through
                    """, arguments: ["\(today)"])
            if stored > 0 {
                logger.info("scheduled notices", metadata: ["through": "\(today)", "stored": "\(stored)"])
            }
            return stored
        }
    }

    /// `unit|obligation|year` of every obligation met in `years`.
    static func met(years: ClosedRange<Int>, _ db: Database) throws -> Set<String> {
        Set(
            try Row.fetchAll(
                db, sql: "SELECT unit, obligation, year FROM obligation_met WHERE year BETWEEN ? AND ?",
                arguments: [years.lowerBound, years.upperBound]
            ).map { "\($0["unit"] as String)|\($0["obligation"] as String)|\($0["year"] as Int)" })
    }

    /// The day the schedule has reached, for the `schedule` query.
    static func processedThrough(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT processed_through FROM schedule_state WHERE id = 1")
    }

    func render(_ notice: ObligationSchedule.DueNotice) -> (title: String, body: String) {
        let registry = schedule.registry
        let name = { (id: String) in registry[id]?.name ?? id }
        func values(_ missing: ObligationSchedule.Missing) -> [String: String] {
            [
                "unit": name(missing.unit), "unit_id": missing.unit, "obligation": missing.obligation.name,
                "year": "\(missing.year)", "due": missing.due.vietnamese, "source": missing.obligation.source,
                "action": missing.obligation.action, "recipient": name(notice.recipient),
                "days": "\(abs(notice.day.dayNumber - missing.due.dayNumber))",
                "escalation_days": "\(schedule.calendar.escalationDays)",
            ]
        }
        switch notice.stage {
        case .reminder:
            return templates.render("reminder", notice.missing.first.map(values) ?? [:])
        case .overdue:
            return templates.render("overdue", notice.missing.first.map(values) ?? [:])
        case .escalation:
            return templates.render("escalation", notice.missing.first.map(values) ?? [:])
        case .digest:
            let items = notice.missing.map { templates.render("digest_item", values($0)).body }
            return templates.render(
                "digest",
                [
                    "recipient": name(notice.recipient), "day": notice.day.vietnamese, "count": "\(items.count)",
                    "items": items.joined(separator: "\n"),
                ])
        }
    }
}
