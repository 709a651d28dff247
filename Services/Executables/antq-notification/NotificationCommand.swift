import ArgumentParser
import EventLog
import Foundation
import NotificationService
import Obligations
import ServiceHTTP
import ServiceKit
import ZeroMQ

@main
struct NotificationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "antq-notification",
        abstract:
            "Writes result and review notices, reminds units of what they owe and when (the obligations calendar), and answers inbox queries."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var subscription: SubscriberOptions
    @OptionGroup var security: SecurityOptions
    @Option(help: "ROUTER endpoint for inbox and schedule queries.") var query = "tcp://127.0.0.1:7201"
    @Option(help: "Obligations calendar file.") var calendar = "data/calendar/tuyen-quang.v1.json"
    @Option(help: "Notice templates file.") var templates = "data/templates/notices.vi.json"
    @Option(help: "Read today's date (YYYY-MM-DD) from this file instead of the system clock (rehearsals, tests).")
    var clockFile: String?
    @Option(help: "Milliseconds between two looks at the clock.") var scheduleIntervalMs = 60_000
    @Option(help: "Channels file (webhooks; docs/notifications.md). Without it notices go to the inbox only.")
    var channels: String?
    @Option(help: "host:port of /health and /metrics (port 0: any free port).") var http = "127.0.0.1:7280"

    func validate() throws {
        guard scheduleIntervalMs >= 10 else { throw ValidationError("--schedule-interval-ms must be at least 10.") }
        guard HTTPAddress(http) != nil else { throw ValidationError("--http \(http) is not host:port") }
    }

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.notification")
        let figures = LiveFigures()
        var subscriber = try SubscriberConfiguration(
            options: subscription, security: security, dataDirectory: common.dataDirectory, queryEndpoint: query,
            logger: logger)
        subscriber.figures = figures
        let configuration = NotificationConfiguration(
            subscriber: subscriber,
            calendar: try ObligationCalendar.load(from: URL(fileURLWithPath: calendar)),
            templates: try NoticeTemplates.load(from: URL(fileURLWithPath: templates)),
            clock: clockFile.map(NoticeClock.file) ?? .system,
            scheduleInterval: .milliseconds(scheduleIntervalMs),
            channels: try channels.map { try ChannelsFile.load(from: URL(fileURLWithPath: $0)) } ?? [])
        let services = try NotificationService.make(
            configuration: configuration, context: try Context(), logger: logger)
        try await OperationsEndpoint.run(
            services, service: "notification", figures: figures, http: http, options: common, logger: logger)
    }
}
