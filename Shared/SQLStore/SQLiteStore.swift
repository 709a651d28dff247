import Foundation
import GRDB
import GRDBSQLite
import Store

/// ``SQLStore`` on a GRDB pool: one writer, readers on WAL snapshots.
///
/// Statements go through GRDB's statement cache but are bound and stepped with SQLite's C API:
/// a subscriber's catch-up runs a few statements per event, and building GRDB's arguments and rows
/// for each was a tenth of its time (docs/performance.md).
public final class SQLiteStore: SQLStore {
    public let pool: DatabasePool
    public var dialect: SQLDialect { .sqlite }

    public init(pool: DatabasePool) { self.pool = pool }

    /// Opens (creating and migrating) the SQLite store at `path`; see `StoreDatabase.open`.
    public convenience init(
        path: String, durability: StoreDatabase.Durability, migrator: DatabaseMigrator
    ) throws {
        self.init(pool: try StoreDatabase.open(path: path, durability: durability, migrator: migrator))
    }

    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction {
                result = try body(SQLiteExecutor(db))
                return .commit
            }
            guard let result else { throw SQLStoreError("transaction ended without a result", sql: "") }
            return result
        }
    }

    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteExecutor(db)) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteExecutor(db)) }
    }

    public func close() {
        try? pool.close()
    }

}

/// Statements on a GRDB connection (cached: the same SQL is prepared once), for code that holds a
/// GRDB `Database` inside its own transaction and calls something written for ``SQLExecutor``.
public struct SQLiteExecutor: SQLExecutor {
    let db: Database

    public init(_ db: Database) { self.db = db }

    public func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        guard !arguments.isEmpty else {
            // Schema scripts and transaction control (savepoints) go through GRDB, which tracks them.
            do { return try db.execute(sql: sql) } catch let error as DatabaseError {
                throw SQLStoreError(error.message ?? "\(error)", sql: sql)
            }
        }
        let handle = try bound(sql, arguments)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw failure(code, sql) }
        }
    }

    public func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let handle = try bound(sql, arguments)
        defer { sqlite3_reset(handle) }
        let columns = sqlite3_column_count(handle)
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw failure(code, sql) }
            rows.append(SQLRow((0..<columns).map { Self.value(handle, $0) }))
        }
    }

    /// The cached statement for `sql`, reset, with `arguments` bound in order.
    private func bound(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        let statement: Statement
        do { statement = try db.cachedStatement(sql: sql) } catch let error as DatabaseError {
            throw SQLStoreError(error.message ?? "\(error)", sql: sql)
        }
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        guard Int(sqlite3_bind_parameter_count(handle)) == arguments.count else {
            throw SQLStoreError(
                "\(arguments.count) arguments for \(sqlite3_bind_parameter_count(handle)) placeholders", sql: sql)
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 =
                switch value {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let integer): sqlite3_bind_int64(handle, index, integer)
                case .real(let real): sqlite3_bind_double(handle, index, real)
                case .text(var text):
                    text.isEmpty
                        ? sqlite3_bind_text(handle, index, "", 0, Self.transient)
                        : text.withUTF8 {
                            sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
                        }
                case .blob(let bytes):
                    bytes.isEmpty
                        ? sqlite3_bind_zeroblob(handle, index, 0)
                        : bytes.withUnsafeBytes {
                            sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
                        }
                }
            guard code == SQLITE_OK else { throw failure(code, sql) }
        }
        return handle
    }

    private func failure(_ code: Int32, _ sql: String) -> SQLStoreError {
        SQLStoreError(String(cString: sqlite3_errmsg(db.sqliteConnection)) + " (SQLite code \(code))", sql: sql)
    }

    /// SQLite copies what it is given (the Swift buffers do not outlive the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func value(_ handle: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }
}
