/// The outcome of evaluating one submission version against a criteria set.
/// The body of `submission.evaluated` events.
public struct Evaluation: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// Every criterion met: "đạt".
        case passed
        /// At least one criterion not met: "chưa đạt".
        case failed
        /// A classification set gave points and a level (see ``Evaluation/points``, ``Evaluation/level``).
        case classified
        /// No criteria set applies to this unit kind and submission kind.
        case notApplicable = "not_applicable"
    }

    public let submission: SubmissionFacts
    /// `id@version` of the criteria set used, or `nil` when none applies.
    public let criteriaSet: String?
    /// Which way of judging the set is (`nil` when none applies).
    public let judgement: Judgement?
    public let outcome: Outcome
    public let criteria: [CriterionOutcome]
    /// The total and the most a classification set awards.
    public let points: Int?
    public let maximumPoints: Int?
    /// The level the total reaches: its code (e.g. `xuat_sac`) and Vietnamese name.
    public let level: String?
    public let levelName: String?
    /// A one-line Vietnamese summary.
    public let summary: String
    public let evaluatedAt: String
    /// The worker that evaluated it.
    public let worker: String
    /// Orders results of the same unit, year and set: intake's number for the submission that
    /// triggered it (a later submission of the unit, a higher number). `nil` from older workers.
    public let revision: Int64?
    /// The keys of the submission versions read, when more than the one in `submission`.
    public let sources: [String]?

    public init(
        submission: SubmissionFacts, criteriaSet: String?, judgement: Judgement? = nil, outcome: Outcome,
        criteria: [CriterionOutcome], points: Int? = nil, maximumPoints: Int? = nil, level: String? = nil,
        levelName: String? = nil, summary: String, evaluatedAt: String, worker: String, revision: Int64? = nil,
        sources: [String]? = nil
    ) {
        self.submission = submission
        self.criteriaSet = criteriaSet
        self.judgement = judgement
        self.outcome = outcome
        self.criteria = criteria
        self.points = points
        self.maximumPoints = maximumPoints
        self.level = level
        self.levelName = levelName
        self.revision = revision
        self.sources = sources
        self.summary = summary
        self.evaluatedAt = evaluatedAt
        self.worker = worker
    }

    enum CodingKeys: String, CodingKey {
        case submission, judgement, outcome, criteria, points, level, summary, worker, revision, sources
        case criteriaSet = "criteria_set"
        case maximumPoints = "maximum_points"
        case levelName = "level_name"
        case evaluatedAt = "evaluated_at"
    }
}

/// One criterion's outcome with its Vietnamese reason.
public struct CriterionOutcome: Codable, Sendable, Equatable {
    public let criterion: String
    public let met: Bool
    /// Why, citing the numbers and the legal source.
    public let reason: String
    /// Points awarded (classification sets only).
    public let points: Int?

    public init(criterion: String, met: Bool, reason: String, points: Int? = nil) {
        self.criterion = criterion
        self.met = met
        self.reason = reason
        self.points = points
    }
}

extension Evaluation {
    /// The same bytes as ``JSONCoding/encode(_:)``, written without `JSONEncoder` (hot path).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("criteria")
        writer.beginArray()
        for outcome in criteria {
            writer.beginObject()
            writer.field("criterion", outcome.criterion)
            writer.field("met", outcome.met)
            if let points = outcome.points { writer.field("points", points) }
            writer.field("reason", outcome.reason)
            writer.endObject()
        }
        writer.endArray()
        writer.field("criteria_set", criteriaSet)
        writer.field("evaluated_at", evaluatedAt)
        writer.field("judgement", judgement?.rawValue)
        writer.field("level", level)
        writer.field("level_name", levelName)
        if let maximumPoints { writer.field("maximum_points", maximumPoints) }
        writer.field("outcome", outcome.rawValue)
        if let points { writer.field("points", points) }
        if let revision { writer.field("revision", revision) }
        if let sources {
            writer.key("sources")
            writer.beginArray()
            for source in sources { writer.string(source) }
            writer.endArray()
        }
        writer.key("submission")
        submission.write(to: &writer)
        writer.field("summary", summary)
        writer.field("worker", worker)
        writer.endObject()
        return writer.bytes
    }
}

/// What subscribers that only count need of an evaluation, read without decoding the reasons.
public struct EvaluationOutline: Sendable, Equatable {
    public let submission: SubmissionFacts
    public let outcome: Evaluation.Outcome
    /// `id@version`, or `nil` when no set applies.
    public let criteriaSet: String?
    public let judgement: Judgement?
    public let points: Int?
    public let level: String?
    public let revision: Int64?

    /// Reads the outline from an `submission.evaluated` event body (stepping over the reasons).
    public init(body: [UInt8]) throws(WireError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(
                body,
                skippingMembers: [
                    "criteria", "summary", "sources", "level_name", "maximum_points", "evaluated_at", "worker",
                ])
        } catch { throw WireError(.badRequest, "evaluation body: \(error)") }
        guard let submission = json.object?["submission"],
            let outcome = json.object?["outcome"]?.string.flatMap(Evaluation.Outcome.init(rawValue:))
        else { throw WireError(.badRequest, "not an Evaluation object") }
        self.submission = try SubmissionFacts(json: submission)
        self.outcome = outcome
        let object = json.object ?? [:]
        criteriaSet = object["criteria_set"]?.string
        judgement = object["judgement"]?.string.flatMap(Judgement.init(rawValue:))
        points = object["points"]?.integer
        level = object["level"]?.string
        revision = object["revision"]?.integer.map(Int64.init)
    }
}

extension Evaluation {
    /// Reads an evaluation from an event body (faster than `JSONDecoder` for subscribers).
    public init(body: [UInt8]) throws(WireError) {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw WireError(.badRequest, "evaluation body: \(error)") }
        guard let object = json.object, let submission = object["submission"],
            let outcome = object["outcome"]?.string.flatMap(Outcome.init(rawValue:)),
            let items = object["criteria"]?.array, let summary = object["summary"]?.string,
            let evaluatedAt = object["evaluated_at"]?.string, let worker = object["worker"]?.string
        else { throw WireError(.badRequest, "not an Evaluation object") }
        var criteria: [CriterionOutcome] = []
        for item in items {
            guard let criterion = item.object?["criterion"]?.string, let met = item.object?["met"]?.bool,
                let reason = item.object?["reason"]?.string
            else { throw WireError(.badRequest, "not a CriterionOutcome object") }
            criteria.append(
                CriterionOutcome(
                    criterion: criterion, met: met, reason: reason, points: item.object?["points"]?.integer))
        }
        self.init(
            submission: try SubmissionFacts(json: submission), criteriaSet: object["criteria_set"]?.string,
            judgement: object["judgement"]?.string.flatMap(Judgement.init(rawValue:)), outcome: outcome,
            criteria: criteria, points: object["points"]?.integer, maximumPoints: object["maximum_points"]?.integer,
            level: object["level"]?.string, levelName: object["level_name"]?.string, summary: summary,
            evaluatedAt: evaluatedAt, worker: worker, revision: object["revision"]?.integer.map(Int64.init),
            sources: object["sources"]?.array?.compactMap(\.string)
        )
    }
}
