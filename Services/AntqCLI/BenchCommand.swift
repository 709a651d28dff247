import ArgumentParser
import Client
import Foundation
import Models
import Synchronization
import ZeroMQ

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Load test: start the services on loopback (or use running ones), send synthetic submissions, measure.",
        discussion: "The last line printed is one JSON object with the figures (docs/performance.md)."
    )

    @Option(help: "Submissions to send.") var submissions = 50_000
    @Option(help: "Evaluation workers to start (per intake node).") var workers = 2
    @Option(help: "Intake nodes to start (each with its workers); the load is split between them.") var intakes = 1
    @Option(help: "Concurrent clients.") var clients = 4
    @Option(help: "Requests in flight per client.") var window = 256
    @Option(help: "Offered rate in submissions per second over all clients (0: as fast as answered).") var rate = 0
    @Option(help: "Use a running intake at this submissions endpoint instead of starting services.") var intake: String?
    @Option(help: "Unit registry file.") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Criteria sets directory.") var criteria = "data/criteria"
    @Flag(
        help:
            "Also start reporting and notification on the same machine (by default only the agency node's intake and workers, which the figures measure)."
    )
    var subscribers = false
    @Flag(help: "Keep the temporary data directories and logs.") var keep = false

    func validate() throws {
        guard submissions > 0, workers > 0, intakes > 0, clients >= intakes, window > 0, rate >= 0 else {
            throw ValidationError(
                "Please give positive --submissions, --workers, --intakes and --window, --clients at least --intakes, and --rate ≥ 0."
            )
        }
    }

    func run() throws {
        let context = try Context()
        let rawRate = try RawThroughput.measure(context: context, messages: 200_000, size: 512)
        var cluster: LocalCluster?
        var endpoints: [String] = []
        if let intake {
            endpoints = [intake]
        } else {
            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "antq-bench-\(UUID().uuidString.prefix(8))")
            let started = LocalCluster(
                binDirectory: LocalCluster.executableDirectory, root: root, registry: registry, criteria: criteria)
            cluster = started
            var nodes: [ManagedService] = []
            for number in 1...intakes {
                let node = try started.startIntake(nodeID: "bench-intake-\(number)")
                for index in 1...workers {
                    _ = try started.startWorker(id: "bench-worker-\(number)-\(index)", intake: node)
                }
                nodes.append(node)
                endpoints.append(node.endpoints["submissions"] ?? "")
            }
            if subscribers { _ = try started.startSubscribers(following: nodes) }
            print("services started under \(root.path)")
        }
        defer {
            cluster?.stopAll()
            if let cluster, !keep { try? FileManager.default.removeItem(at: cluster.root) }
        }

        let statsClients = try endpoints.map {
            try RequestClient(context: context, endpoint: $0, timeout: .seconds(5), tries: 3)
        }
        let before = try stats(statsClients)
        var generator = SyntheticSubmissions(
            registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry)),
            runTag: "bench-\(UUID().uuidString.prefix(8))"
        )
        let bodies = (0..<submissions).map { generator.make($0).body }
        let clock = ContinuousClock()
        let start = clock.now
        let load = try Self.send(
            bodies, to: endpoints, context: context, clients: clients, window: window, rate: rate)
        let receiptsDone = clock.now
        // Wait until intake has every one acknowledged by a worker (after the worker's durable write).
        var after = try stats(statsClients)
        let evaluationDeadline = clock.now.advanced(by: .seconds(600))
        while after.evaluated - before.evaluated < load.accepted && clock.now < evaluationDeadline {
            Thread.sleep(forTimeInterval: 0.01)
            after = try stats(statsClients)
        }
        let evaluatedDone = clock.now

        let (latencies, accepted, failed) = (load.latencies.sorted(), load.accepted, load.failed)
        func percentile(_ p: Double) -> Double { SubmissionLoad.percentile(latencies, p) * 1000 }
        let receiptSeconds = (receiptsDone - start).seconds
        let evaluationSeconds = (evaluatedDone - start).seconds
        let figures: [String: Double] = [
            "submissions": Double(submissions), "accepted": Double(accepted), "failed": Double(failed),
            "evaluated": Double(after.evaluated - before.evaluated),
            "workers": Double(intake == nil ? workers * intakes : after.workers),
            "intakes": Double(endpoints.count),
            "clients": Double(clients), "offered_rate": Double(rate), "subscribers": subscribers ? 2 : 0,
            "receipts_per_s": (Double(accepted) / receiptSeconds).rounded(),
            "evaluated_per_s": (Double(after.evaluated - before.evaluated) / evaluationSeconds).rounded(),
            "p50_receipt_ms": (percentile(0.50) * 100).rounded() / 100,
            "p99_receipt_ms": (percentile(0.99) * 100).rounded() / 100,
            "raw_zmq_msgs_per_s": rawRate.rounded(),
        ]
        print(
            "receipts: \(accepted) in \(String(format: "%.2f", receiptSeconds)) s; evaluated: \(after.evaluated - before.evaluated) in \(String(format: "%.2f", evaluationSeconds)) s"
        )
        print(try SubmissionLoad.figuresLine(figures))
        if failed > 0 { throw ExitCode.failure }
    }

    /// Accepted, evaluated and workers, summed over the nodes.
    private func stats(_ clients: [RequestClient]) throws -> (accepted: Int, evaluated: Int, workers: Int) {
        var sums = (accepted: 0, evaluated: 0, workers: 0)
        for client in clients {
            let stats = try JSONCoding.decode(IntakeStats.self, from: client.request(.stats, body: []).body)
            sums.accepted += stats.accepted
            sums.evaluated += stats.evaluated
            sums.workers += stats.workers
        }
        return sums
    }

    /// The load split between the nodes, each share sent at once with its part of the clients and rate.
    private static func send(
        _ bodies: [[UInt8]], to endpoints: [String], context: Context, clients: Int, window: Int, rate: Int
    ) throws -> SubmissionLoad.Outcome {
        guard endpoints.count > 1 else {
            return try SubmissionLoad.send(
                bodies, to: endpoints[0], context: context, clients: clients, window: window, rate: rate)
        }
        let outcomes = Mutex<[Result<SubmissionLoad.Outcome, any Error>]>([])
        let threads = endpoints.enumerated().map { index, endpoint in
            let share = stride(from: index, to: bodies.count, by: endpoints.count).map { bodies[$0] }
            return Thread {
                let outcome = Result {
                    try SubmissionLoad.send(
                        share, to: endpoint, context: context, clients: clients / endpoints.count,
                        window: window, rate: rate > 0 ? max(1, rate / endpoints.count) : 0)
                }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        for thread in threads { thread.start() }
        while outcomes.withLock({ $0.count }) < threads.count { Thread.sleep(forTimeInterval: 0.01) }
        var total = SubmissionLoad.Outcome()
        for outcome in try outcomes.withLock({ $0 }).map({ try $0.get() }) {
            total.latencies += outcome.latencies
            total.accepted += outcome.accepted
            total.failed += outcome.failed
        }
        return total
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Raw libzmq throughput on this machine, for comparison: PUSH to PULL over TCP loopback.
enum RawThroughput {
    static func measure(context: Context, messages: Int, size: Int) throws -> Double {
        let pull = try context.socket(.pull)
        try pull.set([.linger(milliseconds: 0), .receiveHighWaterMark(0)])
        try pull.bind("tcp://127.0.0.1:0")
        let endpoint = try pull.lastEndpoint()
        let sender = Thread {
            do {
                let push = try context.socket(.push)
                try push.set([.linger(milliseconds: 5000), .sendHighWaterMark(0)])
                try push.connect(endpoint)
                let payload = [UInt8](repeating: 0x41, count: size)
                for _ in 0..<messages { try push.send([payload]) }
                push.close()
            } catch {
                FileHandle.standardError.write(Data("raw throughput sender failed: \(error)\n".utf8))
            }
        }
        sender.start()
        let clock = ContinuousClock()
        _ = try pull.receive()
        let start = clock.now
        for _ in 1..<messages { _ = try pull.receive() }
        let elapsed = (clock.now - start).seconds
        pull.close()
        return Double(messages - 1) / elapsed
    }
}
