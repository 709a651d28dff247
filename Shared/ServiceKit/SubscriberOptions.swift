import ArgumentParser
import Foundation
import Models

/// Flags of a subscribing service (reporting, notification): which intake nodes to follow and the
/// unit registry for names.
public struct SubscriberOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("source"),
        help: "An intake node's event log as PUBLISH,REPLAY endpoints (repeat for several nodes).")
    public var sources: [String] = ["tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"]

    @Option(help: "Unit registry file (JSON), for names in what the service writes.")
    public var registry = "data/units/tuyen-quang.json"

    public init() {}

    public func validate() throws {
        for source in sources where Self.endpointPair(source) == nil {
            throw ValidationError(
                "--source \(source) is not PUBLISH,REPLAY (e.g. tcp://127.0.0.1:7103,tcp://127.0.0.1:7104).")
        }
    }

    /// The configured sources as (publish, replay) pairs.
    public var endpointPairs: [(publish: String, replay: String)] { sources.compactMap(Self.endpointPair) }

    /// Loads the registry file.
    public func loadRegistry() throws -> UnitRegistry {
        try UnitRegistry.load(from: URL(fileURLWithPath: registry))
    }

    /// Parses `PUBLISH,REPLAY`, e.g. `tcp://127.0.0.1:7103,tcp://127.0.0.1:7104`.
    public static func endpointPair(_ argument: String) -> (publish: String, replay: String)? {
        let parts = argument.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, parts.allSatisfy({ $0.contains("://") }) else { return nil }
        return (parts[0], parts[1])
    }
}
