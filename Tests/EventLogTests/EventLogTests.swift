import EventLog
import Foundation
import GRDB
import Models
import Store
import Testing

@Suite("EventLog")
struct EventLogTests {
    struct Rollback: Error {}

    static let recordedAt = "2025-06-30T10:00:00.000Z"

    /// Runs `body` with a fresh producer store in a temporary directory, removed afterwards.
    static func withStore<Result>(_ body: (DatabasePool, String) throws -> Result) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eventlog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("producer.sqlite").path
        return try body(try open(path), path)
    }

    static func open(_ path: String) throws -> DatabasePool {
        var migrator = DatabaseMigrator()
        EventLog.registerMigrations(in: &migrator)
        return try StoreDatabase.open(path: path, migrator: migrator)
    }

    static func body(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// Appends an event with body `text` to `log` in `db`'s transaction.
    static func append(
        _ text: String, type: EventType = .submissionReceived, to log: EventLog, in db: Database
    ) throws -> Event {
        try log.append(type, body: body(text), recordedAt: recordedAt, in: db)
    }

    // MARK: - Appending

    @Test("an empty log ends at 0 and has no events")
    func emptyLog() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            let (last, events) = try pool.read { db in
                (try log.lastSequence(db), try log.events(from: 1, limit: 10, db))
            }
            #expect(last == 0)
            #expect(events.isEmpty)
        }
    }

    @Test("appends get sequences 1...n without gaps, one transaction each or several in one")
    func append_sequencesWithoutGaps() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            var appended: [Event] = []
            for index in 1...5 {
                appended.append(try pool.write { try Self.append("{\"n\":\(index)}", to: log, in: $0) })
            }
            appended += try pool.write { db in
                try (6...8).map { index in
                    try Self.append("{\"n\":\(index)}", type: .submissionEvaluated, to: log, in: db)
                }
            }
            #expect(appended.map(\.sequence) == Array(1...8))
            #expect(appended.allSatisfy { $0.producer == "intake-1" })
            #expect(
                appended[0]
                    == Event(producer: "intake-1", sequence: 1, type: .submissionReceived, body: Self.body("{\"n\":1}"))
            )
            #expect(appended[7].type == .submissionEvaluated)
            #expect(try pool.read { try log.lastSequence($0) } == 8)
            #expect(try pool.read { try log.events(from: 1, limit: 100, $0) } == appended)
        }
    }

    @Test("a rolled-back transaction does not use up a sequence")
    func append_rolledBack_doesNotConsumeSequence() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            for _ in 1...2 {
                _ = try pool.write { try Self.append("kept", to: log, in: $0) }
            }
            #expect(throws: Rollback.self) {
                try pool.write { db in
                    let lost = try Self.append("rolled back", to: log, in: db)
                    #expect(lost.sequence == 3)
                    throw Rollback()
                }
            }
            #expect(try pool.read { try log.lastSequence($0) } == 2)

            let next = try pool.write { try Self.append("after", type: .submissionRejected, to: log, in: $0) }
            #expect(next.sequence == 3)
            let events = try pool.read { try log.events(from: 1, limit: 10, $0) }
            #expect(events.map(\.sequence) == [1, 2, 3])
            #expect(events.map(\.body) == [Self.body("kept"), Self.body("kept"), Self.body("after")])
        }
    }

    @Test("a rolled-back savepoint inside a committed transaction does not use up a sequence either")
    func append_rolledBackSavepoint_doesNotConsumeSequence() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            let kept = try pool.write { db in
                try db.inSavepoint {
                    _ = try Self.append("undone", to: log, in: db)
                    return .rollback
                }
                return try Self.append("kept", to: log, in: db)
            }
            #expect(kept.sequence == 1)
            #expect(try pool.read { try log.events(from: 1, limit: 10, $0) } == [kept])
        }
    }

    @Test("appends from several threads at once still number 1...n without gaps")
    func append_concurrent_noGaps() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            DispatchQueue.concurrentPerform(iterations: 40) { index in
                _ = try? pool.write { db in
                    try Self.append("\(index)", to: log, in: db)
                }
            }
            let events = try pool.read { try log.events(from: 1, limit: 100, $0) }
            #expect(events.map(\.sequence) == Array(1...40))
            #expect(Set(events.map(\.body)).count == 40, "each append kept its own body")
        }
    }

    @Test("type, binary body and time are stored as given")
    func append_storesFieldsUnchanged() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "evaluation-w1")
            let binary: [UInt8] = [0, 0xFF, 0xC3, 0x28, 10]
            let first = try pool.write {
                try log.append(EventType(rawValue: "custom.kind"), body: binary, recordedAt: Self.recordedAt, in: $0)
            }
            let second = try pool.write {
                try log.append(.producerAnnounced, body: [], recordedAt: "2025-07-01T00:00:00.000Z", in: $0)
            }
            let events = try pool.read { try log.events(from: 1, limit: 10, $0) }
            #expect(events == [first, second])
            #expect(events[0].type.rawValue == "custom.kind")
            #expect(events[0].body == binary)
            #expect(events[1].body.isEmpty)
            let times = try pool.read {
                try String.fetchAll($0, sql: "SELECT recorded_at FROM event_log ORDER BY sequence")
            }
            #expect(times == [Self.recordedAt, "2025-07-01T00:00:00.000Z"])
        }
    }

    // MARK: - Reading ranges

    @Test(
        "events(from:limit:) returns the range asked for, in order",
        arguments: [
            (UInt64(1), 3, Array(UInt64(1)...3)),
            (4, 100, Array(4...10)),
            (10, 1, [10]),
            (7, 2, [7, 8]),
            (0, 2, [1, 2]),
            (11, 5, []),
            (UInt64.max, 5, []),
            (3, 0, []),
        ] as [(UInt64, Int, [UInt64])]
    )
    func events_ranges(from: UInt64, limit: Int, expected: [UInt64]) throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            try pool.write { db in
                for index in 1...10 {
                    _ = try Self.append("\(index)", to: log, in: db)
                }
            }
            let events = try pool.read { try log.events(from: from, limit: limit, $0) }
            #expect(events.map(\.sequence) == expected)
            #expect(events.map(\.body) == expected.map { Self.body("\($0)") })
            #expect(events.allSatisfy { $0.producer == "intake-1" })
        }
    }

    // MARK: - Claiming a store

    @Test("claim binds an empty store to the producer and accepts the same producer again")
    func claim_sameProducer_accepted() throws {
        try Self.withStore { pool, _ in
            let log = EventLog(producer: "intake-1")
            try log.claim(pool)
            try log.claim(pool)
            #expect(try pool.read { try String.fetchAll($0, sql: "SELECT id FROM event_log_producer") } == ["intake-1"])
        }
    }

    @Test("claim refuses a store that holds another producer's log, also after reopening it")
    func claim_otherProducer_refused() throws {
        try Self.withStore { pool, path in
            try EventLog(producer: "intake-1").claim(pool)
            try pool.close()

            let reopened = try Self.open(path)
            let error = #expect(throws: EventLogError.self) { try EventLog(producer: "intake-2").claim(reopened) }
            guard case .producerMismatch(let store, let configured)? = error else {
                Issue.record("expected producerMismatch, got \(String(describing: error))")
                return
            }
            #expect(store == "intake-1")
            #expect(configured == "intake-2")
            let description = error?.description ?? ""
            #expect(description.contains("producer intake-1, not intake-2"))
            #expect(description.contains("--node-id intake-1"), "the message says how to remedy it")
            #expect(
                try reopened.read { try String.fetchAll($0, sql: "SELECT id FROM event_log_producer") } == ["intake-1"])
        }
    }
}
