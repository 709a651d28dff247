import EventLog
import Foundation
import GRDB
import Models
import Obligations
import SQLStore

/// Notification's inbox: one result notice per evaluated submission version, in Vietnamese.
/// The notice key makes a second `submission.evaluated` of the same version (another worker after
/// a crash) a no-op.
struct InboxStore: EventApplier {
    let registry: UnitRegistry?
    /// What units owe: a submission that meets an obligation is recorded with the day it came.
    var calendar: ObligationCalendar? = nil
    var clock: NoticeClock = .system
    /// Stores notices with their deliveries to the configured channels.
    var book = NoticeBook(channels: [])
    /// The texts of result and review notices.
    var templates: NoticeTemplates

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("notification.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notice (
                        key TEXT PRIMARY KEY,
                        unit TEXT NOT NULL,
                        title TEXT NOT NULL,
                        body TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        acknowledged_at TEXT
                    );
                    CREATE INDEX notice_unit ON notice (unit, created_at);
                    """)
        }
        migrator.registerMigration("notification.v2-obligations") { db in
            // When each obligation was first met (the scheduler's "stop reminding"), and the last
            // day the scheduler processed.
            try db.execute(
                sql: """
                    CREATE TABLE obligation_met (
                        unit TEXT NOT NULL,
                        obligation TEXT NOT NULL,
                        year INTEGER NOT NULL,
                        met_on TEXT NOT NULL,
                        submission_key TEXT NOT NULL,
                        PRIMARY KEY (unit, obligation, year)
                    );
                    CREATE TABLE schedule_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        processed_through TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("notification.v3-deliveries") { db in
            // One row per notice and channel: the outbox each channel's worker sends from.
            try db.execute(
                sql: """
                    CREATE TABLE delivery (
                        notice_key TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT,
                        delivered_at TEXT,
                        PRIMARY KEY (notice_key, channel)
                    );
                    CREATE INDEX delivery_due ON delivery (channel, state, next_attempt_at);
                    """)
        }
        EventSubscriber.registerMigrations(in: &migrator)
        return migrator
    }

    func apply(_ event: Event, in db: any SQLExecutor) throws {
        let notice: Notice
        switch event.type {
        case .submissionReceived:
            try recordObligations(event, db)
            return
        case .submissionEvaluated:
            let evaluation = try Evaluation(body: event.body)
            notice = Self.resultNotice(
                evaluation, unitName: registry?[evaluation.submission.unit]?.name, templates: templates)
        case .reviewRecorded:
            let record: ReviewRecord
            do { record = try JSONCoding.decode(ReviewRecord.self, from: event.body) } catch {
                throw WireError(.badRequest, "review.recorded \(event.sequence) of \(event.producer): \(error)")
            }
            notice = Self.reviewNotice(
                record, key: "review:\(event.producer)/\(event.sequence)", unitName: registry?[record.unit]?.name,
                reviewerName: registry?[record.reviewer]?.name, templates: templates)
        default:
            return
        }
        try book.store(notice, db)
    }

    /// The result notice of an evaluation, from the `result` template.
    static func resultNotice(_ evaluation: Evaluation, unitName: String?, templates: NoticeTemplates) -> Notice {
        let facts = evaluation.submission
        let verdict =
            switch evaluation.outcome {
            case .passed: "ĐẠT"
            case .failed: "CHƯA ĐẠT"
            case .classified:
                "\(evaluation.levelName?.uppercased() ?? "CHƯA XẾP LOẠI") (\(evaluation.points ?? 0)/\(evaluation.maximumPoints ?? 100) điểm)"
            case .notApplicable: "ĐÃ GHI NHẬN"
            }
        // What the unit must act on: the criteria not met, each with its reason; `antq explain` shows all.
        let unmet = evaluation.criteria.filter { !$0.met }
        var criteria: [String] = []
        if !evaluation.criteria.isEmpty {
            criteria.append(
                unmet.isEmpty
                    ? "Tất cả \(evaluation.criteria.count) tiêu chí đều đạt."
                    : "Các tiêu chí chưa đạt (\(unmet.count)/\(evaluation.criteria.count)):")
        }
        criteria += unmet.map { "- \($0.criterion): \($0.reason)" }
        let failedRecognition = evaluation.outcome == .failed && evaluation.judgement == .recognition
        let (title, body) = templates.render(
            "result",
            [
                "unit": unitName ?? facts.unit, "kind": facts.kind.vietnameseName,
                "period": Period(facts.period)?.vietnameseName ?? facts.period, "key": facts.key,
                "version": "\(facts.version)", "judgement": evaluation.judgement.map { " — \(Self.heading($0))" } ?? "",
                "verdict": verdict, "summary": evaluation.summary, "criteria": criteria.joined(separator: "\n"),
                "advice": failedRecognition ? templates.render("result_advice", [:]).body : "",
            ])
        return Notice(
            key: Self.resultKey(evaluation), unit: facts.unit, title: title, body: body,
            createdAt: evaluation.evaluatedAt)
    }

    /// Records the obligations a received submission meets, with today's date (the first one stands).
    private func recordObligations(_ event: Event, _ db: any SQLExecutor) throws {
        guard let calendar else { return }
        let facts: SubmissionFacts
        do { facts = try SubmissionFacts(json: try JSONParser.parse(event.body)) } catch {
            throw WireError(.badRequest, "submission.received \(event.sequence) of \(event.producer): \(error)")
        }
        let obligations = calendar.obligations(metBy: facts)
        guard !obligations.isEmpty, let year = Period(facts.period)?.year else { return }
        let today = clock.today().map(String.init(describing:)) ?? String(facts.acceptedAt.prefix(10))
        for obligation in obligations {
            try db.execute(
                """
                INSERT INTO obligation_met (unit, obligation, year, met_on, submission_key) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, [facts.unit, obligation.id, year, today, facts.key])
        }
    }

    /// The notice of a review step, to the reviewed unit, from the `review_<action>` template.
    static func reviewNotice(
        _ record: ReviewRecord, key: String, unitName: String?, reviewerName: String?, templates: NoticeTemplates
    ) -> Notice {
        let subject =
            record.submissionID.map {
                "Báo cáo “\($0)” (lần \(record.version ?? 1)), kỳ \(Period(record.period)?.vietnameseName ?? record.period)"
            }
            ?? "Năm \(record.period)"
        let (title, body) = templates.render(
            "review_\(record.action.rawValue)",
            [
                "unit": unitName ?? record.unit, "subject": subject, "reviewer": reviewerName ?? record.reviewer,
                "reason": record.reason.map { "Lý do: \($0)" } ?? "", "period": record.period,
                "submission_id": record.submissionID ?? "",
            ])
        return Notice(key: key, unit: record.unit, title: title, body: body, createdAt: record.recordedAt)
    }

    /// One notice per submission version and criteria set version: `result:<key>` when no set
    /// applies, `result:<key>:<set>@<version>` otherwise.
    static func resultKey(_ evaluation: Evaluation) -> String {
        "result:\(evaluation.submission.key)" + (evaluation.criteriaSet.map { ":\($0)" } ?? "")
    }

    /// A short Vietnamese heading for each way of judging.
    static func heading(_ judgement: Judgement) -> String {
        switch judgement {
        case .recognition: "An toàn về an ninh, trật tự"
        case .classification: "Phân loại phong trào"
        case .modelUnit: "Điển hình"
        }
    }

    static func inbox(unit: String, _ db: Database) throws -> Inbox {
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT key, unit, title, body, created_at, acknowledged_at FROM notice WHERE unit = ? ORDER BY created_at, key",
            arguments: [unit]
        )
        return Inbox(unit: unit, notices: rows.map(notice(_:)))
    }

    static func notice(_ row: Row) -> Notice {
        Notice(
            key: row["key"], unit: row["unit"], title: row["title"], body: row["body"], createdAt: row["created_at"],
            acknowledgedAt: row["acknowledged_at"])
    }

    /// Marks `key` read by `unit` (the first acknowledgement's time stands); the notice, or not found.
    static func acknowledge(_ request: InboxAckRequest, at time: String, _ db: Database) throws -> Notice {
        try db.execute(
            sql: "UPDATE notice SET acknowledged_at = ? WHERE key = ? AND unit = ? AND acknowledged_at IS NULL",
            arguments: [time, request.key, request.unit])
        guard
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT key, unit, title, body, created_at, acknowledged_at FROM notice WHERE key = ? AND unit = ?",
                arguments: [request.key, request.unit])
        else {
            throw WireError(.notFound, "unit \(request.unit) has no notice \(request.key)")
        }
        return notice(row)
    }
}
