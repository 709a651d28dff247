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
        migrator.registerMigration("intake.v2-reevaluation") { db in
            // A re-evaluation job: a submission version to judge again under a named criteria set.
            // Leased like a submission, under the negated job id.
            try db.execute(
                sql: """
                    CREATE TABLE reevaluation (
                        id INTEGER PRIMARY KEY,
                        submission INTEGER NOT NULL REFERENCES submission (id),
                        criteria_set TEXT NOT NULL,
                        requested_at TEXT NOT NULL,
                        done_at TEXT
                    );
                    CREATE INDEX reevaluation_pending ON reevaluation (id) WHERE done_at IS NULL;
                    CREATE INDEX submission_unit_period ON submission (unit, period);
                    """)
        }
        migrator.registerMigration("intake.v3-review") { db in
            // Review state per submission version; periods signed off (locked); the audit trail.
            try db.execute(
                sql: """
                    ALTER TABLE submission ADD COLUMN review_state TEXT NOT NULL DEFAULT 'submitted';
                    ALTER TABLE submission ADD COLUMN review_reason TEXT;
                    CREATE TABLE period_lock (
                        unit TEXT NOT NULL,
                        year INTEGER NOT NULL,
                        signed_off_by TEXT NOT NULL,
                        signed_off_at TEXT NOT NULL,
                        PRIMARY KEY (unit, year)
                    );
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY,
                        recorded_at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        period TEXT NOT NULL,
                        submission_id TEXT,
                        version INTEGER,
                        reason TEXT
                    );
                    CREATE INDEX audit_unit ON audit (unit, period);
                    """)
        }
        migrator.registerMigration("intake.v4-refusals") { db in
            // Requests refused because of who sent them (decision 0017), for the audit.
            try db.execute(
                sql: """
                    CREATE TABLE intake_refusal (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        peer TEXT NOT NULL,
                        type TEXT NOT NULL,
                        unit TEXT,
                        reason TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("intake.v5-worker-keys") { db in
            // The CURVE key each worker was authenticated with, announced with its endpoints.
            try db.execute(sql: "ALTER TABLE worker ADD COLUMN curve_public_key TEXT")
        }
        EventLog.registerMigrations(in: &migrator)
        return migrator
    }

    /// Keeps a refused request's audit record.
    func recordRefusal(at time: String, peer: String, type: String, unit: String?, reason: String) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO intake_refusal (at, peer, type, unit, reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [time, peer, type, unit, reason])
        }
    }

    /// Every refusal recorded, oldest first.
    func refusals(_ db: Database) throws -> [(peer: String, type: String, unit: String?, reason: String)] {
        try Row.fetchAll(db, sql: "SELECT peer, type, unit, reason FROM intake_refusal ORDER BY id").map {
            ($0["peer"], $0["type"], $0["unit"], $0["reason"])
        }
    }

    /// Every locked (unit, year), for the node's in-memory copy.
    func locks(_ db: Database) throws -> Set<String> {
        Set(
            try Row.fetchAll(db, sql: "SELECT unit, year FROM period_lock").map { Self.lockKey($0["unit"], $0["year"]) }
        )
    }

    static func lockKey(_ unit: String, _ year: Int) -> String { "\(unit)|\(year)" }

    /// Who signed `unit`'s evaluation year `year` off, and when, if it is locked.
    func lock(unit: String, year: Int, _ db: Database) throws -> (by: String, at: String)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT signed_off_by, signed_off_at FROM period_lock WHERE unit = ? AND year = ?"),
            arguments: [unit, year]
        ).map { ($0["signed_off_by"], $0["signed_off_at"]) }
    }

    /// What a lease carries: the facts, the body as received, and for a re-evaluation the
    /// `id@version` of the set to judge it under; with what finding its dossier needs.
    struct LeasePayload {
        /// The submission's row id: its revision (later submissions, higher ids).
        let id: Int64
        let facts: [UInt8]
        let body: [UInt8]
        let unit: String
        let kind: SubmissionKind
        let year: Int
        let rootID: String
        var criteriaSet: String? = nil

        init(stored: StoredSubmission, node: String, criteriaSet: String? = nil) {
            self.init(
                id: stored.id, facts: stored.facts(node: node).jsonBytes, body: stored.body, unit: stored.unit,
                kind: stored.kind, year: Period(stored.period)?.year ?? 0, rootID: stored.rootID,
                criteriaSet: criteriaSet)
        }

        init(
            id: Int64, facts: [UInt8], body: [UInt8], unit: String, kind: SubmissionKind, year: Int, rootID: String,
            criteriaSet: String? = nil
        ) {
            self.id = id
            self.facts = facts
            self.body = body
            self.unit = unit
            self.kind = kind
            self.year = year
            self.rootID = rootID
            self.criteriaSet = criteriaSet
        }
    }

    /// The unit's other submissions of the payload's year and of `kinds`: the latest version of each
    /// as of the payload's submission (what intake held when it was accepted), newest first, at most 64.
    func dossier(
        of payload: LeasePayload, kinds: Set<SubmissionKind>, _ db: Database
    ) throws -> [(facts: SubmissionFacts, body: [UInt8])] {
        guard !kinds.isEmpty else { return [] }
        let kindList = kinds.map(\.rawValue).sorted()
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM submission s
                    WHERE s.unit = ? AND s.period IN (?, ?, ?) AND s.id < ? AND s.root_id != ?
                      AND s.kind IN (\(kindList.map { _ in "?" }.joined(separator: ",")))
                      AND (s.replaced_by IS NULL
                           OR (SELECT r.id FROM submission r WHERE r.submission_id = s.replaced_by) > ?)
                    ORDER BY s.id DESC LIMIT 64
                    """),
            arguments: StatementArguments(
                [
                    payload.unit, "\(payload.year)", "\(payload.year)-H1", "\(payload.year)-H2", payload.id,
                    payload.rootID,
                ]
                    + kindList + [payload.id]))
        return try rows.map { row in
            let stored = try StoredSubmission(row: row)
            return (stored.facts(node: log.producer), stored.body)
        }
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
        let reviewState: ReviewState
        let reviewReason: String?

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
            reviewState = (row["review_state"] as String?).flatMap(ReviewState.init(rawValue:)) ?? .submitted
            reviewReason = row["review_reason"]
        }

        func receipt(node: String) -> Receipt {
            Receipt(
                key: "\(node)/\(submissionID)", submissionID: submissionID, unit: unit, kind: kind, period: period,
                version: version, replaces: replaces, acceptedAt: acceptedAt, sequence: sequence)
        }

        /// The facts as `submission.received` published them (the body is read only for the kinds
        /// whose facts carry data: an event's code, a report's indicators).
        func facts(node: String) -> SubmissionFacts {
            let data =
                kind == .eventParticipation || SubmissionSchema.indicatorKinds.contains(kind)
                ? (try? JSONParser.parse(body))?.object?["data"]?.object : nil
            return SubmissionFacts(
                key: "\(node)/\(submissionID)", root: "\(node)/\(rootID)", version: version, unit: unit,
                unitKind: unitKind, area: area, kind: kind, period: period, acceptedAt: acceptedAt,
                event: kind == .eventParticipation ? data?["event"]?.string : nil,
                indicators: data.flatMap { SubmissionSchema.indicators(of: kind, in: $0) })
        }
    }

    func find(_ submissionID: String, _ db: Database) throws -> StoredSubmission? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM submission WHERE submission_id = ?"), arguments: [submissionID]
        )
        .map { try StoredSubmission(row: $0) }
    }

    /// Submissions no worker has acknowledged yet, oldest first, then pending re-evaluation jobs
    /// (as negated ids, their lease ids).
    func unevaluated(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM submission WHERE evaluated_at IS NULL ORDER BY id")
            + Int64.fetchAll(db, sql: "SELECT -id FROM reevaluation WHERE done_at IS NULL ORDER BY id")
    }

    /// Lease payloads for the given lease ids: submission rows, or negated re-evaluation job ids.
    func leasePayloads(_ ids: [Int64], _ db: Database) throws -> [Int64: LeasePayload] {
        var payloads: [Int64: LeasePayload] = [:]
        let submissions = ids.filter { $0 > 0 }
        for chunk in stride(from: 0, to: submissions.count, by: 500).map({
            Array(submissions[$0..<min($0 + 500, submissions.count)])
        }) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM submission WHERE id IN (\(placeholders))", arguments: StatementArguments(chunk)
            )
            for row in rows {
                let stored = try StoredSubmission(row: row)
                payloads[stored.id] = LeasePayload(stored: stored, node: log.producer)
            }
        }
        for job in ids where job < 0 {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT s.*, r.criteria_set AS reevaluation_set FROM reevaluation r
                            JOIN submission s ON s.id = r.submission WHERE r.id = ?
                            """), arguments: [-job])
            else { continue }
            payloads[job] = LeasePayload(
                stored: try StoredSubmission(row: row), node: log.producer, criteriaSet: row["reevaluation_set"])
        }
        return payloads
    }

    /// Queues the latest version of every submission `request` selects for re-evaluation under its
    /// set; returns the new jobs' lease ids.
    func queueReevaluation(_ request: ReevaluationRequest, at time: String, _ db: Database) throws -> [Int64] {
        var conditions = [
            "replaced_by IS NULL",
            "unit_kind IN (\(request.unitKinds.map { _ in "?" }.joined(separator: ",")))",
            "kind IN (\(request.submissionKinds.map { _ in "?" }.joined(separator: ",")))",
            "CAST(substr(period, 1, 4) AS INTEGER) >= ?",
        ]
        var arguments: [any DatabaseValueConvertible] =
            request.unitKinds.map(\.rawValue) + request.submissionKinds.map(\.rawValue) + [request.fromYear]
        if let toYear = request.toYear {
            conditions.append("CAST(substr(period, 1, 4) AS INTEGER) <= ?")
            arguments.append(toYear)
        }
        if let period = request.period {
            // A year includes its half years.
            conditions.append("(period = ? OR period LIKE ?)")
            arguments += [period, Period(period)?.half == nil ? "\(period)-H_" : period]
        }
        let ids = try Int64.fetchAll(
            db, sql: "SELECT id FROM submission WHERE \(conditions.joined(separator: " AND ")) ORDER BY id",
            arguments: StatementArguments(arguments))
        var jobs: [Int64] = []
        for id in ids {
            // A request sent again (a client retrying) does not queue the same job twice.
            try db.cachedStatement(
                sql: """
                    INSERT INTO reevaluation (submission, criteria_set, requested_at)
                    SELECT ?, ?, ? WHERE NOT EXISTS (
                        SELECT 1 FROM reevaluation WHERE submission = ? AND criteria_set = ? AND done_at IS NULL)
                    """
            ).execute(arguments: [id, request.criteriaSet, time, id, request.criteriaSet])
            if db.changesCount > 0 { jobs.append(-db.lastInsertedRowID) }
        }
        return jobs
    }
}
