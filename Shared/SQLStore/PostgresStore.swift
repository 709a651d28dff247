import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// ``SQLStore`` on a PostgreSQL server, for a central deployment. One connection, used by one
/// transaction at a time; callers block on it (the subscriber's loop thread is not an event loop).
public final class PostgresStore: SQLStore {
    public var dialect: SQLDialect { .postgres }
    private let connection: PostgresConnection
    private let logger: Logger
    /// One transaction at a time on the connection.
    private let turn = Mutex(())

    /// Connects to `url`: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (no TLS: loopback or a
    /// private network; TLS comes with issue 7).
    public init(url: String, logger: Logger) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, let user = components.user, components.path.count > 1
        else {
            throw SQLStoreError(
                "not a PostgreSQL URL: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE", sql: url)
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        self.logger = logger
        // Futures waited on from the calling thread: the loop thread of a subscriber, never an event
        // loop and never a task of the cooperative pool (whose few threads the waits could exhaust).
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw SQLStoreError("cannot connect to PostgreSQL at \(host): \(String(reflecting: error))", sql: "")
        }
    }

    /// Closes the connection and waits until it is closed.
    public func close() {
        try? connection.close().wait()
    }

    deinit {
        // The connection must be closed before it goes; the closure keeps it until then.
        let connection = connection
        connection.close().whenComplete { _ in _ = connection }
    }

    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try turn.withLock { _ in
            let executor = Executor(connection: connection, logger: logger)
            try executor.execute("BEGIN", [SQLValue]())
            do {
                let result = try body(executor)
                try executor.execute("COMMIT", [SQLValue]())
                return result
            } catch {
                try? executor.execute("ROLLBACK", [SQLValue]())
                throw error
            }
        }
    }

    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try turn.withLock { _ in
            let executor = Executor(connection: connection, logger: logger)
            try executor.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", [SQLValue]())
            defer { try? executor.execute("COMMIT", [SQLValue]()) }
            return try body(executor)
        }
    }

    struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        func execute(_ sql: String, _ arguments: [SQLValue]) throws {
            _ = try fetchAll(sql, arguments)
        }

        func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument {
                case .null: binds.appendNull()
                case .integer(let integer): binds.append(integer)
                case .real(let real): binds.append(real)
                case .text(let text): binds.append(text)
                case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
                }
            }
            let query = PostgresQuery(unsafeSQL: PostgresStore.numberedPlaceholders(sql), binds: binds)
            do {
                return try connection.query(query, logger: logger).wait().map { row in
                    SQLRow(try row.map(PostgresStore.value))
                }
            } catch let error as PSQLError {
                throw SQLStoreError(String(reflecting: error), sql: sql)
            }
        }
    }

    /// A cell as an ``SQLValue``: integers (and booleans, as 0/1), reals, numerics (sums), text, bytea.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            let decimal = try cell.decode(Decimal.self)
            let number = NSDecimalNumber(decimal: decimal)
            return decimal == Decimal(number.int64Value) ? .integer(number.int64Value) : .real(number.doubleValue)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// `?` placeholders as PostgreSQL's `$1, $2, …` (outside quoted text).
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
