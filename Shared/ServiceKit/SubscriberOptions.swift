import ArgumentParser
import Foundation
import Models
import Security

/// Flags of a subscribing service (reporting, notification): which intake nodes to follow, the
/// unit registry for names, and each sender's share of its query endpoint.
public struct SubscriberOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("source"),
        help: """
            An intake node's event log as PUBLISH,REPLAY endpoints, with ,KEY (its public key: a .pub file or \
            the 40-character key) when CURVE is on (repeat for several nodes).
            """)
    public var sourceArguments: [String] = ["tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"]

    @Option(help: "Unit registry file (JSON), for names in what the service writes.")
    public var registry = "data/units/tuyen-quang.json"

    @Option(help: "Queries a second per sender key, bursts of ten times as many; 0 for no limit (CURVE only).")
    public var rateLimit = 50.0

    public init() {}

    public func validate() throws {
        for source in sourceArguments where Self.parseSource(source) == nil {
            throw ValidationError(
                "--source \(source) is not PUBLISH,REPLAY[,KEY] (e.g. tcp://127.0.0.1:7103,tcp://127.0.0.1:7104).")
        }
        guard rateLimit >= 0 else { throw ValidationError("Please give a --rate-limit of 0 (none) or more.") }
    }

    /// The configured intake nodes: their endpoints and, with CURVE, their public keys (Z85, read
    /// from the `.pub` file a flag named).
    public func sources() throws -> [(publish: String, replay: String, serverKey: String?)] {
        try sourceArguments.compactMap(Self.parseSource).map { parsed in
            (parsed.publish, parsed.replay, try parsed.key.map(KeyFile.publicKey))
        }
    }

    /// The limiter `--rate-limit` asks for.
    public var rateLimiter: RateLimiter? { RateLimiter.perSecond(rateLimit) }

    /// Loads the registry file.
    public func loadRegistry() throws -> UnitRegistry {
        try UnitRegistry.load(from: URL(fileURLWithPath: registry))
    }

    /// Parses `PUBLISH,REPLAY[,KEY]`, e.g. `tcp://127.0.0.1:7103,tcp://127.0.0.1:7104,keys/intake.pub`.
    public static func parseSource(_ argument: String) -> (publish: String, replay: String, key: String?)? {
        let parts = argument.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard (2...3).contains(parts.count), parts[0].contains("://"), parts[1].contains("://") else { return nil }
        return (parts[0], parts[1], parts.count == 3 ? parts[2] : nil)
    }
}
