import EventLog
import Foundation
import GRDB
import Logging
import Models
import Obligations
import ServiceKit
import Store
import Synchronization
import ZeroMQ

/// What the notification service needs besides a subscriber's settings: the obligations calendar,
/// the notice templates, the clock and how often the scheduler looks at it.
public struct NotificationConfiguration: Sendable {
    public var subscriber: SubscriberConfiguration
    public var calendar: ObligationCalendar
    public var templates: NoticeTemplates
    public var clock: NoticeClock
    public var scheduleInterval: Duration
    /// Channels besides the inbox (webhooks), each with its own delivery worker.
    public var channels: [ConfiguredChannel]

    public init(
        subscriber: SubscriberConfiguration, calendar: ObligationCalendar, templates: NoticeTemplates,
        clock: NoticeClock = .system, scheduleInterval: Duration = .seconds(60), channels: [ConfiguredChannel] = []
    ) {
        self.subscriber = subscriber
        self.calendar = calendar
        self.templates = templates
        self.clock = clock
        self.scheduleInterval = scheduleInterval
        self.channels = channels
    }
}

/// Builds the notification service: a subscriber that writes result and review notices, records
/// the obligations units meet, schedules reminders, overdue notices, escalations and digests from
/// the calendar, and answers `inbox`, `inbox.ack` and `schedule`.
public enum NotificationService {
    /// The services to run under a `ServiceGroup`: the subscriber (follows the sources, schedules,
    /// answers queries) and one delivery worker per channel, until SIGTERM.
    public static func make(
        configuration: NotificationConfiguration, context: Context, logger: Logger
    ) throws -> [LoopService] {
        guard let registry = configuration.subscriber.registry else {
            throw WireError(.internalError, "notification needs the unit registry to know who owes what")
        }
        let book = NoticeBook(channels: configuration.channels)
        let scheduler = NoticeScheduler(
            schedule: ObligationSchedule(calendar: configuration.calendar, registry: registry),
            templates: configuration.templates, clock: configuration.clock, book: book, logger: logger)
        let store = InboxStore(
            registry: registry, calendar: configuration.calendar, clock: configuration.clock, book: book,
            templates: configuration.templates)
        // The subscriber opens the store; the channel workers wait for it and share it.
        let opened = OpenedDatabase()
        let calendar = configuration.calendar.reference
        logger.info(
            "notification calendar and templates",
            metadata: ["calendar": "\(calendar)", "templates": "\(configuration.templates.reference)"])
        let deliverers = configuration.channels.map { channel in
            LoopService(name: "channel-\(channel.id)") { stop in
                guard let database = opened.wait(until: stop) else { return }
                ChannelWorker(channel: channel, database: database, logger: logger).run(until: stop)
            }
        }
        let subscriber = SubscriberService.make(
            name: "notification", configuration: configuration.subscriber, context: context, logger: logger,
            migrator: { InboxStore.migrator }, applier: store,
            makeTimers: { store in
                let database = store.pool
                opened.set(database)
                // A failed tick (a busy or full disk) is logged; the next one catches the days up.
                return [
                    (
                        configuration.scheduleInterval,
                        {
                            do { try scheduler.tick(database) } catch {
                                logger.error(
                                    "the scheduler could not process its days", metadata: ["error": "\(error)"])
                            }
                        }
                    )
                ]
            },
            makeFigures: { store in
                let database = store.pool
                return {
                    try database.read { db in
                        var counts = ["pending": 0, "delivered": 0, "dead": 0]
                        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state")
                        {
                            counts[row["state"] as String] = row["n"]
                        }
                        let notices = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice") ?? 0
                        return [.gauge("antq_notification_notices", "Notices written.", notices)]
                            + counts.sorted(by: { $0.key < $1.key }).map { state, count in
                                .gauge(
                                    "antq_notification_deliveries",
                                    "Deliveries to the channels by state (dead: failed for good, see antq deliveries).",
                                    count, labels: ["state": state])
                            }
                    }
                }
            }
        ) { store in
            let database = store.pool
            let registry = configuration.subscriber.registry
            return { request, context in
                switch request.type {
                case .inbox:
                    let query = try JSONCoding.decode(InboxRequest.self, from: request.body)
                    try context.checkReads(unit: query.unit, period: nil, registry: registry)
                    let inbox = try database.read { try InboxStore.inbox(unit: query.unit, $0) }
                    return Envelope(type: .inboxReply, correlation: request.correlation, body: JSONCoding.encode(inbox))
                case .inboxAck:
                    let query = try JSONCoding.decode(InboxAckRequest.self, from: request.body)
                    try context.checkReads(unit: query.unit, period: nil, registry: registry)
                    let notice = try database.write {
                        try InboxStore.acknowledge(query, at: StoreDatabase.timestamp(), $0)
                    }
                    return Envelope(
                        type: .inboxAckReply, correlation: request.correlation, body: JSONCoding.encode(notice))
                case .schedule:
                    try context.checkOperator(doing: "run the scheduler")
                    // Run the scheduler first, so a caller that just moved the clock sees the day done.
                    try scheduler.tick(database)
                    let status = try database.read { db in
                        ScheduleStatus(
                            calendar: calendar, processedThrough: try NoticeScheduler.processedThrough(db),
                            obligationsMet: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM obligation_met") ?? 0)
                    }
                    return Envelope(
                        type: .scheduleReply, correlation: request.correlation, body: JSONCoding.encode(status))
                case .deliveries:
                    try context.checkOperator(doing: "read or retry the delivery queue")
                    let query = try JSONCoding.decode(DeliveriesRequest.self, from: request.body)
                    let list = try database.write { try Deliveries.answer(query, $0) }
                    return Envelope(
                        type: .deliveriesReply, correlation: request.correlation, body: JSONCoding.encode(list))
                default:
                    throw WireError(
                        .unknownType,
                        "the notification endpoint answers inbox, inbox.ack, schedule and deliveries, not \(request.type)"
                    )
                }
            }
        }
        return [subscriber] + deliverers
    }
}

/// The store, handed from the subscriber's thread (which opens and migrates it) to the channel workers.
final class OpenedDatabase: Sendable {
    private let pool = Mutex<DatabasePool?>(nil)

    func set(_ database: DatabasePool) { pool.withLock { $0 = database } }

    /// The store once opened, or `nil` if `stop` comes first.
    func wait(until stop: StopSignal) -> DatabasePool? {
        while !stop.isRequested {
            if let database = pool.withLock({ $0 }) { return database }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }
}
