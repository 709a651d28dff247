import EventLog
import Foundation
import GRDB
import Logging
import Models
import Obligations
import SQLStore

/// Reporting's consolidated picture: one row per submission (all its versions together), and each
/// unit's standing per year and criteria set (its current result); kept up to date from
/// `submission.received` and `submission.evaluated` events of any producer, in any order.
struct ReportStore: EventApplier {
    /// The obligations calendar, to count who reported on time, late or not at all.
    let calendar: ObligationCalendar?
    /// The calendar's obligations by the kind of submission that meets them (looked up per event).
    private let obligationsByKind: [SubmissionKind: [Obligation]]
    /// Each unit's best result of the transaction being applied, written at its end.
    private let kept = KeptResults()

    init(calendar: ObligationCalendar? = nil) {
        self.calendar = calendar
        obligationsByKind = Dictionary(grouping: calendar?.obligations ?? [], by: \.kind)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("reporting.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_submission (
                        root TEXT PRIMARY KEY,
                        unit TEXT NOT NULL,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        period TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        outcome TEXT,
                        evaluated_version INTEGER
                    );
                    CREATE INDEX report_submission_period ON report_submission (period, unit_kind, area);
                    """)
        }
        migrator.registerMigration("reporting.v2") { db in
            // A unit's standing per year and criteria set: the newest set version, and of those the
            // result that saw the latest submissions (highest revision). The workers keep every result.
            try db.execute(
                sql: """
                    CREATE TABLE report_result (
                        unit TEXT NOT NULL,
                        year INTEGER NOT NULL,
                        set_id TEXT NOT NULL,
                        criteria_set TEXT NOT NULL,
                        set_order TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        judgement TEXT NOT NULL,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        root TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        outcome TEXT NOT NULL,
                        level TEXT,
                        points INTEGER,
                        result BLOB NOT NULL,
                        PRIMARY KEY (unit, year, set_id)
                    );
                    CREATE INDEX report_result_year ON report_result (year, unit_kind, area);
                    """)
        }
        migrator.registerMigration("reporting.v3-obligations") { db in
            // When each unit first met each obligation: the day (in Vietnam) intake accepted it.
            try db.execute(
                sql: """
                    CREATE TABLE report_obligation (
                        unit TEXT NOT NULL,
                        obligation TEXT NOT NULL,
                        year INTEGER NOT NULL,
                        met_on TEXT NOT NULL,
                        PRIMARY KEY (unit, obligation, year)
                    );
                    """)
        }
        migrator.registerMigration("reporting.v4-indicators") { db in
            // The indicators of each unit's latest six-monthly or yearly report of a period (by the
            // time intake accepted it): one report per unit, kind and period counts.
            try db.execute(
                sql: """
                    CREATE TABLE report_indicator_source (
                        unit TEXT NOT NULL,
                        period TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        accepted_at TEXT NOT NULL,
                        key TEXT NOT NULL,
                        PRIMARY KEY (unit, period, kind)
                    );
                    CREATE INDEX report_indicator_source_period ON report_indicator_source (period, kind);
                    CREATE TABLE report_indicator (
                        unit TEXT NOT NULL,
                        period TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value INTEGER NOT NULL,
                        PRIMARY KEY (unit, period, kind, field)
                    );
                    """)
        }
        migrator.registerMigration("reporting.v5-counts") { db in
            // The report's submission counts per period, unit kind and area, kept as events apply
            // (by triggers since reporting.v7), so a report reads a few hundred rows, not every submission.
            try db.execute(
                sql: """
                    CREATE TABLE report_count (
                        period TEXT NOT NULL,
                        unit_kind TEXT NOT NULL,
                        area TEXT NOT NULL,
                        received INTEGER NOT NULL,
                        evaluated INTEGER NOT NULL,
                        not_applicable INTEGER NOT NULL,
                        PRIMARY KEY (period, unit_kind, area)
                    ) WITHOUT ROWID;
                    INSERT INTO report_count
                        SELECT period, unit_kind, area, COUNT(*),
                               TOTAL(evaluated_version = version),
                               TOTAL(evaluated_version = version AND outcome = 'not_applicable')
                        FROM report_submission GROUP BY period, unit_kind, area;
                    CREATE INDEX report_submission_unit ON report_submission (unit, period);
                    """)
        }
        migrator.registerMigration("reporting.v6-catch-up") { db in
            // For catch-up speed: a report's counts as one JSON object beside its source, not a row per
            // count (one write per report instead of a dozen; the sums read one row per unit), and no
            // index that only the old GROUP BY report used.
            try db.execute(
                sql: """
                    ALTER TABLE report_indicator_source ADD COLUMN indicator_values TEXT NOT NULL DEFAULT '{}';
                    UPDATE report_indicator_source SET indicator_values = (
                        SELECT json_group_object(i.field, i.value) FROM report_indicator i
                        WHERE i.unit = report_indicator_source.unit AND i.period = report_indicator_source.period
                          AND i.kind = report_indicator_source.kind)
                    WHERE EXISTS (
                        SELECT 1 FROM report_indicator i
                        WHERE i.unit = report_indicator_source.unit AND i.period = report_indicator_source.period
                          AND i.kind = report_indicator_source.kind);
                    DROP TABLE report_indicator;
                    -- Reports read report_count now: this index only slowed every insert.
                    DROP INDEX report_submission_period;
                    """)
        }
        migrator.registerMigration("reporting.v7-count-triggers") { db in
            // report_count kept by SQLite itself: a trigger on every change of a submission row moves
            // its counts (old row out, new row in), so applying an event reads nothing back.
            let share = { (row: String) in
                """
                \(row).period, \(row).unit_kind, \(row).area, SIGN, SIGN * (\(row).evaluated_version IS \(row).version),
                SIGN * (\(row).evaluated_version IS \(row).version AND \(row).outcome IS 'not_applicable')
                """
            }
            let add = { (values: String) in
                """
                INSERT INTO report_count (period, unit_kind, area, received, evaluated, not_applicable)
                VALUES (\(values))
                ON CONFLICT (period, unit_kind, area) DO UPDATE SET
                    received = received + excluded.received, evaluated = evaluated + excluded.evaluated,
                    not_applicable = not_applicable + excluded.not_applicable;
                """
            }
            try db.execute(
                sql: """
                    CREATE TRIGGER report_count_insert AFTER INSERT ON report_submission BEGIN
                        \(add(share("NEW").replacingOccurrences(of: "SIGN", with: "1")))
                    END;
                    CREATE TRIGGER report_count_update AFTER UPDATE ON report_submission BEGIN
                        \(add(share("OLD").replacingOccurrences(of: "SIGN", with: "-1")))
                        \(add(share("NEW").replacingOccurrences(of: "SIGN", with: "1")))
                    END;
                    CREATE TRIGGER report_count_delete AFTER DELETE ON report_submission BEGIN
                        \(add(share("OLD").replacingOccurrences(of: "SIGN", with: "-1")))
                    END;
                    """)
        }
        EventSubscriber.registerMigrations(in: &migrator)
        return migrator
    }

    /// The same schema on PostgreSQL, as it stands after the SQLite migrations above (a central
    /// store starts at this layout): text keys compare byte by byte, like SQLite's; `report_count`
    /// is kept by a PL/pgSQL trigger doing what reporting.v7's triggers do.
    static let postgresMigrations =
        EventSubscriber.postgresMigrations + [
            SQLMigration(
                "reporting.postgres.v1",
                [
                    """
                    CREATE TABLE report_submission (
                        root TEXT COLLATE "C" PRIMARY KEY,
                        unit TEXT COLLATE "C" NOT NULL,
                        unit_kind TEXT COLLATE "C" NOT NULL,
                        area TEXT COLLATE "C" NOT NULL,
                        kind TEXT COLLATE "C" NOT NULL,
                        period TEXT COLLATE "C" NOT NULL,
                        version BIGINT NOT NULL,
                        outcome TEXT COLLATE "C",
                        evaluated_version BIGINT
                    )
                    """,
                    "CREATE INDEX report_submission_unit ON report_submission (unit, period)",
                    """
                    CREATE TABLE report_result (
                        unit TEXT COLLATE "C" NOT NULL,
                        year BIGINT NOT NULL,
                        set_id TEXT COLLATE "C" NOT NULL,
                        criteria_set TEXT COLLATE "C" NOT NULL,
                        set_order TEXT COLLATE "C" NOT NULL,
                        revision BIGINT NOT NULL,
                        judgement TEXT COLLATE "C" NOT NULL,
                        unit_kind TEXT COLLATE "C" NOT NULL,
                        area TEXT COLLATE "C" NOT NULL,
                        root TEXT COLLATE "C" NOT NULL,
                        version BIGINT NOT NULL,
                        outcome TEXT COLLATE "C" NOT NULL,
                        level TEXT COLLATE "C",
                        points BIGINT,
                        result BYTEA NOT NULL,
                        PRIMARY KEY (unit, year, set_id)
                    )
                    """,
                    "CREATE INDEX report_result_year ON report_result (year, unit_kind, area)",
                    """
                    CREATE TABLE report_obligation (
                        unit TEXT COLLATE "C" NOT NULL,
                        obligation TEXT COLLATE "C" NOT NULL,
                        year BIGINT NOT NULL,
                        met_on TEXT COLLATE "C" NOT NULL,
                        PRIMARY KEY (unit, obligation, year)
                    )
                    """,
                    """
                    CREATE TABLE report_indicator_source (
                        unit TEXT COLLATE "C" NOT NULL,
                        period TEXT COLLATE "C" NOT NULL,
                        kind TEXT COLLATE "C" NOT NULL,
                        unit_kind TEXT COLLATE "C" NOT NULL,
                        area TEXT COLLATE "C" NOT NULL,
                        accepted_at TEXT COLLATE "C" NOT NULL,
                        key TEXT COLLATE "C" NOT NULL,
                        indicator_values TEXT NOT NULL DEFAULT '{}',
                        PRIMARY KEY (unit, period, kind)
                    )
                    """,
                    "CREATE INDEX report_indicator_source_period ON report_indicator_source (period, kind)",
                    """
                    CREATE TABLE report_count (
                        period TEXT COLLATE "C" NOT NULL,
                        unit_kind TEXT COLLATE "C" NOT NULL,
                        area TEXT COLLATE "C" NOT NULL,
                        received BIGINT NOT NULL,
                        evaluated BIGINT NOT NULL,
                        not_applicable BIGINT NOT NULL,
                        PRIMARY KEY (period, unit_kind, area)
                    )
                    """,
                    """
                    CREATE FUNCTION report_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP IN ('UPDATE', 'DELETE') THEN
                            INSERT INTO report_count AS c (period, unit_kind, area, received, evaluated, not_applicable)
                            VALUES (OLD.period, OLD.unit_kind, OLD.area, -1,
                                    -(CASE WHEN OLD.evaluated_version IS NOT DISTINCT FROM OLD.version THEN 1 ELSE 0 END),
                                    -(CASE WHEN OLD.evaluated_version IS NOT DISTINCT FROM OLD.version
                                            AND OLD.outcome IS NOT DISTINCT FROM 'not_applicable' THEN 1 ELSE 0 END))
                            ON CONFLICT (period, unit_kind, area) DO UPDATE SET
                                received = c.received + excluded.received, evaluated = c.evaluated + excluded.evaluated,
                                not_applicable = c.not_applicable + excluded.not_applicable;
                        END IF;
                        IF TG_OP IN ('INSERT', 'UPDATE') THEN
                            INSERT INTO report_count AS c (period, unit_kind, area, received, evaluated, not_applicable)
                            VALUES (NEW.period, NEW.unit_kind, NEW.area, 1,
                                    CASE WHEN NEW.evaluated_version IS NOT DISTINCT FROM NEW.version THEN 1 ELSE 0 END,
                                    CASE WHEN NEW.evaluated_version IS NOT DISTINCT FROM NEW.version
                                          AND NEW.outcome IS NOT DISTINCT FROM 'not_applicable' THEN 1 ELSE 0 END)
                            ON CONFLICT (period, unit_kind, area) DO UPDATE SET
                                received = c.received + excluded.received, evaluated = c.evaluated + excluded.evaluated,
                                not_applicable = c.not_applicable + excluded.not_applicable;
                        END IF;
                        RETURN NULL;
                    END
                    $$
                    """,
                    """
                    CREATE TRIGGER report_count_follow AFTER INSERT OR UPDATE OR DELETE ON report_submission
                    FOR EACH ROW EXECUTE FUNCTION report_count_follow()
                    """,
                ])
        ]

    /// Applies one event on its own, as a batch of one inside the caller's transaction (for tests and
    /// tools: never while a subscriber's batch is open, whose kept results it would drop).
    func apply(_ event: Event, in db: any SQLExecutor) throws {
        startBatch()
        try apply(event, prepared: try prepare(event), in: db)
        try finishBatch(in: db)
    }

    /// What applying a `submission.received` writes, worked out off the subscriber's thread.
    struct ReceivedSubmission: Sendable {
        let facts: SubmissionFacts
        /// The year of its period, and the obligations it meets then, on the day (in Vietnam) it was accepted.
        let year: Int?
        let obligationsMet: [String]
        let metOn: String?
        /// Its indicators as the JSON object stored, `nil` when it carries none.
        let indicatorValues: String?
    }

    /// The facts of a `submission.received`, the outline of a `submission.evaluated` (decoded on the
    /// subscriber's other threads); nothing for other events.
    func prepare(_ event: Event) throws -> (any Sendable)? {
        switch event.type {
        case .submissionReceived:
            let facts: SubmissionFacts
            do { facts = try SubmissionFacts(json: try JSONParser.parse(event.body)) } catch {
                throw WireError(.badRequest, "submission.received \(event.sequence) of \(event.producer): \(error)")
            }
            return received(facts)
        case .submissionEvaluated:
            let evaluation = try EvaluationOutline(body: event.body)
            return PreparedEvaluation(outline: evaluation, result: result(of: evaluation, body: event.body))
        default:
            return nil
        }
    }

    func apply(_ event: Event, prepared: (any Sendable)?, in db: any SQLExecutor) throws {
        switch prepared {
        case let received as ReceivedSubmission:
            try receive(received.facts, db)
            try recordObligations(received, db)
            try recordIndicators(received, db)
        case let evaluation as PreparedEvaluation:
            try applyEvaluation(evaluation, db)
        default:
            break
        }
    }

    /// A `submission.evaluated` as applying it needs it, worked out off the subscriber's thread.
    struct PreparedEvaluation: Sendable {
        let outline: EvaluationOutline
        /// The unit's `report_result` row when a criteria set judged it, and the key it replaces.
        let result: (key: KeptResults.Key, candidate: KeptResults.Candidate)?
    }

    /// The `report_result` row of a judged evaluation (the whole body is kept for the drill-down).
    private func result(
        of evaluation: EvaluationOutline, body: [UInt8]
    ) -> (key: KeptResults.Key, candidate: KeptResults.Candidate)? {
        let facts = evaluation.submission
        guard let reference = evaluation.criteriaSet, let judgement = evaluation.judgement,
            let year = Period(facts.period)?.year
        else { return nil }
        let (setID, setVersion) = Self.split(reference)
        let setOrder = Self.sortable(setVersion)
        let revision = evaluation.revision ?? 0
        let row: [any SQLValueConvertible] = [
            facts.unit, year, setID, reference, setOrder, revision, judgement.rawValue, facts.unitKind.rawValue,
            facts.area, facts.root, facts.version, evaluation.outcome.rawValue, evaluation.level, evaluation.points,
            body,
        ]
        return (
            KeptResults.Key(unit: facts.unit, year: year, setID: setID),
            KeptResults.Candidate(setOrder: setOrder, revision: revision, row: row.map(\.sqlValue))
        )
    }

    /// A result: the submission version is evaluated (unless a later version is known); under a set,
    /// the unit's standing may change (written at the end of the transaction: ``finishBatch(in:)``).
    private func applyEvaluation(_ evaluation: PreparedEvaluation, _ db: any SQLExecutor) throws {
        let facts = evaluation.outline.submission
        let judged = evaluation.outline.criteriaSet != nil && evaluation.outline.judgement != nil
        // Evaluated in its latest version, "not applicable" or judged by a set (NULL): one statement,
        // which changes nothing when a later version is already known (report_count follows by trigger).
        try db.execute(
            """
            INSERT INTO report_submission
                (root, unit, unit_kind, area, kind, period, version, evaluated_version, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (root) DO UPDATE SET
                version = excluded.version, evaluated_version = excluded.version, outcome = excluded.outcome
            WHERE excluded.version >= report_submission.version
            """,
            [
                facts.root, facts.unit, facts.unitKind.rawValue, facts.area, facts.kind.rawValue, facts.period,
                facts.version, facts.version, judged ? nil : evaluation.outline.outcome.rawValue,
            ])
        if let (key, candidate) = evaluation.result { kept.offer(candidate, for: key) }
    }

    /// Forgets what a failed attempt at the transaction kept back.
    func startBatch() { _ = kept.take() }

    /// Writes each unit's best result of the batch: a late result of an older set version, or one
    /// that saw fewer submissions, does not replace a newer one; the first of equals stands.
    func finishBatch(in db: any SQLExecutor) throws {
        for candidate in kept.take() {
            try db.execute(
                """
                INSERT INTO report_result
                    (unit, year, set_id, criteria_set, set_order, revision, judgement, unit_kind, area, root,
                     version, outcome, level, points, result)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (unit, year, set_id) DO UPDATE SET
                    criteria_set = excluded.criteria_set, set_order = excluded.set_order,
                    revision = excluded.revision, root = excluded.root, version = excluded.version,
                    outcome = excluded.outcome, level = excluded.level, points = excluded.points,
                    result = excluded.result
                WHERE excluded.set_order > report_result.set_order
                   OR (excluded.set_order = report_result.set_order AND excluded.revision > report_result.revision)
                """,
                candidate.row)
        }
    }

    /// Records a received version (a later one than known replaces it; report_count follows by trigger).
    private func receive(_ facts: SubmissionFacts, _ db: any SQLExecutor) throws {
        try db.execute(
            """
            INSERT INTO report_submission (root, unit, unit_kind, area, kind, period, version)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (root) DO UPDATE SET version = excluded.version
            WHERE excluded.version > report_submission.version
            """,
            [
                facts.root, facts.unit, facts.unitKind.rawValue, facts.area, facts.kind.rawValue, facts.period,
                facts.version,
            ])
    }

    /// `facts` with the obligations it meets, the day it met them, and its indicators as stored.
    private func received(_ facts: SubmissionFacts) -> ReceivedSubmission {
        let period = Period(facts.period)
        var obligations: [String] = []
        if let period, let candidates = obligationsByKind[facts.kind] {
            obligations = candidates.filter { $0.isMet(by: facts, period: period) }.map(\.id)
        }
        let values = facts.indicators.map { indicators in
            var values = JSONWriter()
            values.beginObject()
            for (field, value) in indicators.sorted(by: { $0.key < $1.key }) { values.field(field, value) }
            values.endObject()
            return String(decoding: values.bytes, as: UTF8.self)
        }
        return ReceivedSubmission(
            facts: facts, year: period?.year, obligationsMet: obligations,
            metOn: obligations.isEmpty ? nil : Day.inVietnam(utcTimestamp: facts.acceptedAt).map { "\($0)" },
            indicatorValues: values)
    }

    /// Records the obligations a submission meets, on the day intake accepted it (the first one stands).
    private func recordObligations(_ received: ReceivedSubmission, _ db: any SQLExecutor) throws {
        guard let year = received.year, let metOn = received.metOn else { return }
        for obligation in received.obligationsMet {
            try db.execute(
                "INSERT INTO report_obligation (unit, obligation, year, met_on) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [received.facts.unit, obligation, year, metOn])
        }
    }

    /// Keeps a report's indicators when it is the unit's latest report of its kind and period (by the
    /// time intake accepted it, then its key): one statement, whatever order reports arrive in.
    private func recordIndicators(_ received: ReceivedSubmission, _ db: any SQLExecutor) throws {
        guard let values = received.indicatorValues else { return }
        let facts = received.facts
        try db.execute(
            """
            INSERT INTO report_indicator_source
                (unit, period, kind, unit_kind, area, accepted_at, key, indicator_values)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (unit, period, kind) DO UPDATE SET
                unit_kind = excluded.unit_kind, area = excluded.area, accepted_at = excluded.accepted_at,
                key = excluded.key, indicator_values = excluded.indicator_values
            WHERE (excluded.accepted_at, excluded.key)
                > (report_indicator_source.accepted_at, report_indicator_source.key)
            """,
            [
                facts.unit, facts.period, facts.kind.rawValue, facts.unitKind.rawValue, facts.area,
                facts.acceptedAt, facts.key, values,
            ])
    }

    /// The indicators of `period`'s reports (six-monthly for a half year, yearly for a year), summed
    /// by area and unit kind.
    static func indicators(period: Period, registry: UnitRegistry?, _ db: any SQLExecutor) throws -> [IndicatorRow] {
        let kind: SubmissionKind = period.half == nil ? .yearlyReport : .sixMonthlyReport
        var rows: [String: (reports: Int, values: [String: Int])] = [:]
        for row in try db.fetchAll(
            "SELECT area, unit_kind, indicator_values FROM report_indicator_source WHERE period = ? AND kind = ?",
            ["\(period)", kind.rawValue])
        {
            guard let area = row.string(0), let unitKind = row.string(1) else { continue }
            let key = "\(area)|\(unitKind)"
            var entry = rows[key] ?? (0, [:])
            entry.reports += 1
            // Written by recordIndicators; a value that does not read as counts adds nothing.
            let object = row.string(2).flatMap { try? JSONParser.parse(Array($0.utf8)).object } ?? [:]
            for (field, value) in object {
                if let count = value.integer {
                    let (sum, overflow) = entry.values[field, default: 0].addingReportingOverflow(count)
                    entry.values[field] = overflow ? .max : sum
                }
            }
            rows[key] = entry
        }
        return rows.sorted(by: { $0.key < $1.key }).compactMap { key, entry in
            let parts = key.split(separator: "|").map(String.init)
            guard parts.count == 2, let unitKind = UnitKind(rawValue: parts[1]) else { return nil }
            return IndicatorRow(
                unitKind: unitKind, area: parts[0], areaName: registry?[parts[0]]?.name ?? parts[0],
                reports: entry.reports, values: entry.values)
        }
    }

    /// For each obligation of `year`, by area and unit kind: units that owed it, on time, late, missing.
    static func obligations(
        year: Int, calendar: ObligationCalendar, registry: UnitRegistry, _ db: any SQLExecutor
    ) throws -> [ObligationRow] {
        obligations(
            try obligationStatuses(year: year, calendar: calendar, registry: registry, db), registry: registry)
    }

    /// `statuses` counted per obligation (in the calendar's order), area and unit kind.
    static func obligations(_ statuses: [UnitObligationStatus], registry: UnitRegistry) -> [ObligationRow] {
        var rows: [ObligationRow] = []
        var index: [String: Int] = [:]
        var counts: [(expected: Int, onTime: Int, late: Int)] = []
        var keys: [(obligation: String, name: String, due: String, kind: UnitKind, area: String)] = []
        for status in statuses {
            let key = "\(status.obligation)|\(status.area)|\(status.unitKind.rawValue)"
            let position: Int
            if let known = index[key] {
                position = known
            } else {
                position = counts.count
                index[key] = position
                counts.append((0, 0, 0))
                keys.append((status.obligation, status.name, status.due, status.unitKind, status.area))
            }
            counts[position].expected += 1
            switch status.status {
            case .onTime: counts[position].onTime += 1
            case .late: counts[position].late += 1
            case .missing: break
            }
        }
        // The calendar's order of obligations, then area and unit kind.
        var rank: [String: Int] = [:]
        for key in keys where rank[key.obligation] == nil { rank[key.obligation] = rank.count }
        let order = keys.indices.sorted { left, right in
            (rank[keys[left].obligation] ?? 0, keys[left].area, keys[left].kind.rawValue)
                < (rank[keys[right].obligation] ?? 0, keys[right].area, keys[right].kind.rawValue)
        }
        for position in order {
            let key = keys[position]
            let count = counts[position]
            rows.append(
                ObligationRow(
                    obligation: key.obligation, name: key.name, due: key.due, unitKind: key.kind, area: key.area,
                    areaName: registry[key.area]?.name ?? key.area, expected: count.expected, onTime: count.onTime,
                    late: count.late, missing: count.expected - count.onTime - count.late))
        }
        return rows
    }

    /// Every unit that owed an obligation of `year` (as the registry stood on its due day): whether it
    /// met it on time, late, or not at all, in the calendar's order.
    static func obligationStatuses(
        year: Int, calendar: ObligationCalendar, registry: UnitRegistry, _ db: any SQLExecutor
    ) throws -> [UnitObligationStatus] {
        guard calendar.covers(year) else { return [] }
        var met: [String: String] = [:]
        for row in try db.fetchAll("SELECT unit, obligation, met_on FROM report_obligation WHERE year = ?", [year]) {
            guard let unit = row.string(0), let obligation = row.string(1) else { continue }
            met["\(unit)|\(obligation)"] = row.string(2)
        }
        let schedule = ObligationSchedule(calendar: calendar, registry: registry)
        var statuses: [UnitObligationStatus] = []
        for obligation in calendar.obligations {
            guard let due = obligation.dueDay(in: year) else { continue }
            for unit in schedule.owing(obligation, due: due) {
                let area = registry.area(of: unit.id, during: due...due) ?? unit.id
                let metOn = met["\(unit.id)|\(obligation.id)"]
                let status: UnitObligationStatus.Status =
                    switch metOn.flatMap(Day.init) {
                    case .some(let day) where day <= due: .onTime
                    case .some: .late
                    case .none: .missing
                    }
                statuses.append(
                    UnitObligationStatus(
                        obligation: obligation.id, name: obligation.name, due: "\(due)", unit: unit.id,
                        unitName: unit.name, unitKind: unit.kind, area: area, areaName: registry[area]?.name ?? area,
                        status: status, metOn: metOn))
            }
        }
        return statuses
    }

    /// `TT124-KDC@2.1` as (`TT124-KDC`, `2.1`).
    static func split(_ reference: String) -> (id: String, version: String) {
        guard let at = reference.lastIndex(of: "@") else { return (reference, "") }
        return (String(reference[..<at]), String(reference[reference.index(after: at)...]))
    }

    /// A set version that sorts as text the way versions compare as numbers ("10" after "9").
    static func sortable(_ version: String) -> String {
        version.split(separator: ".").map { part in
            let digits = String(part.prefix(9))
            return String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        }.joined(separator: ".")
    }

    /// The current result of every set that judged `unit` in the year of `period`, as stored event bodies.
    static func results(unit: String, period: String, _ db: any SQLExecutor) throws -> [[UInt8]] {
        guard let year = Period(period)?.year else { return [] }
        return try db.fetchAll(
            """
            SELECT result FROM report_result WHERE unit = ? AND year = ?
            ORDER BY CASE judgement WHEN 'recognition' THEN 0 WHEN 'classification' THEN 1 ELSE 2 END, set_id
            """, [unit, year]
        ).compactMap { $0.bytes(0) }
    }

    /// The current results of `unit` in the year of `period`, decoded; a stored result that no longer
    /// decodes (written by a worker of another version) is left out and logged, not a failed query.
    static func evaluations(
        unit: String, period: String, logger: Logger, _ db: any SQLExecutor
    ) throws -> [Evaluation] {
        try results(unit: unit, period: period, db).compactMap { body in
            do { return try Evaluation(body: body) } catch {
                logger.warning(
                    "stored result unreadable; left out", metadata: ["unit": "\(unit)", "error": "\(error)"])
                return nil
            }
        }
    }

    /// The counts of one period by unit kind and area.
    static func report(
        period: String, registry: UnitRegistry?, calendar: ObligationCalendar? = nil, targets: TargetsFile? = nil,
        positions: [String: UInt64], statuses: [UnitObligationStatus]? = nil, _ db: any SQLExecutor
    ) throws -> Report {
        let rows = try db.fetchAll(
            """
            SELECT unit_kind, area, received, evaluated, not_applicable FROM report_count
            WHERE period = ? AND received > 0 ORDER BY area, unit_kind
            """, [period])
        // Results are a unit's standing for a year: counted in the year's report, once per unit.
        var standing: [String: (passed: Int, failed: Int, modelUnits: Int, levels: [String: Int])] = [:]
        if let parsed = Period(period), parsed.half == nil {
            for row in try db.fetchAll(
                """
                SELECT unit_kind, area, judgement, outcome, level, COUNT(*) AS units FROM report_result
                WHERE year = ? GROUP BY unit_kind, area, judgement, outcome, level
                """, [parsed.year])
            {
                guard let unitKind = row.string(0), let area = row.string(1), let units = row.int(5) else { continue }
                let key = "\(unitKind)|\(area)"
                var entry = standing[key] ?? (0, 0, 0, [:])
                switch (row.string(2), row.string(3)) {
                case ("recognition", "passed"): entry.passed += units
                case ("recognition", "failed"): entry.failed += units
                case ("model_unit", "passed"): entry.modelUnits += units
                case ("classification", _):
                    if let level = row.string(4) { entry.levels[level, default: 0] += units }
                default: break
                }
                standing[key] = entry
            }
        }
        return Report(
            period: period,
            rows: rows.compactMap { row in
                guard let kind = row.string(0).flatMap(UnitKind.init(rawValue:)), let area = row.string(1) else {
                    return nil
                }
                let results = standing["\(kind.rawValue)|\(area)"]
                return ReportRow(
                    unitKind: kind, area: area, areaName: registry?[area]?.name ?? area,
                    received: row.int(2) ?? 0, evaluated: row.int(3) ?? 0, passed: results?.passed ?? 0,
                    failed: results?.failed ?? 0, notApplicable: row.int(4) ?? 0,
                    levels: results?.levels ?? [:], modelUnits: results?.modelUnits ?? 0
                )
            },
            obligations: try {
                guard let calendar, let registry, let parsed = Period(period), parsed.half == nil else { return nil }
                if let statuses { return obligations(statuses, registry: registry) }
                return try obligations(year: parsed.year, calendar: calendar, registry: registry, db)
            }(),
            targets: try {
                guard let targets, let registry, let parsed = Period(period), parsed.half == nil else { return nil }
                let modelUnits = Set(
                    try db.fetchAll(
                        "SELECT unit FROM report_result WHERE year = ? AND judgement = 'model_unit' AND outcome = 'passed'",
                        [parsed.year]
                    ).compactMap { $0.string(0) })
                return targets.progress(year: parsed.year, registry: registry, modelUnits: modelUnits)
            }(),
            indicators: try Period(period).map { try indicators(period: $0, registry: registry, db) },
            comparison: try Period(period).flatMap { parsed in
                parsed.half == nil ? try comparison(year: parsed.year, registry: registry, db) : nil
            },
            positions: positions)
    }

    /// Each area's units "an toàn" and "điển hình" this year and the year before (areas with a
    /// result in either year).
    static func comparison(year: Int, registry: UnitRegistry?, _ db: any SQLExecutor) throws -> [ComparisonRow] {
        var counts: [String: [Int]] = [:]  // area → [passed, judged, model] this year, then the year before
        for row in try db.fetchAll(
            """
            SELECT area, year,
                   SUM(CASE WHEN judgement = 'recognition' AND outcome = 'passed' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN judgement = 'recognition' AND outcome IN ('passed', 'failed') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN judgement = 'model_unit' AND outcome = 'passed' THEN 1 ELSE 0 END)
            FROM report_result WHERE year IN (?, ?) GROUP BY area, year
            """, [year, year - 1])
        {
            guard let area = row.string(0), let rowYear = row.int(1) else { continue }
            let offset = rowYear == year ? 0 : 3
            var entry = counts[area] ?? Array(repeating: 0, count: 6)
            for index in 0..<3 { entry[offset + index] = row.int(2 + index) ?? 0 }
            counts[area] = entry
        }
        return counts.sorted(by: { $0.key < $1.key }).map { area, entry in
            ComparisonRow(
                area: area, areaName: registry?[area]?.name ?? area, passed: entry[0], judged: entry[1],
                modelUnits: entry[2], previousPassed: entry[3], previousJudged: entry[4],
                previousModelUnits: entry[5])
        }
    }
}
