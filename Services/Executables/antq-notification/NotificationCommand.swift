import ArgumentParser
import EventLog
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
    @OptionGroup var subscription: SubscriberOptions
    @Option(help: "ROUTER endpoint for inbox queries.") var query = "tcp://127.0.0.1:7201"

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.notification")
        let configuration = try SubscriberConfiguration(
            options: subscription, dataDirectory: common.dataDirectory, queryEndpoint: query)
        let service = NotificationService.make(configuration: configuration, context: try Context(), logger: logger)
        try await ServiceRunner.run([service], grace: common.shutdownGrace, logger: logger)
    }
}
