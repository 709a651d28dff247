import ArgumentParser
import Logging

/// Flags every service takes.
public struct CommonOptions: ParsableArguments, Sendable {
    @Option(help: "Directory for this service's store and state files.")
    public var dataDirectory: String

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .info

    @Option(help: "Seconds to finish in-flight work after SIGTERM before giving up.")
    public var shutdownGrace: Int = 10

    public init() {}

    public func validate() throws {
        guard !dataDirectory.isEmpty else { throw ValidationError("Please give a --data-directory.") }
        guard shutdownGrace > 0 else { throw ValidationError("Please give a --shutdown-grace of at least 1 second.") }
    }

    /// Sets up swift-log with the chosen level on standard error; returns the service's logger.
    public func bootstrapLogging(label: String) -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
