import Foundation
import GRDB
import Logging
import SQLStore
import StoreEngines
import Testing

/// The same statements on both engines: SQLite in a temporary file, and a real PostgreSQL server when
/// `ANTQ_TEST_POSTGRES_URL` names one (`scripts/test` starts it when `ANTQ_TEST_POSTGRES=1`, as CI does).
@Suite("SQLStore on SQLite and PostgreSQL")
struct SQLStoreTests {
    static let engines = StoreEngine.available

    static func store(_ engine: StoreEngine) throws -> any SQLStore {
        switch engine {
        case .sqlite:
            let path = NSTemporaryDirectory() + "sqlstore-\(UUID().uuidString).sqlite"
            return SQLiteStore(pool: try DatabasePool(path: path))
        case .postgres:
            return try PostgresStore(url: try StoreEngine.serverURL(), logger: Logger(label: "test"))
        }
    }

    /// A table name of its own per test (the PostgreSQL database is shared by the run).
    static func table() -> String { "t_\(UUID().uuidString.prefix(8).lowercased())" }

    @Test("every kind of value goes in and comes back the same", arguments: engines)
    func values(engine: StoreEngine) throws {
        let store = try Self.store(engine)
        let table = Self.table()
        let blob = store.dialect == .postgres ? "BYTEA" : "BLOB"
        try store.write {
            try $0.execute(
                "CREATE TABLE \(table) (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT, b \(blob), n TEXT)"
            )
            try $0.execute(
                "INSERT INTO \(table) (id, i, r, s, b, n) VALUES (?, ?, ?, ?, ?, ?)",
                [1, Int64.max, 2.5, "Xã Thượng Nông — “điển hình”", [UInt8]([0, 255, 7]), SQLValue.null])
        }
        let row = try #require(try store.read { try $0.fetchOne("SELECT id, i, r, s, b, n FROM \(table)") })
        #expect(row.int64(0) == 1)
        #expect(row.int64(1) == Int64.max)
        #expect(row[2] == .real(2.5))
        #expect(row.string(3) == "Xã Thượng Nông — “điển hình”")
        #expect(row.bytes(4) == [0, 255, 7])
        #expect(row[5] == .null)
        try store.write { try $0.execute("DROP TABLE \(table)") }
    }

    @Test("an upsert that changes nothing returns no row; one that does returns the new values", arguments: engines)
    func upsertReturning(engine: StoreEngine) throws {
        let store = try Self.store(engine)
        let table = Self.table()
        try store.write { try $0.execute("CREATE TABLE \(table) (root TEXT PRIMARY KEY, version BIGINT NOT NULL)") }
        let upsert = """
            INSERT INTO \(table) (root, version) VALUES (?, ?)
            ON CONFLICT (root) DO UPDATE SET version = excluded.version WHERE excluded.version > \(table).version
            RETURNING root, version
            """
        let first = try store.write { try $0.fetchAll(upsert, ["a", 1]) }
        let older = try store.write { try $0.fetchAll(upsert, ["a", 1]) }
        let newer = try store.write { try $0.fetchAll(upsert, ["a", 3]) }
        #expect(first == [SQLRow([.text("a"), .integer(1)])])
        #expect(older.isEmpty)
        #expect(newer == [SQLRow([.text("a"), .integer(3)])])
        try store.write { try $0.execute("DROP TABLE \(table)") }
    }

    @Test("a transaction that throws leaves nothing behind", arguments: engines)
    func rollback(engine: StoreEngine) throws {
        struct Refused: Error {}
        let store = try Self.store(engine)
        let table = Self.table()
        try store.write { try $0.execute("CREATE TABLE \(table) (id BIGINT PRIMARY KEY)") }
        #expect(throws: Refused.self) {
            try store.write { executor in
                try executor.execute("INSERT INTO \(table) (id) VALUES (?)", [1])
                throw Refused()
            }
        }
        #expect(try store.read { try $0.fetchAll("SELECT id FROM \(table)") }.isEmpty)
        // A refused statement names itself, and the store goes on working.
        try store.write { try $0.execute("INSERT INTO \(table) (id) VALUES (?)", [2]) }
        #expect(throws: SQLStoreError.self) {
            try store.write { try $0.execute("INSERT INTO \(table) (id) VALUES (?)", [2]) }
        }
        #expect(try store.read { try $0.fetchAll("SELECT id FROM \(table)") } == [SQLRow([.integer(2)])])
        try store.write { try $0.execute("DROP TABLE \(table)") }
    }

    @Test("a ? inside quotes is text, not a placeholder; sums read as integers", arguments: engines)
    func placeholdersAndSums(engine: StoreEngine) throws {
        let store = try Self.store(engine)
        let row = try #require(try store.read { try $0.fetchOne("SELECT '?', ?, 'it''s?'", [5]) })
        #expect(row.string(0) == "?" && row.int64(1) == 5 && row.string(2) == "it's?")
        let table = Self.table()
        try store.write { executor in
            try executor.execute("CREATE TABLE \(table) (area TEXT, n BIGINT, ok BIGINT)")
            for (area, n, ok) in [("D1", 2, 1), ("D1", 3, 0), ("D2", 4, 1)] {
                try executor.execute("INSERT INTO \(table) (area, n, ok) VALUES (?, ?, ?)", [area, n, ok])
            }
        }
        let sums = try store.read {
            try $0.fetchAll(
                "SELECT area, SUM(n), SUM(CASE WHEN ok = 1 THEN 1 ELSE 0 END), COUNT(*) FROM \(table) GROUP BY area ORDER BY area"
            )
        }
        #expect(
            sums.map { [$0.string(0) ?? "", "\($0.int64(1) ?? -1)", "\($0.int64(2) ?? -1)", "\($0.int(3) ?? -1)"] } == [
                ["D1", "5", "1", "2"], ["D2", "4", "1", "1"],
            ])
        try store.write { try $0.execute("DROP TABLE \(table)") }
    }

    @Test("text and blobs bound by the dozen and past 32 arguments come back the same", arguments: engines)
    func manyArguments(engine: StoreEngine) throws {
        let store = try Self.store(engine)
        let table = Self.table()
        let blob = store.dialect == .postgres ? "BYTEA" : "BLOB"
        try store.write { try $0.execute("CREATE TABLE \(table) (id TEXT PRIMARY KEY, b \(blob), n BIGINT)") }
        let ids = (0..<40).map { "Xã số \($0) — “\($0)”" }
        try store.write { executor in
            for (number, id) in ids.enumerated() {
                try executor.execute(
                    "INSERT INTO \(table) (id, b, n) VALUES (?, ?, ?)",
                    [id, [UInt8](repeating: UInt8(number), count: number), number])
            }
        }
        // 10 and 40 placeholders: bound without a copy, then copied.
        for count in [10, 40] {
            let wanted = Array(ids.prefix(count))
            let placeholders = Array(repeating: "?", count: count).joined(separator: ", ")
            let rows = try store.read {
                try $0.fetchAll(
                    "SELECT id, b, n FROM \(table) WHERE id IN (\(placeholders)) ORDER BY n", wanted.map(\.sqlValue))
            }
            #expect(rows.map { $0.string(0) ?? "" } == wanted)
            #expect(rows.map { $0.bytes(1) ?? [9] } == (0..<count).map { [UInt8](repeating: UInt8($0), count: $0) })
        }
        // A statement that fails after its text was bound leaves the store usable.
        #expect(throws: SQLStoreError.self) {
            try store.write {
                try $0.execute("INSERT INTO \(table) (id, b, n) VALUES (?, ?, ?)", [ids[0], [UInt8]([1]), 0])
            }
        }
        #expect(try store.read { try $0.fetchOne("SELECT COUNT(*) FROM \(table)")?.int(0) } == 40)
        try store.write { try $0.execute("DROP TABLE \(table)") }
    }

    @Test("a URL that is not postgres://USER@HOST/DATABASE is refused with the form it needs")
    func badURL() {
        #expect(throws: SQLStoreError.self) { try PostgresStore(url: "mysql://x@y/z", logger: Logger(label: "test")) }
        do {
            _ = try PostgresStore(url: "postgres://127.0.0.1", logger: Logger(label: "test"))
            Issue.record("a URL without user and database was accepted")
        } catch {
            #expect("\(error)".contains("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"))
        }
        // The password never shows in what is printed.
        do {
            _ = try PostgresStore(url: "postgres://antq:s3cret@127.0.0.1", logger: Logger(label: "test"))
            Issue.record("a URL without a database was accepted")
        } catch {
            #expect(!"\(error)".contains("s3cret") && "\(error)".contains("***"))
        }
        #expect(PostgresStore.redacted("postgres://antq:s3cret@db:5432/x") == "postgres://antq:***@db:5432/x")
    }
}
