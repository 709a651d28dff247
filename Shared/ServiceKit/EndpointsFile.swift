import Foundation
import Synchronization

/// `endpoints.json` in a service's data directory: the endpoints it actually bound (with the ports
/// chosen for `:0`), written atomically after binding so operators, scripts and tests can find them.
public enum EndpointsFile {
    public static func write(_ endpoints: [String: String], dataDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("endpoints.json")
        try encoder.encode(endpoints).write(to: url, options: .atomic)
    }

    /// Adds `endpoints` to those this process recorded before (a service with several listeners
    /// binding at different times) and writes them all; entries of earlier runs are not kept.
    public static func merge(_ endpoints: [String: String], dataDirectory: String) throws {
        try recorded.withLock { recorded in
            recorded[dataDirectory, default: [:]].merge(endpoints) { _, new in new }
            try write(recorded[dataDirectory] ?? endpoints, dataDirectory: dataDirectory)
        }
    }

    private static let recorded = Mutex<[String: [String: String]]>([:])

    public static func read(dataDirectory: String) throws -> [String: String] {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("endpoints.json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }
}
