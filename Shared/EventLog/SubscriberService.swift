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
            // NORMAL is enough here: a commit lost to a power cut takes its checkpoint with it, and the
            // producers' logs replay it (decision 0004).
            let database = try StoreDatabase.open(
                path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("\(name).sqlite").path,
                durability: .normal, migrator: migrator()
            )
            let node = try SubscriberNode(
                context: context, database: database, sources: configuration.sources, applier: applier,
                queryEndpoint: configuration.queryEndpoint, logger: logger, handler: makeHandler(database)
            )
            node.timers = makeTimers(database)
            try EndpointsFile.write(["query": node.queryEndpoint], dataDirectory: configuration.dataDirectory)
            logger.info("\(name) ready", metadata: ["query": "\(node.queryEndpoint)"])
            try node.run(until: stop)
        }
    }
}
