import EventLog
import Foundation
import GRDB
import Models

/// Reporting's consolidated picture: one row per submission (all its versions together) and, for
/// each criteria set that judged it, the result of its latest version; kept up to date from
/// `submission.received` and `submission.evaluated` events of any producer, in any order.
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
        migrator.registerMigration("reporting.v2") { db in
            // One result per submission and set id: the latest submission version, and for the same
            // version the newest set version (a re-evaluation replaces the picture, the workers keep both).
            try db.execute(
                sql: """
                    CREATE TABLE report_result (
                        root TEXT NOT NULL,
                        set_id TEXT NOT NULL,
                        criteria_set TEXT NOT NULL,
                        set_order TEXT NOT NULL,
                        judgement TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        period TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        level TEXT,
                        points INTEGER,
                        result BLOB NOT NULL,
                        PRIMARY KEY (root, set_id)
                    );
                    CREATE INDEX report_result_unit ON report_result (unit, period);
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
            try db.cachedStatement(
                sql: "UPDATE report_submission SET evaluated_version = version WHERE root = ? AND version = ?"
            ).execute(arguments: [facts.root, facts.version])
            guard let reference = evaluation.criteriaSet, let judgement = evaluation.judgement else {
                try db.cachedStatement(
                    sql: "UPDATE report_submission SET outcome = ? WHERE root = ? AND version = ?"
                ).execute(arguments: [evaluation.outcome.rawValue, facts.root, facts.version])
                return
            }
            let (setID, setVersion) = Self.split(reference)
            // A late result of an older version, or of an older set version, does not replace a newer one;
            // the first result of a (version, set version) stands.
            try db.cachedStatement(
                sql: """
                    INSERT INTO report_result
                        (root, set_id, criteria_set, set_order, judgement, unit, period, version, outcome, level, points, result)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (root, set_id) DO UPDATE SET
                        criteria_set = excluded.criteria_set, set_order = excluded.set_order,
                        version = excluded.version, outcome = excluded.outcome, level = excluded.level,
                        points = excluded.points, result = excluded.result
                    WHERE excluded.version > report_result.version
                       OR (excluded.version = report_result.version AND excluded.set_order > report_result.set_order)
                    """
            ).execute(arguments: [
                facts.root, setID, reference, Self.sortable(setVersion), judgement.rawValue, facts.unit, facts.period,
                facts.version, evaluation.outcome.rawValue, evaluation.level, evaluation.points, Data(event.body),
            ])
            if judgement == .recognition {
                try db.cachedStatement(
                    sql: """
                        UPDATE report_submission SET outcome = (
                            SELECT outcome FROM report_result WHERE root = ? AND set_id = ? AND version = report_submission.version)
                        WHERE root = ?
                        """
                ).execute(arguments: [facts.root, setID, facts.root])
            }
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

    /// `TT124-KDC@2.1` as (`TT124-KDC`, `2.1`).
    static func split(_ reference: String) -> (id: String, version: String) {
        guard let at = reference.lastIndex(of: "@") else { return (reference, "") }
        return (String(reference[..<at]), String(reference[reference.index(after: at)...]))
    }

    /// A set version that sorts as text the way versions compare as numbers ("10" after "9").
    static func sortable(_ version: String) -> String {
        version.split(separator: ".").map { part in
            let digits = String(part.prefix(9))
            return String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        }.joined(separator: ".")
    }

    /// The current result of every set that judged `unit` in `period`, as stored event bodies.
    static func results(unit: String, period: String, _ db: Database) throws -> [[UInt8]] {
        try Data.fetchAll(
            db,
            sql: """
                SELECT r.result FROM report_result r JOIN report_submission s ON s.root = r.root
                WHERE r.unit = ? AND r.period = ? AND r.version = s.version
                ORDER BY r.judgement, r.set_id, r.root
                """, arguments: [unit, period]
        ).map { [UInt8]($0) }
    }

    /// The counts of one period by unit kind and area.
    static func report(
        period: String, registry: UnitRegistry?, positions: [String: UInt64], _ db: Database
    ) throws -> Report {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.unit_kind, s.area,
                       COUNT(*) AS received,
                       SUM(s.evaluated_version = s.version) AS evaluated,
                       SUM(s.evaluated_version = s.version AND s.outcome = 'passed') AS passed,
                       SUM(s.evaluated_version = s.version AND s.outcome = 'failed') AS failed,
                       SUM(s.evaluated_version = s.version AND s.outcome = 'not_applicable') AS not_applicable,
                       (SELECT COUNT(*) FROM report_result m JOIN report_submission ms ON ms.root = m.root
                        WHERE ms.period = ? AND ms.unit_kind = s.unit_kind AND ms.area = s.area
                          AND m.judgement = 'model_unit' AND m.version = ms.version AND m.outcome = 'passed') AS model_units
                FROM report_submission s WHERE s.period = ?
                GROUP BY s.unit_kind, s.area ORDER BY s.area, s.unit_kind
                """, arguments: [period, period])
        var levels: [String: [String: Int]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT s.unit_kind, s.area, r.level, COUNT(*) AS units
                FROM report_result r JOIN report_submission s ON s.root = r.root
                WHERE s.period = ? AND r.judgement = 'classification' AND r.version = s.version AND r.level IS NOT NULL
                GROUP BY s.unit_kind, s.area, r.level
                """, arguments: [period])
        {
            levels["\(row["unit_kind"] as String)|\(row["area"] as String)", default: [:]][row["level"]] = row["units"]
        }
        return Report(
            period: period,
            rows: rows.compactMap { row in
                guard let kind = UnitKind(rawValue: row["unit_kind"]) else { return nil }
                let area: String = row["area"]
                return ReportRow(
                    unitKind: kind, area: area, areaName: registry?[area]?.name ?? area,
                    received: row["received"], evaluated: row["evaluated"] ?? 0, passed: row["passed"] ?? 0,
                    failed: row["failed"] ?? 0, notApplicable: row["not_applicable"] ?? 0,
                    levels: levels["\(kind.rawValue)|\(area)"] ?? [:], modelUnits: row["model_units"] ?? 0
                )
            }, positions: positions)
    }
}
