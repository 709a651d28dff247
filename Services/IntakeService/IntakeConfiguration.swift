import Models
import Security
import ServiceKit

/// Everything an intake node needs to start.
public struct IntakeConfiguration: Sendable {
    /// This node's id: the producer id of its event log and the prefix of its submission keys.
    public var nodeID: String
    public var dataDirectory: String
    /// ROUTER endpoint where submitters send `submit`, `status` and `stats`.
    public var submissionsEndpoint: String
    /// ROUTER endpoint where evaluation workers ask for leases.
    public var workEndpoint: String
    /// PUB endpoint of the event log.
    public var publishEndpoint: String
    /// ROUTER endpoint answering event-log replay requests.
    public var replayEndpoint: String
    public var registry: UnitRegistry
    /// How long a worker may hold a lease.
    public var leaseDuration: Duration = .seconds(30)
    /// How long a worker may stay silent before its leases go to others.
    public var workerTimeout: Duration = .seconds(3)
    /// Most submissions committed in one transaction (group commit).
    public var maximumBatch: Int = 2_000
    /// Largest message accepted on the submissions endpoint; a bigger one makes libzmq drop the connection.
    public var maximumMessageSize: Int64 = 1024 * 1024
    /// Year used to refuse far-future periods; the current year when `nil`.
    public var currentYear: Int?
    /// CURVE and the allowlist on the submissions endpoint (decision 0017), or plain TCP on loopback.
    public var security: EndpointSecurity = .insecureLoopback
    /// Requests each authenticated sender may make on the submissions endpoint (`nil`: no limit).
    public var rateLimit: RateLimiter?
    /// Where the node's loop publishes its figures for /health and /metrics (`nil`: nowhere).
    public var figures: LiveFigures?

    public init(
        nodeID: String, dataDirectory: String, submissionsEndpoint: String, workEndpoint: String,
        publishEndpoint: String, replayEndpoint: String, registry: UnitRegistry
    ) {
        self.nodeID = nodeID
        self.dataDirectory = dataDirectory
        self.submissionsEndpoint = submissionsEndpoint
        self.workEndpoint = workEndpoint
        self.publishEndpoint = publishEndpoint
        self.replayEndpoint = replayEndpoint
        self.registry = registry
    }
}
