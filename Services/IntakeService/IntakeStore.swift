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
                        body BLOB NOT NULL,
                        receipt BLOB NOT NULL,
                        facts BLOB NOT NULL,
                        accepted_at TEXT NOT NULL,
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

    /// A stored submission row, as needed to answer a resend or a correction.
    struct StoredSubmission {
        let id: Int64
        let submissionID: String
        let unit: String
        let kind: String
        let period: String
        let version: Int
        let rootID: String
        let replacedBy: String?
        let body: [UInt8]
        let receipt: [UInt8]
        let evaluatedAt: String?

        init(row: Row) {
            id = row["id"]
            submissionID = row["submission_id"]
            unit = row["unit"]
            kind = row["kind"]
            period = row["period"]
            version = row["version"]
            rootID = row["root_id"]
            replacedBy = row["replaced_by"]
            body = [UInt8](row["body"] as Data)
            receipt = [UInt8](row["receipt"] as Data)
            evaluatedAt = row["evaluated_at"]
        }
    }

    func find(_ submissionID: String, _ db: Database) throws -> StoredSubmission? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM submission WHERE submission_id = ?"), arguments: [submissionID]
        )
        .map(StoredSubmission.init(row:))
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
                db, sql: "SELECT id, facts, body FROM submission WHERE id IN (\(placeholders))",
                arguments: StatementArguments(chunk)
            )
            for row in rows {
                payloads[row["id"]] = ([UInt8](row["facts"] as Data), [UInt8](row["body"] as Data))
            }
        }
        return payloads
    }
}
