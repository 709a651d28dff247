import Logging
import ServiceLifecycle

/// Runs a service's parts under one `ServiceGroup` that stops gracefully on SIGTERM or SIGINT.
public enum ServiceRunner {
    /// Runs `services` until they finish or a signal asks them to stop; they stop in reverse order,
    /// and are cancelled if they have not finished `grace` seconds after the signal.
    public static func run(_ services: [any Service], grace: Int, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(grace)
        try await ServiceGroup(configuration: configuration).run()
    }
}
