import EventLog
import Foundation
import GRDB
import Models

/// Notification's inbox: one result notice per evaluated submission version, in Vietnamese.
/// The notice key makes a second `submission.evaluated` of the same version (another worker after
/// a crash) a no-op.
struct InboxStore: EventApplier {
    let registry: UnitRegistry?

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
        EventSubscriber.registerMigrations(in: &migrator)
        return migrator
    }

    func apply(_ event: Event, in db: Database) throws {
        guard event.type == .submissionEvaluated else { return }
        let evaluation = try Evaluation(body: event.body)
        let notice = Self.resultNotice(evaluation, unitName: registry?[evaluation.submission.unit]?.name)
        try db.cachedStatement(
            sql:
                "INSERT INTO notice (key, unit, title, body, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
        ).execute(arguments: [notice.key, notice.unit, notice.title, notice.body, notice.createdAt])
    }

    /// The result notice of an evaluation.
    static func resultNotice(_ evaluation: Evaluation, unitName: String?) -> Notice {
        let facts = evaluation.submission
        let period = Period(facts.period)?.vietnameseName ?? facts.period
        let verdict =
            switch evaluation.outcome {
            case .passed: "ĐẠT"
            case .failed: "CHƯA ĐẠT"
            case .notApplicable: "ĐÃ GHI NHẬN"
            }
        let title = "Kết quả \(facts.kind.vietnameseName) \(period): \(verdict)"
        var lines = [
            "Kính gửi \(unitName ?? facts.unit),",
            "Báo cáo \(facts.kind.vietnameseName) \(period) (mã \(facts.key), lần \(facts.version)) đã được đánh giá.",
            evaluation.summary,
        ]
        for criterion in evaluation.criteria {
            lines.append("- \(criterion.criterion): \(criterion.reason)")
        }
        if evaluation.outcome == .failed {
            lines.append(
                "Đơn vị khắc phục các tiêu chí chưa đạt và gửi báo cáo thay thế (trường “replaces”) nếu số liệu đã gửi chưa đúng."
            )
        }
        return Notice(
            key: "result:\(facts.key)", unit: facts.unit, title: title, body: lines.joined(separator: "\n"),
            createdAt: evaluation.evaluatedAt
        )
    }

    static func inbox(unit: String, _ db: Database) throws -> Inbox {
        let rows = try Row.fetchAll(
            db, sql: "SELECT key, unit, title, body, created_at FROM notice WHERE unit = ? ORDER BY created_at, key",
            arguments: [unit]
        )
        return Inbox(
            unit: unit,
            notices: rows.map {
                Notice(
                    key: $0["key"], unit: $0["unit"], title: $0["title"], body: $0["body"], createdAt: $0["created_at"])
            })
    }
}
