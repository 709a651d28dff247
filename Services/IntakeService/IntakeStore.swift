import EventLog
import Foundation
import GRDB
import Models
import Store

/// Intake's SQLite store: every submission version as received, its receipt, and the event log.
struct IntakeStore {
    let database: DatabasePool
    let log: EventLog

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("intake.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE submission (
                        id INTEGER PRIMARY KEY,
                        submission_id TEXT NOT NULL UNIQUE,
                        unit TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        period TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        root_id TEXT NOT NULL,
                        replaces TEXT,
                        replaced_by TEXT,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        body BLOB NOT NULL,
                        accepted_at TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        evaluated_at TEXT
                    );
                    CREATE INDEX submission_unevaluated ON submission (id) WHERE evaluated_at IS NULL;
                    CREATE TABLE worker (
                        id TEXT PRIMARY KEY,
                        publish_endpoint TEXT NOT NULL,
                        replay_endpoint TEXT NOT NULL
                    );
                    """)
        }
        EventLog.registerMigrations(in: &migrator)
        return migrator
    }

    init(path: String, nodeID: String) throws {
        database = try StoreDatabase.open(path: path, migrator: Self.migrator)
        log = EventLog(producer: nodeID)
        try log.claim(database)
    }

    /// A stored submission row. Its receipt and facts are rebuilt from the columns, byte for byte
    /// what was sent when it was accepted (``Receipt/jsonBytes`` is deterministic).
    struct StoredSubmission {
        let id: Int64
        let submissionID: String
        let unit: String
        let unitKind: UnitKind
        let area: String
        let kind: SubmissionKind
        let period: String
        let version: Int
        let rootID: String
        let replaces: String?
        let replacedBy: String?
        let body: [UInt8]
        let acceptedAt: String
        let sequence: UInt64
        let evaluatedAt: String?

        init(row: Row) throws {
            id = row["id"]
            submissionID = row["submission_id"]
            unit = row["unit"]
            guard let unitKind = UnitKind(rawValue: row["unit_kind"]), let kind = SubmissionKind(rawValue: row["kind"])
            else {
                throw WireError(.internalError, "stored submission \(row["id"] as Int64) has an unknown kind")
            }
            self.unitKind = unitKind
            self.kind = kind
            area = row["area"]
            period = row["period"]
            version = row["version"]
            rootID = row["root_id"]
            replaces = row["replaces"]
            replacedBy = row["replaced_by"]
            body = [UInt8](row["body"] as Data)
            acceptedAt = row["accepted_at"]
            sequence = UInt64(row["sequence"] as Int64)
            evaluatedAt = row["evaluated_at"]
        }

        func receipt(node: String) -> Receipt {
            Receipt(
                key: "\(node)/\(submissionID)", submissionID: submissionID, unit: unit, kind: kind, period: period,
                version: version, replaces: replaces, acceptedAt: acceptedAt, sequence: sequence)
        }

        func facts(node: String) -> SubmissionFacts {
            SubmissionFacts(
                key: "\(node)/\(submissionID)", root: "\(node)/\(rootID)", version: version, unit: unit,
                unitKind: unitKind,
                area: area, kind: kind, period: period, acceptedAt: acceptedAt)
        }
    }

    func find(_ submissionID: String, _ db: Database) throws -> StoredSubmission? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM submission WHERE submission_id = ?"), arguments: [submissionID]
        )
        .map { try StoredSubmission(row: $0) }
    }

    /// Submissions no worker has acknowledged yet, oldest first.
    func unevaluated(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM submission WHERE evaluated_at IS NULL ORDER BY id")
    }

    /// Lease payloads (facts and body) for the given rows.
    func leasePayloads(_ ids: [Int64], _ db: Database) throws -> [Int64: (facts: [UInt8], body: [UInt8])] {
        var payloads: [Int64: (facts: [UInt8], body: [UInt8])] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM submission WHERE id IN (\(placeholders))", arguments: StatementArguments(chunk)
            )
            for row in rows {
                let stored = try StoredSubmission(row: row)
                payloads[stored.id] = (stored.facts(node: log.producer).jsonBytes, stored.body)
            }
        }
        return payloads
    }
}
