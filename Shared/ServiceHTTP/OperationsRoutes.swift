import Hummingbird
import Logging
import NIOCore
import ServiceKit
import ServiceLifecycle

/// What `/health` answers: `ok` with a 200, anything else with a 503, and the details a person or a
/// probe needs to tell why.
public struct HealthStatus: Sendable, Encodable {
    public let status: String
    public let service: String
    /// Last sequence applied per producer, for a subscriber; empty otherwise.
    public let positions: [String: UInt64]

    public init(status: String = "ok", service: String, positions: [String: UInt64] = [:]) {
        self.status = status
        self.service = service
        self.positions = positions
    }
}

extension Router where Context == BasicRequestContext {
    /// `GET /health` (JSON) and `GET /metrics` (Prometheus text format 0.0.4).
    public func addOperationsRoutes(
        service: String, health: @escaping @Sendable () async throws -> HealthStatus,
        metrics: @escaping @Sendable () async throws -> PrometheusText
    ) {
        read("/health") { _, _ -> Response in
            let status: HealthStatus
            do { status = try await health() } catch {
                status = HealthStatus(status: "failing: \(error)", service: service)
            }
            return try HTTPReply.json(status, status: status.status == "ok" ? .ok : .serviceUnavailable)
        }
        read("/metrics") { _, _ -> Response in
            HTTPReply.bytes(
                Array(try await metrics().text.utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}

extension LiveFigures {
    /// `ok` while the service's loop published within the last 5 seconds; otherwise why not.
    public func health(service: String, positions: [String: UInt64] = [:]) -> HealthStatus {
        guard let age else { return HealthStatus(status: "starting", service: service, positions: positions) }
        guard age <= .seconds(5) else {
            return HealthStatus(
                status: "failing: the service loop has been silent for \(age)", service: service, positions: positions)
        }
        return HealthStatus(service: service, positions: positions)
    }
}

/// `/health` and `/metrics` for a service whose loop publishes ``LiveFigures`` (intake, the
/// evaluation workers, notification): healthy while the loop published within the last 5 seconds.
public enum OperationsEndpoint {
    /// The HTTP listener to run beside the service in its `ServiceGroup`.
    public static func make(
        service: String, figures: LiveFigures, address: HTTPAddress, dataDirectory: String, logger: Logger
    ) -> some Service {
        let router = Router()
        router.add(middleware: RequestCounter.shared)
        router.addOperationsRoutes(
            service: service,
            health: { figures.health(service: service) },
            metrics: {
                var text = PrometheusText()
                text.append(figures.figures)
                RequestCounter.shared.write(to: &text)
                return text
            })
        return HTTPEndpoint.make(address: address, router: router, dataDirectory: dataDirectory, logger: logger)
    }
}

extension OperationsEndpoint {
    /// Runs a service's parts under ServiceLifecycle until SIGTERM, with its /health and /metrics
    /// listener on `http` (`host:port`) beside them: the whole `run()` of intake, a worker and
    /// notification.
    public static func run(
        _ services: [any Service], service name: String, figures: LiveFigures, http: String, options: CommonOptions,
        logger: Logger
    ) async throws {
        let web = make(
            service: name, figures: figures, address: try HTTPAddress.parse(http),
            dataDirectory: options.dataDirectory, logger: logger)
        try await ServiceRunner.run(services + [web], grace: options.shutdownGrace, logger: logger)
    }
}
