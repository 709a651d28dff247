import Foundation
import GRDB

/// Opens a service's SQLite store: one `DatabasePool` per file, WAL, migrations applied.
public enum StoreDatabase {
    /// How hard SQLite works to make a commit survive a crash.
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous = FULL`: a commit survives power loss. The default: receipts promise it.
        case full
        /// `synchronous = NORMAL`: a commit survives a process crash; the last ones may be lost on power loss.
        case normal
    }

    /// Opens (creating when missing) the database at `path` and runs `migrator`.
    ///
    /// - Parameters:
    ///   - path: the SQLite file; its directory is created when missing.
    ///   - durability: see ``Durability``.
    ///   - migrator: the service's named migrations (never edit one that has shipped).
    public static func open(
        path: String, durability: Durability = .full, migrator: DatabaseMigrator
    ) throws -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Opening a pool switches its writer to WAL with `synchronous = NORMAL`; set ours afterwards.
        // The writer connection lives as long as the pool, so once is enough.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        try migrator.migrate(pool)
        return pool
    }

    /// The current time as ISO 8601 UTC with milliseconds, the format every stored and sent time uses.
    public static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
