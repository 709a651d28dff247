import Models
import SQLStore
import StoreEngines
import Testing

@testable import ReportingService

/// Each unit's result written once per batch, with the best of the batch, must leave the store as
/// applying the results one by one does: a newer set version, then a higher revision replaces; of
/// equals, the first stands.
@Suite("Kept results")
struct KeptResultsTests {
    static func evaluation(unit: Int, set: String, version: String, revision: Int64, worker: Int) -> [UInt8] {
        let facts = SubmissionFacts(
            key: "intake-1/u\(unit)-r\(revision)", root: "intake-1/u\(unit)-r\(revision)", version: 1,
            unit: "U\(unit)", unitKind: .commune, area: "TQ-SD", kind: .selfAssessment, period: "2025",
            acceptedAt: "2025-06-01T01:00:00.000Z")
        return Evaluation(
            submission: facts, criteriaSet: "\(set)@\(version)", judgement: .recognition,
            outcome: revision % 2 == 0 ? .passed : .failed, criteria: [], summary: "",
            evaluatedAt: "2025-06-01T01:00:01.000Z", worker: "w\(worker)", revision: revision
        ).jsonBytes
    }

    @Test(
        "a batch's results written once each end as applied one by one (versions, revisions, ties)",
        arguments: StoreEngine.available, 1...8)
    func batchEqualsOneByOne(engine: StoreEngine, seed: Int) throws {
        var random = SubmissionCountTests.Random(state: UInt64(seed))
        let versions = ["1", "2", "10", "1.1"]
        let events = (0..<120).map { sequence in
            Event(
                producer: "w", sequence: UInt64(sequence + 1), type: .submissionEvaluated,
                body: Self.evaluation(
                    unit: random.next(4), set: random.next(2) == 0 ? "TT124-XA" : "DH-XA",
                    version: versions[random.next(versions.count)], revision: Int64(random.next(4)),
                    worker: random.next(3)))
        }
        let oneByOne = try reportStore(engine)
        let batched = try reportStore(engine)
        let applier = ReportStore()
        try oneByOne.write { db in
            for event in events { try applier.apply(event, in: db) }
        }
        // In two batches, as a subscriber would (the second finds rows the first wrote).
        try batched.write { db in
            for part in [events[..<50], events[50...]] {
                applier.startBatch()
                for event in part { try applier.apply(event, prepared: try applier.prepare(event), in: db) }
                try applier.finishBatch(in: db)
            }
        }
        let query =
            "SELECT unit, year, set_id, criteria_set, revision, outcome, result FROM report_result ORDER BY 1, 2, 3"
        let expected = try oneByOne.read { try $0.fetchAll(query) }
        #expect(expected.count > 4)
        #expect(try batched.read { try $0.fetchAll(query) } == expected, "seed \(seed)")
    }
}
