import GRDB
import Models
import SQLStore
import StoreEngines
import Testing

@testable import ReportingService

/// The report's submission counts are kept as events apply (`report_count`); whatever order the
/// versions and results of submissions arrive in, they must equal counting the submissions afresh.
@Suite("Submission counts")
struct SubmissionCountTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed from its seed.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static func facts(root: Int, version: Int, unit: Int) -> SubmissionFacts {
        SubmissionFacts(
            key: "intake-1/s\(root)-v\(version)", root: "intake-1/s\(root)-v1", version: version, unit: "U\(unit)",
            unitKind: unit % 2 == 0 ? .commune : .residentialArea, area: unit % 3 == 0 ? "TQ-SD" : "TQ-NH",
            kind: .selfAssessment, period: root % 4 == 0 ? "2025-H1" : "2025", acceptedAt: "2025-06-01T01:00:00.000Z")
    }

    static func evaluation(_ facts: SubmissionFacts, applicable: Bool, set: Int) -> [UInt8] {
        Evaluation(
            submission: facts, criteriaSet: applicable ? "TT124-KDC@\(set)" : nil,
            judgement: applicable ? .recognition : nil, outcome: applicable ? .passed : .notApplicable, criteria: [],
            summary: "", evaluatedAt: "2025-06-01T01:00:01.000Z", worker: "w", revision: 1
        ).jsonBytes
    }

    @Test(
        "kept counts equal a fresh count after random orders of versions and results",
        arguments: StoreEngine.available, 1...20)
    func keptEqualsFresh(engine: StoreEngine, seed: Int) throws {
        var random = Random(state: UInt64(seed))
        var events: [(EventType, [UInt8])] = []
        for root in 0..<40 {
            let unit = random.next(12)
            for version in 1...(1 + random.next(3)) {
                let facts = Self.facts(root: root, version: version, unit: unit)
                events.append((.submissionReceived, facts.jsonBytes))
                for _ in 0..<random.next(3) {
                    events.append(
                        (
                            .submissionEvaluated,
                            Self.evaluation(facts, applicable: random.next(3) > 0, set: 1 + random.next(2))
                        ))
                }
            }
        }
        // Producers' logs interleave arbitrarily: shuffle, then apply in that order.
        for index in events.indices.reversed() { events.swapAt(index, random.next(index + 1)) }
        let database = try reportStore(engine)
        try database.write { db in
            for (sequence, (type, body)) in events.enumerated() {
                try ReportStore().apply(
                    Event(producer: "p", sequence: UInt64(sequence + 1), type: type, body: body), in: db)
            }
        }
        let (kept, fresh) = try database.read { db in
            (
                try db.fetchAll(
                    """
                    SELECT period, unit_kind, area, received, evaluated, not_applicable FROM report_count
                    WHERE received > 0 ORDER BY 1, 2, 3
                    """),
                try db.fetchAll(
                    """
                    SELECT period, unit_kind, area, COUNT(*),
                           SUM(CASE WHEN evaluated_version = version THEN 1 ELSE 0 END),
                           SUM(CASE WHEN evaluated_version = version AND outcome = 'not_applicable' THEN 1 ELSE 0 END)
                    FROM report_submission GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                    """)
            )
        }
        #expect(!fresh.isEmpty)
        #expect(kept == fresh, "seed \(seed)")
        #expect(
            try database.read {
                try $0.fetchOne(
                    "SELECT COUNT(*) FROM report_count WHERE received < 0 OR evaluated < 0 OR not_applicable < 0")?
                    .int(0)
            } == 0)
    }

    @Test(
        "the comparison counts each unit's current result in each of the two years, by area",
        arguments: StoreEngine.available)
    func comparisonWithPreviousYear(engine: StoreEngine) throws {
        func judged(_ unit: Int, _ year: Int, _ outcome: Evaluation.Outcome, model: Bool = false) -> [UInt8] {
            let facts = SubmissionFacts(
                key: "intake-1/u\(unit)-\(year)-\(model)", root: "intake-1/u\(unit)-\(year)-\(model)", version: 1,
                unit: "U\(unit)", unitKind: .commune, area: unit < 3 ? "TQ-SD" : "TQ-NH", kind: .selfAssessment,
                period: "\(year)", acceptedAt: "\(year)-06-01T01:00:00.000Z")
            return Evaluation(
                submission: facts, criteriaSet: model ? "DH-XA@1" : "TT124-XA@1",
                judgement: model ? .modelUnit : .recognition, outcome: outcome, criteria: [], summary: "",
                evaluatedAt: "\(year)-06-01T01:00:01.000Z", worker: "w", revision: 1
            ).jsonBytes
        }
        let events = [
            judged(0, 2025, .passed), judged(1, 2025, .passed), judged(2, 2025, .failed),
            judged(0, 2025, .passed, model: true),
            judged(0, 2024, .passed), judged(1, 2024, .failed), judged(3, 2024, .passed),
            judged(3, 2024, .passed, model: true),
        ]
        let database = try reportStore(engine)
        try database.write { db in
            for (index, body) in events.enumerated() {
                try ReportStore().apply(
                    Event(producer: "w", sequence: UInt64(index + 1), type: .submissionEvaluated, body: body), in: db)
            }
        }
        let rows = try database.read { try ReportStore.comparison(year: 2025, registry: nil, $0) }
        #expect(
            rows == [
                ComparisonRow(
                    area: "TQ-NH", areaName: "TQ-NH", passed: 0, judged: 0, modelUnits: 0, previousPassed: 1,
                    previousJudged: 1, previousModelUnits: 1),
                ComparisonRow(
                    area: "TQ-SD", areaName: "TQ-SD", passed: 2, judged: 3, modelUnits: 1, previousPassed: 1,
                    previousJudged: 2, previousModelUnits: 0),
            ])
    }

    @Test("a store counted before the triggers keeps counting right after the migration that adds them")
    func triggersTakeOverCounts() throws {
        let database = try DatabaseQueue()
        try ReportStore.migrator.migrate(database, upTo: "reporting.v6-catch-up")
        // The state the earlier version left: one submission received, its count beside it.
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO report_submission (root, unit, unit_kind, area, kind, period, version)
                    VALUES ('intake-1/s0-v1', 'U0', 'commune', 'TQ-NH', 'self_assessment', '2025', 1);
                    INSERT INTO report_count (period, unit_kind, area, received, evaluated, not_applicable)
                    VALUES ('2025', 'commune', 'TQ-NH', 1, 0, 0);
                    """)
        }
        try ReportStore.migrator.migrate(database)
        let facts = Self.facts(root: 0, version: 1, unit: 0)
        let second = Self.facts(root: 4, version: 1, unit: 0)
        try database.write { db in
            for (index, (type, body)) in [
                (EventType.submissionEvaluated, Self.evaluation(facts, applicable: false, set: 1)),
                (.submissionReceived, second.jsonBytes),
            ].enumerated() {
                try ReportStore().apply(
                    Event(producer: "p", sequence: UInt64(index + 1), type: type, body: body), in: SQLiteExecutor(db))
            }
        }
        let counts = try database.read {
            try Row.fetchAll(
                $0, sql: "SELECT period, received, evaluated, not_applicable FROM report_count ORDER BY period")
        }
        #expect(
            counts.map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int)" } == [
                "2025 1 1 1", "2025-H1 1 0 0",
            ])
    }
}
