import ArgumentParser
import Criteria
import Foundation
import Models
import Store

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate a draft submission locally, without sending it.",
        discussion: """
            Runs the same checks as intake and the same criteria engine as the evaluation workers.
            Exit status: 0 when the draft passes (or no criteria set applies), 1 when it does not, 2 when it
            is not a valid submission.
            """
    )

    @Argument(help: "The draft submission (JSON).") var file: String
    @Option(help: "Unit registry file.") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Criteria sets directory.") var criteria = "data/criteria"
    @Flag(help: "Print the evaluation as JSON.") var json = false

    func run() throws {
        let units = try UnitRegistry.load(from: URL(fileURLWithPath: registry))
        let catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: criteria))
        let body: [UInt8]
        do { body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            print("✗ Không đọc được tệp \(file): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let submission: Submission
        switch SubmissionValidator(registry: units, currentYear: year).validate(body) {
        case .failure(let rejection):
            print("✗ \(file): không hợp lệ")
            for problem in rejection.problems {
                print("    [\(problem.code)] \(problem.field.isEmpty ? "" : problem.field + ": ")\(problem.message)")
            }
            throw ExitCode(2)
        case .success(let accepted):
            submission = accepted
        }
        guard let unit = units[submission.unit] else { throw ExitCode(2) }
        let now = StoreDatabase.timestamp()
        let facts = SubmissionFacts(
            key: "local/\(submission.submissionID)", root: "local/\(submission.replaces ?? submission.submissionID)",
            version: submission.replaces == nil ? 1 : 2, unit: unit.id, unitKind: unit.kind,
            area: units.area(of: unit.id, during: submission.period.window(for: unit.kind)) ?? unit.id,
            kind: submission.kind, period: submission.period.description,
            acceptedAt: now
        )
        let evaluation = Evaluator(catalog: catalog, worker: "local").evaluate(facts, body: body, at: now)
        if json {
            print(String(decoding: evaluation.jsonBytes, as: UTF8.self))
        } else {
            print("\(unit.name) — \(submission.kind.vietnameseName) \(submission.period.vietnameseName)")
            print(evaluation.summary)
            for outcome in evaluation.criteria {
                print("  \(outcome.met ? "✓" : "✗") \(outcome.criterion): \(outcome.reason)")
            }
        }
        if evaluation.outcome == .failed { throw ExitCode(1) }
    }
}
