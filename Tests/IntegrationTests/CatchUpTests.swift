import AntqCLI
import Foundation
import Models
import StoreEngines
import Testing

/// Reporting stopped while submissions flow catches up from the producers' logs when it starts
/// again, and ends with exactly the picture of a reporting subscriber that never stopped.
@Suite("reporting catch-up, real processes")
struct CatchUpTests {
    /// One run for both engines: a stopped subscriber per engine, each compared with the steady one
    /// on SQLite (so the PostgreSQL store must also give exactly SQLite's reports).
    @Test("reporting stopped during 10,000 submissions, restarted: its reports equal a never-stopped one's")
    func catchUpMatchesNeverStopped() throws {
        let system = try TestSystem("catchup")
        let intake = try system.cluster.startIntake()
        let workers = try (1...2).map { try system.cluster.startWorker(id: "worker-\($0)", intake: intake) }
        let steady = try system.cluster.startSubscriber("antq-reporting", name: "reporting-steady", following: [intake])
        let stopped = try StoreEngine.available.map { engine in
            try system.cluster.startSubscriber(
                "antq-reporting", name: "reporting-stopped-\(engine)", following: [intake],
                extra: try TestSystem.reportingStore(engine))
        }
        let bodies = system.bodies(10_000, tag: "it-catchup")
        let sender = CrashTests.Sender(
            endpoint: try #require(intake.endpoints["submissions"]), context: system.context, bodies: bodies)

        #expect(system.waitUntil(.seconds(120)) { sender.count >= 1500 })
        for service in stopped { #expect(try service.terminate() == 0, "\(service.name) stops cleanly on SIGTERM") }
        #expect(system.waitUntil(.seconds(300)) { sender.finished })
        #expect(sender.failure.withLock { $0 } == nil)
        #expect(sender.result.withLock { $0 }?.compactMap(\.receipt).count == 10_000)
        for service in stopped { try service.start() }

        // Both have applied everything: intake's whole log and every evaluation of the workers.
        let evaluations = UInt64(try system.expectedEvaluations(of: bodies))
        let head = try system.stats(intake).lastSequence
        func report(_ service: ManagedService, _ period: String) throws -> Report {
            try JSONCoding.decode(
                Report.self,
                from: try system.client(service, "query").request(
                    .report, body: JSONCoding.encode(ReportRequest(period: period))
                ).body)
        }
        for service in [steady] + stopped {
            let caughtUp = try system.waitUntil(.seconds(300)) {
                let positions = try report(service, "2025").positions
                return positions[intake.name] == head
                    && workers.map { positions[$0.name] ?? 0 }.reduce(0, +) >= evaluations
            }
            #expect(caughtUp, "\(service.name) applied intake's \(head) events and \(evaluations) evaluations")
        }
        let periods = Set(
            bodies.compactMap { try? JSONParser.parse($0).object?["period"]?.string }
        ).sorted()
        #expect(!periods.isEmpty)
        for period in periods {
            let expected = try report(steady, period)
            #expect(expected.rows.reduce(0) { $0 + $1.received } > 0)
            for service in stopped {
                let actual = try report(service, period)
                // Everything but the positions (a worker may still be re-sending an evaluation both applied).
                #expect(
                    actual.rows == expected.rows && actual.obligations == expected.obligations
                        && actual.targets == expected.targets && actual.indicators == expected.indicators
                        && actual.comparison == expected.comparison, "\(period): \(service.name)'s report differs")
            }
        }
        // The same over HTTP, as the central office reads it: the CSV report carries no positions.
        for period in periods {
            let steadyCSV = try httpGetSync("\(try #require(steady.endpoints["http"]))/reports/\(period).csv")
            for service in stopped {
                let csv = try httpGetSync("\(try #require(service.endpoints["http"]))/reports/\(period).csv")
                #expect(steadyCSV == csv, "\(period): \(service.name)'s CSV report differs")
            }
        }
    }
}
