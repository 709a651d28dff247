import Foundation
import GRDB
import Store
import Testing

@Suite("StoreDatabase", .timeLimit(.minutes(1)))
struct StoreDatabaseTests {
    /// A migrator whose `v1` creates `note` and inserts one row, so a rerun would show as a second row.
    static func migrator(withSecondMigration: Bool = false) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO note (text) VALUES ('from v1')")
        }
        if withSecondMigration {
            migrator.registerMigration("v2") { db in
                try db.execute(sql: "INSERT INTO note (text) VALUES ('from v2')")
            }
        }
        return migrator
    }

    // MARK: - Opening

    @Test("open creates the missing directories of the path")
    func open_createsMissingDirectory() throws {
        try withTemporaryDirectory { directory in
            let path = directory.path("nested", "deeper", "store.sqlite")
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            #expect(!FileManager.default.fileExists(atPath: directory.url.path))

            let pool = try StoreDatabase.open(path: path, migrator: Self.migrator())
            defer { try? pool.close() }

            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory))
            #expect(isDirectory.boolValue)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("open puts the database in WAL mode")
    func open_usesWAL() throws {
        try withTemporaryDirectory { directory in
            let pool = try StoreDatabase.open(path: directory.path("store.sqlite"), migrator: Self.migrator())
            defer { try? pool.close() }

            let writerMode = try pool.writeWithoutTransaction { db in
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            }
            let readerMode = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(writerMode == "wal")
            #expect(readerMode == "wal")
        }
    }

    // MARK: - Durability

    /// `PRAGMA synchronous` of the writer connection, the one whose commits the setting protects.
    static func writerSynchronous(_ pool: DatabasePool) throws -> Int? {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    static func readerSynchronous(_ pool: DatabasePool) throws -> Int? {
        try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    @Test("the default durability is synchronous = FULL (2) on the writer that commits")
    func open_defaultsToFullSynchronous() throws {
        try withTemporaryDirectory { directory in
            let pool = try StoreDatabase.open(path: directory.path("store.sqlite"), migrator: Self.migrator())
            defer { try? pool.close() }

            // GRDB's DatabasePool runs `PRAGMA synchronous = NORMAL` when it sets up WAL on the writer,
            // after `prepareDatabase` ran, so the writer ends up at NORMAL (1). See the report.
            let writer = try Self.writerSynchronous(pool)
            #expect(writer == 2)
            #expect(try Self.readerSynchronous(pool) == 2)
        }
    }

    @Test("durability .normal gives synchronous = NORMAL (1)")
    func open_normalDurability() throws {
        try withTemporaryDirectory { directory in
            let pool = try StoreDatabase.open(
                path: directory.path("store.sqlite"), durability: .normal, migrator: Self.migrator())
            defer { try? pool.close() }

            #expect(try Self.writerSynchronous(pool) == 1)
            #expect(try Self.readerSynchronous(pool) == 1)
        }
    }

    // MARK: - Migrations

    @Test("migrations run once: reopening does not rerun them, and runs only the new ones")
    func open_runsMigrationsOnce() throws {
        try withTemporaryDirectory { directory in
            let path = directory.path("store.sqlite")
            let count = "SELECT COUNT(*) FROM note"

            let first = try StoreDatabase.open(path: path, migrator: Self.migrator())
            #expect(try first.read { try Int.fetchOne($0, sql: count) } == 1)
            try first.close()

            let second = try StoreDatabase.open(path: path, migrator: Self.migrator())
            #expect(try second.read { try Int.fetchOne($0, sql: count) } == 1)
            try second.close()

            let migrator = Self.migrator(withSecondMigration: true)
            let third = try StoreDatabase.open(path: path, migrator: migrator)
            defer { try? third.close() }
            let texts = try third.read { try String.fetchAll($0, sql: "SELECT text FROM note ORDER BY id") }
            #expect(texts == ["from v1", "from v2"])
            #expect(try third.read { try migrator.appliedIdentifiers($0) } == ["v1", "v2"])
        }
    }

    // MARK: - Timestamps

    static var timestampPattern: Regex<Substring> { #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/# }

    static let parser = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    @Test(
        "timestamp is ISO 8601 UTC with milliseconds and Z, and reads back within 1 ms",
        arguments: [
            0, 1_750_000_000.0004, 1_750_000_000.9996, 1_751_327_999.9999, 4_102_444_799.123, -0.5,
        ] as [TimeInterval])
    func timestamp_formatAndRoundTrip(seconds: TimeInterval) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = StoreDatabase.timestamp(date)

        #expect(text.wholeMatch(of: Self.timestampPattern) != nil, "\(text)")
        let parsed = try Self.parser.parse(text)
        #expect(abs(parsed.timeIntervalSince(date)) < 0.001, "\(text) is \(parsed.timeIntervalSince(date)) s off")
    }

    @Test("timestamp of a known instant is its UTC calendar time")
    func timestamp_knownInstant() {
        // 2025-06-30T10:00:00.250Z
        #expect(StoreDatabase.timestamp(Date(timeIntervalSince1970: 1_751_277_600.25)) == "2025-06-30T10:00:00.250Z")
    }

    @Test("timestamp without an argument is the current time")
    func timestamp_defaultsToNow() throws {
        let before = Date()
        let text = StoreDatabase.timestamp()
        let after = Date()

        #expect(text.wholeMatch(of: Self.timestampPattern) != nil, "\(text)")
        let parsed = try Self.parser.parse(text)
        #expect(parsed >= before.addingTimeInterval(-0.001))
        #expect(parsed <= after)
    }
}
