import ArgumentParser
import EventLog
import Foundation
import Obligations
import ReportingService
import SQLStore
import ServiceHTTP
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
    @OptionGroup var security: SecurityOptions
    @Option(help: "ROUTER endpoint for report queries.") var query = "tcp://127.0.0.1:7301"
    @Option(help: "Obligations calendar file, for who reported on time, late or not at all.")
    var calendar = "data/calendar/tuyen-quang.v1.json"
    @Option(help: "The plan's targets file, for progress towards \"điển hình\" units.")
    var targets = "data/targets/tuyen-quang-2023-2025.v1.json"
    @Option(help: "host:port of the HTTP API, official reports and dashboard (port 0: any free port).")
    var http = "127.0.0.1:7380"
    @Option(help: "The issuing office printed at the head of the official report.")
    var issuer = "CÔNG AN TỈNH TUYÊN QUANG"
    @Option(
        help: """
            The store: a postgres://USER@HOST[:PORT]/DATABASE URL for a central PostgreSQL server, its \
            password in PGPASSWORD (default: reporting.sqlite in the data directory).
            """)
    var store: String?

    func validate() throws {
        guard HTTPAddress(http) != nil else { throw ValidationError("--http \(http) is not host:port") }
        if let store, !(store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")) {
            throw ValidationError(
                "--store \(PostgresStore.redacted(store)) is not a postgres:// URL (leave it out for SQLite)")
        }
    }

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.reporting")
        var configuration = try SubscriberConfiguration(
            options: subscription, security: security, dataDirectory: common.dataDirectory,
            queryEndpoint: query, logger: logger)
        configuration.store = store
        guard let address = HTTPAddress(http) else { throw ValidationError("--http \(http) is not host:port") }
        let services = try ReportingService.make(
            configuration: configuration, calendar: try ObligationCalendar.load(from: URL(fileURLWithPath: calendar)),
            targets: try TargetsFile.load(from: URL(fileURLWithPath: targets)), http: address, issuer: issuer,
            context: try Context(), logger: logger)
        try await ServiceRunner.run(services, grace: common.shutdownGrace, logger: logger)
    }
}
