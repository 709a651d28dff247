import Foundation
import GRDB
import Logging
import Models
import SQLStore
import Security
import ServiceKit
import Store
import ZeroMQ

/// Everything a subscribing service (reporting, notification) needs to start.
public struct SubscriberConfiguration: Sendable {
    public var dataDirectory: String
    /// Intake nodes to follow; evaluation workers are learnt from their announcements.
    public var sources: [EventSubscriber.Source]
    /// ROUTER endpoint answering the service's queries.
    public var queryEndpoint: String
    /// For names in what the service writes.
    public var registry: UnitRegistry?
    /// A `postgres://` URL for a service that can keep its store on a PostgreSQL server (reporting);
    /// `nil` for `<name>.sqlite` in the data directory.
    public var store: String?
    /// CURVE on the query endpoint and to the producers, or plain TCP on loopback (decision 0017).
    public var security: EndpointSecurity = .insecureLoopback
    /// Each sender's share of the query endpoint (CURVE only); `nil` for no limit.
    public var rateLimit: RateLimiter?
    /// Where the loop publishes its figures for /health and /metrics (`nil`: nowhere).
    public var figures: LiveFigures?

    public init(
        dataDirectory: String, sources: [EventSubscriber.Source], queryEndpoint: String, registry: UnitRegistry?,
        store: String? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.sources = sources
        self.queryEndpoint = queryEndpoint
        self.registry = registry
        self.store = store
    }

    /// From a subscribing service's flags (security from `security`, plain TCP logged as a warning).
    public init(
        options: SubscriberOptions, security: SecurityOptions, dataDirectory: String, queryEndpoint: String,
        logger: Logger
    ) throws {
        let registry = try options.loadRegistry()
        self.init(
            dataDirectory: dataDirectory,
            sources: try options.sources().map {
                EventSubscriber.Source(publish: $0.publish, replay: $0.replay, serverKey: $0.serverKey)
            },
            queryEndpoint: queryEndpoint, registry: registry)
        self.security = try security.endpointSecurity(registry: registry, logger: logger)
        rateLimit = options.rateLimiter
    }
}

/// Builds a subscribing service: its store, an ``EventSubscriber`` applying events with `applier`,
/// and a query endpoint answered by the handler `makeHandler` returns, all on one socket thread.
public enum SubscriberService {
    /// A service on a SQLite store it opens itself (`<name>.sqlite` in the data directory).
    /// - Parameters:
    ///   - name: the service's name, e.g. `notification`.
    ///   - migrator: the service's migrations (they must include ``EventSubscriber/registerMigrations(in:)``).
    ///   - makeHandler: given the opened store, the function that answers one query.
    ///   - makeTimers: given the opened store, work to run on the loop thread at intervals.
    public static func make(
        name: String, configuration: SubscriberConfiguration, context: Context, logger: Logger,
        migrator: @escaping @Sendable () -> DatabaseMigrator, applier: some EventApplier & Sendable,
        makeTimers: @escaping @Sendable (SQLiteStore) -> [(interval: Duration, action: () throws -> Void)] = { _ in
            []
        },
        makeFigures: @escaping @Sendable (SQLiteStore) -> () throws -> [LiveFigures.Figure] = { _ in { [] } },
        makeHandler: @escaping @Sendable (SQLiteStore) -> SubscriberNode.QueryHandler
    ) -> LoopService {
        LoopService(name: name) { stop in
            let store = try openStore(name: name, configuration: configuration, migrator: migrator())
            try run(
                name: name, database: store, configuration: configuration, context: context, logger: logger,
                applier: applier, timers: makeTimers(store), figures: makeFigures(store), handler: makeHandler(store),
                until: stop)
        }
    }

    /// The same service on a store opened beforehand (SQLite or PostgreSQL), for a service that also
    /// reads it elsewhere (reporting's HTTP API).
    public static func make<Store: SQLStore>(
        name: String, database: Store, configuration: SubscriberConfiguration, context: Context,
        logger: Logger, applier: some EventApplier & Sendable,
        handler: @escaping @Sendable (Store) -> SubscriberNode.QueryHandler
    ) -> LoopService {
        LoopService(name: name) { stop in
            try run(
                name: name, database: database, configuration: configuration, context: context, logger: logger,
                applier: applier, timers: [], figures: { [] }, handler: handler(database), until: stop)
        }
    }

    /// Opens (creating and migrating) the service's SQLite store, `<name>.sqlite` in the data directory.
    public static func openStore(
        name: String, configuration: SubscriberConfiguration, migrator: DatabaseMigrator
    ) throws -> SQLiteStore {
        // NORMAL is enough here: a commit lost to a power cut takes its checkpoint with it, and the
        // producers' logs replay it (decision 0004).
        try SQLiteStore(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("\(name).sqlite").path,
            durability: .normal, migrator: migrator)
    }

    /// Opens (creating and migrating) the service's store: the PostgreSQL database of
    /// `configuration.store` when it names one, else the SQLite store in the data directory.
    public static func openStore(
        name: String, configuration: SubscriberConfiguration, sqlite: DatabaseMigrator, postgres: [SQLMigration],
        logger: Logger
    ) throws -> any SQLStore {
        guard let url = configuration.store else {
            return try openStore(name: name, configuration: configuration, migrator: sqlite)
        }
        let store = try PostgresStore(url: url, logger: logger)
        try store.migrate(postgres)
        return store
    }

    private static func run(
        name: String, database: any SQLStore, configuration: SubscriberConfiguration, context: Context,
        logger: Logger, applier: some EventApplier & Sendable,
        timers: [(interval: Duration, action: () throws -> Void)], figures: @escaping () throws -> [LiveFigures.Figure],
        handler: @escaping SubscriberNode.QueryHandler, until stop: StopSignal
    ) throws {
        let zap = try configuration.security.startHandler(context: context)
        defer { zap?.stop() }
        let node = try SubscriberNode(
            context: context, database: database, sources: configuration.sources, applier: applier,
            queryEndpoint: configuration.queryEndpoint, security: configuration.security, zap: zap,
            rateLimit: configuration.rateLimit, logger: logger, handler: handler
        )
        node.timers = timers
        if let live = configuration.figures { node.figures = (live, name, figures) }
        try EndpointsFile.merge(["query": node.queryEndpoint], dataDirectory: configuration.dataDirectory)
        logger.info("\(name) ready", metadata: ["query": "\(node.queryEndpoint)"])
        try node.run(until: stop)
    }
}
