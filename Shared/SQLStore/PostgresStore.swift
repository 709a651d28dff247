import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// ``SQLStore`` on a PostgreSQL server, for a central deployment (decision 0016).
///
/// One connection writes (the subscriber's loop thread); readers have connections of their own, so
/// queries are answered while a catch-up commits. Callers block on futures: the subscriber's loop
/// thread and the NIO thread pool (for ``read(_:)-async``) are never event loops. A connection that
/// was lost (the server restarted) is opened again by the next transaction.
public final class PostgresStore: SQLStore {
    public var dialect: SQLDialect { .postgres }
    private let writer: Link
    private let readers: [Link]
    private let nextReader = Atomic<Int>(0)

    /// Connects to `url`: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (no TLS: loopback or a
    /// private network; TLS comes with issue 7). Without a password in the URL, `PGPASSWORD` is used
    /// when set (a password on the command line shows in `ps`).
    public init(url: String, readers: Int = 2, logger: Logger) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, let user = components.user, components.path.count > 1
        else {
            throw SQLStoreError(
                "not a PostgreSQL URL: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
                sql: Self.redacted(url))
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"],
            database: String(components.path.dropFirst()), tls: .disable)
        writer = Link(configuration: configuration, id: 0, prepares: true, logger: logger)
        self.readers = (1...max(1, readers)).map {
            Link(configuration: configuration, id: $0, prepares: false, logger: logger)
        }
        // Fail at start, with the reason, when the server cannot be reached.
        try writer.withConnection { _ in }
    }

    /// `url` with its password, if any, replaced by `***` (for messages and logs).
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    /// Applies the steps of `migrations` not yet recorded in `antq_migration`, each in a transaction,
    /// under an advisory lock (two services starting together migrate once).
    public func migrate(_ migrations: [SQLMigration]) throws {
        try write { sql in
            try sql.execute("SELECT pg_advisory_xact_lock(7380)", [SQLValue]())
            try sql.execute(
                """
                CREATE TABLE IF NOT EXISTS antq_migration (
                    name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, [SQLValue]())
            let applied = Set(
                try sql.fetchAll("SELECT name FROM antq_migration", [SQLValue]()).compactMap { $0.string(0) })
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try sql.execute(statement, [SQLValue]()) }
                try sql.execute("INSERT INTO antq_migration (name) VALUES (?)", [migration.name])
            }
        }
    }

    /// Runs one statement outside any transaction, e.g. `CREATE DATABASE` (for tests and benchmarks).
    public func executeAlone(_ sql: String) throws {
        try writer.withConnection { connection in
            let executor = Executor(connection: connection, link: writer, logger: writer.logger)
            _ = try executor.fetchAll(sql, [])
        }
    }

    public func close() {
        writer.close()
        for reader in readers { reader.close() }
    }

    deinit { close() }

    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try writer.transaction(begin: "BEGIN", body)
    }

    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        // Round robin over the readers; each serves one transaction at a time.
        let reader = readers[(nextReader.add(1, ordering: .relaxed).oldValue & .max) % readers.count]
        return try reader.transaction(begin: "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { try self.read(body) }
    }

    /// One connection, opened when first needed and again after it was lost; one transaction at a time.
    final class Link: Sendable {
        let configuration: PostgresConnection.Configuration
        let id: Int
        let logger: Logger
        /// Whether statements are prepared once per connection (the writer's: the same few statements
        /// run for every event, and parsing each again was most of the server's work).
        let prepares: Bool
        private let connection = Mutex<PostgresConnection?>(nil)
        private let statements = Mutex<[String: PreparedQuery]>([:])

        init(configuration: PostgresConnection.Configuration, id: Int, prepares: Bool, logger: Logger) {
            self.configuration = configuration
            self.id = id
            self.prepares = prepares
            self.logger = logger
        }

        /// The statement `sql` prepared on `connection` (at most 100 kept: statements built with a
        /// variable number of placeholders are not worth keeping).
        func prepared(_ sql: String, on connection: PostgresConnection) throws -> PreparedQuery? {
            if let known = statements.withLock({ $0[sql] }) { return known }
            guard statements.withLock({ $0.count }) < 100 else { return nil }
            let statement: PreparedQuery
            do { statement = try connection.prepare(query: PostgresStore.rewritten(sql)).wait() } catch {
                throw SQLStoreError(PostgresStore.message(error), sql: sql)
            }
            statements.withLock { $0[sql] = statement }
            return statement
        }

        func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
            try connection.withLock { current in
                if let open = current, !open.isClosed { return try body(open) }
                let opened: PostgresConnection
                do {
                    opened = try PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id,
                        logger: logger
                    ).wait()
                } catch {
                    throw SQLStoreError(
                        "cannot connect to PostgreSQL at \(configuration.host ?? "?"):\(configuration.port ?? 5432): "
                            + PostgresStore.message(error),
                        sql: "")
                }
                current = opened
                statements.withLock { $0.removeAll() }  // they were the lost connection's
                return try body(opened)
            }
        }

        func transaction<T>(begin: String, _ body: (any SQLExecutor) throws -> T) throws -> T {
            try withConnection { connection in
                let executor = Executor(connection: connection, link: self, logger: logger)
                do {
                    try executor.execute(begin, [SQLValue]())
                    let result = try body(executor)
                    try executor.execute("COMMIT", [SQLValue]())
                    return result
                } catch {
                    // A statement sent earlier may have failed unseen: its failure is the cause (what
                    // `body` threw came after), and the ROLLBACK must go out whatever it was.
                    let unseen = executor.drain()
                    do { _ = try connection.query("ROLLBACK", logger: logger).wait() } catch {
                        // A connection that cannot roll back is not used again.
                        try? connection.close().wait()
                    }
                    throw unseen ?? error
                }
            }
        }

        func close() {
            let open = connection.withLock { current in
                defer { current = nil }
                return current
            }
            try? open?.close().wait()
        }
    }

    /// Statements of one transaction. Statements whose rows nobody reads are sent without waiting
    /// for the server (postgres-nio queues them on the connection); the next read, the commit or the
    /// 256th pending statement waits for them, and the first failure among them is thrown there.
    final class Executor: SQLExecutor {
        let connection: PostgresConnection
        let link: Link
        let logger: Logger
        private var pending: [(future: EventLoopFuture<[SQLRow]>, sql: String)] = []

        init(connection: PostgresConnection, link: Link, logger: Logger) {
            self.connection = connection
            self.link = link
            self.logger = logger
        }

        func execute(_ sql: String, _ arguments: [SQLValue]) throws {
            let isControl = arguments.isEmpty && (sql.hasPrefix("COMMIT") || sql.hasPrefix("ROLLBACK"))
            if isControl || pending.count >= 256 { try settle() }
            pending.append((try send(sql, arguments, reusable: true), sql))
            if isControl || sql.hasPrefix("BEGIN") { try settle() }
        }

        func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            try settle()
            do {
                return try send(sql, arguments, reusable: false).wait()
            } catch {
                throw SQLStoreError(PostgresStore.message(error), sql: sql)
            }
        }

        /// Waits for every statement sent; returns the first one's failure instead of throwing it.
        func drain() -> (any Error)? {
            do {
                try settle()
                return nil
            } catch {
                return error
            }
        }

        /// Waits for every statement sent; throws the first one's failure.
        private func settle() throws {
            let sent = pending
            pending.removeAll(keepingCapacity: true)
            var failure: (any Error)?
            for (future, sql) in sent {
                do { _ = try future.wait() } catch {
                    if failure == nil {
                        failure = SQLStoreError(PostgresStore.message(error), sql: sql)
                    }
                }
            }
            if let failure { throw failure }
        }

        /// Sends `sql`: as the writer's prepared statement when it has arguments and is `reusable` (a
        /// statement whose rows nobody reads: those would come back in text format), else unnamed.
        /// Rows are read into ``SQLRow``s on the connection's event loop.
        private func send(
            _ sql: String, _ arguments: [SQLValue], reusable: Bool
        ) throws -> EventLoopFuture<[SQLRow]> {
            if reusable, link.prepares, !arguments.isEmpty, let statement = try link.prepared(sql, on: connection) {
                return statement.execute(arguments.map(Self.data)).map { _ in [] }
            }
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
            let query = PostgresQuery(unsafeSQL: PostgresStore.rewritten(sql), binds: binds)
            return connection.query(query, logger: logger).flatMapThrowing { rows in
                try rows.map { SQLRow(try $0.map(PostgresStore.value)) }
            }
        }

        /// A value as a prepared statement's argument.
        static func data(_ value: SQLValue) -> PostgresData {
            switch value {
            case .null: PostgresData.null
            case .integer(let integer): PostgresData(int64: integer)
            case .real(let real): PostgresData(double: real)
            case .text(let text): PostgresData(string: text)
            case .blob(let bytes): PostgresData(bytes: bytes)
            }
        }

        deinit {
            // A transaction that threw may leave statements in flight: wait, so none outlives it.
            for (future, _) in pending { _ = try? future.wait() }
        }
    }

    /// What the server said (message and SQLSTATE), or what went wrong on the connection.
    static func message(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "PostgreSQL: \(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return "PostgreSQL: \(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        return "PostgreSQL connection: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
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

    /// Statements as PostgreSQL reads them, rewritten once each (the same few run for every event).
    private static let rewrites = Mutex<[String: String]>([:])

    static func rewritten(_ sql: String) -> String {
        if let known = rewrites.withLock({ $0[sql] }) { return known }
        let numbered = numberedPlaceholders(sql)
        rewrites.withLock { cache in
            if cache.count < 10_000 { cache[sql] = numbered }
        }
        return numbered
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
