import Foundation
import GRDB
import Models
import Store

/// `review`: the supervising unit accepts or sends back a submission, signs a unit's year off
/// (locking it) or unlocks it. Each step is checked against the current state, stored with its
/// audit record and its `review.recorded` event in one transaction, then answered.
extension IntakeNode {
    func review(_ request: Envelope) throws -> Envelope {
        let query = try JSONCoding.decode(ReviewRequest.self, from: request.body)
        let subject = query.submissionID ?? "\(query.unit ?? "?")/\(query.period ?? "?")"
        func refusal(_ problems: [Problem]) -> Envelope {
            logger.info(
                "refused a review step",
                metadata: [
                    "action": "\(query.action.rawValue)", "reviewer": "\(query.reviewer)",
                    "subject": "\(subject)", "codes": "\(problems.map(\.code.rawValue))",
                ])
            return Envelope(
                type: .rejected, correlation: request.correlation,
                body: JSONCoding.encode(Rejection(submissionID: query.submissionID, problems: problems)))
        }
        let shape = query.shapeProblems()
        guard shape.isEmpty else { return refusal(shape) }
        let time = StoreDatabase.timestamp()
        var outcome: Result<(ReviewRecord, Event?), Rejection> = .failure(Rejection(submissionID: nil, problems: []))
        try store.database.write { db in
            outcome = try record(query, at: time, db)
        }
        switch outcome {
        case .failure(let rejection):
            return refusal(rejection.problems)
        case .success(let (record, event)):
            guard let event else {
                // The same step again (a client retrying after a lost reply): the first answer again.
                return Envelope(type: .reviewReply, correlation: request.correlation, body: JSONCoding.encode(record))
            }
            let key = IntakeStore.lockKey(record.unit, Period(record.period)?.year ?? 0)
            if record.action == .signOff { lockedYears.insert(key) }
            if record.action == .unlock { lockedYears.remove(key) }
            try events.publish([event])
            logger.info(
                "review step recorded",
                metadata: [
                    "action": "\(record.action.rawValue)", "reviewer": "\(record.reviewer)", "unit": "\(record.unit)",
                    "period": "\(record.period)",
                ])
            return Envelope(type: .reviewReply, correlation: request.correlation, body: JSONCoding.encode(record))
        }
    }

    /// The last step recorded for a submission, or for a unit's year (sign-off and unlock).
    private func lastStep(unit: String, period: String, submissionID: String?, _ db: Database) throws -> ReviewRecord? {
        let node = configuration.nodeID
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM audit WHERE unit = ? AND period = ? AND submission_id IS ? ORDER BY id DESC LIMIT 1
                """, arguments: [unit, period, submissionID])
        return row.flatMap(Self.reviewRecord(node: node))
    }

    /// An audit row as a ``ReviewRecord``.
    static func reviewRecord(node: String) -> (Row) -> ReviewRecord? {
        { row in
            guard let action = ReviewAction(rawValue: row["action"]) else { return nil }
            let submissionID: String? = row["submission_id"]
            return ReviewRecord(
                action: action, reviewer: row["actor"], unit: row["unit"], period: row["period"],
                submissionID: submissionID, submissionKey: submissionID.map { "\(node)/\($0)" },
                version: row["version"], reason: row["reason"], recordedAt: row["recorded_at"])
        }
    }

    /// The unit's audit trail, oldest first.
    func audit(_ request: Envelope) throws -> Envelope {
        let query = try JSONCoding.decode(AuditRequest.self, from: request.body)
        let node = configuration.nodeID
        let records = try store.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit WHERE unit = ? AND (? IS NULL OR period = ? OR period LIKE ?) ORDER BY id
                    """, arguments: [query.unit, query.period, query.period, query.period.map { "\($0)-H%" }]
            ).compactMap(Self.reviewRecord(node: node))
        }
        return Envelope(
            type: .auditReply, correlation: request.correlation,
            body: JSONCoding.encode(AuditTrail(unit: query.unit, records: records)))
    }

    /// Checks the step against the state and stores it; a refusal changes nothing.
    private func record(
        _ query: ReviewRequest, at time: String, _ db: Database
    ) throws -> Result<(ReviewRecord, Event?), Rejection> {
        func refuse(
            _ field: String, _ code: ProblemCode, _ message: String
        ) -> Result<(ReviewRecord, Event?), Rejection> {
            .failure(Rejection(submissionID: query.submissionID, field: field, code: code, message: message))
        }
        // Who the step is about, and the submission for accept / send back.
        var stored: IntakeStore.StoredSubmission?
        let unitID: String
        let period: String
        let year: Int
        switch query.action {
        case .accept, .sendBack:
            let id = query.submissionID ?? ""
            guard let found = try store.find(id, db) else {
                return refuse("submission_id", .notFound, "Không có báo cáo “\(id)” tại điểm tiếp nhận này.")
            }
            stored = found
            unitID = found.unit
            period = found.period
            year = Period(found.period)?.year ?? 0
        case .signOff, .unlock:
            unitID = query.unit ?? ""
            period = query.period ?? ""
            year = Period(period)?.year ?? 0
        }
        let latestYear = Self.currentYear(configuration) + 1
        guard (2021...latestYear).contains(year) else {
            return refuse("period", .periodOutOfRange, "Năm \(year) nằm ngoài khoảng 2021–\(latestYear).")
        }
        guard let unit = configuration.registry[unitID] else {
            return refuse("unit", .unknownUnit, "Không có đơn vị “\(unitID)” trong danh mục.")
        }
        let window = Period(year: year).window(for: unit.kind)
        guard configuration.registry.supervisors(of: unitID, during: window).contains(query.reviewer) else {
            return refuse(
                "reviewer", .notSupervisor,
                "Đơn vị “\(query.reviewer)” không phải đơn vị cấp trên quản lý \(unit.name) trong năm \(year), nên không được \(query.action.vietnameseName)."
            )
        }
        let lock = try store.lock(unit: unitID, year: year, db)
        if let last = try lastStep(unit: unitID, period: period, submissionID: stored?.submissionID, db),
            last.action == query.action, last.reviewer == query.reviewer, last.reason == query.reason
        {
            return .success((last, nil))
        }
        switch query.action {
        case .accept, .sendBack:
            guard let stored else { return refuse("submission_id", .notFound, "Không có báo cáo cần xét duyệt.") }
            if let lock {
                return refuse(
                    "submission_id", .periodLocked,
                    "Năm \(year) của đơn vị đã được \(lock.by) ký xác nhận lúc \(lock.at); cần mở khóa trước khi xét duyệt lại."
                )
            }
            if let newer = stored.replacedBy {
                return refuse(
                    "submission_id", .invalidTransition,
                    "Báo cáo “\(stored.submissionID)” đã được thay thế bởi “\(newer)”; hãy xét duyệt bản mới nhất.")
            }
            let target: ReviewState = query.action == .accept ? .accepted : .sentBack
            if stored.reviewState == target {
                return refuse(
                    "submission_id", .invalidTransition,
                    "Báo cáo “\(stored.submissionID)” đã ở trạng thái \(target == .accepted ? "đã chấp nhận" : "đã trả lại")."
                )
            }
            if query.action == .accept, stored.reviewState == .sentBack {
                return refuse(
                    "submission_id", .invalidTransition,
                    "Báo cáo “\(stored.submissionID)” đã bị trả lại; đơn vị cần gửi bản thay thế để được xét duyệt lại."
                )
            }
            try db.execute(
                sql: "UPDATE submission SET review_state = ?, review_reason = ? WHERE id = ?",
                arguments: [target.rawValue, query.action == .sendBack ? query.reason : nil, stored.id])
        case .signOff:
            if let lock {
                return refuse(
                    "period", .invalidTransition,
                    "Năm \(year) của đơn vị đã được \(lock.by) ký xác nhận lúc \(lock.at).")
            }
            let latest = try Row.fetchAll(
                db,
                sql: """
                    SELECT submission_id, review_state FROM submission
                    WHERE unit = ? AND replaced_by IS NULL AND (period = ? OR period LIKE ?) ORDER BY id
                    """, arguments: [unitID, String(year), "\(year)-H%"])
            guard !latest.isEmpty else {
                return refuse(
                    "period", .invalidTransition, "Đơn vị chưa gửi báo cáo nào của năm \(year) để ký xác nhận.")
            }
            let open = latest.filter { ($0["review_state"] as String) != ReviewState.accepted.rawValue }
                .map { $0["submission_id"] as String }
            guard open.isEmpty else {
                return refuse(
                    "period", .invalidTransition,
                    "Còn báo cáo chưa được chấp nhận: \(open.joined(separator: ", ")); chấp nhận hoặc chờ bản thay thế trước khi ký xác nhận."
                )
            }
            try db.execute(
                sql: "INSERT INTO period_lock (unit, year, signed_off_by, signed_off_at) VALUES (?, ?, ?, ?)",
                arguments: [unitID, year, query.reviewer, time])
        case .unlock:
            guard lock != nil else {
                return refuse(
                    "period", .invalidTransition, "Năm \(year) của đơn vị chưa được ký xác nhận nên không cần mở khóa.")
            }
            try db.execute(sql: "DELETE FROM period_lock WHERE unit = ? AND year = ?", arguments: [unitID, year])
        }
        let record = ReviewRecord(
            action: query.action, reviewer: query.reviewer, unit: unitID, period: period,
            submissionID: stored?.submissionID,
            submissionKey: stored.map { "\(configuration.nodeID)/\($0.submissionID)" },
            version: stored?.version, reason: query.reason, recordedAt: time)
        try db.execute(
            sql: """
                INSERT INTO audit (recorded_at, actor, action, unit, period, submission_id, version, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                time, record.reviewer, record.action.rawValue, record.unit, record.period, record.submissionID,
                record.version, record.reason,
            ])
        let event = try store.log.append(.reviewRecorded, body: JSONCoding.encode(record), recordedAt: time, in: db)
        return .success((record, event))
    }
}
