import ArgumentParser
import EventLog
import Foundation
import Models
import NotificationService
import ServiceKit
import ZeroMQ

@main
struct NotificationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "antq-notification",
        abstract: "Follows evaluation results and writes a notice into each unit's inbox; answers inbox queries."
    )

    @OptionGroup var common: CommonOptions
    @Option(
        name: .customLong("source"),
        help: "An intake node's event log as PUBLISH,REPLAY endpoints (repeat for several nodes).")
    var sources: [String] = ["tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"]
    @Option(help: "ROUTER endpoint for inbox queries.") var query = "tcp://127.0.0.1:7201"
    @Option(help: "Unit registry file (JSON), for unit names.") var registry = "data/units/tuyen-quang.json"

    func validate() throws {
        for source in sources where EventSubscriber.Source(argument: source) == nil {
            throw ValidationError(
                "--source \(source) is not PUBLISH,REPLAY (e.g. tcp://127.0.0.1:7103,tcp://127.0.0.1:7104).")
        }
    }

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.notification")
        let configuration = NotificationConfiguration(
            dataDirectory: common.dataDirectory, sources: sources.compactMap(EventSubscriber.Source.init(argument:)),
            queryEndpoint: query, registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry))
        )
        let service = NotificationService.make(configuration: configuration, context: try Context(), logger: logger)
        try await ServiceRunner.run([service], grace: common.shutdownGrace, logger: logger)
    }
}
