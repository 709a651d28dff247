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
        try withBound(sql, arguments) { handle in
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                if code != SQLITE_ROW { throw failure(code, sql) }
            }
        }
    }

    public func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try withBound(sql, arguments) { handle in
            let columns = sqlite3_column_count(handle)
            var rows: [SQLRow] = []
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return rows }
                guard code == SQLITE_ROW else { throw failure(code, sql) }
                rows.append(SQLRow((0..<columns).map { Self.value(handle, $0) }))
            }
        }
    }

    /// Runs `body` on the cached statement for `sql` with `arguments` bound in order; the statement
    /// is reset and its bindings cleared afterwards.
    private func withBound<T>(_ sql: String, _ arguments: [SQLValue], _ body: (OpaquePointer) throws -> T) throws -> T {
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
        defer { sqlite3_reset(handle) }
        return try bind(arguments, from: 0, copying: arguments.count > 32, handle, sql, body)
    }

    /// Binds `arguments[offset...]` and runs `body`. Text and blobs are bound without a copy: each
    /// one's bytes stay valid in a closure around the rest, and the bindings are cleared inside
    /// them, before the bytes go. Past 32 arguments (a long `IN` list) they are copied instead,
    /// so the closures do not nest without bound.
    private func bind<T>(
        _ arguments: [SQLValue], from offset: Int, copying: Bool, _ handle: OpaquePointer, _ sql: String,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        var offset = offset
        while offset < arguments.count {
            let index = Int32(offset + 1)
            switch arguments[offset] {
            case .null: try check(sqlite3_bind_null(handle, index), handle, sql)
            case .integer(let integer): try check(sqlite3_bind_int64(handle, index, integer), handle, sql)
            case .real(let real): try check(sqlite3_bind_double(handle, index, real), handle, sql)
            case .text(var text) where !text.isEmpty:
                let bound = try text.withUTF8 { bytes in
                    try bindBytes(
                        UnsafeRawBufferPointer(bytes), isText: true, arguments, offset, copying, handle, sql, body)
                }
                if case .finished(let result) = bound { return result }
            case .text: try check(sqlite3_bind_text(handle, index, "", 0, Self.transient), handle, sql)
            case .blob(let bytes) where !bytes.isEmpty:
                let bound = try bytes.withUnsafeBytes { bytes in
                    try bindBytes(bytes, isText: false, arguments, offset, copying, handle, sql, body)
                }
                if case .finished(let result) = bound { return result }
            case .blob: try check(sqlite3_bind_zeroblob(handle, index, 0), handle, sql)
            }
            offset += 1
        }
        defer { sqlite3_clear_bindings(handle) }
        return try body(handle)
    }

    /// What binding one argument's bytes came to: bound (copied; binding goes on), or the statement
    /// run with them in place.
    private enum BoundBytes<T> {
        case bound
        case finished(T)
    }

    /// Binds `bytes` as `arguments[offset]`: copied, or in place and then the rest and `body` while
    /// the bytes are valid.
    private func bindBytes<T>(
        _ bytes: UnsafeRawBufferPointer, isText: Bool, _ arguments: [SQLValue], _ offset: Int, _ copying: Bool,
        _ handle: OpaquePointer, _ sql: String, _ body: (OpaquePointer) throws -> T
    ) throws -> BoundBytes<T> {
        let index = Int32(offset + 1)
        let destructor = copying ? Self.transient : nil
        let code =
            isText
            ? sqlite3_bind_text(
                handle, index, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), destructor)
            : sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), destructor)
        try check(code, handle, sql)
        guard !copying else { return .bound }
        return .finished(try bind(arguments, from: offset + 1, copying: false, handle, sql, body))
    }

    /// Throws the failure of a bind, after clearing the bindings made so far (their bytes may go).
    private func check(_ code: Int32, _ handle: OpaquePointer, _ sql: String) throws {
        guard code != SQLITE_OK else { return }
        sqlite3_clear_bindings(handle)
        throw failure(code, sql)
    }

    private func failure(_ code: Int32, _ sql: String) -> SQLStoreError {
        SQLStoreError(String(cString: sqlite3_errmsg(db.sqliteConnection)) + " (SQLite code \(code))", sql: sql)
    }

    /// SQLite copies what it is given (for the empty text, whose buffer may not exist).
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
