import Hummingbird
import NIOCore

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
