import Foundation
import GRDB
import Models

/// Lists deliveries to the channels and puts dead letters back in the queue (`antq deliveries`).
enum Deliveries {
    static let states: Set<String> = ["pending", "delivered", "dead"]

    static func answer(_ request: DeliveriesRequest, _ db: Database) throws -> DeliveriesList {
        let state = request.state ?? "dead"
        guard states.contains(state) else {
            throw WireError(.badRequest, "state must be pending, delivered or dead, not \(state)")
        }
        var retried = 0
        if request.retry == true {
            let keys = request.keys ?? []
            let placeholders = keys.map { _ in "?" }.joined(separator: ",")
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL
                    WHERE state = 'dead' AND (? IS NULL OR channel = ?)
                    \(keys.isEmpty ? "" : "AND notice_key IN (\(placeholders))")
                    """,
                arguments: StatementArguments(
                    [Date().timeIntervalSince1970, request.channel, request.channel]
                        as [(any DatabaseValueConvertible)?]
                        + keys))
            retried = db.changesCount
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT notice_key, channel, state, attempts, last_error, delivered_at FROM delivery
                WHERE state = ? AND (? IS NULL OR channel = ?) ORDER BY channel, notice_key LIMIT 1000
                """, arguments: [state, request.channel, request.channel])
        return DeliveriesList(
            retried: retried,
            deliveries: rows.map {
                Delivery(
                    noticeKey: $0["notice_key"], channel: $0["channel"], state: $0["state"], attempts: $0["attempts"],
                    lastError: $0["last_error"], deliveredAt: $0["delivered_at"])
            })
    }
}
