import EventLog
import Logging
import Models
import Obligations
import ServiceKit
import ZeroMQ

/// Builds the reporting service: a subscriber that keeps the consolidated counts and answers `report`.
public enum ReportingService {
    /// The service to run under a `ServiceGroup`: follows the sources and answers `report` until SIGTERM.
    /// - Parameter calendar: the obligations calendar, for who reported on time, late or not at all.
    /// - Parameter targets: the plan's targets, for progress towards "điển hình" units.
    public static func make(
        configuration: SubscriberConfiguration, calendar: ObligationCalendar? = nil, targets: TargetsFile? = nil,
        context: Context, logger: Logger
    ) -> LoopService {
        SubscriberService.make(
            name: "reporting", configuration: configuration, context: context, logger: logger,
            migrator: { ReportStore.migrator }, applier: ReportStore(calendar: calendar)
        ) { database in
            { request, positions in
                if request.type == .results {
                    let query = try JSONCoding.decode(UnitResultsRequest.self, from: request.body)
                    let bodies = try database.read {
                        try ReportStore.results(unit: query.unit, period: query.period, $0)
                    }
                    var evaluations: [Evaluation] = []
                    for body in bodies { evaluations.append(try Evaluation(body: body)) }
                    let results = UnitResults(unit: query.unit, period: query.period, evaluations: evaluations)
                    return Envelope(
                        type: .resultsReply, correlation: request.correlation, body: JSONCoding.encode(results))
                }
                guard request.type == .report else {
                    throw WireError(
                        .unknownType, "the reporting endpoint answers report and results, not \(request.type)")
                }
                let query = try JSONCoding.decode(ReportRequest.self, from: request.body)
                let report = try database.read {
                    try ReportStore.report(
                        period: query.period, registry: configuration.registry, calendar: calendar,
                        targets: targets, positions: positions, $0)
                }
                return Envelope(type: .reportReply, correlation: request.correlation, body: JSONCoding.encode(report))
            }
        }
    }
}
