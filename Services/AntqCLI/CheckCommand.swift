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
            Runs the same checks as intake and the same criteria engine as the evaluation workers, under
            every criteria set that applies (an toàn, phân loại, điển hình).
            Exit status: 0 when the draft meets every "an toàn" (recognition) set that applies, or none
            applies; 1 when it fails one; 2 when it is not a valid submission or the registry or criteria
            files cannot be used. Classification levels and
            "điển hình" results are printed but do not change the exit status.
            """
    )

    @Argument(help: "The draft submission (JSON).") var file: String
    @Option(help: "Unit registry file.") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Criteria sets directory.") var criteria = "data/criteria"
    @Flag(help: "Print the evaluations as a JSON array.") var json = false

    func run() throws {
        let units: UnitRegistry
        let catalog: CriteriaCatalog
        do {
            units = try UnitRegistry.load(from: URL(fileURLWithPath: registry))
            catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: criteria))
        } catch {
            // Reference data that cannot be used is invalid input too, not a failed draft.
            print("✗ Dữ liệu tham chiếu không dùng được:\n\(error)")
            throw ExitCode(2)
        }
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
        let evaluations = Evaluator(catalog: catalog, worker: "local").evaluate(facts, body: body, at: now)
        if json {
            print("[" + evaluations.map { String(decoding: $0.jsonBytes, as: UTF8.self) }.joined(separator: ",") + "]")
        } else {
            print("\(unit.name) — \(submission.kind.vietnameseName) \(submission.period.vietnameseName)")
            for evaluation in evaluations {
                print(evaluation.summary)
                for outcome in evaluation.criteria {
                    print("  \(outcome.met ? "✓" : "✗") \(outcome.criterion): \(outcome.reason)")
                }
            }
        }
        if evaluations.contains(where: { $0.judgement == .recognition && $0.outcome == .failed }) {
            throw ExitCode(1)
        }
    }
}
