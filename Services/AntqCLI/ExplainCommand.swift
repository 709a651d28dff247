import ArgumentParser
import Client
import Criteria
import Foundation
import Models
import ZeroMQ

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Show, criterion by criterion, why a unit is or is not \"an toàn\", its level, and what it lacks to be \"điển hình\".",
        discussion: """
            Reads the unit's current results of the period from reporting (the latest version of each
            submission, the newest criteria set version it was judged by). Exit status 0 when there are
            results, 1 when the unit has none in that period.
            """
    )

    @Argument(help: "The unit id, e.g. TQ-CH-TRIPHU-KDC01.") var unit: String
    @Argument(help: "The period, e.g. 2025.") var period: String
    @Option(help: "Reporting's query endpoint.") var reporting = "tcp://127.0.0.1:7301"
    @Option(help: "Unit registry file (for names).") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Criteria sets directory (for criterion texts).") var criteria = "data/criteria"
    @Flag(help: "Print the JSON answer.") var json = false
    @OptionGroup var client: ClientOptions

    func validate() throws { try validatePeriod(period) }

    func run() throws {
        let requester = try client.connect(reporting)
        let reply = try requester.request(
            .results, body: JSONCoding.encode(UnitResultsRequest(unit: unit, period: period)))
        let results = try JSONCoding.decode(UnitResults.self, from: reply.body)
        if json {
            print(String(decoding: reply.body, as: UTF8.self))
        } else {
            let units = try UnitRegistry.load(from: URL(fileURLWithPath: registry))
            let catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: criteria))
            print(
                Explanation.render(
                    results, unitName: units[unit]?.name, unitKind: units[unit]?.kind, catalog: catalog))
        }
        if results.evaluations.isEmpty { throw ExitCode(1) }
    }
}
