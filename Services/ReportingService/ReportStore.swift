import EventLog
import Foundation
import GRDB
import Models

/// Reporting's consolidated picture: one row per submission (all its versions together), kept up to
/// date from `submission.received` and `submission.evaluated` events of any producer, in any order.
struct ReportStore: EventApplier {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("reporting.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_submission (
                        root TEXT PRIMARY KEY,
                        unit TEXT NOT NULL,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        period TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        outcome TEXT,
                        evaluated_version INTEGER
                    );
                    CREATE INDEX report_submission_period ON report_submission (period, unit_kind, area);
                    """)
        }
        EventSubscriber.registerMigrations(in: &migrator)
        return migrator
    }

    func apply(_ event: Event, in db: Database) throws {
        switch event.type {
        case .submissionReceived:
            let facts: SubmissionFacts
            do { facts = try SubmissionFacts(json: try JSONParser.parse(event.body)) } catch {
                throw WireError(.badRequest, "submission.received \(event.sequence) of \(event.producer): \(error)")
            }
            try upsert(facts, db)
        case .submissionEvaluated:
            let evaluation = try EvaluationOutline(body: event.body)
            let facts = evaluation.submission
            try upsert(facts, db)
            // An evaluation of an older version arriving late does not override the newer one, and the
            // first result of a version stands (as notification keeps the first notice).
            try db.cachedStatement(
                sql: """
                    UPDATE report_submission SET outcome = ?, evaluated_version = ?
                    WHERE root = ? AND version = ? AND evaluated_version IS NOT version
                    """
            ).execute(arguments: [evaluation.outcome.rawValue, facts.version, facts.root, facts.version])
        default:
            break
        }
    }

    private func upsert(_ facts: SubmissionFacts, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO report_submission (root, unit, unit_kind, area, kind, period, version)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (root) DO UPDATE SET version = excluded.version
                WHERE excluded.version > report_submission.version
                """
        ).execute(arguments: [
            facts.root, facts.unit, facts.unitKind.rawValue, facts.area, facts.kind.rawValue, facts.period,
            facts.version,
        ]
        )
    }

    /// The counts of one period by unit kind and area.
    static func report(
        period: String, registry: UnitRegistry?, positions: [String: UInt64], _ db: Database
    ) throws -> Report {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT unit_kind, area,
                       COUNT(*) AS received,
                       SUM(evaluated_version = version) AS evaluated,
                       SUM(evaluated_version = version AND outcome = 'passed') AS passed,
                       SUM(evaluated_version = version AND outcome = 'failed') AS failed,
                       SUM(evaluated_version = version AND outcome = 'not_applicable') AS not_applicable
                FROM report_submission WHERE period = ?
                GROUP BY unit_kind, area ORDER BY area, unit_kind
                """, arguments: [period])
        return Report(
            period: period,
            rows: rows.compactMap { row in
                guard let kind = UnitKind(rawValue: row["unit_kind"]) else { return nil }
                let area: String = row["area"]
                return ReportRow(
                    unitKind: kind, area: area, areaName: registry?[area]?.name ?? area,
                    received: row["received"], evaluated: row["evaluated"] ?? 0, passed: row["passed"] ?? 0,
                    failed: row["failed"] ?? 0, notApplicable: row["not_applicable"] ?? 0
                )
            }, positions: positions)
    }
}
