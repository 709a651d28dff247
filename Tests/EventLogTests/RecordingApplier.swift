import EventLog
import Foundation
import GRDB
import Models
import SQLStore

/// A subscriber's application state for the tests: every event applied becomes a row of `applied`,
/// numbered in the order applied. The table has no unique key, so an event applied twice shows.
struct RecordingApplier: EventApplier {
    /// What the applier throws for ``failing``.
    struct Failure: Error, CustomStringConvertible {
        let sequence: UInt64
        var description: String { "applier refused sequence \(sequence)" }
    }

    /// A row of `applied`.
    struct Applied: Equatable, CustomStringConvertible {
        let producer: String
        let sequence: UInt64
        let type: String
        let body: [UInt8]
        var description: String { "\(producer)#\(sequence)" }
    }

    /// A sequence to throw ``Failure`` on instead of applying, to make the transaction fail.
    var failing: UInt64?
    /// A sequence whose body the applier cannot use: it throws a `WireError` before writing anything.
    var unusable: UInt64?

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("test.applied.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE applied (
                        number INTEGER PRIMARY KEY AUTOINCREMENT,
                        producer TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        body BLOB NOT NULL
                    )
                    """)
        }
    }

    func apply(_ event: Event, in db: any SQLExecutor) throws {
        if event.sequence == failing { throw Failure(sequence: event.sequence) }
        if event.sequence == unusable {
            throw WireError(.badRequest, "body of sequence \(event.sequence) cannot be used")
        }
        try db.execute(
            "INSERT INTO applied (producer, sequence, type, body) VALUES (?, ?, ?, ?)",
            [event.producer, Int64(event.sequence), event.type.rawValue, event.body])
    }

    /// Every applied event, in the order applied.
    static func applied(_ db: Database) throws -> [Applied] {
        try Row.fetchAll(db, sql: "SELECT producer, sequence, type, body FROM applied ORDER BY number").map { row in
            Applied(
                producer: row["producer"], sequence: UInt64(row["sequence"] as Int64), type: row["type"],
                body: [UInt8](row["body"] as Data)
            )
        }
    }

    /// The sequences of `producer` applied, in the order applied.
    static func sequences(of producer: String, _ db: Database) throws -> [UInt64] {
        try applied(db).filter { $0.producer == producer }.map(\.sequence)
    }

    /// The subscriber's checkpoint for `producer`, `nil` when it has none.
    static func checkpoint(of producer: String, _ db: Database) throws -> UInt64? {
        try Int64.fetchOne(
            db, sql: "SELECT last_sequence FROM subscriber_checkpoint WHERE producer = ?", arguments: [producer]
        )
        .map(UInt64.init)
    }
}
