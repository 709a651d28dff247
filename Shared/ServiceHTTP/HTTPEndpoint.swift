import Hummingbird
import Logging
import NIOCore
import ServiceKit
import ServiceLifecycle

/// A service's HTTP side (the API, /health, /metrics): a Hummingbird application bound to `address`
/// that records the port it got in the data directory's `endpoints.json` under `http`.
public enum HTTPEndpoint {
    /// The application to run beside the service's other parts in one `ServiceGroup`.
    /// - Parameters:
    ///   - address: `host:port`; port 0 takes a free one.
    ///   - router: the service's routes (add ``Router/addOperationsRoutes(health:metrics:)``).
    public static func make(
        address: HTTPAddress, router: Router<BasicRequestContext>, dataDirectory: String, logger: Logger
    ) -> some Service {
        Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                do {
                    try EndpointsFile.merge(["http": "http://\(address.host):\(port)"], dataDirectory: dataDirectory)
                } catch {
                    logger.error("could not record the HTTP endpoint", metadata: ["error": "\(error)"])
                }
            }, logger: logger)
    }
}

/// `host:port` for an HTTP listener, e.g. `127.0.0.1:7380` (`0.0.0.0` for every interface).
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    /// Parses `host:port`; `nil` when either part is missing or the port is not 0–65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon > text.startIndex
        else { return nil }
        host = String(text[..<colon])
        self.port = port
    }

    public var description: String { "\(host):\(port)" }

    /// Parses `host:port` or says what is wrong with it.
    public static func parse(_ text: String) throws -> HTTPAddress {
        guard let address = HTTPAddress(text) else { throw Invalid(text: text) }
        return address
    }

    /// Text that is not `host:port`.
    public struct Invalid: Error, CustomStringConvertible {
        public let text: String
        public var description: String { "\(text) is not host:port (e.g. 127.0.0.1:7180; port 0 for any free port)" }
    }
}
