import Synchronization

/// What a service's loop thread tells `/health` and `/metrics`: it publishes its figures every
/// second, and the HTTP side, on other threads, reads the latest. Figures not published for a while
/// mean the loop is stuck (``age``).
public final class LiveFigures: Sendable {
    /// One Prometheus sample.
    public struct Figure: Sendable, Equatable {
        public let name: String
        public let help: String
        /// A counter only goes up (its name ends in `_total`); a gauge goes up and down.
        public let isCounter: Bool
        public let value: Double
        public let labels: [String: String]

        public static func gauge(_ name: String, _ help: String, _ value: Int, labels: [String: String] = [:]) -> Figure
        {
            Figure(name: name, help: help, isCounter: false, value: Double(value), labels: labels)
        }

        public static func counter(
            _ name: String, _ help: String, _ value: Int, labels: [String: String] = [:]
        )
            -> Figure
        {
            Figure(name: name, help: help, isCounter: true, value: Double(value), labels: labels)
        }
    }

    private let state = Mutex<(figures: [Figure], at: ContinuousClock.Instant?)>(([], nil))
    private let clock = ContinuousClock()

    public init() {}

    /// Replaces the figures (the loop thread, every second).
    public func publish(_ figures: [Figure]) {
        let now = clock.now
        state.withLock { $0 = (figures, now) }
    }

    /// The latest figures.
    public var figures: [Figure] { state.withLock { $0.figures } }

    /// Time since the loop last published, `nil` before it first did.
    public var age: Duration? {
        let now = clock.now
        return state.withLock { $0.at.map { now - $0 } }
    }
}
