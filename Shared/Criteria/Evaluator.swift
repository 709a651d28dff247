import Models

/// Turns an accepted submission into its evaluations, one per criteria set that applies, and runs
/// the engine. The evaluation workers use it on leases, `antq check` on drafts.
public struct Evaluator: Sendable {
    public let catalog: CriteriaCatalog
    /// Who evaluates, recorded in the result (a worker id, or `local` for the CLI).
    public let worker: String

    public init(catalog: CriteriaCatalog, worker: String) {
        self.catalog = catalog
        self.worker = worker
    }

    /// The evaluations of the submission `body` described by `facts`, stamped with `time`: one per
    /// set that judges it (the newest version of each, or only `set` when given), or a single
    /// `not_applicable` one when none does.
    public func evaluate(
        _ facts: SubmissionFacts, body: [UInt8], at time: String, under set: CriteriaSet? = nil
    ) -> [Evaluation] {
        let year = Period(facts.period)?.year ?? 0
        let sets = set.map { [$0] } ?? catalog.sets(for: facts.unitKind, facts.kind, year: year)
        guard !sets.isEmpty else {
            return [
                Evaluation(
                    submission: facts, criteriaSet: nil, outcome: .notApplicable, criteria: [],
                    summary:
                        "Chưa có bộ tiêu chí áp dụng cho \(facts.kind.vietnameseName) của \(facts.unitKind.vietnameseName); báo cáo được ghi nhận.",
                    evaluatedAt: time, worker: worker
                )
            ]
        }
        // Intake accepted this body, so it parses; an empty `data` would fail every criterion visibly.
        let data = (try? JSONParser.parse(body))?.object?["data"]?.object ?? [:]
        return sets.map { set in
            let judged = CriteriaEngine.judge(data, against: set)
            return Evaluation(
                submission: facts, criteriaSet: set.reference, judgement: set.judgement, outcome: judged.outcome,
                criteria: judged.criteria, points: judged.points,
                maximumPoints: set.judgement == .classification ? set.maximumPoints : nil, level: judged.level?.id,
                levelName: judged.level?.name, summary: CriteriaEngine.summary(judged, set: set), evaluatedAt: time,
                worker: worker
            )
        }
    }
}
