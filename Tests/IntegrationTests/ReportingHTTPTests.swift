import Foundation
import Models
import StoreEngines
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reporting's HTTP side through real processes: the 2025 sample year submitted to a real intake
/// node and workers, then the JSON API, the official report and the dashboard read back over HTTP,
/// and the dashboard and printable report loaded in a real headless Chromium.
@Suite("reporting over HTTP, real processes and a real browser")
struct ReportingHTTPTests {
    @Test(
        "API, official report, dashboard and drill-down agree with the sample year; no console error",
        arguments: StoreEngine.available)
    func sampleYearOverHTTP(engine: StoreEngine) async throws {
        let samples = try SampleYearTests.samples()
        let system = try TestSystem("http")
        let intake = try system.cluster.startIntake()
        let worker = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let reporting = try system.cluster.startSubscriber(
            "antq-reporting", name: "reporting", following: [intake], extra: try TestSystem.reportingStore(engine))
        let bodies = samples.map(\.body)
        let (outcomes, _) = try system.client(intake, "submissions").submitAll(bodies, window: 1)
        #expect(outcomes.allSatisfy { $0.receipt != nil })
        let evaluations = try system.expectedEvaluations(of: bodies)
        let query = try system.client(reporting, "query")
        func report(_ period: String) throws -> Report {
            try JSONCoding.decode(
                Report.self,
                from: try query.request(.report, body: JSONCoding.encode(ReportRequest(period: period))).body)
        }
        let head = try system.stats(intake).lastSequence
        let complete = try system.waitUntil {
            let positions = try report("2025").positions
            return positions[worker.name] ?? 0 >= UInt64(evaluations) && positions[intake.name] == head
        }
        #expect(complete, "reporting did not apply the \(evaluations) evaluations")
        let base = try #require(reporting.endpoints["http"])

        // /health and /metrics.
        let health = try await httpGet("\(base)/health")
        #expect(health.status == 200 && health.contentType.hasPrefix("application/json"))
        let healthBody = try #require(try JSONParser.parse([UInt8](health.body)).object)
        #expect(healthBody["status"]?.string == "ok")
        #expect(healthBody["positions"]?.object?[worker.name]?.integer == evaluations)
        let zeromq = try report("2025")
        let metrics = String(decoding: try await httpGet("\(base)/metrics").body, as: UTF8.self)
        let received = zeromq.rows.reduce(0) { $0 + $1.received }
        // Submissions of every period the samples name, each with its corrections once.
        let everyPeriod = try Set(samples.map(\.period)).reduce(0) { sum, period in
            sum + (try report(period)).rows.reduce(0) { $0 + $1.received }
        }
        #expect(everyPeriod == Set(samples.map { $0.replaces == nil ? $0.submissionID : "" }).subtracting([""]).count)
        #expect(
            metrics.contains("# TYPE antq_reporting_submissions gauge\nantq_reporting_submissions \(everyPeriod)\n"))
        #expect(metrics.contains("antq_subscriber_quarantined{service=\"reporting\"} 0\n"))
        // The subscriber's loop publishes its positions every second: the last one may be a second old.
        let applied =
            "antq_subscriber_applied_sequence{producer=\"\(worker.name)\",service=\"reporting\"} \(evaluations)"
        var published = metrics.contains(applied)
        for _ in 0..<50 where !published {
            try await Task.sleep(for: .milliseconds(100))
            published = String(decoding: try await httpGet("\(base)/metrics").body, as: UTF8.self).contains(applied)
        }
        #expect(published, "\(metrics)")
        #expect(metrics.contains("antq_http_requests_total{code=\"200\"}"))
        #expect(received > 0)

        // The API's report is the one the ZeroMQ query gives; filters keep one area and kind.
        let api = try JSONCoding.decode(
            Report.self, from: [UInt8](try await httpGet("\(base)/api/v1/report?period=2025").body))
        #expect(api.rows == zeromq.rows && api.obligations == zeromq.obligations && api.targets == zeromq.targets)
        #expect(api.indicators == zeromq.indicators)
        let sonDuong = try JSONCoding.decode(
            Report.self,
            from: [UInt8](try await httpGet("\(base)/api/v1/report?period=2025&area=TQ-SD&kind=commune").body))
        #expect(!sonDuong.rows.isEmpty && sonDuong.rows.allSatisfy { $0.area == "TQ-SD" && $0.unitKind == .commune })
        #expect(sonDuong.rows == zeromq.rows.filter { $0.area == "TQ-SD" && $0.unitKind == .commune })

        // Indicators: the yearly reports' counts summed by area, each unit's latest report once.
        var expected: [String: [String: Int]] = [:]
        for sample in samples where sample.kind == .yearlyReport {
            let data = try #require(try JSONParser.parse(sample.body).object?["data"]?.object)
            let area = try #require(system.registry.area(of: sample.unit))
            for (field, value) in data {
                if let count = value.integer { expected[area, default: [:]][field, default: 0] += count }
            }
        }
        let indicators = try #require(api.indicators)
        #expect(!expected.isEmpty)
        #expect(
            Dictionary(grouping: indicators, by: \.area).mapValues { rows in
                rows.reduce(into: [String: Int]()) { $0.merge($1.values, uniquingKeysWith: +) }
            } == expected)
        #expect(indicators.reduce(0) { $0 + $1.reports } == samples.filter { $0.kind == .yearlyReport }.count)

        // Bad requests get a status and a message that says what is wrong.
        let noPeriod = try await httpGet("\(base)/api/v1/report")
        #expect(noPeriod.status == 400)
        #expect(String(decoding: noPeriod.body, as: UTF8.self).contains("period is missing"))
        #expect(try await httpGet("\(base)/api/v1/report?period=2025-H3").status == 400)
        #expect(try await httpGet("\(base)/api/v1/report?period=2025&kind=castle").status == 400)
        #expect(try await httpGet("\(base)/api/v1/areas/NOWHERE/units?year=2025").status == 404)
        #expect(try await httpGet("\(base)/api/v1/units/NOBODY?year=2025").status == 404)
        #expect(try await httpGet("\(base)/reports/2025.docx").status == 404)
        #expect(try await httpGet("\(base)/reports/2025-H3.csv").status == 400)

        // Drill-down: province → area → unit → each criterion with its reason.
        let units = try JSONParser.parse(
            [UInt8](try await httpGet("\(base)/api/v1/areas/TQ-SD/units?year=2025").body))
        let dongTho = try #require(units.array?.first { $0.object?["unit"]?.string == "TQ-SD-DONGTHO" }?.object)
        #expect(dongTho["results"]?.array?.isEmpty == false)
        let detail = try #require(
            try JSONParser.parse([UInt8](try await httpGet("\(base)/api/v1/units/TQ-SD-DONGTHO?year=2025").body))
                .object)
        let resultsReply = try query.request(
            .results, body: JSONCoding.encode(UnitResultsRequest(unit: "TQ-SD-DONGTHO", period: "2025")))
        let direct = try JSONCoding.decode(UnitResults.self, from: resultsReply.body).evaluations
        #expect(detail["evaluations"]?.array?.count == direct.count && !direct.isEmpty)
        #expect(
            detail["evaluations"]?.array?.first?.object?["criteria"]?.array?.allSatisfy {
                $0.object?["reason"]?.string?.isEmpty == false
            } == true)
        let unitPage = String(decoding: try await httpGet("\(base)/units/TQ-SD-DONGTHO?year=2025").body, as: UTF8.self)
        #expect(
            unitPage.contains(
                try #require(direct.first?.criteria.first?.reason).replacingOccurrences(of: "\"", with: "&quot;")))

        // Who has not reported: each entry is a unit that owed it and has no met day.
        let missing = try JSONParser.parse([UInt8](try await httpGet("\(base)/api/v1/missing?year=2025").body))
        let missingEntries = try #require(missing.array)
        let obligations = try #require(zeromq.obligations)
        #expect(missingEntries.count == obligations.reduce(0) { $0 + $1.missing })
        #expect(missingEntries.allSatisfy { $0.object?["met_on"] == nil && $0.object?["status"]?.string == "missing" })

        // The official report: CSV for Excel, printable HTML, JSON.
        let csv = try await httpGet("\(base)/reports/2025.csv")
        #expect(csv.status == 200 && csv.contentType.hasPrefix("text/csv"))
        #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: csv.body.dropFirst(3), as: UTF8.self).contains("Tổng cộng,,\(received),"))
        let html = String(decoding: try await httpGet("\(base)/reports/2025.html").body, as: UTF8.self)
        #expect(html.contains("BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — NĂM 2025"))
        #expect(html.contains("@page { size: A4"))

        // Only reading: other methods get 405, HEAD the headers of GET.
        var post = URLRequest(url: try #require(URL(string: "\(base)/api/v1/report?period=2025")))
        post.httpMethod = "POST"
        let (_, postResponse) = try await URLSession.shared.data(for: post)
        #expect((postResponse as? HTTPURLResponse)?.statusCode == 405)
        var headRequest = URLRequest(url: try #require(URL(string: "\(base)/health")))
        headRequest.httpMethod = "HEAD"
        let (_, headResponse) = try await URLSession.shared.data(for: headRequest)
        #expect((headResponse as? HTTPURLResponse)?.statusCode == 200)

        // The API against its own description: schemathesis (which scripts/test installs) generates
        // requests from docs/openapi.yaml and checks every answer's status, type and shape.
        let schemathesis = try Self.schemathesis(base)
        #expect(schemathesis.status == 0, "schemathesis:\n\(schemathesis.output)")

        // The dashboard in a real browser: it loads with no console message, shows the figures the API
        // gives, and a screenshot is kept; the printable report prints to PDF.
        let artifacts = TestSystem.packageRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let chromium = try Chromium(profile: system.cluster.root.appendingPathComponent("chromium"))
        let dashboardURL = "\(base)/dashboard?year=2025"
        let dom = try chromium.run(dashboardURL, ["--dump-dom"])
        #expect(dom.status == 0)
        #expect(dom.console.isEmpty, "console: \(dom.console)")
        #expect(dom.output.contains("data-ready=\"true\""), "the dashboard's script ran")
        let passed = zeromq.rows.reduce(0) { $0 + $1.passed }
        #expect(
            dom.output.contains(
                "<div class=\"tile\" id=\"tile-safe\"><div class=\"label\">Đạt \"an toàn về ANTT\"</div><div class=\"value\">\(passed)</div>"
            ))
        let completeness = obligations.reduce((0, 0)) { ($0.0 + $1.onTime, $0.1 + $1.expected) }
        #expect(dom.output.contains("\(completeness.0)/\(completeness.1) lượt phải báo cáo"))
        for area in Set(zeromq.rows.map(\.areaName)) { #expect(dom.output.contains(area)) }
        // The SQLite run's screenshot is the one docs/images/dashboard.png is taken from.
        let suffix = engine == .sqlite ? "" : "-\(engine)"
        let screenshot = artifacts.appendingPathComponent("dashboard\(suffix).png")
        try? FileManager.default.removeItem(at: screenshot)
        let shot = try chromium.run(dashboardURL, ["--screenshot=\(screenshot.path)"])
        #expect(shot.status == 0 && shot.console.isEmpty, "console: \(shot.console)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.count > 20_000 && Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let pdfFile = artifacts.appendingPathComponent("bao-cao-2025\(suffix).pdf")
        try? FileManager.default.removeItem(at: pdfFile)
        let print = try chromium.run(
            "\(base)/reports/2025.html", ["--no-pdf-header-footer", "--print-to-pdf=\(pdfFile.path)"])
        #expect(print.status == 0 && print.console.isEmpty, "console: \(print.console)")
        let pdf = try Data(contentsOf: pdfFile)
        #expect(Array(pdf.prefix(5)) == Array("%PDF-".utf8) && pdf.count > 5_000)
    }

    /// Runs `schemathesis` against the API at `base` (a bounded number of examples, a fixed seed).
    static func schemathesis(_ base: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-m", "schemathesis.cli", "run",
            TestSystem.packageRoot.appendingPathComponent("docs/openapi.yaml").path,
            "--url", base, "--checks", "all", "--max-examples", "25", "--seed", "2025", "--no-color",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: watchdog)
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }
}
