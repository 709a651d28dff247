import EventLog
import Foundation
import GRDB
import Logging
import Models
import Security
import Synchronization
import ZeroMQ

/// A producer as a service runs one: an ``EventLog`` in its own store and ``EventLogEndpoints`` on a
/// thread of its own.
///
/// The test appends to the store from its own thread (the pool is thread-safe) and hands the events
/// to publish to the loop thread, which owns the PUB socket.
final class ProducerThread: Sendable {
    let log: EventLog
    let database: DatabasePool
    /// The PUB and replay endpoints as bound.
    let source: EventSubscriber.Source
    private let outbox: Outbox
    private let loop: LoopThread<EventSubscriber.Source, Void>

    /// Claims the store for `producer` and starts the endpoints (on free ports of 127.0.0.1 unless given).
    init(
        producer: String, database: DatabasePool, context: Context, logger: Logger,
        endpoints: EventSubscriber.Source = EventSubscriber.Source(
            publish: "tcp://127.0.0.1:0", replay: "tcp://127.0.0.1:0")
    ) throws {
        let log = EventLog(producer: producer)
        try log.claim(database)
        let outbox = Outbox()
        self.log = log
        self.database = database
        self.outbox = outbox
        loop = LoopThread("producer \(producer)") { stop, ready in
            let events = try EventLogEndpoints(
                log: log, database: database, context: context, publish: endpoints.publish, replay: endpoints.replay,
                security: .insecureLoopback, zap: nil, logger: logger
            )
            defer { events.close() }
            let reactor = Reactor(stop: stop, tick: .milliseconds(10))
            events.register(in: reactor)
            reactor.every(.milliseconds(5)) { try events.publish(outbox.takeAll()) }
            ready(EventSubscriber.Source(publish: events.publishEndpoint, replay: events.replayEndpoint))
            try reactor.run()
        }
        source = try loop.waitUntilReady()
    }

    /// Appends `count` events to the store without publishing them, each in its own transaction as a
    /// service's state changes are. Each body names its sequence: `{"sequence":N}`.
    @discardableResult
    func append(_ count: Int, type: EventType = .submissionReceived) throws -> [Event] {
        try (0..<count).map { _ in
            try database.write { db in
                let next = try log.lastSequence(db) + 1
                return try log.append(
                    type, body: Array(#"{"sequence":\#(next)}"#.utf8), recordedAt: "2025-06-30T10:00:00.000Z", in: db)
            }
        }
    }

    /// Appends one event with `body`, without publishing it.
    func append(_ type: EventType, body: [UInt8]) throws -> Event {
        try database.write { db in try log.append(type, body: body, recordedAt: "2025-06-30T10:00:00.000Z", in: db) }
    }

    /// Hands committed events to the loop thread, which publishes them within a few milliseconds.
    func publish(_ events: [Event]) {
        outbox.put(events)
    }

    /// Appends `count` events and publishes them, as a service does after each commit.
    @discardableResult
    func appendAndPublish(_ count: Int) throws -> [Event] {
        let events = try append(count)
        publish(events)
        return events
    }

    /// Stops the endpoints and waits for the loop thread to close them.
    func finish() throws {
        try loop.finish()
    }
}

/// Events waiting for the producer's loop thread to publish them.
private final class Outbox: Sendable {
    private let events = Mutex<[Event]>([])

    func put(_ more: [Event]) {
        events.withLock { $0 += more }
    }

    func takeAll() -> [Event] {
        events.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
