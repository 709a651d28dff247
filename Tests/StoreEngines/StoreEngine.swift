import Foundation
import Logging
import SQLStore

/// The engines a test runs on: SQLite always, PostgreSQL when the run has a server
/// (`scripts/test` starts one and sets `ANTQ_TEST_POSTGRES_URL` when `ANTQ_TEST_POSTGRES=1`, as CI does).
public enum StoreEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The engines this run can reach; PostgreSQL is required when CI asks for it.
    public static var available: [StoreEngine] {
        let environment = ProcessInfo.processInfo.environment
        return environment["ANTQ_TEST_POSTGRES_URL"] != nil || environment["ANTQ_TEST_POSTGRES"] == "1"
            ? [.sqlite, .postgres] : [.sqlite]
    }

    /// The test server's URL.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ANTQ_TEST_POSTGRES_URL"] else {
            throw SQLStoreError(
                "ANTQ_TEST_POSTGRES=1 but no ANTQ_TEST_POSTGRES_URL: run scripts/test, which starts the server", sql: ""
            )
        }
        return url
    }

    /// A new, empty database on the test server, for one test; its URL.
    public static func freshDatabase() throws -> String {
        let server = try serverURL()
        let name = "antq_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let store = try PostgresStore(url: server, readers: 1, logger: Logger(label: "test"))
        defer { store.close() }
        try store.executeAlone("CREATE DATABASE \(name)")
        guard let slash = server.lastIndex(of: "/") else { throw SQLStoreError("no database in URL", sql: server) }
        return server[..<slash] + "/" + name
    }
}
