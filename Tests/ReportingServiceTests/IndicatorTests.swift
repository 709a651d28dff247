import GRDB
import Models
import Testing

@testable import ReportingService

/// The indicators of six-monthly and yearly reports, summed by area: each unit's latest report of
/// a period counts once, whatever order the events arrive in.
@Suite("Indicators")
struct IndicatorTests {
    static func facts(
        _ id: String, unit: String, area: String = "TQ-SD", kind: SubmissionKind = .yearlyReport,
        period: String = "2025", acceptedAt: String, version: Int = 1, root: String? = nil,
        indicators: [String: Int]
    ) -> SubmissionFacts {
        SubmissionFacts(
            key: "intake-1/\(id)", root: root ?? "intake-1/\(id)", version: version, unit: unit,
            unitKind: .commune, area: area, kind: kind, period: period, acceptedAt: acceptedAt,
            indicators: indicators)
    }

    static func apply(_ facts: [SubmissionFacts]) throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        try ReportStore.migrator.migrate(database)
        let store = ReportStore()
        try database.write { db in
            for (index, item) in facts.enumerated() {
                try store.apply(
                    Event(
                        producer: "intake-1", sequence: UInt64(index + 1), type: .submissionReceived,
                        body: item.jsonBytes),
                    in: db)
            }
        }
        return database
    }

    @Test("a correction replaces its report's counts; another unit's add up; a field it drops is gone")
    func latestReportCounts() throws {
        let first = Self.facts(
            "a", unit: "TQ-SD-DONGTHO", acceptedAt: "2025-11-10T01:00:00.000Z",
            indicators: ["tip_offs": 10, "security_teams": 3])
        let correction = Self.facts(
            "a2", unit: "TQ-SD-DONGTHO", acceptedAt: "2025-11-12T01:00:00.000Z", version: 2, root: "intake-1/a",
            indicators: ["tip_offs": 12])
        let other = Self.facts(
            "b", unit: "TQ-SD-HOPTHANH", acceptedAt: "2025-11-11T01:00:00.000Z", indicators: ["tip_offs": 5])
        let halfYear = Self.facts(
            "c", unit: "TQ-SD-HOPTHANH", kind: .sixMonthlyReport, period: "2025-H1",
            acceptedAt: "2025-06-11T01:00:00.000Z", indicators: ["tip_offs": 100])
        for order in [[first, correction, other, halfYear], [correction, halfYear, other, first]] {
            let database = try Self.apply(order)
            let rows = try database.read { try ReportStore.indicators(period: Period(year: 2025), registry: nil, $0) }
            #expect(rows.count == 1)
            #expect(rows.first?.reports == 2)
            #expect(rows.first?.values == ["tip_offs": 17], "order \(order.map(\.key))")
            let half = try database.read {
                try ReportStore.indicators(period: Period(year: 2025, half: 1), registry: nil, $0)
            }
            #expect(half.first?.values == ["tip_offs": 100] && half.first?.reports == 1)
        }
    }

    @Test("kinds other than the six-monthly and yearly reports publish no indicators")
    func onlyReportKinds() throws {
        #expect(SubmissionSchema.indicators(of: .selfAssessment, in: ["tip_offs": .number(3)]) == nil)
        let counts = SubmissionSchema.indicators(
            of: .yearlyReport, in: ["tip_offs": .number(3), "note": .string("x"), "unknown": .number(9)])
        #expect(counts == ["tip_offs": 3])
    }

    @Test("a store of the row-per-count layout keeps its sums after the migration to one object per report")
    func migrationKeepsSums() throws {
        let database = try DatabaseQueue()
        try ReportStore.migrator.migrate(database, upTo: "reporting.v5-counts")
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO report_indicator_source (unit, period, kind, unit_kind, area, accepted_at, key)
                    VALUES ('A', '2025', 'yearly_report', 'commune', 'TQ-SD', '2025-11-10T01:00:00.000Z', 'i/a'),
                           ('B', '2025', 'yearly_report', 'commune', 'TQ-SD', '2025-11-10T01:00:00.000Z', 'i/b');
                    INSERT INTO report_indicator (unit, period, kind, field, value)
                    VALUES ('A', '2025', 'yearly_report', 'tip_offs', 4), ('A', '2025', 'yearly_report', 'security_teams', 2),
                           ('B', '2025', 'yearly_report', 'tip_offs', 3);
                    """)
        }
        try ReportStore.migrator.migrate(database)
        let rows = try database.read { try ReportStore.indicators(period: Period(year: 2025), registry: nil, $0) }
        #expect(rows.count == 1)
        #expect(rows.first?.reports == 2)
        #expect(rows.first?.values == ["tip_offs": 7, "security_teams": 2])
    }
}
