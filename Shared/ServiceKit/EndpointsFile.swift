import Foundation

/// `endpoints.json` in a service's data directory: the endpoints it actually bound (with the ports
/// chosen for `:0`), written atomically after binding so operators, scripts and tests can find them.
public enum EndpointsFile {
    public static func write(_ endpoints: [String: String], dataDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("endpoints.json")
        try encoder.encode(endpoints).write(to: url, options: .atomic)
    }

    public static func read(dataDirectory: String) throws -> [String: String] {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("endpoints.json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }
}
