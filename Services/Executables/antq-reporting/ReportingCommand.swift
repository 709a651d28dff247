import ArgumentParser
import EventLog
import Foundation
import Obligations
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
    @Option(help: "Obligations calendar file, for who reported on time, late or not at all.")
    var calendar = "data/calendar/tuyen-quang.v1.json"
    @Option(help: "The plan's targets file, for progress towards \"điển hình\" units.")
    var targets = "data/targets/tuyen-quang-2023-2025.v1.json"

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.reporting")
        let configuration = try SubscriberConfiguration(
            options: subscription, dataDirectory: common.dataDirectory, queryEndpoint: query)
        let service = ReportingService.make(
            configuration: configuration, calendar: try ObligationCalendar.load(from: URL(fileURLWithPath: calendar)),
            targets: try TargetsFile.load(from: URL(fileURLWithPath: targets)), context: try Context(), logger: logger)
        try await ServiceRunner.run([service], grace: common.shutdownGrace, logger: logger)
    }
}
