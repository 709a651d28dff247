import Models

/// Turns an accepted submission into its evaluation: picks the criteria set that applies and runs
/// the engine. The evaluation workers use it on leases, `antq check` on drafts.
public struct Evaluator: Sendable {
    public let catalog: CriteriaCatalog
    /// Who evaluates, recorded in the result (a worker id, or `local` for the CLI).
    public let worker: String

    public init(catalog: CriteriaCatalog, worker: String) {
        self.catalog = catalog
        self.worker = worker
    }

    /// The evaluation of the submission `body` described by `facts`, stamped with `time`.
    public func evaluate(_ facts: SubmissionFacts, body: [UInt8], at time: String) -> Evaluation {
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
