/// A `report` request: the consolidated counts of one period.
public struct ReportRequest: Codable, Sendable, Equatable {
    public let period: String
    public init(period: String) { self.period = period }
}

/// One line of the consolidated report: a unit kind in an area.
public struct ReportRow: Codable, Sendable, Equatable {
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    /// Submissions received (a submission and its corrections count once).
    public let received: Int
    /// Of those, evaluated in their latest version.
    public let evaluated: Int
    /// Units judged "an toàn" (recognition set met) for the year, or not: each unit once, by its
    /// current result. Only in a year's report (a half year's has results of 0).
    public let passed: Int
    public let failed: Int
    /// Evaluated, but no criteria set applies.
    public let notApplicable: Int
    /// Classification: how many units reached each level for the year (level code → count).
    public let levels: [String: Int]
    /// How many units meet a "điển hình" (model unit) set for the year.
    public let modelUnits: Int

    public init(
        unitKind: UnitKind, area: String, areaName: String, received: Int, evaluated: Int, passed: Int, failed: Int,
        notApplicable: Int, levels: [String: Int] = [:], modelUnits: Int = 0
    ) {
        self.unitKind = unitKind
        self.area = area
        self.areaName = areaName
        self.received = received
        self.evaluated = evaluated
        self.passed = passed
        self.failed = failed
        self.notApplicable = notApplicable
        self.levels = levels
        self.modelUnits = modelUnits
    }

    enum CodingKeys: String, CodingKey {
        case area, received, evaluated, passed, failed, levels
        case unitKind = "unit_kind"
        case areaName = "area_name"
        case notApplicable = "not_applicable"
        case modelUnits = "model_units"
    }
}

/// Completeness and timeliness of one obligation of the calendar, in an area, for a unit kind.
public struct ObligationRow: Codable, Sendable, Equatable {
    public let obligation: String
    /// Vietnamese name, e.g. "Báo cáo kết quả năm".
    public let name: String
    /// `YYYY-MM-DD`.
    public let due: String
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    /// Units that owed it (as the registry stood on the due day); each counts once.
    public let expected: Int
    public let onTime: Int
    public let late: Int
    public let missing: Int

    public init(
        obligation: String, name: String, due: String, unitKind: UnitKind, area: String, areaName: String,
        expected: Int, onTime: Int, late: Int, missing: Int
    ) {
        self.obligation = obligation
        self.name = name
        self.due = due
        self.unitKind = unitKind
        self.area = area
        self.areaName = areaName
        self.expected = expected
        self.onTime = onTime
        self.late = late
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey {
        case obligation, name, due, area, expected, late, missing
        case unitKind = "unit_kind"
        case areaName = "area_name"
        case onTime = "on_time"
    }
}

/// Progress against one target of the plan (seed 004 §II): how many units in its scope are
/// "điển hình" for the year, what the target asks, and whether it is met.
public struct TargetRow: Codable, Sendable, Equatable {
    public let target: String
    /// What the plan says, in Vietnamese.
    public let name: String
    public let year: Int
    /// Units the target is about (as the registry stood in the year).
    public let inScope: Int
    /// Of those, units whose "điển hình" result for the year is met.
    public let modelUnits: Int
    /// Units needed (from the share and the count), or, per block, blocks in scope and blocks that reach it.
    public let required: Int
    public let blocks: Int?
    public let blocksMet: Int?
    public let met: Bool

    public init(
        target: String, name: String, year: Int, inScope: Int, modelUnits: Int, required: Int, blocks: Int? = nil,
        blocksMet: Int? = nil, met: Bool
    ) {
        self.target = target
        self.name = name
        self.year = year
        self.inScope = inScope
        self.modelUnits = modelUnits
        self.required = required
        self.blocks = blocks
        self.blocksMet = blocksMet
        self.met = met
    }

    enum CodingKeys: String, CodingKey {
        case target, name, year, required, blocks, met
        case inScope = "in_scope"
        case modelUnits = "model_units"
        case blocksMet = "blocks_met"
    }
}

/// The indicators of the period's reports (six-monthly for a half year, yearly for a year), summed
/// for a unit kind in an area: each unit's latest report counts once.
public struct IndicatorRow: Codable, Sendable, Equatable {
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    /// Units whose report is summed.
    public let reports: Int
    /// Field (see ``SubmissionSchema/fields(of:)``) → sum.
    public let values: [String: Int]

    public init(unitKind: UnitKind, area: String, areaName: String, reports: Int, values: [String: Int]) {
        self.unitKind = unitKind
        self.area = area
        self.areaName = areaName
        self.reports = reports
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case area, reports, values
        case unitKind = "unit_kind"
        case areaName = "area_name"
    }
}

/// Results of an area this year beside the year before: units "an toàn" (of those judged by a
/// recognition set) and "điển hình", each unit once by its current result.
public struct ComparisonRow: Codable, Sendable, Equatable {
    public let area: String
    public let areaName: String
    public let passed: Int
    /// Units a recognition set judged (passed or failed), for the share.
    public let judged: Int
    public let modelUnits: Int
    public let previousPassed: Int
    public let previousJudged: Int
    public let previousModelUnits: Int

    public init(
        area: String, areaName: String, passed: Int, judged: Int, modelUnits: Int, previousPassed: Int,
        previousJudged: Int, previousModelUnits: Int
    ) {
        self.area = area
        self.areaName = areaName
        self.passed = passed
        self.judged = judged
        self.modelUnits = modelUnits
        self.previousPassed = previousPassed
        self.previousJudged = previousJudged
        self.previousModelUnits = previousModelUnits
    }

    enum CodingKeys: String, CodingKey {
        case area, passed, judged
        case areaName = "area_name"
        case modelUnits = "model_units"
        case previousPassed = "previous_passed"
        case previousJudged = "previous_judged"
        case previousModelUnits = "previous_model_units"
    }
}

/// The `report.reply` body.
public struct Report: Codable, Sendable, Equatable {
    public let period: String
    public let rows: [ReportRow]
    /// For a year's report with a calendar: who reported each obligation on time, late, or not at all.
    public let obligations: [ObligationRow]?
    /// For a year's report with targets: progress against each target of that year.
    public let targets: [TargetRow]?
    /// The indicators of the period's six-monthly (half year) or yearly (year) reports, by area.
    public let indicators: [IndicatorRow]?
    /// For a year's report: results by area beside the year before.
    public let comparison: [ComparisonRow]?
    /// Last sequence applied per producer when the report was read.
    public let positions: [String: UInt64]

    public init(
        period: String, rows: [ReportRow], obligations: [ObligationRow]? = nil, targets: [TargetRow]? = nil,
        indicators: [IndicatorRow]? = nil, comparison: [ComparisonRow]? = nil, positions: [String: UInt64]
    ) {
        self.period = period
        self.rows = rows
        self.obligations = obligations
        self.targets = targets
        self.indicators = indicators
        self.comparison = comparison
        self.positions = positions
    }
}

/// A `results` request: the current result of every criteria set that judged `unit` in `period`.
public struct UnitResultsRequest: Codable, Sendable, Equatable {
    public let unit: String
    public let period: String
    public init(unit: String, period: String) {
        self.unit = unit
        self.period = period
    }
}

/// The `results.reply` body: one evaluation per criteria set and submission, the latest version of each.
public struct UnitResults: Codable, Sendable, Equatable {
    public let unit: String
    public let period: String
    public let evaluations: [Evaluation]
    public init(unit: String, period: String, evaluations: [Evaluation]) {
        self.unit = unit
        self.period = period
        self.evaluations = evaluations
    }
}

/// An `inbox` request: a unit's notices.
public struct InboxRequest: Codable, Sendable, Equatable {
    public let unit: String
    public init(unit: String) { self.unit = unit }
}

/// A notice in a unit's inbox.
public struct Notice: Codable, Sendable, Equatable {
    /// Deterministic: the same fact never makes two notices.
    public let key: String
    public let unit: String
    public let title: String
    public let body: String
    public let createdAt: String
    /// When the unit acknowledged it (`antq inbox ack`), if it has.
    public let acknowledgedAt: String?

    public init(
        key: String, unit: String, title: String, body: String, createdAt: String, acknowledgedAt: String? = nil
    ) {
        self.key = key
        self.unit = unit
        self.title = title
        self.body = body
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
    }

    enum CodingKeys: String, CodingKey {
        case key, unit, title, body
        case createdAt = "created_at"
        case acknowledgedAt = "acknowledged_at"
    }
}

/// An `inbox.ack` request: `unit` has read the notice `key`.
public struct InboxAckRequest: Codable, Sendable, Equatable {
    public let unit: String
    public let key: String
    public init(unit: String, key: String) {
        self.unit = unit
        self.key = key
    }
}

/// The `schedule.reply` body: the calendar in force and the last day the scheduler processed.
public struct ScheduleStatus: Codable, Sendable, Equatable {
    public let calendar: String?
    public let processedThrough: String?
    /// Obligations recorded as met, all years.
    public let obligationsMet: Int
    public init(calendar: String?, processedThrough: String?, obligationsMet: Int) {
        self.calendar = calendar
        self.processedThrough = processedThrough
        self.obligationsMet = obligationsMet
    }

    enum CodingKeys: String, CodingKey {
        case calendar
        case processedThrough = "processed_through"
        case obligationsMet = "obligations_met"
    }
}

/// The `inbox.reply` body.
public struct Inbox: Codable, Sendable, Equatable {
    public let unit: String
    public let notices: [Notice]
    public init(unit: String, notices: [Notice]) {
        self.unit = unit
        self.notices = notices
    }
}

/// A `reevaluate` request to intake: judge again, under `criteriaSet`, the latest version of every
/// stored submission of these unit kinds and submission kinds in these years (or this one period).
/// The results are new; the earlier ones are kept.
public struct ReevaluationRequest: Codable, Sendable, Equatable {
    /// `id@version` of the set.
    public let criteriaSet: String
    public let unitKinds: [UnitKind]
    public let submissionKinds: [SubmissionKind]
    public let fromYear: Int
    public let toYear: Int?
    /// Only this period, e.g. `2025`.
    public let period: String?

    public init(
        criteriaSet: String, unitKinds: [UnitKind], submissionKinds: [SubmissionKind], fromYear: Int,
        toYear: Int?, period: String?
    ) {
        self.criteriaSet = criteriaSet
        self.unitKinds = unitKinds
        self.submissionKinds = submissionKinds
        self.fromYear = fromYear
        self.toYear = toYear
        self.period = period
    }

    enum CodingKeys: String, CodingKey {
        case period
        case criteriaSet = "criteria_set"
        case unitKinds = "unit_kinds"
        case submissionKinds = "submission_kinds"
        case fromYear = "from_year"
        case toYear = "to_year"
    }

    /// What is wrong with the request, if anything.
    public func validate() throws(WireError) {
        let parts = criteriaSet.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, criteriaSet.utf8.count <= 200 else {
            throw WireError(.badRequest, "criteria_set must be id@version, e.g. TT124-KDC@2")
        }
        guard !unitKinds.isEmpty, !submissionKinds.isEmpty else {
            throw WireError(.badRequest, "unit_kinds and submission_kinds must name at least one kind each")
        }
        if let period, Period(period) == nil {
            throw WireError(.badRequest, "period \(period) is not YYYY or YYYY-H1/H2")
        }
    }
}

/// The `reevaluate.reply` body: how many submission versions were queued.
public struct ReevaluationReceipt: Codable, Sendable, Equatable {
    public let criteriaSet: String
    public let queued: Int
    public init(criteriaSet: String, queued: Int) {
        self.criteriaSet = criteriaSet
        self.queued = queued
    }

    enum CodingKeys: String, CodingKey {
        case queued
        case criteriaSet = "criteria_set"
    }
}

/// A `deliveries` request: list a channel's deliveries in a state, and with `retry`, put the dead
/// letters listed back in the queue first.
public struct DeliveriesRequest: Codable, Sendable, Equatable {
    /// One channel, or every channel when absent.
    public let channel: String?
    /// `pending`, `delivered` or `dead` (the default).
    public let state: String?
    /// Put these dead letters (or, with no `keys`, every dead letter of the selection) back in the queue.
    public let retry: Bool?
    public let keys: [String]?

    public init(channel: String? = nil, state: String? = nil, retry: Bool? = nil, keys: [String]? = nil) {
        self.channel = channel
        self.state = state
        self.retry = retry
        self.keys = keys
    }
}

/// One notice's delivery to one channel.
public struct Delivery: Codable, Sendable, Equatable {
    public let noticeKey: String
    public let channel: String
    public let state: String
    public let attempts: Int
    public let lastError: String?
    public let deliveredAt: String?

    public init(
        noticeKey: String, channel: String, state: String, attempts: Int, lastError: String?, deliveredAt: String?
    ) {
        self.noticeKey = noticeKey
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }

    enum CodingKeys: String, CodingKey {
        case channel, state, attempts
        case noticeKey = "notice_key"
        case lastError = "last_error"
        case deliveredAt = "delivered_at"
    }
}

/// The `deliveries.reply` body: how many dead letters were put back, and the deliveries listed.
public struct DeliveriesList: Codable, Sendable, Equatable {
    public let retried: Int
    public let deliveries: [Delivery]
    public init(retried: Int, deliveries: [Delivery]) {
        self.retried = retried
        self.deliveries = deliveries
    }
}
