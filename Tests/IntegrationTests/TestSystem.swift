import AntqCLI
import Client
import Criteria
import Foundation
import Models
import StoreEngines
import Testing
import ZeroMQ

/// A whole system of real service processes on loopback in a temporary directory, for one test.
final class TestSystem {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let registryPath = packageRoot.appendingPathComponent("data/units/tuyen-quang.json").path
    static let criteriaPath = packageRoot.appendingPathComponent("data/criteria").path

    /// Where the built `antq-*` executables are: `ANTQ_BIN_DIR`, else beside the test bundle, else `.build/debug`.
    static var binDirectory: URL {
        if let configured = ProcessInfo.processInfo.environment["ANTQ_BIN_DIR"] {
            return URL(fileURLWithPath: configured)
        }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: besideTests.appendingPathComponent("antq-intake").path) {
            return besideTests
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    let cluster: LocalCluster
    let context: Context
    let registry: UnitRegistry

    /// Runs `executable` until it exits; its status and output (standard output and error together).
    static func run(
        _ executable: URL, _ arguments: [String], directory: URL? = nil
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Runs the real `antq ARGUMENTS` from the package root; returns the exit status and standard output.
    static func antq(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent("antq")
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    init(
        _ name: String, criteria: String = TestSystem.criteriaPath,
        registry registryPath: String = TestSystem.registryPath,
        calendar: String? = nil
    ) throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-it-\(name)-\(UUID().uuidString.prefix(8))")
        let data = Self.packageRoot.appendingPathComponent("data")
        cluster = LocalCluster(
            binDirectory: Self.binDirectory, root: root, registry: registryPath, criteria: criteria,
            calendar: calendar ?? data.appendingPathComponent("calendar/tuyen-quang.v1.json").path,
            templates: data.appendingPathComponent("templates/notices.vi.json").path,
            targets: data.appendingPathComponent("targets/tuyen-quang-2023-2025.v1.json").path)
        context = try Context()
        registry = try UnitRegistry.load(from: URL(fileURLWithPath: registryPath))
    }

    deinit {
        cluster.stopAll()
        // ANTQ_KEEP_TEST_DATA=1 keeps data and logs for a look after a failure.
        if ProcessInfo.processInfo.environment["ANTQ_KEEP_TEST_DATA"] == nil {
            try? FileManager.default.removeItem(at: cluster.root)
        }
    }

    /// Reporting's flags for a store on `engine`: none for SQLite in its data directory, `--store`
    /// with a new database of the test server for PostgreSQL.
    static func reportingStore(_ engine: StoreEngine) throws -> [String] {
        engine == .postgres ? ["--store", try StoreEngine.freshDatabase()] : []
    }

    func client(
        _ service: ManagedService, _ key: String, timeout: Duration = .seconds(2), tries: Int = 10
    ) throws -> RequestClient {
        try RequestClient(
            context: context, endpoint: try #require(service.endpoints[key]), timeout: timeout, tries: tries)
    }

    /// Synthetic submission bodies (70% residential-area self-assessments, the rest reports).
    func bodies(_ count: Int, tag: String) -> [[UInt8]] {
        var generator = SyntheticSubmissions(registry: registry, runTag: tag)
        return (0..<count).map { generator.make($0).body }
    }

    /// Reporting's counts summed over the periods synthetic data uses.
    func totals(
        _ reporting: ManagedService
    ) throws -> (received: Int, evaluated: Int, passed: Int, failed: Int, positions: [String: UInt64]) {
        let client = try client(reporting, "query")
        var sums = (received: 0, evaluated: 0, passed: 0, failed: 0, positions: [String: UInt64]())
        for period in ["2025", "2025-H1"] {
            let reply = try client.request(.report, body: JSONCoding.encode(ReportRequest(period: period)))
            let report = try JSONCoding.decode(Report.self, from: reply.body)
            for row in report.rows {
                sums.received += row.received
                sums.evaluated += row.evaluated
                sums.passed += row.passed
                sums.failed += row.failed
            }
            sums.positions = report.positions
        }
        return sums
    }

    func stats(_ intake: ManagedService) throws -> IntakeStats {
        try JSONCoding.decode(IntakeStats.self, from: try client(intake, "submissions").request(.stats, body: []).body)
    }

    /// The notices of `units` whose key starts with `prefix`: by default result notices only, so
    /// a test does not depend on the reminders the calendar schedules for the day it runs.
    func allNotices(_ notification: ManagedService, units: Set<String>, prefix: String = "result:") throws -> [Notice] {
        let client = try client(notification, "query")
        return try units.sorted().flatMap { unit in
            try JSONCoding.decode(
                Inbox.self, from: try client.request(.inbox, body: JSONCoding.encode(InboxRequest(unit: unit))).body
            ).notices.filter { $0.key.hasPrefix(prefix) }
        }
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    @discardableResult
    func waitUntil(_ timeout: Duration = .seconds(60), _ condition: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    /// How many evaluations `bodies` get in all: one per criteria set that judges each (at least one).
    func expectedEvaluations(of bodies: [[UInt8]]) throws -> Int {
        let catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: Self.criteriaPath))
        return try bodies.reduce(0) { sum, body in
            let object = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(body)).object)
            let unit = try #require(object["unit"]?.string.flatMap { registry[$0] })
            let kind = try #require(object["kind"]?.string.flatMap(SubmissionKind.init(rawValue:)))
            let year = try #require(object["period"]?.string.flatMap(Period.init)?.year)
            return sum + max(1, catalog.sets(for: unit.kind, kind, year: year).count)
        }
    }

    /// The submission key a result notice is about (`result:<key>` or `result:<key>:<set>@<version>`).
    static func submissionKey(ofNotice key: String) -> String {
        String(key.dropFirst("result:".count).prefix { $0 != ":" })
    }

    /// The units of the given bodies.
    static func units(of bodies: [[UInt8]]) -> [String] {
        bodies.map { body in
            let object = try? JSONDecoder().decode(JSONValue.self, from: Data(body))
            return object?.object?["unit"]?.string ?? ""
        }
    }
}

extension RequestClient.SubmitOutcome {
    var receipt: Receipt? {
        if case .receipt(let receipt) = self { receipt } else { nil }
    }

    var rejection: Rejection? {
        if case .rejected(let rejection) = self { rejection } else { nil }
    }
}
