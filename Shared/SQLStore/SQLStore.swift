/// A value going into or coming out of a statement, the same for SQLite and PostgreSQL.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Swift values that bind as ``SQLValue``s.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension Int: SQLValueConvertible { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLValueConvertible { public var sqlValue: SQLValue { .integer(self) } }
extension UInt64: SQLValueConvertible { public var sqlValue: SQLValue { .integer(Int64(clamping: self)) } }
extension Double: SQLValueConvertible { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLValueConvertible { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLValueConvertible { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Array: SQLValueConvertible where Element == UInt8 { public var sqlValue: SQLValue { .blob(self) } }
extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
extension SQLValue: SQLValueConvertible { public var sqlValue: SQLValue { self } }

/// One result row, read by column position (names differ in case between the engines).
public struct SQLRow: Sendable, Equatable {
    public let values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public subscript(_ index: Int) -> SQLValue { values.indices.contains(index) ? values[index] : .null }

    public func string(_ index: Int) -> String? {
        if case .text(let text) = self[index] { return text }
        return nil
    }

    /// Integers, and reals that are whole (a sum can come back as either).
    public func int64(_ index: Int) -> Int64? {
        switch self[index] {
        case .integer(let value): value
        case .real(let value) where value.rounded() == value && abs(value) < 9.0e18: Int64(value)
        case .text(let text): Int64(text)
        default: nil
        }
    }

    public func int(_ index: Int) -> Int? { int64(index).map { Int(clamping: $0) } }

    /// 0/1 from SQLite, true/false from PostgreSQL (both arrive as integers).
    public func bool(_ index: Int) -> Bool? { int64(index).map { $0 != 0 } }

    public func bytes(_ index: Int) -> [UInt8]? {
        switch self[index] {
        case .blob(let bytes): bytes
        case .text(let text): Array(text.utf8)
        default: nil
        }
    }
}

/// Runs statements inside one transaction. Placeholders are `?`, in order, for both engines.
public protocol SQLExecutor {
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLExecutor {
    public func execute(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws {
        try execute(sql, arguments.map(\.sqlValue))
    }

    public func fetchAll(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> [SQLRow] {
        try fetchAll(sql, arguments.map(\.sqlValue))
    }

    public func fetchOne(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> SQLRow? {
        try fetchAll(sql, arguments.map(\.sqlValue)).first
    }
}

/// Which SQL an engine reads, where the statements must differ (mostly migrations).
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// A store that runs transactions: SQLite in the data directory (``SQLiteStore``) or a PostgreSQL
/// server (``PostgresStore``) for a central deployment (decision 0016).
public protocol SQLStore: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction, committed when it returns, rolled back when it throws.
    /// Only one thread writes a store (a subscriber's loop thread).
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// Runs `body` on a consistent snapshot; it must not write.
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// ``read(_:)`` for async callers (HTTP handlers): the blocking work runs off the caller's thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) throws -> T) async throws -> T
    /// Closes the store's connections; nothing may use it afterwards.
    func close()
}

extension SQLExecutor {
    /// Runs `body` inside a savepoint: rolled back alone when it throws, the transaction goes on.
    public func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT antq_step", [SQLValue]())
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT antq_step", [SQLValue]())
            return result
        } catch {
            try execute("ROLLBACK TO SAVEPOINT antq_step", [SQLValue]())
            try execute("RELEASE SAVEPOINT antq_step", [SQLValue]())
            throw error
        }
    }
}

/// A named step of a PostgreSQL schema: statements run in one transaction, recorded once applied.
/// (SQLite stores keep GRDB's migrator, whose step names every existing store has recorded.)
public struct SQLMigration: Sendable {
    public let name: String
    public let statements: [String]

    public init(_ name: String, _ statements: [String]) {
        self.name = name
        self.statements = statements
    }
}

/// A statement the engine refused, with the statement, so the log says which.
public struct SQLStoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let sql: String

    public init(_ message: String, sql: String) {
        self.message = message
        self.sql = sql
    }

    public var description: String { sql.isEmpty ? message : "\(message) (in: \(sql.prefix(200)))" }
}
