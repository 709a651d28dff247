import AntqCLI
import Client
import Foundation
import Models
import Testing

/// The whole pipeline with real processes: intake, two workers, reporting and notification.
@Suite("Pipeline, real processes", .serialized)
struct PipelineTests {
    @Test("1,000 submissions: receipted, evaluated once, reported, notified; resends and corrections are safe")
    func thousandSubmissions() throws {
        let system = try TestSystem("pipeline")
        let intake = try system.cluster.startIntake()
        let workers = try (1...2).map { try system.cluster.startWorker(id: "worker-\($0)", intake: intake) }
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])

        let bodies = system.bodies(1000, tag: "it-pipeline")
        let client = try system.client(intake, "submissions")
        let (outcomes, _) = try client.submitAll(bodies, window: 128)
        let receipts = outcomes.compactMap(\.receipt)
        #expect(receipts.count == 1000)
        #expect(Set(receipts.map(\.key)).count == 1000)

        let complete = try system.waitUntil {
            let totals = try system.totals(reporting)
            return totals.received == 1000 && totals.evaluated == 1000
        }
        #expect(complete, "reporting did not reach 1,000 received and evaluated")
        let totals = try system.totals(reporting)
        #expect(totals.passed + totals.failed <= 1000)
        // Each submission evaluated exactly once under each set that judges it: the workers' logs
        // hold exactly that many evaluations together.
        let expected = try system.expectedEvaluations(of: bodies)
        #expect(expected > 1000)
        let evaluationEvents = workers.map { totals.positions[$0.name] ?? 0 }.reduce(0, +)
        #expect(evaluationEvents == UInt64(expected))
        // Intake records acks with its next commit or within 100 ms: it may lag reporting a little.
        #expect(try system.waitUntil(.seconds(10)) { try system.stats(intake).evaluated == 1000 })

        // Every unit's inbox has a notice for each result of each of its submissions.
        let units = TestSystem.units(of: bodies)
        try system.waitUntil { try system.allNotices(notification, units: Set(units)).count == expected }
        let notices = try system.allNotices(notification, units: Set(units))
        #expect(notices.count == expected)
        #expect(Set(notices.map { TestSystem.submissionKey(ofNotice: $0.key) }) == Set(receipts.map(\.key)))
        for (receipt, unit) in zip(receipts, units) { #expect(receipt.unit == unit) }
        #expect(notices.allSatisfy { $0.title.hasPrefix("Kết quả") })

        // Resending all 1,000: the same receipts, and nothing new anywhere.
        let intakePosition = totals.positions["intake-1"]
        let (again, _) = try client.submitAll(bodies, window: 128)
        #expect(again.compactMap(\.receipt) == receipts)
        Thread.sleep(forTimeInterval: 1.5)
        let afterResend = try system.totals(reporting)
        #expect(afterResend.received == 1000 && afterResend.evaluated == 1000)
        #expect(afterResend.positions["intake-1"] == intakePosition)

        // The same id with other content: a conflict.
        var changed = try #require(String(validating: bodies[0], as: UTF8.self))
        changed = changed.replacingOccurrences(of: "\"security_teams\":", with: "\"security_teams\":9")
            .replacingOccurrences(
                of: "\"households_total\":", with: "\"households_total\":1")
        let (conflict, _) = try client.submitAll([Array(changed.utf8)])
        #expect(conflict.first?.rejection?.problems.map(\.code) == [.conflict])

        // A correction: a new version, both kept; reporting still counts the submission once.
        let original = receipts[0]
        var object = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(bodies[0])).object)
        object["submission_id"] = .string("\(original.submissionID)-fix")
        object["replaces"] = .string(original.submissionID)
        let correction = JSONCoding.encode(JSONValue.object(object))
        let (corrected, _) = try client.submitAll([correction])
        let correctionReceipt = try #require(corrected.first?.receipt)
        #expect(correctionReceipt.version == 2)
        #expect(correctionReceipt.replaces == original.submissionID)
        let oldStatus = try JSONCoding.decode(
            SubmissionStatus.self,
            from: try client.request(
                .status, body: JSONCoding.encode(StatusRequest(submissionID: original.submissionID))
            ).body
        )
        #expect(oldStatus.replacedBy == correctionReceipt.submissionID)
        #expect(oldStatus.receipt == original)
        try system.waitUntil { try system.stats(intake).evaluated == 1001 }
        Thread.sleep(forTimeInterval: 1)
        let afterCorrection = try system.totals(reporting)
        #expect(afterCorrection.received == 1000)
        #expect(afterCorrection.evaluated == 1000)
    }
}
