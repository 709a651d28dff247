import ArgumentParser
import Criteria
import EvaluationService
import Foundation
import Security
import ServiceHTTP
import ServiceKit
import ZeroMQ

@main
struct EvaluationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "antq-evaluation",
        abstract:
            "An evaluation worker: takes leases from intake, scores each submission against its criteria set, publishes the results."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "This worker's id, unique among workers (its event-log producer id). Keep it across restarts.")
    var workerID: String
    @Option(help: "Intake's work endpoint.") var intake = "tcp://127.0.0.1:7102"
    @Option(help: "PUB endpoint of this worker's event log (port 0: any free port).") var publish = "tcp://127.0.0.1:0"
    @Option(help: "ROUTER endpoint for replay of this worker's event log.") var replay = "tcp://127.0.0.1:0"
    @Option(help: "PUB endpoint as subscribers on other hosts reach it (default: as bound).") var advertisePublish:
        String?
    @Option(help: "Replay endpoint as subscribers on other hosts reach it (default: as bound).") var advertiseReplay:
        String?
    @Option(help: "Directory of criteria set files (JSON).") var criteria = "data/criteria"
    @Option(help: "Most leases held at once.") var capacity = 256
    @Option(help: "host:port of /health and /metrics (port 0: any free port).") var http = "127.0.0.1:0"
    @OptionGroup var security: SecurityOptions
    @Option(help: "Intake's public key: its .pub file or the 40-character key (with --curve-key).")
    var intakeKey: String?

    func validate() throws {
        guard capacity > 0 else { throw ValidationError("Please give a --capacity of at least 1.") }
        guard HTTPAddress(http) != nil else { throw ValidationError("--http \(http) is not host:port") }
        if security.insecureLoopback {
            guard intakeKey == nil else {
                throw ValidationError("Please give either --insecure-loopback or --curve-key with --intake-key.")
            }
            guard EndpointSecurity.isLoopback(intake) else {
                throw ValidationError(
                    "--intake \(intake) is not a loopback address: plain TCP needs --curve-key, --allowlist and --intake-key."
                )
            }
        } else if intakeKey == nil {
            throw ValidationError("Please give --intake-key (intake's public key) with --curve-key.")
        }
    }

    func run() async throws {
        let logger = common.bootstrapLogging(label: "antq.evaluation")
        var configuration = EvaluationConfiguration(
            workerID: workerID, dataDirectory: common.dataDirectory, intakeEndpoint: intake, publishEndpoint: publish,
            replayEndpoint: replay, catalog: try CriteriaCatalog.load(directory: URL(fileURLWithPath: criteria))
        )
        configuration.capacity = capacity
        configuration.advertisedPublish = advertisePublish
        configuration.advertisedReplay = advertiseReplay
        configuration.security = try security.endpointSecurity(registry: nil, logger: logger)
        configuration.intakeKey = try intakeKey.map(KeyFile.publicKey)
        let figures = LiveFigures()
        configuration.figures = figures
        let service = EvaluationService.make(configuration: configuration, context: try Context(), logger: logger)
        try await OperationsEndpoint.run(
            [service], service: "evaluation", figures: figures, http: http, options: common, logger: logger)
    }
}
