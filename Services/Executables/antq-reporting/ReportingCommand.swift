import ArgumentParser
import EventLog
import ReportingService
import ServiceKit
import ZeroMQ

@main
struct ReportingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "antq-reporting",
        abstract:
            "The central reporting subscriber: consolidates every intake node's and worker's events, answers report queries."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var subscription: SubscriberOptions
    @Option(help: "ROUTER endpoint for report queries.") var query = "tcp://127.0.0.1:7301"

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.reporting")
        let configuration = try SubscriberConfiguration(
            options: subscription, dataDirectory: common.dataDirectory, queryEndpoint: query)
        let service = ReportingService.make(configuration: configuration, context: try Context(), logger: logger)
        try await ServiceRunner.run([service], grace: common.shutdownGrace, logger: logger)
    }
}
