import EventLog
import Logging
import Models
import Obligations
import ServiceHTTP
import ServiceKit
import ServiceLifecycle
import ZeroMQ

/// Builds the reporting service: a subscriber that keeps the consolidated picture and answers
/// `report` and `results` over ZeroMQ, and the HTTP side (API, official report, dashboard) on the
/// same store.
public enum ReportingService {
    /// The services to run together under one `ServiceGroup` until SIGTERM.
    /// - Parameters:
    ///   - calendar: the obligations calendar, for who reported on time, late or not at all.
    ///   - targets: the plan's targets, for progress towards "điển hình" units.
    ///   - http: where the HTTP side listens.
    ///   - issuer: the office printed at the head of the official report.
    public static func make(
        configuration: SubscriberConfiguration, calendar: ObligationCalendar? = nil, targets: TargetsFile? = nil,
        http: HTTPAddress, issuer: String = "CÔNG AN TỈNH TUYÊN QUANG", context: Context, logger: Logger
    ) throws -> [any Service] {
        let figures = configuration.figures ?? LiveFigures()
        let configuration = {
            var configuration = configuration
            configuration.figures = figures
            return configuration
        }()
        let database = try SubscriberService.openStore(
            name: "reporting", configuration: configuration, sqlite: ReportStore.migrator,
            postgres: ReportStore.postgresMigrations, logger: logger)
        let subscriber = SubscriberService.make(
            name: "reporting", database: database, configuration: configuration, context: context, logger: logger,
            applier: ReportStore(calendar: calendar)
        ) { database in
            { request, context in
                if request.type == .results {
                    let query = try JSONCoding.decode(UnitResultsRequest.self, from: request.body)
                    // The answer holds the whole year's results, so the reader must reach the unit in
                    // the whole year's tree, not only in the half it names.
                    try context.checkReads(
                        unit: query.unit, period: Period(query.period).map { Period(year: $0.year) },
                        registry: configuration.registry)
                    let evaluations = try database.read {
                        try ReportStore.evaluations(unit: query.unit, period: query.period, logger: logger, $0)
                    }
                    let results = UnitResults(unit: query.unit, period: query.period, evaluations: evaluations)
                    return Envelope(
                        type: .resultsReply, correlation: request.correlation, body: JSONCoding.encode(results))
                }
                guard request.type == .report else {
                    throw WireError(
                        .unknownType, "the reporting endpoint answers report and results, not \(request.type)")
                }
                // The province's consolidated report is for its operators; an agency reads its units' results.
                try context.checkOperator(doing: "read the province's report")
                let query = try JSONCoding.decode(ReportRequest.self, from: request.body)
                let report = try database.read {
                    try ReportStore.report(
                        period: query.period, registry: configuration.registry, calendar: calendar,
                        targets: targets, positions: context.positions, $0)
                }
                return Envelope(type: .reportReply, correlation: request.correlation, body: JSONCoding.encode(report))
            }
        }
        let routes = ReportingHTTP(
            database: database, registry: configuration.registry, calendar: calendar, targets: targets, issuer: issuer,
            logger: logger, figures: figures)
        let web = HTTPEndpoint.make(
            address: http, router: routes.router(), dataDirectory: configuration.dataDirectory, logger: logger)
        return [subscriber, web]
    }
}
