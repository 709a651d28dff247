import ArgumentParser
import Foundation
import IntakeService
import Models
import Security
import ServiceHTTP
import ServiceKit
import ZeroMQ

@main
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "antq-intake",
        abstract:
            "Accepts submissions, stores them durably, leases them to evaluation workers, publishes its event log."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var security: SecurityOptions
    @Option(help: "This node's id: its event-log producer id and the prefix of its submission keys.")
    var nodeID = "intake-1"
    @Option(help: "Unit registry file (JSON).") var registry = "data/units/tuyen-quang.json"
    @Option(help: "ROUTER endpoint for submitters.") var submissions = "tcp://127.0.0.1:7101"
    @Option(help: "ROUTER endpoint for evaluation workers.") var work = "tcp://127.0.0.1:7102"
    @Option(help: "PUB endpoint of the event log.") var publish = "tcp://127.0.0.1:7103"
    @Option(help: "ROUTER endpoint for event-log replay.") var replay = "tcp://127.0.0.1:7104"
    @Option(help: "Seconds a worker may hold a lease before it goes to another worker.") var leaseSeconds = 30
    @Option(help: "Requests a second each agency key may send on average, in bursts of 10 times that (0: no limit).")
    var rateLimit = 200.0
    @Option(help: "host:port of /health and /metrics (port 0: any free port).") var http = "127.0.0.1:7180"

    func validate() throws {
        guard leaseSeconds >= 1 else { throw ValidationError("Please give --lease-seconds of at least 1.") }
        guard rateLimit >= 0 else { throw ValidationError("Please give a --rate-limit of 0 (none) or more.") }
        guard HTTPAddress(http) != nil else { throw ValidationError("--http \(http) is not host:port") }
    }

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.intake")
        var configuration = IntakeConfiguration(
            nodeID: nodeID, dataDirectory: common.dataDirectory, submissionsEndpoint: submissions, workEndpoint: work,
            publishEndpoint: publish, replayEndpoint: replay,
            registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry))
        )
        configuration.leaseDuration = .seconds(leaseSeconds)
        configuration.rateLimit = RateLimiter.perSecond(rateLimit)
        configuration.security = try security.endpointSecurity(registry: configuration.registry, logger: logger)
        let figures = LiveFigures()
        configuration.figures = figures
        let service = IntakeService.make(configuration: configuration, context: try Context(), logger: logger)
        try await OperationsEndpoint.run(
            [service], service: "intake", figures: figures, http: http, options: common, logger: logger)
    }
}
