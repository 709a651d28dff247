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

    /// The evaluations of the submission `body` described by `facts`, read alone (a dossier of one).
    public func evaluate(
        _ facts: SubmissionFacts, body: [UInt8], at time: String, under set: CriteriaSet? = nil
    ) -> [Evaluation] {
        evaluate(Dossier(trigger: Dossier.Member(facts: facts, body: body)), at: time, under: set)
    }

    /// The evaluations of a dossier's trigger, stamped with `time`: one per set that judges it (the
    /// newest version of each, or only `set` when given) and whose primary kind the dossier has; or a
    /// single `not_applicable` one when there is none. `revision` orders results of the same unit,
    /// year and set (intake's number for the trigger: later submissions, higher numbers).
    public func evaluate(
        _ dossier: Dossier, at time: String, under set: CriteriaSet? = nil, revision: Int64? = nil
    ) -> [Evaluation] {
        let facts = dossier.members[0].facts
        let year = Period(facts.period)?.year ?? 0
        let applicable = set.map { [$0] } ?? catalog.sets(for: facts.unitKind, facts.kind, year: year)
        let sets = applicable.filter { dossier.hasPrimary(for: $0) }
        guard !sets.isEmpty else {
            let summary =
                applicable.first.map { set in
                    "Chưa có \(set.submissionKinds.first?.vietnameseName ?? "báo cáo chính") của năm \(year) để đánh giá theo bộ tiêu chí \(set.reference); báo cáo được ghi nhận."
                }
                ?? "Chưa có bộ tiêu chí áp dụng cho \(facts.kind.vietnameseName) của \(facts.unitKind.vietnameseName); báo cáo được ghi nhận."
            return [
                Evaluation(
                    submission: facts, criteriaSet: nil, outcome: .notApplicable, criteria: [], summary: summary,
                    evaluatedAt: time, worker: worker, revision: revision)
            ]
        }
        return sets.map { set in
            let judged = CriteriaEngine.judge(dossier.data(for: set), against: set)
            let sources = dossier.sources(for: set)
            return Evaluation(
                submission: facts, criteriaSet: set.reference, judgement: set.judgement, outcome: judged.outcome,
                criteria: judged.criteria, points: judged.points,
                maximumPoints: set.judgement == .classification ? set.maximumPoints : nil, level: judged.level?.id,
                levelName: judged.level?.name, summary: CriteriaEngine.summary(judged, set: set), evaluatedAt: time,
                worker: worker, revision: revision, sources: sources == [facts.key] ? nil : sources
            )
        }
    }
}
