import AntqCLI
import Client
import Foundation
import Models
import Synchronization
import Testing
import ZeroMQ

/// kill -9 and SIGTERM of every kind of service while submissions flow.
@Suite("Crashes and shutdowns, real processes", .serialized)
struct CrashTests {
    /// Sends `bodies` from a background thread with retries; returns a handle to wait on.
    final class Sender: Sendable {
        let answered = Mutex(0)
        let result = Mutex<[RequestClient.SubmitOutcome]?>(nil)
        let failure = Mutex<String?>(nil)
        init(endpoint: String, context: Context, bodies: [[UInt8]]) {
            let thread = Thread { [self] in
                do {
                    let client = try RequestClient(
                        context: context, endpoint: endpoint, timeout: .milliseconds(1500), tries: 40)
                    let (outcomes, _) = try client.submitAll(bodies, window: 32) { count in
                        self.answered.withLock { $0 = count }
                    }
                    self.result.withLock { $0 = outcomes }
                } catch {
                    self.failure.withLock { $0 = "\(error)" }
                }
            }
            thread.start()
        }

        var count: Int { answered.withLock { $0 } }
        var finished: Bool { result.withLock { $0 != nil } || failure.withLock { $0 != nil } }
    }

    @Test("kill -9 of intake, a worker and reporting while 5,000 submissions flow: nothing lost, nothing twice")
    func killNineEverywhere() throws {
        let system = try TestSystem("crash")
        let intake = try system.cluster.startIntake(extra: ["--lease-seconds", "5"])
        let worker1 = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let worker2 = try system.cluster.startWorker(id: "worker-2", intake: intake)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])
        let bodies = system.bodies(5000, tag: "it-crash")
        let sender = Sender(
            endpoint: try #require(intake.endpoints["submissions"]), context: system.context, bodies: bodies)

        #expect(system.waitUntil(.seconds(60)) { sender.count >= 1000 })
        intake.kill()
        Thread.sleep(forTimeInterval: 0.5)
        try intake.start()
        #expect(system.waitUntil(.seconds(60)) { sender.count >= 2500 })
        worker1.kill()
        Thread.sleep(forTimeInterval: 0.5)
        // Back on new ports: intake announces it again and the subscribers move to it.
        worker1.pin("--publish", to: "tcp://127.0.0.1:0")
        worker1.pin("--replay", to: "tcp://127.0.0.1:0")
        try worker1.start()
        #expect(system.waitUntil(.seconds(60)) { sender.count >= 3500 })
        reporting.kill()
        Thread.sleep(forTimeInterval: 0.5)
        try reporting.start()

        #expect(system.waitUntil(.seconds(180)) { sender.finished })
        #expect(sender.failure.withLock { $0 } == nil)
        let outcomes = try #require(sender.result.withLock { $0 })
        let receipts = outcomes.compactMap(\.receipt)
        #expect(receipts.count == 5000)
        #expect(Set(receipts.map(\.key)).count == 5000)

        let settled = try system.waitUntil(.seconds(120)) {
            let stats = try system.stats(intake)
            let totals = try system.totals(reporting)
            return stats.accepted == 5000 && stats.evaluated == 5000 && totals.received == 5000
                && totals.evaluated == 5000
        }
        #expect(settled)
        let stats = try system.stats(intake)
        #expect(stats.accepted == 5000)
        #expect(stats.evaluated == 5000)
        let totals = try system.totals(reporting)
        #expect(totals.received == 5000)
        #expect(totals.evaluated == 5000)
        // A worker killed between its commit and its ack may see its lease evaluated again elsewhere;
        // subscribers apply one result per submission version. The logs hold at least one each.
        let expected = try system.expectedEvaluations(of: bodies)
        let evaluationEvents = [worker1, worker2].map { totals.positions[$0.name] ?? 0 }.reduce(0, +)
        #expect(evaluationEvents >= UInt64(expected))
        let units = Set(TestSystem.units(of: bodies))
        try system.waitUntil(.seconds(60)) { try system.allNotices(notification, units: units).count == expected }
        let notices = try system.allNotices(notification, units: units)
        #expect(notices.count == expected)
        #expect(Set(notices.map(\.key)).count == expected)
        #expect(Set(notices.map { TestSystem.submissionKey(ofNotice: $0.key) }).count == 5000)
    }

    @Test("SIGTERM on each service under load: exit 0, and nothing lost after restart")
    func sigtermUnderLoad() throws {
        let system = try TestSystem("sigterm")
        let intake = try system.cluster.startIntake()
        let worker = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])
        let bodies = system.bodies(3000, tag: "it-sigterm")
        let sender = Sender(
            endpoint: try #require(intake.endpoints["submissions"]), context: system.context, bodies: bodies)

        var threshold = 400
        for service in [intake, worker, reporting, notification] {
            #expect(system.waitUntil(.seconds(60)) { sender.count >= threshold })
            #expect(try service.terminate() == 0, "\(service.name) did not exit 0 on SIGTERM")
            try service.start()
            threshold += 500
        }
        #expect(system.waitUntil(.seconds(180)) { sender.finished })
        let receipts = try #require(sender.result.withLock { $0 }).compactMap(\.receipt)
        #expect(receipts.count == 3000)
        let settled = try system.waitUntil(.seconds(120)) {
            let totals = try system.totals(reporting)
            return totals.received == 3000 && totals.evaluated == 3000
        }
        #expect(settled)
        #expect(try system.stats(intake).accepted == 3000)
        let units = Set(TestSystem.units(of: bodies))
        let expected = try system.expectedEvaluations(of: bodies)
        try system.waitUntil(.seconds(60)) { try system.allNotices(notification, units: units).count == expected }
        #expect(try system.allNotices(notification, units: units).count == expected)
        for service in [intake, worker, reporting, notification] {
            #expect(try service.terminate() == 0)
        }
    }
}
