import ArgumentParser
import Client
import Criteria
import Foundation
import Models
import ZeroMQ

struct ReevaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reevaluate",
        abstract: "Judge stored submissions again after a criteria change (the earlier results are kept).",
        discussion: """
            Asks intake to queue the latest version of every submission the set judges (its unit kinds,
            submission kinds and years; or only --period). The evaluation workers judge them under
            exactly ID@VERSION and publish new results; reporting then shows the newest set version.
            Every worker must have the set's file in its criteria directory (restart them after adding it).
            """
    )

    @Option(name: .customLong("criteria-set"), help: "The set to judge under, as ID@VERSION, e.g. TT124-KDC@2.")
    var criteriaSet: String
    @Option(help: "Only this period, e.g. 2025.") var period: String?
    @Option(help: "Intake's submissions endpoint.") var intake = "tcp://127.0.0.1:7101"
    @Option(help: "Criteria sets directory (the set must be there).") var criteria = "data/criteria"
    @OptionGroup var client: ClientOptions

    func validate() throws { try validatePeriod(period) }

    func run() throws {
        let catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: criteria))
        guard let set = catalog.set(reference: criteriaSet) else {
            let known = catalog.sets.map(\.reference).sorted().joined(separator: ", ")
            throw ValidationError("No criteria set \(criteriaSet) in \(criteria). Known: \(known).")
        }
        let request = ReevaluationRequest(
            criteriaSet: set.reference, unitKinds: set.unitKinds, submissionKinds: set.submissionKinds,
            fromYear: set.validFromYear, toYear: set.validToYear, period: period)
        let requester = try client.connect(intake)
        let reply = try requester.request(.reevaluate, body: JSONCoding.encode(request))
        let receipt = try JSONCoding.decode(ReevaluationReceipt.self, from: reply.body)
        print("Đã xếp \(receipt.queued) báo cáo để đánh giá lại theo bộ tiêu chí \(receipt.criteriaSet).")
    }
}
