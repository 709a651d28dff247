import EventLog
import Foundation
import Hummingbird
import Logging
import Models
import Obligations
import ReportDocuments
import SQLStore
import ServiceHTTP
import ServiceKit

/// Reporting's HTTP side: the JSON API (docs/openapi.yaml), the official report as HTML, CSV and
/// JSON, the dashboard and its drill-down pages, `/health` and `/metrics`. Every route reads the
/// store through the pool's readers; the subscriber thread alone writes it.
struct ReportingHTTP: Sendable {
    let database: any SQLStore
    let registry: UnitRegistry?
    let calendar: ObligationCalendar?
    let targets: TargetsFile?
    /// Printed at the head of the official report, e.g. "CÔNG AN TỈNH TUYÊN QUANG".
    let issuer: String
    let logger: Logger
    /// What the subscriber's loop publishes (applied sequences, lag), for /metrics.
    var figures: LiveFigures? = nil

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestCounter.shared)
        router.add(middleware: ReadOnlyMethods())
        router.addOperationsRoutes(
            service: "reporting",
            health: {
                // The store answers (else a 503 with its error), and the subscriber's loop is alive.
                let positions = try await positions()
                return figures?.health(service: "reporting", positions: positions)
                    ?? HealthStatus(service: "reporting", positions: positions)
            },
            metrics: { try await metrics() })
        router.read("/") { request, _ in try await dashboard(request) }
        router.read("/dashboard") { request, _ in try await dashboard(request) }
        router.read("/assets/dashboard.css") { _, _ in
            HTTPReply.bytes(Array(Dashboard.css.utf8), contentType: "text/css; charset=utf-8")
        }
        router.read("/assets/dashboard.js") { _, _ in
            HTTPReply.bytes(Array(Dashboard.script.utf8), contentType: "text/javascript; charset=utf-8")
        }
        router.read("/areas/:area") { request, context in
            let year = try year(request)
            let area = try context.parameters.require("area")
            let units = try await units(of: area, year: year)
            return html(Dashboard.areaPage(area: area, name: registry?[area]?.name ?? area, year: year, units: units))
        }
        router.read("/units/:unit") { request, context in
            let year = try year(request)
            let detail = try await unitDetail(try context.parameters.require("unit"), year: year)
            return html(Dashboard.unitPage(detail))
        }
        router.read("/reports/:file") { _, context in try await officialReport(try context.parameters.require("file")) }
        router.read("/api/v1/report") { request, _ in
            let period = try period(request)
            let area = request.uri.queryParameters["area"].map(String.init)
            let kind = try request.uri.queryParameters["kind"].map { text in
                guard let kind = UnitKind(rawValue: String(text)) else {
                    throw HTTPError(.badRequest, message: "kind \(text) is not a unit kind (commune, ward, …)")
                }
                return kind
            }
            return try HTTPReply.json(try await report(period).filtered(area: area, kind: kind))
        }
        router.read("/api/v1/areas/:area/units") { request, context in
            try HTTPReply.json(try await units(of: try context.parameters.require("area"), year: try year(request)))
        }
        router.read("/api/v1/units/:unit") { request, context in
            try HTTPReply.json(try await unitDetail(try context.parameters.require("unit"), year: try year(request)))
        }
        router.read("/api/v1/missing") { request, _ in
            let year = try year(request)
            let parameters = request.uri.queryParameters
            let status = parameters["status"].map(String.init) ?? "missing"
            guard let wanted = UnitObligationStatus.Status(rawValue: status) else {
                throw HTTPError(.badRequest, message: "status \(status) is not one of missing, late, on_time")
            }
            let statuses = try await obligationStatuses(year: year).filter { entry in
                entry.status == wanted && parameters["area"].map { entry.area == $0 } ?? true
                    && parameters["obligation"].map { entry.obligation == $0 } ?? true
            }
            return try HTTPReply.json(statuses)
        }
        return router
    }

    // MARK: - Reads

    /// The report and the positions it reflects, read in one transaction.
    func report(_ period: Period) async throws -> Report {
        try await database.read { [registry, calendar, targets] db in
            try ReportStore.report(
                period: "\(period)", registry: registry, calendar: calendar, targets: targets,
                positions: try EventSubscriber.appliedPositions(in: db), db)
        }
    }

    func positions() async throws -> [String: UInt64] {
        try await database.read { try EventSubscriber.appliedPositions(in: $0) }
    }

    func units(of area: String, year: Int) async throws -> [UnitStanding] {
        guard let registry else { throw HTTPError(.notFound, message: "reporting runs without a registry") }
        guard registry[area] != nil else { throw HTTPError(.notFound, message: "no area \(area) in the registry") }
        return try await database.read { [calendar] db in
            try ReportStore.units(of: area, year: year, registry: registry, calendar: calendar, db)
        }
    }

    func unitDetail(_ unit: String, year: Int) async throws -> UnitDetail {
        try await database.read { [registry, calendar, logger] db in
            guard
                let standing = try ReportStore.standings(
                    [unit], year: year, registry: registry, calendar: calendar, db
                ).first,
                registry?[unit] != nil || standing.submissions > 0
            else { throw HTTPError(.notFound, message: "no unit \(unit) in the registry or in any submission") }
            let evaluations = try ReportStore.evaluations(unit: unit, period: "\(year)", logger: logger, db)
            return UnitDetail(standing: standing, evaluations: evaluations)
        }
    }

    func obligationStatuses(year: Int) async throws -> [UnitObligationStatus] {
        guard let registry, let calendar else { return [] }
        return try await database.read { db in
            try ReportStore.obligationStatuses(year: year, calendar: calendar, registry: registry, db)
        }
    }

    func metrics() async throws -> PrometheusText {
        var text = PrometheusText()
        text.append(figures?.figures ?? [])
        let counts = try await database.read { db in
            (
                try db.fetchOne("SELECT COALESCE(SUM(received), 0) FROM report_count")?.int(0) ?? 0,
                try db.fetchOne("SELECT COUNT(*) FROM report_result")?.int(0) ?? 0,
                try EventSubscriber.quarantinedCount(in: db)
            )
        }
        text.gauge(
            "antq_reporting_submissions", "Submissions known to reporting (corrections count once).", Double(counts.0))
        text.gauge("antq_reporting_results", "Current results per unit, year and criteria set.", Double(counts.1))
        text.gauge(
            "antq_subscriber_quarantined", "Events set aside as unreadable.", Double(counts.2),
            labels: ["service": "reporting"])
        RequestCounter.shared.write(to: &text)
        return text
    }

    // MARK: - Pages

    func dashboard(_ request: Request) async throws -> Response {
        let year =
            try request.uri.queryParameters["year"].map { _ in try self.year(request) }
            ?? Day.today()?.year ?? 2025
        // One snapshot, and who owed what worked out once for the report and the list of who is missing.
        let (report, missing) = try await database.read { [registry, calendar, targets] db in
            let statuses =
                try registry.flatMap { registry in
                    try calendar.map {
                        try ReportStore.obligationStatuses(year: year, calendar: $0, registry: registry, db)
                    }
                } ?? []
            let report = try ReportStore.report(
                period: "\(year)", registry: registry, calendar: calendar, targets: targets,
                positions: try EventSubscriber.appliedPositions(in: db), statuses: statuses, db)
            return (report, statuses.filter { $0.status == .missing })
        }
        return html(
            Dashboard.page(
                report: report, missing: missing, today: Day.today(),
                issuer: issuer))
    }

    /// `/reports/2025.html`, `.csv` or `.json`.
    func officialReport(_ file: String) async throws -> Response {
        guard let dot = file.lastIndex(of: "."), ["html", "csv", "json"].contains(file[file.index(after: dot)...])
        else { throw HTTPError(.notFound, message: "\(file): ask for PERIOD.html, PERIOD.csv or PERIOD.json") }
        guard let period = Period(String(file[..<dot])) else {
            throw HTTPError(.badRequest, message: "\(file[..<dot]) is not a period: use YYYY, YYYY-H1 or YYYY-H2")
        }
        let report = try await report(period)
        switch file[file.index(after: dot)...] {
        case "html":
            return html(ReportDocument(report).html(issuer: issuer, generatedAt: Day.vietnameseTime()))
        case "csv":
            return HTTPReply.bytes(
                ReportDocument(report).csv, contentType: "text/csv; charset=utf-8", download: "bao-cao-\(period).csv")
        default:
            return try HTTPReply.json(report)
        }
    }

    // MARK: - Parameters

    func period(_ request: Request) throws -> Period {
        guard let text = request.uri.queryParameters["period"] else {
            throw HTTPError(.badRequest, message: "period is missing: add ?period=2025 or ?period=2025-H1")
        }
        guard let period = Period(String(text)) else {
            throw HTTPError(.badRequest, message: "period \(text) is not YYYY, YYYY-H1 or YYYY-H2")
        }
        return period
    }

    func year(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["year"] else {
            throw HTTPError(.badRequest, message: "year is missing: add ?year=2025")
        }
        guard let year = Int(String(text)), (2000...2100).contains(year) else {
            throw HTTPError(.badRequest, message: "year \(text) is not a year (2000–2100)")
        }
        return year
    }

    func html(_ page: String) -> Response {
        HTTPReply.bytes(Array(page.utf8), contentType: "text/html; charset=utf-8")
    }
}

/// A unit's drill-down: its standing and every criteria set's result, criterion by criterion.
public struct UnitDetail: Codable, Sendable, Equatable {
    public let standing: UnitStanding
    public let evaluations: [Evaluation]
}

extension Report {
    /// The rows of one area and/or unit kind (targets are province-wide and kept whole).
    func filtered(area: String?, kind: UnitKind?) -> Report {
        guard area != nil || kind != nil else { return self }
        func keep(_ rowArea: String, _ rowKind: UnitKind) -> Bool {
            (area.map { $0 == rowArea } ?? true) && (kind.map { $0 == rowKind } ?? true)
        }
        return Report(
            period: period, rows: rows.filter { keep($0.area, $0.unitKind) },
            obligations: obligations?.filter { keep($0.area, $0.unitKind) }, targets: targets,
            indicators: indicators?.filter { keep($0.area, $0.unitKind) },
            comparison: comparison?.filter { row in area.map { $0 == row.area } ?? true }, positions: positions)
    }
}
