import Criteria
import Foundation
import Models

/// Turns a leased submission into its evaluation: picks the criteria set and runs the engine.
struct Evaluator: Sendable {
    let catalog: CriteriaCatalog
    let worker: String

    func evaluate(_ facts: SubmissionFacts, body: [UInt8], at time: String) -> Evaluation {
        let year = Period(facts.period)?.year ?? 0
        guard let set = catalog.set(for: facts.unitKind, facts.kind, year: year) else {
            return Evaluation(
                submission: facts, criteriaSet: nil, outcome: .notApplicable, criteria: [],
                summary:
                    "Chưa có bộ tiêu chí áp dụng cho \(facts.kind.vietnameseName) của \(facts.unitKind.vietnameseName); báo cáo được ghi nhận.",
                evaluatedAt: time, worker: worker
            )
        }
        // Intake accepted this body, so it parses; an empty `data` would fail every criterion visibly.
        let data = (try? JSONParser.parse(body))?.object?["data"]?.object ?? [:]
        let (passed, criteria) = CriteriaEngine.evaluate(data, against: set)
        return Evaluation(
            submission: facts, criteriaSet: set.reference, outcome: passed ? .passed : .failed, criteria: criteria,
            summary: CriteriaEngine.summary(passed: passed, criteria: criteria, set: set), evaluatedAt: time,
            worker: worker
        )
    }
}
