import Criteria
import Security
import ServiceKit
import ZeroMQ

/// Everything an evaluation worker needs to start.
public struct EvaluationConfiguration: Sendable {
    /// This worker's id: the producer id of its event log. Keep it stable across restarts.
    public var workerID: String
    public var dataDirectory: String
    /// Intake's work endpoint.
    public var intakeEndpoint: String
    /// PUB endpoint of this worker's event log.
    public var publishEndpoint: String
    /// ROUTER endpoint answering replay requests for this worker's log.
    public var replayEndpoint: String
    /// How subscribers should reach the PUB endpoint (default: as bound).
    public var advertisedPublish: String?
    /// How subscribers should reach the replay endpoint (default: as bound).
    public var advertisedReplay: String?
    public var catalog: CriteriaCatalog
    /// Most leases held at once.
    public var capacity: Int = 256
    /// Silence from intake after which the worker reconnects.
    public var intakeTimeout: Duration = .seconds(3)
    /// CURVE on this worker's event-log endpoints (its keys and the allowlist of subscribers), or
    /// plain TCP on loopback (decision 0017).
    public var security: EndpointSecurity = .insecureLoopback
    /// Where the worker's loop publishes its figures for /health and /metrics (`nil`: nowhere).
    public var figures: LiveFigures?
    /// Intake's public key (Z85), for CURVE to its work endpoint with this worker's keys; needed
    /// when `security` is CURVE.
    public var intakeKey: String?

    /// CURVE client settings for intake's work endpoint, or `nil` for plain TCP.
    var intakeCurve: CurveClient? {
        guard case .curve(let keys, _) = security, let intakeKey else { return nil }
        return CurveClient(keys: keys, serverKey: intakeKey)
    }

    public init(
        workerID: String, dataDirectory: String, intakeEndpoint: String, publishEndpoint: String,
        replayEndpoint: String,
        catalog: CriteriaCatalog
    ) {
        self.workerID = workerID
        self.dataDirectory = dataDirectory
        self.intakeEndpoint = intakeEndpoint
        self.publishEndpoint = publishEndpoint
        self.replayEndpoint = replayEndpoint
        self.catalog = catalog
    }
}
