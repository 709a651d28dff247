import EventLog
import Foundation
import GRDB
import Logging
import Models
import ServiceKit
import Store
import ZeroMQ

/// Everything the reporting subscriber needs to start.
public struct ReportingConfiguration: Sendable {
    public var dataDirectory: String
    /// Intake nodes to follow; evaluation workers are learnt from their announcements.
    public var sources: [EventSubscriber.Source]
    /// ROUTER endpoint answering `report` queries.
    public var queryEndpoint: String
    /// For area names in reports.
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

/// Builds the reporting service: a subscriber that keeps the consolidated counts and answers `report`.
public enum ReportingService {
    public static func make(configuration: ReportingConfiguration, context: Context, logger: Logger) -> LoopService {
        LoopService(name: "reporting") { stop in
            let database = try StoreDatabase.open(
                path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("reporting.sqlite").path,
                migrator: ReportStore.migrator
            )
            let node = try SubscriberNode(
                context: context, database: database, sources: configuration.sources, applier: ReportStore(),
                queryEndpoint: configuration.queryEndpoint, logger: logger
            ) { request, positions in
                guard request.type == .report else {
                    throw WireError(.unknownType, "the reporting endpoint answers report, not \(request.type)")
                }
                let query = try JSONCoding.decode(ReportRequest.self, from: request.body)
                let report = try database.read {
                    try ReportStore.report(
                        period: query.period, registry: configuration.registry, positions: positions, $0)
                }
                return Envelope(type: .reportReply, correlation: request.correlation, body: JSONCoding.encode(report))
            }
            try EndpointsFile.write(["query": node.queryEndpoint], dataDirectory: configuration.dataDirectory)
            logger.info("reporting ready", metadata: ["query": "\(node.queryEndpoint)"])
            try node.run(until: stop)
        }
    }
}
