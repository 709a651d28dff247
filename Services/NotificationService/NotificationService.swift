import EventLog
import Foundation
import GRDB
import Logging
import Models
import ServiceKit
import Store
import ZeroMQ

/// Everything the notification service needs to start.
public struct NotificationConfiguration: Sendable {
    public var dataDirectory: String
    /// Intake nodes to follow; evaluation workers are learnt from their announcements.
    public var sources: [EventSubscriber.Source]
    /// ROUTER endpoint answering `inbox` queries.
    public var queryEndpoint: String
    /// For unit names in notices.
    public var registry: UnitRegistry?

    public init(
        dataDirectory: String, sources: [EventSubscriber.Source], queryEndpoint: String, registry: UnitRegistry?
    ) {
        self.dataDirectory = dataDirectory
        self.sources = sources
        self.queryEndpoint = queryEndpoint
        self.registry = registry
    }
}

/// Builds the notification service: a subscriber that writes result notices and answers `inbox`.
public enum NotificationService {
    public static func make(configuration: NotificationConfiguration, context: Context, logger: Logger) -> LoopService {
        LoopService(name: "notification") { stop in
            let database = try StoreDatabase.open(
                path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("notification.sqlite")
                    .path,
                migrator: InboxStore.migrator
            )
            let node = try SubscriberNode(
                context: context, database: database, sources: configuration.sources,
                applier: InboxStore(registry: configuration.registry), queryEndpoint: configuration.queryEndpoint,
                logger: logger
            ) { request, _ in
                guard request.type == .inbox else {
                    throw WireError(.unknownType, "the notification endpoint answers inbox, not \(request.type)")
                }
                let query = try JSONCoding.decode(InboxRequest.self, from: request.body)
                let inbox = try database.read { try InboxStore.inbox(unit: query.unit, $0) }
                return Envelope(type: .inboxReply, correlation: request.correlation, body: JSONCoding.encode(inbox))
            }
            try EndpointsFile.write(["query": node.queryEndpoint], dataDirectory: configuration.dataDirectory)
            logger.info("notification ready", metadata: ["query": "\(node.queryEndpoint)"])
            try node.run(until: stop)
        }
    }
}
