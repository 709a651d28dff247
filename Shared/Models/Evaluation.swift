/// The outcome of evaluating one submission version against a criteria set.
/// The body of `submission.evaluated` events.
public struct Evaluation: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// Every criterion met: "đạt".
        case passed
        /// At least one criterion not met: "chưa đạt".
        case failed
        /// No criteria set applies to this unit kind and submission kind.
        case notApplicable = "not_applicable"
    }

    public let submission: SubmissionFacts
    /// `id@version` of the criteria set used, or `nil` when none applies.
    public let criteriaSet: String?
    public let outcome: Outcome
    public let criteria: [CriterionOutcome]
    /// A one-line Vietnamese summary.
    public let summary: String
    public let evaluatedAt: String
    /// The worker that evaluated it.
    public let worker: String

    public init(
        submission: SubmissionFacts, criteriaSet: String?, outcome: Outcome, criteria: [CriterionOutcome],
        summary: String, evaluatedAt: String, worker: String
    ) {
        self.submission = submission
        self.criteriaSet = criteriaSet
        self.outcome = outcome
        self.criteria = criteria
        self.summary = summary
        self.evaluatedAt = evaluatedAt
        self.worker = worker
    }

    enum CodingKeys: String, CodingKey {
        case submission, outcome, criteria, summary, worker
        case criteriaSet = "criteria_set"
        case evaluatedAt = "evaluated_at"
    }
}

/// One criterion's outcome with its Vietnamese reason.
public struct CriterionOutcome: Codable, Sendable, Equatable {
    public let criterion: String
    public let met: Bool
    /// Why, citing the numbers and the legal source.
    public let reason: String

    public init(criterion: String, met: Bool, reason: String) {
        self.criterion = criterion
        self.met = met
        self.reason = reason
    }
}
