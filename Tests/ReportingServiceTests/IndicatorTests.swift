import GRDB
import Models
import SQLStore
import StoreEngines
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

    static func apply(_ facts: [SubmissionFacts], on engine: StoreEngine) throws -> any SQLStore {
        let database = try reportStore(engine)
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

    @Test(
        "a correction replaces its report's counts; another unit's add up; a field it drops is gone",
        arguments: StoreEngine.available)
    func latestReportCounts(engine: StoreEngine) throws {
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
            let database = try Self.apply(order, on: engine)
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
        let rows = try database.read {
            try ReportStore.indicators(period: Period(year: 2025), registry: nil, SQLiteExecutor($0))
        }
        #expect(rows.count == 1)
        #expect(rows.first?.reports == 2)
        #expect(rows.first?.values == ["tip_offs": 7, "security_teams": 2])
    }

    @Test("counts above ten million are refused by name; indicators that are not counts are left out")
    func boundedCounts() throws {
        let registry = try UnitRegistry(
            name: "test", version: "1",
            units: [
                Unit(id: "P", name: "Tỉnh", kind: .province),
                Unit(id: "D", name: "Huyện", kind: .district, parent: "P"),
                Unit(id: "C", name: "Xã", kind: .commune, parent: "D"),
            ])
        let validator = SubmissionValidator(registry: registry, currentYear: 2025)
        let huge = Array(
            #"{"submission_id": "x", "unit": "C", "kind": "yearly_report", "period": "2025", "data": {"tip_offs": 10000001}}"#
                .utf8)
        guard case .failure(let rejection) = validator.validate(huge) else {
            Issue.record("a count of 10,000,001 was accepted")
            return
        }
        #expect(rejection.problems.contains { $0.field == "data.tip_offs" && $0.message.contains("tối đa 10000000") })
        let facts = try SubmissionFacts(
            json: try JSONParser.parse(
                Array(
                    #"{"key": "i/a", "root": "i/a", "version": 1, "unit": "C", "unit_kind": "commune", "area": "D", "kind": "yearly_report", "period": "2025", "accepted_at": "2025-11-10T01:00:00.000Z", "indicators": {"tip_offs": 4, "bad": "x", "huge": 1e12}}"#
                        .utf8)))
        #expect(facts.indicators == ["tip_offs": 4])
    }

    @Test("the area page escapes what a stored result says (a level is text from a worker)")
    func areaPageEscapes() {
        let standing = UnitStanding(
            unit: "C", name: "Xã <b>", unitKind: .commune, area: "D", areaName: "Huyện", year: 2025, submissions: 1,
            results: [
                SetStanding(
                    criteriaSet: "QD510-XA@1", judgement: "classification", outcome: "classified",
                    level: "<img src=x onerror=alert(1)>", points: 80)
            ], obligations: [])
        let page = Dashboard.areaPage(area: "D", name: "Huyện", year: 2025, units: [standing])
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("Xã &lt;b&gt;"))
    }
}
