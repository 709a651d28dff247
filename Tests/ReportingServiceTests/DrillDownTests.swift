import Models
import SQLStore
import StoreEngines
import Testing

@testable import ReportingService

/// A unit's standing read from the store: its submissions of the year counted once each, and, for a
/// unit the registry does not know, its kind and area as its submissions said.
@Suite("Drill-down")
struct DrillDownTests {
    static func received(_ id: String, unit: String, period: String, version: Int = 1, root: String? = nil) -> Event {
        let facts = SubmissionFacts(
            key: "intake-1/\(id)", root: root ?? "intake-1/\(id)", version: version, unit: unit, unitKind: .ward,
            area: "TQ-TP", kind: .selfAssessment, period: period, acceptedAt: "\(period.prefix(4))-06-01T01:00:00.000Z")
        return Event(producer: "intake-1", sequence: 1, type: .submissionReceived, body: facts.jsonBytes)
    }

    @Test(
        "a unit unknown to the registry: submissions of the year counted, kind and area from the store",
        arguments: StoreEngine.available)
    func unknownUnit(engine: StoreEngine) throws {
        let store = try reportStore(engine)
        try store.write { db in
            for event in [
                Self.received("a", unit: "X-NEW", period: "2025"),
                Self.received("a2", unit: "X-NEW", period: "2025", version: 2, root: "intake-1/a"),
                Self.received("b", unit: "X-NEW", period: "2025-H1"),
                Self.received("c", unit: "X-NEW", period: "2024"),
                Self.received("d", unit: "X-OTHER", period: "2025"),
            ] {
                try ReportStore().apply(event, in: db)
            }
        }
        let standings = try store.read { db in
            try ReportStore.standings(["X-NEW", "X-NONE"], year: 2025, registry: nil, calendar: nil, db)
        }
        // X-NONE has neither a registry entry nor a submission: nothing to stand on.
        #expect(standings.map(\.unit) == ["X-NEW"])
        let standing = try #require(standings.first)
        #expect(standing.submissions == 2, "the correction replaces its submission; 2024 is another year")
        #expect(standing.unitKind == .ward && standing.area == "TQ-TP")
    }
}
