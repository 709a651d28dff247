import ArgumentParser
import Client
import Foundation
import Models
import Synchronization
import ZeroMQ

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The reporting benchmark of issue 6: a store of many evaluated submissions, then reporting's
/// catch-up ingest rate from the producers' logs, then the latency of the API's main queries and
/// of the official report.
struct BenchReportingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-reporting",
        abstract:
            "Reporting under a full store: catch-up ingest rate from the logs, then p50/p95 of the API queries and the report.",
        discussion: """
            Starts intake and workers on loopback, sends --submissions synthetic submissions and waits until \
            every one is evaluated (or, with --reuse DIR, restarts the services of an earlier --keep run). Then \
            starts a reporting subscriber on an empty store, times its catch-up, and asks each query --queries \
            times. The last line printed is one JSON object with the figures (docs/performance.md).
            """
    )

    @Option(help: "Submissions to send.") var submissions = 1_000_000
    @Option(help: "Evaluation workers to start.") var workers = 2
    @Option(help: "Concurrent clients sending.") var clients = 4
    @Option(help: "Requests in flight per client.") var window = 256
    @Option(help: "Times each query is asked.") var queries = 50
    @Option(help: "Unit registry file.") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Criteria sets directory.") var criteria = "data/criteria"
    @Option(help: "Use the stores of an earlier run kept with --keep (its directory) instead of sending again.")
    var reuse: String?
    @Flag(help: "Keep the data directories (reuse them with --reuse).") var keep = false
    @Option(help: "Reporting's store: a postgres:// URL of an empty database (default: SQLite in its data directory).")
    var store: String?

    func validate() throws {
        guard submissions > 0, workers > 0, clients > 0, window > 0, queries > 0 else {
            throw ValidationError("Please give positive --submissions, --workers, --clients, --window and --queries.")
        }
    }

    func run() throws {
        let context = try Context()
        let root =
            reuse.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "antq-bench-reporting-\(UUID().uuidString.prefix(8))")
        let cluster = LocalCluster(
            binDirectory: LocalCluster.executableDirectory, root: root, registry: registry, criteria: criteria)
        defer {
            cluster.stopAll()
            if !keep && reuse == nil { try? FileManager.default.removeItem(at: root) }
        }
        let intake = try cluster.startIntake()
        for index in 1...workers { _ = try cluster.startWorker(id: "bench-worker-\(index)", intake: intake) }
        let statsClient = try RequestClient(
            context: context, endpoint: intake.endpoints["submissions"] ?? "", timeout: .seconds(10), tries: 3)
        let clock = ContinuousClock()
        if reuse == nil {
            print("sending \(submissions) submissions to intake under \(root.path)")
            var generator = SyntheticSubmissions(
                registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry)),
                runTag: "bench-\(UUID().uuidString.prefix(8))")
            let bodies = (0..<submissions).map { generator.make($0).body }
            let start = clock.now
            let load = try SubmissionLoad.send(
                bodies, to: intake.endpoints["submissions"] ?? "", context: context, clients: clients, window: window,
                rate: 0)
            print("receipts: \(load.accepted) in \(String(format: "%.1f", (clock.now - start).seconds)) s")
        }
        var stats = try self.stats(statsClient)
        while stats.evaluated < stats.accepted {
            Thread.sleep(forTimeInterval: 0.5)
            stats = try self.stats(statsClient)
        }
        print("store: \(stats.accepted) submissions, all evaluated; intake's log at \(stats.lastSequence)")

        // Catch-up: a reporting subscriber on an empty store follows the logs from the start.
        let reportingDirectory = root.appendingPathComponent("reporting")
        try? FileManager.default.removeItem(at: reportingDirectory)
        let catchUpStart = clock.now
        let reporting = try cluster.startSubscriber(
            "antq-reporting", name: "reporting", following: [intake], extra: store.map { ["--store", $0] } ?? [])
        let http = reporting.endpoints["http"] ?? ""
        var last: (positions: [String: UInt64], at: ContinuousClock.Instant) = ([:], clock.now)
        while true {
            Thread.sleep(forTimeInterval: 0.2)
            let positions = try Self.positions(try Self.get("\(http)/health").body)
            if positions != last.positions {
                last = (positions, clock.now)
            } else if positions[intake.name] == stats.lastSequence && clock.now - last.at > .seconds(3) {
                break
            }
        }
        let events = last.positions.values.reduce(0, +)
        let catchUpSeconds = (last.at - catchUpStart).seconds
        // CPU time too: on a shared machine it varies less than the wall clock.
        let cpuSeconds = reporting.process.map { Self.cpuSeconds(of: $0.processIdentifier) } ?? 0
        print(
            "catch-up: \(events) events in \(String(format: "%.1f", catchUpSeconds)) s, reporting used \(String(format: "%.1f", cpuSeconds)) s of CPU"
        )

        // Latency of the main queries, asked one after another as a person or a system would.
        let registry = try UnitRegistry.load(from: URL(fileURLWithPath: self.registry))
        let area = "TQ-SD"
        let unit =
            registry.allUnits.first { $0.kind == .commune && registry.area(of: $0.id) == area }?.id ?? "TQ-SD-DONGTHO"
        let paths = [
            ("report_year", "/api/v1/report?period=2025"), ("report_half", "/api/v1/report?period=2025-H1"),
            ("report_area", "/api/v1/report?period=2025&area=\(area)&kind=commune"),
            ("area_units", "/api/v1/areas/\(area)/units?year=2025"), ("unit", "/api/v1/units/\(unit)?year=2025"),
            ("missing", "/api/v1/missing?year=2025"), ("report_html", "/reports/2025.html"),
            ("report_csv", "/reports/2025.csv"), ("dashboard", "/dashboard?year=2025"),
        ]
        var figures: [String: Double] = [
            "submissions": Double(stats.accepted), "catch_up_events": Double(events),
            "catch_up_seconds": (catchUpSeconds * 10).rounded() / 10,
            "catch_up_events_per_s": (Double(events) / catchUpSeconds).rounded(),
            "catch_up_cpu_seconds": (cpuSeconds * 10).rounded() / 10,
            "catch_up_events_per_cpu_s": cpuSeconds > 0 ? (Double(events) / cpuSeconds).rounded() : 0,
        ]
        print("query                p50 ms   p95 ms   max ms")
        for (name, path) in paths {
            var timings: [Duration] = []
            for _ in 0..<queries {
                let start = clock.now
                let answer = try Self.get(http + path)
                timings.append(clock.now - start)
                guard answer.status == 200 else {
                    throw ValidationError(
                        "\(path) answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
                }
            }
            record(name, timings.sorted(), into: &figures)
        }
        let query = try RequestClient(
            context: context, endpoint: reporting.endpoints["query"] ?? "", timeout: .seconds(30), tries: 1)
        var timings: [Duration] = []
        for _ in 0..<queries {
            let start = clock.now
            _ = try query.request(.report, body: JSONCoding.encode(ReportRequest(period: "2025")))
            timings.append(clock.now - start)
        }
        record("zeromq_report", timings.sorted(), into: &figures)
        print(try SubmissionLoad.figuresLine(figures))
    }

    private func record(_ name: String, _ sorted: [Duration], into figures: inout [String: Double]) {
        let (p50, p95, max) = (
            SubmissionLoad.percentile(sorted, 0.5) * 1000, SubmissionLoad.percentile(sorted, 0.95) * 1000,
            (sorted.last?.seconds ?? 0) * 1000
        )
        print(
            name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + [p50, p95, max].map { String(format: "%9.1f", $0) }.joined())
        figures["\(name)_p50_ms"] = (p50 * 10).rounded() / 10
        figures["\(name)_p95_ms"] = (p95 * 10).rounded() / 10
    }

    private func stats(_ client: RequestClient) throws -> IntakeStats {
        try JSONCoding.decode(IntakeStats.self, from: client.request(.stats, body: []).body)
    }

    /// User and system CPU seconds a process has used, from `/proc/PID/stat` (0 when unreadable).
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// `positions` of a `/health` answer.
    static func positions(_ body: [UInt8]) throws -> [String: UInt64] {
        var positions: [String: UInt64] = [:]
        for (producer, value) in try JSONParser.parse(body).object?["positions"]?.object ?? [:] {
            positions[producer] = UInt64(value.integer ?? 0)
        }
        return positions
    }

    /// A blocking GET on loopback.
    static func get(_ url: String) throws -> (status: Int, body: [UInt8]) {
        guard let address = URL(string: url) else { throw ValidationError("\(url) is not a URL") }
        let result = Mutex<Result<(Int, [UInt8]), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: address) { data, response, error in
            result.withLock {
                $0 =
                    if let error { .failure(error) } else {
                        .success(((response as? HTTPURLResponse)?.statusCode ?? 0, [UInt8](data ?? Data())))
                    }
            }
            done.signal()
        }.resume()
        done.wait()
        guard let answer = result.withLock({ $0 }) else { throw ValidationError("\(url): no answer") }
        return try answer.get()
    }
}
