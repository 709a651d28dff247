import Foundation
import GRDB
import Models

/// A producer's durable, sequenced event log, kept in the producer's own store.
///
/// Append inside the same `write` as the state change the event describes, so both commit or
/// neither does. Sequences are SQLite rowids of a table that is never deleted from: 1, 2, 3, ...
/// without gaps, because a rolled-back insert does not consume a rowid.
public struct EventLog: Sendable {
    /// This producer's id, carried by every event it publishes.
    public let producer: String

    /// The log of `producer`; call ``claim(_:)`` once on its store before appending.
    public init(producer: String) {
        self.producer = producer
    }

    /// Adds the log's table to a service's migrations.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("event_log.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_log (
                        sequence INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        body BLOB NOT NULL,
                        recorded_at TEXT NOT NULL
                    );
                    CREATE TABLE event_log_producer (id TEXT NOT NULL, epoch TEXT NOT NULL);
                    """)
        }
    }

    /// Binds the store to this producer id, refusing a store that belongs to another producer.
    ///
    /// A new store also gets its epoch: a random id that tells subscribers this log from an earlier
    /// one of the same producer (a store replaced or wiped), so they start it afresh.
    public func claim(_ writer: some DatabaseWriter) throws {
        try writer.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT id FROM event_log_producer") {
                guard existing == producer else {
                    throw EventLogError.producerMismatch(store: existing, configured: producer)
                }
            } else {
                try db.execute(
                    sql: "INSERT INTO event_log_producer (id, epoch) VALUES (?, ?)",
                    arguments: [producer, UUID().uuidString.lowercased()])
            }
        }
    }

    /// The log's epoch (see ``claim(_:)``); empty before the store is claimed.
    public func epoch(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT epoch FROM event_log_producer") ?? ""
    }

    /// Appends an event in the caller's transaction and returns it with its sequence.
    public func append(_ type: EventType, body: [UInt8], recordedAt: String, in db: Database) throws -> Event {
        try db.cachedStatement(sql: "INSERT INTO event_log (type, body, recorded_at) VALUES (?, ?, ?)")
            .execute(arguments: [type.rawValue, Data(body), recordedAt])
        return Event(producer: producer, sequence: UInt64(db.lastInsertedRowID), type: type, body: body)
    }

    /// The sequence of the last event, 0 when the log is empty.
    public func lastSequence(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM event_log") ?? 0)
    }

    /// Events from `sequence` on, in order, at most `limit`.
    public func events(from sequence: UInt64, limit: Int, _ db: Database) throws -> [Event] {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT sequence, type, body FROM event_log WHERE sequence >= ? ORDER BY sequence LIMIT ?",
            arguments: [Int64(clamping: sequence), limit]
        )
        return rows.map { row in
            Event(
                producer: producer,
                sequence: UInt64(row["sequence"] as Int64),
                type: EventType(rawValue: row["type"]),
                body: [UInt8](row["body"] as Data)
            )
        }
    }
}

/// Why an event log cannot be used.
public enum EventLogError: Error, CustomStringConvertible {
    case producerMismatch(store: String, configured: String)

    public var description: String {
        switch self {
        case .producerMismatch(let store, let configured):
            "this store holds the event log of producer \(store), not \(configured): start with --node-id \(store) or use another data directory"
        }
    }
}
