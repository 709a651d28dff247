import AntqCLI
import Client
import Foundation
import Models
import Synchronization
import Testing

/// Operators scale one service at a time (decision 0018): workers come and go under load, and a
/// district gets a second intake node beside the first.
@Suite("scaling: workers joining and leaving under load, a second intake node")
struct ScalingTests {
    @Test(
        "workers join and leave (SIGTERM, kill -9 under load) while 20,000 submissions flow: every one evaluated and reported once"
    )
    func workersJoinAndLeave() throws {
        let system = try TestSystem("scaling-workers")
        let intake = try system.cluster.startIntake()
        let first = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let reporting = try system.cluster.startSubscriber("antq-reporting", name: "reporting", following: [intake])
        // Sent faster than the workers evaluate, so each holds leases when it leaves.
        let bodies = system.bodies(20_000, tag: "scale")
        let endpoint = try #require(intake.endpoints["submissions"])
        let context = system.context
        let sent = Mutex<Result<Int, any Error>?>(nil)
        let sender = Thread {
            do {
                let load = try SubmissionLoad.send(
                    bodies, to: endpoint, context: context, clients: 4, window: 64, rate: 0)
                sent.withLock { $0 = .success(load.accepted) }
            } catch {
                sent.withLock { $0 = .failure(error) }
            }
        }
        sender.start()

        func accepted() throws -> Int { try system.stats(intake).accepted }
        // Two workers join early; the first leaves politely midway; one of the new ones dies.
        #expect(try system.waitUntil(.seconds(60)) { try accepted() >= 2_000 })
        let second = try system.cluster.startWorker(id: "worker-2", intake: intake)
        let third = try system.cluster.startWorker(id: "worker-3", intake: intake)
        #expect(try system.waitUntil(.seconds(60)) { try accepted() >= 8_000 })
        #expect(try first.terminate() == 0)
        // Worker 2 dies once it is at work (it holds leases while work is waiting).
        func results(_ worker: ManagedService) -> Double {
            let metrics = (try? httpGetSync((worker.endpoints["http"] ?? "") + "/metrics")).map {
                String(decoding: $0, as: UTF8.self)
            }
            return metrics.flatMap { OperationsTests.sample($0, "antq_evaluation_results_total") } ?? 0
        }
        // Worker 2 dies at work, while leases are out.
        #expect(
            system.waitUntil(.seconds(60)) {
                results(second) > 0 && ((try? system.stats(intake).leased) ?? 0) > 0
            })
        let beforeKill = try system.stats(intake)
        second.kill()
        #expect(system.waitUntil(.seconds(180)) { sent.withLock { $0 } != nil })
        #expect(try sent.withLock { $0 }?.get() == 20_000)

        #expect(
            try system.waitUntil(.seconds(180)) {
                let totals = try system.totals(reporting)
                return try system.stats(intake).evaluated == 20_000 && totals.received == 20_000
                    && totals.evaluated == 20_000
            })
        let totals = try system.totals(reporting)
        #expect(totals.received == 20_000 && totals.evaluated == 20_000)
        // Work was leased when the worker died.
        #expect(beforeKill.leased > 0)
        // Every result is in some worker's log; one killed between its commit and its ack may have
        // had its lease evaluated again elsewhere, which subscribers count once.
        let results = ["worker-1", "worker-2", "worker-3"].map { totals.positions[$0] ?? 0 }.reduce(0, +)
        #expect(results >= UInt64(try system.expectedEvaluations(of: bodies)))
        #expect(third.isRunning)
    }

    @Test(
        "a second intake node for one district beside the first: both feed the same subscribers, each submission once")
    func secondIntakeNode() throws {
        let system = try TestSystem("scaling-intakes")
        let first = try system.cluster.startIntake(nodeID: "intake-sd-1")
        let second = try system.cluster.startIntake(nodeID: "intake-sd-2")
        _ = try system.cluster.startWorker(id: "worker-sd-1", intake: first)
        _ = try system.cluster.startWorker(id: "worker-sd-2", intake: second)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [first, second])
        // Sơn Dương's submissions, half to each node (as its agencies are split between them).
        let district = system.bodies(3_000, tag: "two-nodes").filter { body in
            TestSystem.units(of: [body]).first.flatMap { system.registry.area(of: $0) } == "TQ-SD"
        }
        try #require(district.count >= 100)
        let bodies = Array(district.prefix(200))
        for (index, body) in bodies.enumerated() {
            let node = index.isMultiple(of: 2) ? first : second
            _ = try system.client(node, "submissions").request(.submit, body: body)
        }
        #expect(
            try system.waitUntil(.seconds(60)) {
                let totals = try system.totals(reporting)
                return totals.received == 200 && totals.evaluated == 200
            })
        let totals = try system.totals(reporting)
        #expect(totals.received == 200 && totals.evaluated == 200)
        // Each node's log holds its half and its worker's announcement.
        #expect(totals.positions["intake-sd-1"] == 101 && totals.positions["intake-sd-2"] == 101)
        let units = Set(TestSystem.units(of: bodies))
        let expected = try system.expectedEvaluations(of: bodies)
        #expect(
            try system.waitUntil(.seconds(60)) { try system.allNotices(notification, units: units).count == expected })
    }
}
