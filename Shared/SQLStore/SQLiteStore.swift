import Foundation
import GRDB

/// ``SQLStore`` on a GRDB pool: one writer, readers on WAL snapshots.
public final class SQLiteStore: SQLStore {
    public let pool: DatabasePool
    public var dialect: SQLDialect { .sqlite }

    public init(pool: DatabasePool) { self.pool = pool }

    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction {
                result = try body(Executor(db: db))
                return .commit
            }
            guard let result else { throw SQLStoreError("transaction ended without a result", sql: "") }
            return result
        }
    }

    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try pool.read { db in try body(Executor(db: db)) }
    }

    /// Statements on one GRDB connection (cached: the same SQL is prepared once).
    struct Executor: SQLExecutor {
        let db: Database

        func execute(_ sql: String, _ arguments: [SQLValue]) throws {
            do { try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments)) } catch let error
                as DatabaseError
            {
                throw SQLStoreError(error.message ?? "\(error)", sql: sql)
            }
        }

        func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            do { return try rows(sql, arguments) } catch let error as DatabaseError {
                throw SQLStoreError(error.message ?? "\(error)", sql: sql)
            }
        }

        private func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            let statement = try db.cachedStatement(sql: sql)
            return try Row.fetchAll(statement, arguments: Self.arguments(arguments)).map { row in
                SQLRow(
                    row.databaseValues.map { value in
                        switch value.storage {
                        case .null: .null
                        case .int64(let integer): .integer(integer)
                        case .double(let real): .real(real)
                        case .string(let text): .text(text)
                        case .blob(let data): .blob([UInt8](data))
                        }
                    })
            }
        }

        static func arguments(_ values: [SQLValue]) -> StatementArguments {
            StatementArguments(
                values.map { value -> (any DatabaseValueConvertible)? in
                    switch value {
                    case .null: nil
                    case .integer(let integer): integer
                    case .real(let real): real
                    case .text(let text): text
                    case .blob(let bytes): Data(bytes)
                    }
                })
        }
    }
}
