import ArgumentParser
import Logging
import ServiceKit
import Testing

@Suite("CommonOptions")
struct CommonOptionsTests {
    /// The message a user would see for `arguments`, or `nil` when they parse and validate.
    static func failure(_ arguments: [String]) -> String? {
        do {
            _ = try CommonOptions.parse(arguments)
            return nil
        } catch {
            return CommonOptions.message(for: error)
        }
    }

    @Test("every flag is read")
    func parse_allFlags() throws {
        let options = try CommonOptions.parse([
            "--data-directory", "/var/lib/antq/intake", "--log-level", "debug", "--shutdown-grace", "3",
        ])
        #expect(options.dataDirectory == "/var/lib/antq/intake")
        #expect(options.logLevel == .debug)
        #expect(options.shutdownGrace == 3)
    }

    @Test("log level and shutdown grace have defaults")
    func parse_defaults() throws {
        let options = try CommonOptions.parse(["--data-directory", "data"])
        #expect(options.logLevel == .info)
        #expect(options.shutdownGrace == 10)
    }

    @Test("--data-directory is required")
    func parse_missingDataDirectory() {
        let message = Self.failure([])
        #expect(message?.contains("--data-directory") == true, "\(String(describing: message))")
    }

    @Test("an empty --data-directory is refused with a sentence")
    func validate_emptyDataDirectory() {
        #expect(Self.failure(["--data-directory", ""]) == "Please give a --data-directory.")
    }

    @Test("a --shutdown-grace below 1 second is refused with a sentence", arguments: ["0", "-5"])
    func validate_shutdownGrace(grace: String) {
        #expect(
            Self.failure(["--data-directory", "data", "--shutdown-grace=\(grace)"])
                == "Please give a --shutdown-grace of at least 1 second.")
    }

    @Test("--log-level reads every level by name", arguments: Logger.Level.allCases)
    func parse_logLevel(level: Logger.Level) throws {
        let options = try CommonOptions.parse(["--data-directory", "data", "--log-level", level.rawValue])
        #expect(options.logLevel == level)
    }

    @Test("an unknown --log-level is refused, naming the value")
    func parse_unknownLogLevel() {
        let message = Self.failure(["--data-directory", "data", "--log-level", "loud"])
        #expect(message?.contains("loud") == true, "\(String(describing: message))")
    }
}
