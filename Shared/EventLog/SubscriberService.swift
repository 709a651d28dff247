import Foundation
import GRDB
import Logging
import Models
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

    public init(
        dataDirectory: String, sources: [EventSubscriber.Source], queryEndpoint: String, registry: UnitRegistry?
    ) {
        self.dataDirectory = dataDirectory
        self.sources = sources
        self.queryEndpoint = queryEndpoint
        self.registry = registry
    }

    /// From a subscribing service's flags.
    public init(options: SubscriberOptions, dataDirectory: String, queryEndpoint: String) throws {
        self.init(
            dataDirectory: dataDirectory,
            sources: options.endpointPairs.map { EventSubscriber.Source(publish: $0.publish, replay: $0.replay) },
            queryEndpoint: queryEndpoint, registry: try options.loadRegistry())
    }
}

/// Builds a subscribing service: its store, an ``EventSubscriber`` applying events with `applier`,
/// and a query endpoint answered by the handler `makeHandler` returns, all on one socket thread.
public enum SubscriberService {
    /// - Parameters:
    ///   - name: the service's name, e.g. `reporting`; its store is `<name>.sqlite` in the data directory.
    ///   - migrator: the service's migrations (they must include ``EventSubscriber/registerMigrations(in:)``).
    ///   - makeHandler: given the opened store, the function that answers one query.
    ///   - makeTimers: given the opened store, work to run on the loop thread at intervals.
    public static func make(
        name: String, configuration: SubscriberConfiguration, context: Context, logger: Logger,
        migrator: @escaping @Sendable () -> DatabaseMigrator, applier: some EventApplier & Sendable,
        makeTimers: @escaping @Sendable (DatabasePool) -> [(interval: Duration, action: () throws -> Void)] = { _ in []
        },
        makeHandler: @escaping @Sendable (DatabasePool) -> SubscriberNode.QueryHandler
    ) -> LoopService {
        LoopService(name: name) { stop in
            let database = try openStore(name: name, configuration: configuration, migrator: migrator())
            try run(
                name: name, database: database, configuration: configuration, context: context, logger: logger,
                applier: applier, timers: makeTimers(database), handler: makeHandler(database), until: stop)
        }
    }

    /// The same service on a store opened beforehand with ``openStore(name:configuration:migrator:)``,
    /// for a service that also reads it elsewhere (reporting's HTTP API).
    public static func make(
        name: String, database: DatabasePool, configuration: SubscriberConfiguration, context: Context,
        logger: Logger, applier: some EventApplier & Sendable,
        handler: @escaping @Sendable (DatabasePool) -> SubscriberNode.QueryHandler
    ) -> LoopService {
        LoopService(name: name) { stop in
            try run(
                name: name, database: database, configuration: configuration, context: context, logger: logger,
                applier: applier, timers: [], handler: handler(database), until: stop)
        }
    }

    /// Opens (creating and migrating) the service's store, `<name>.sqlite` in the data directory.
    public static func openStore(
        name: String, configuration: SubscriberConfiguration, migrator: DatabaseMigrator
    ) throws -> DatabasePool {
        // NORMAL is enough here: a commit lost to a power cut takes its checkpoint with it, and the
        // producers' logs replay it (decision 0004).
        try StoreDatabase.open(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("\(name).sqlite").path,
            durability: .normal, migrator: migrator
        )
    }

    private static func run(
        name: String, database: DatabasePool, configuration: SubscriberConfiguration, context: Context,
        logger: Logger, applier: some EventApplier & Sendable,
        timers: [(interval: Duration, action: () throws -> Void)], handler: @escaping SubscriberNode.QueryHandler,
        until stop: StopSignal
    ) throws {
        let node = try SubscriberNode(
            context: context, database: database, sources: configuration.sources, applier: applier,
            queryEndpoint: configuration.queryEndpoint, logger: logger, handler: handler
        )
        node.timers = timers
        try EndpointsFile.merge(["query": node.queryEndpoint], dataDirectory: configuration.dataDirectory)
        logger.info("\(name) ready", metadata: ["query": "\(node.queryEndpoint)"])
        try node.run(until: stop)
    }
}
