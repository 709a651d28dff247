import ArgumentParser
import Client
import Models
import Security
import ZeroMQ

/// The `antq` command line: submit, follow and read what the services hold.
public struct AntqCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "antq",
        abstract:
            "Client for the ANTQ movement services: submit reports, check status, read inboxes and reports, benchmark.",
        subcommands: [
            SubmitCommand.self, StatusCommand.self, InboxCommand.self, ReportCommand.self, CheckCommand.self,
            ExplainCommand.self, ReevaluateCommand.self, ReviewCommand.self, AuditCommand.self, DeliveriesCommand.self,
            GenerateCommand.self, KeysCommand.self,
            BenchCommand.self, BenchReportingCommand.self,
        ]
    )

    public init() {}
}

/// Endpoint and retry flags shared by the client commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "Seconds to wait for an answer before sending again.") var timeout: Double = 3
    @Option(help: "Times to send a request before giving up.") var tries = 5
    @Option(help: "Your CURVE key pair file (an agency's or operator's; antq keys generate), for a service on CURVE.")
    var curveKey: String?
    @Option(
        help: "The public key of the service asked (intake, reporting or notification): its .pub file or the key.")
    var serverKey: String?

    /// The CURVE settings these flags give, `nil` for plain TCP.
    func curve() throws -> CurveClient? {
        guard let curveKey else { return nil }
        guard let serverKey else { throw ValidationError("--curve-key needs the service's --server-key.") }
        return CurveClient(keys: try KeyFile.loadPair(curveKey), serverKey: try KeyFile.publicKey(serverKey))
    }

    var timeoutDuration: Duration { .milliseconds(Int64(timeout * 1000)) }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("Please give a --timeout above 0 seconds.") }
        guard tries > 0 else { throw ValidationError("Please give --tries of at least 1.") }
    }

    /// Sends one request to `endpoint`; with `json`, prints the answer's body as is and returns `nil`,
    /// otherwise returns it decoded.
    func ask<Reply: Decodable>(
        _ endpoint: String, _ type: MessageType, _ body: [UInt8], json: Bool, as reply: Reply.Type
    ) throws -> Reply? {
        let answer = try connect(endpoint).request(type, body: body)
        if json {
            print(String(decoding: answer.body, as: UTF8.self))
            return nil
        }
        return try JSONCoding.decode(Reply.self, from: answer.body)
    }

    /// A client of `endpoint` that waits and retries as these flags say (zguide "Lazy Pirate").
    func connect(_ endpoint: String) throws -> RequestClient {
        try RequestClient(
            context: try Context(), endpoint: endpoint, timeout: timeoutDuration, tries: tries, curve: try curve())
    }
}

/// Refuses a `period` argument that is not `YYYY`, `YYYY-H1` or `YYYY-H2`.
func validatePeriod(_ period: String?) throws {
    guard let period, Period(period) == nil else { return }
    throw ValidationError("\(period) is not a period: use YYYY or YYYY-H1 / YYYY-H2.")
}
