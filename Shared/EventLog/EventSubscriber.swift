import Foundation
import GRDB
import Logging
import Models
import SQLStore
import Security
import Synchronization
import ZeroMQ

/// Applies one event to a subscriber's store, inside the transaction that also records the checkpoint.
///
/// The subscriber asks for each (producer, sequence) once. An event the applier cannot use (a body
/// that does not decode) must throw a `WireError` before writing anything: the subscriber then sets
/// it aside in `subscriber_quarantine`, logs it, and goes on. Any other error stops the service.
public protocol EventApplier: Sendable {
    func apply(_ event: Event, in db: any SQLExecutor) throws
    /// Decodes what applying `event` needs, without the store: the subscriber calls it for a batch's
    /// events on other threads while its transaction applies earlier ones, so it must not read what
    /// `apply` writes. Throws what `apply` would for a body it cannot use. The default decodes nothing.
    func prepare(_ event: Event) throws -> (any Sendable)?
    /// Applies `event` with what ``prepare(_:)`` returned for it.
    func apply(_ event: Event, prepared: (any Sendable)?, in db: any SQLExecutor) throws
    /// Called before a transaction's first event (again when the transaction is tried again).
    func startBatch()
    /// Called after a transaction's last event, before its checkpoints: an applier may keep back
    /// writes that a later event of the same transaction would overwrite and make them here, once.
    func finishBatch(in db: any SQLExecutor) throws
}

extension EventApplier {
    public func prepare(_ event: Event) throws -> (any Sendable)? { nil }
    public func apply(_ event: Event, prepared: (any Sendable)?, in db: any SQLExecutor) throws {
        try apply(event, in: db)
    }
    public func startBatch() {}
    public func finishBatch(in db: any SQLExecutor) throws {}
}

/// The subscriber side of the event logs: follows any number of producers, applies each event
/// exactly once, in order, and catches up by replay after a restart, a gap or a slow spell.
///
/// It owns, per producer, a SUB socket connected to its PUB endpoint and a DEALER to its replay
/// endpoint, all on the loop thread that drives its ``Reactor``. Producers are configured (intake
/// nodes) or learnt from a configured producer's `producer.announced` events (evaluation workers).
///
/// With CURVE keys it connects to every producer as a CURVE client of that producer's public key,
/// and follows no producer without one; without keys it follows only producers on loopback
/// (decision 0017). What arrives on a producer's sockets is taken as that producer's only: an event
/// or heartbeat naming another producer is dropped, and an announced producer must describe itself
/// as the producer it was announced as, so one producer's key cannot speak for another.
public final class EventSubscriber {
    /// A configured or announced producer endpoint pair, and the producer's CURVE public key.
    public struct Source: Sendable, Hashable {
        public let publish: String
        public let replay: String
        /// The producer's CURVE public key (Z85); `nil` for plain TCP.
        public let serverKey: String?
        public init(publish: String, replay: String, serverKey: String? = nil) {
            self.publish = publish
            self.replay = replay
            self.serverKey = serverKey
        }
    }

    /// A source this subscriber cannot follow with its keys (or without them).
    public struct SourceRefusal: Error, CustomStringConvertible, Sendable {
        public let source: Source
        public let reason: String
        public var description: String { "cannot follow \(source.publish),\(source.replay): \(reason)" }
    }

    private final class Link {
        let source: Source
        /// Connected to the producer's PUB endpoint; live events and heartbeats.
        let subscriber: Socket
        var dealer: Socket
        /// The producer, once its replay endpoint described it.
        var producer: String?
        /// The producer an announcement named for these endpoints (`nil` for configured sources).
        let announcedAs: String?
        let createdAt: ContinuousClock.Instant
        var pending: (correlation: UInt64, sentAt: ContinuousClock.Instant, frames: [Frame], tries: Int)?
        init(
            source: Source, subscriber: Socket, dealer: Socket, announcedAs: String?, createdAt: ContinuousClock.Instant
        ) {
            self.source = source
            self.subscriber = subscriber
            self.dealer = dealer
            self.announcedAs = announcedAs
            self.createdAt = createdAt
        }
    }

    private let context: Context
    private let database: any SQLStore
    private let applier: any EventApplier
    /// This subscriber's CURVE key pair, or `nil` for plain TCP on loopback.
    private let keys: CurveKeyPair?
    private let logger: Logger
    private var reactor: Reactor?
    private var links: [String: Link] = [:]  // by replay endpoint
    private var cursors: [String: ProducerCursor] = [:]  // by producer
    private var linksByProducer: [String: Link] = [:]
    /// Which log of each producer the checkpoint is for (see ``EventLog/claim(_:)``).
    private var epochs: [String: String] = [:]
    private var redescribedAt: [String: ContinuousClock.Instant] = [:]
    /// Producers whose heartbeat named another epoch: nothing of theirs is applied until they describe.
    private var suspect: Set<String> = []
    private var nextCorrelation: UInt64 = 1
    private let clock = ContinuousClock()
    /// How long to wait for a replay answer before asking again.
    public var replayTimeout: Duration = .seconds(2)
    /// Total events applied since start (for logs and tests).
    public private(set) var appliedCount = 0
    /// Where each producer's log ends, as far as its heartbeats, descriptions and events told.
    private var logEnds: [String: UInt64] = [:]
    /// When each producer was last heard from (an event, a heartbeat, an answer).
    private var lastHeard: [String: ContinuousClock.Instant] = [:]

    /// Time since each followed producer was last heard from: a producer cut off shows here, while
    /// its lag, as far as known, may stay 0.
    public var silence: [String: Duration] {
        let now = clock.now
        return linksByProducer.mapValues { link in now - (lastHeard[link.producer ?? ""] ?? link.createdAt) }
    }

    /// Events each producer has that this subscriber has not applied yet (its lag), as far as it knows.
    public var lag: [String: UInt64] {
        var lag: [String: UInt64] = [:]
        for (producer, cursor) in cursors {
            let end = logEnds[producer] ?? cursor.lastApplied
            lag[producer] = end > cursor.lastApplied ? end - cursor.lastApplied : 0
        }
        return lag
    }

    /// Notes that `producer`'s log reaches `sequence`.
    private func heard(_ producer: String, reaches sequence: UInt64) {
        lastHeard[producer] = clock.now
        if sequence > logEnds[producer] ?? 0 { logEnds[producer] = sequence }
    }

    /// Adds the subscriber's tables to a service's migrations.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("subscriber.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE subscriber_checkpoint (
                        producer TEXT PRIMARY KEY,
                        last_sequence INTEGER NOT NULL,
                        epoch TEXT
                    );
                    CREATE TABLE subscriber_source (
                        replay_endpoint TEXT PRIMARY KEY,
                        publish_endpoint TEXT NOT NULL,
                        producer TEXT NOT NULL
                    );
                    CREATE TABLE subscriber_quarantine (
                        producer TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        body BLOB NOT NULL,
                        problem TEXT NOT NULL,
                        PRIMARY KEY (producer, sequence)
                    );
                    """)
        }
        migrator.registerMigration("subscriber.v2-keys") { db in
            try db.execute(sql: "ALTER TABLE subscriber_source ADD COLUMN curve_public_key TEXT")
        }
    }

    /// The subscriber's tables in a PostgreSQL store (the same as ``registerMigrations(in:)``'s).
    public static let postgresMigrations = [
        SQLMigration(
            "subscriber.v1",
            [
                """
                CREATE TABLE subscriber_checkpoint (
                    producer TEXT COLLATE "C" PRIMARY KEY,
                    last_sequence BIGINT NOT NULL,
                    epoch TEXT
                )
                """,
                """
                CREATE TABLE subscriber_source (
                    replay_endpoint TEXT COLLATE "C" PRIMARY KEY,
                    publish_endpoint TEXT NOT NULL,
                    producer TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE subscriber_quarantine (
                    producer TEXT COLLATE "C" NOT NULL,
                    sequence BIGINT NOT NULL,
                    type TEXT NOT NULL,
                    body BYTEA NOT NULL,
                    problem TEXT NOT NULL,
                    PRIMARY KEY (producer, sequence)
                )
                """,
            ]),
        SQLMigration("subscriber.v2-keys", ["ALTER TABLE subscriber_source ADD COLUMN curve_public_key TEXT"]),
    ]

    /// The last sequence applied per producer, as a subscriber's store records it (for a service's
    /// queries, /health and /metrics, read on any connection).
    public static func appliedPositions(in db: any SQLExecutor) throws -> [String: UInt64] {
        var positions: [String: UInt64] = [:]
        for row in try db.fetchAll("SELECT producer, last_sequence FROM subscriber_checkpoint") {
            guard let producer = row.string(0), let sequence = row.int64(1) else { continue }
            positions[producer] = UInt64(max(0, sequence))
        }
        return positions
    }

    /// How many events the store has set aside as unusable.
    public static func quarantinedCount(in db: any SQLExecutor) throws -> Int {
        try db.fetchOne("SELECT COUNT(*) FROM subscriber_quarantine")?.int(0) ?? 0
    }

    /// Loads checkpoints and announced sources, connects to them and to `sources`.
    /// - Parameter keys: this subscriber's CURVE key pair (every source then needs its producer's
    ///   public key), or `nil` for plain TCP (every source then on loopback).
    /// - Throws: ``SourceRefusal`` for a configured source that does not fit `keys`.
    public init(
        context: Context, database: any SQLStore, sources: [Source], applier: any EventApplier,
        keys: CurveKeyPair? = nil, logger: Logger
    ) throws {
        self.context = context
        self.database = database
        self.applier = applier
        self.keys = keys
        self.logger = logger
        for source in sources {
            if let reason = Self.refusal(of: source, keys: keys) { throw SourceRefusal(source: source, reason: reason) }
        }
        let (checkpoints, announced) = try database.read { db in
            (
                try db.fetchAll("SELECT producer, last_sequence, epoch FROM subscriber_checkpoint"),
                try db.fetchAll(
                    "SELECT publish_endpoint, replay_endpoint, producer, curve_public_key FROM subscriber_source")
            )
        }
        for row in checkpoints {
            guard let producer = row.string(0), let last = row.int64(1) else { continue }
            cursors[producer] = ProducerCursor(producer: producer, lastApplied: UInt64(max(0, last)))
            epochs[producer] = row.string(2)
        }
        for source in sources { try follow(source, announcedAs: nil) }
        for row in announced {
            guard let publish = row.string(0), let replay = row.string(1) else { continue }
            try follow(
                Source(publish: publish, replay: replay, serverKey: row.string(3)), announcedAs: row.string(2))
        }
    }

    /// Watches the sockets and retries late replay requests.
    public func register(in reactor: Reactor) {
        self.reactor = reactor
        for link in links.values { watch(link, in: reactor) }
        reactor.every(.milliseconds(250)) { [unowned self] in try self.retryLateRequests() }
    }

    /// The last sequence applied per producer.
    public var positions: [String: UInt64] { cursors.mapValues(\.lastApplied) }

    /// Closes every socket.
    public func close() {
        for link in links.values {
            link.subscriber.close()
            link.dealer.close()
        }
    }

    // MARK: - Sources

    /// Why a subscriber with `keys` cannot follow `source`, or `nil`: with keys, a source needs its
    /// producer's public key; without, it must be on loopback and have none.
    public static func refusal(of source: Source, keys: CurveKeyPair?) -> String? {
        if keys != nil {
            guard let key = source.serverKey else {
                return "the producer's CURVE public key is missing (give it as PUBLISH,REPLAY,KEY)"
            }
            return CurveKeyPair.decode(key) == nil ? "\(key) is not a 40-character Z85 CURVE public key" : nil
        }
        if source.serverKey != nil {
            return "the producer uses CURVE but this subscriber has no key (give it --curve-key and --allowlist)"
        }
        guard EndpointSecurity.isLoopback(source.publish), EndpointSecurity.isLoopback(source.replay) else {
            return "plain TCP (--insecure-loopback) follows loopback endpoints only; give this subscriber --curve-key"
        }
        return nil
    }

    /// Starts following a producer's endpoints. Endpoints libzmq refuses, and announced ones that do
    /// not fit this subscriber's keys, are logged and skipped: one bad announcement must not stop it.
    private func follow(_ source: Source, announcedAs: String?) throws {
        if let existing = links[source.replay] {
            guard existing.source != source || existing.announcedAs != announcedAs else { return }
            guard existing.announcedAs != nil || announcedAs == nil else {
                // An announcement never displaces a configured producer.
                logger.error(
                    "announced endpoints are a configured producer's; ignored",
                    metadata: ["producer": "\(announcedAs ?? "?")", "replay": "\(source.replay)"])
                return
            }
            // The same replay endpoint with another PUB endpoint, producer or key: start afresh.
            try forget(existing)
        }
        if let reason = Self.refusal(of: source, keys: keys) {
            logger.error(
                "cannot follow announced producer endpoints; skipped",
                metadata: [
                    "producer": "\(announcedAs ?? "?")", "publish": "\(source.publish)", "replay": "\(source.replay)",
                    "reason": "\(reason)",
                ])
            return
        }
        let subscriber: Socket
        let dealer: Socket
        do {
            subscriber = try makeSubscriber(source)
            do { dealer = try makeDealer(source) } catch {
                subscriber.close()
                throw error
            }
        } catch {
            logger.error(
                "cannot follow producer endpoints; skipped",
                metadata: ["publish": "\(source.publish)", "replay": "\(source.replay)", "error": "\(error)"])
            return
        }
        let link = Link(
            source: source, subscriber: subscriber, dealer: dealer, announcedAs: announcedAs, createdAt: clock.now)
        links[source.replay] = link
        if let reactor { watch(link, in: reactor) }
        try send(.describe, body: [], to: link)
        logger.info(
            "following producer endpoints", metadata: ["publish": "\(source.publish)", "replay": "\(source.replay)"])
    }

    /// Stops following a producer's old endpoints after it described itself on new ones (a restarted worker).
    private func forget(_ link: Link) throws {
        reactor?.remove(link.dealer)
        reactor?.remove(link.subscriber)
        link.dealer.close()
        link.subscriber.close()
        links[link.source.replay] = nil
        if let producer = link.producer, linksByProducer[producer] === link { linksByProducer[producer] = nil }
        try database.write { db in
            try db.execute("DELETE FROM subscriber_source WHERE replay_endpoint = ?", [link.source.replay])
        }
        logger.info("dropped producer endpoints", metadata: ["replay": "\(link.source.replay)"])
    }

    private func makeSubscriber(_ source: Source) throws -> Socket {
        let subscriber = try context.socket(.subscriber)
        // An event is at most intake's largest submission (1 MiB) with its envelope; a bigger one
        // drops the connection, and replay (which allows more) brings it.
        try subscriber.set(
            [
                .linger(milliseconds: 0), .receiveHighWaterMark(100_000), .maxMessageSize(8 * 1024 * 1024),
                .subscribe([]),
            ] + SocketOption.linkHeartbeats)
        if let keys, let serverKey = source.serverKey {
            try subscriber.set(CurveClient(keys: keys, serverKey: serverKey).options)
        }
        try subscriber.connect(source.publish)
        return subscriber
    }

    private func makeDealer(_ source: Source) throws -> Socket {
        let dealer = try context.socket(.dealer)
        // A replay batch holds at most 4 MiB of events (at least one, of at most 8 MiB).
        try dealer.set([.linger(milliseconds: 0), .maxMessageSize(16 * 1024 * 1024)] + SocketOption.linkHeartbeats)
        if let keys, let serverKey = source.serverKey {
            try dealer.set(CurveClient(keys: keys, serverKey: serverKey).options)
        }
        try dealer.connect(source.replay)
        return dealer
    }

    private func watch(_ link: Link, in reactor: Reactor) {
        reactor.add(link.dealer) { [unowned self] socket in try self.receiveReplies(for: link, on: socket) }
        reactor.add(link.subscriber) { [unowned self] _ in try self.receiveLive(from: link) }
    }

    // MARK: - Live events

    private func receiveLive(from link: Link) throws {
        var toApply: [Event] = []
        for _ in 0..<2_000 {
            // Handling a message may drop this link (and close its socket): then stop reading it.
            guard links[link.source.replay] === link, let frames = try link.subscriber.receive(dontWait: true)
            else { break }
            let message: PublishedMessage
            do { message = try PublishedMessage(frames: frames) } catch {
                logger.warning("dropped malformed published message", metadata: ["error": "\(error)"])
                continue
            }
            // A producer speaks for itself only (and for nobody until its replay endpoint described it).
            guard message.producer == link.producer else {
                if link.producer != nil {
                    logger.warning(
                        "dropped a published message naming another producer",
                        metadata: [
                            "endpoint": "\(link.source.publish)", "producer": "\(link.producer ?? "?")",
                            "named": "\(message.producer)",
                        ])
                }
                continue
            }
            switch message {
            case .event(let event):
                guard var cursor = cursors[event.producer], isKnown(event.producer), !suspect.contains(event.producer)
                else { continue }
                heard(event.producer, reaches: event.sequence)
                let decision = cursor.live(event.sequence)
                cursors[event.producer] = cursor
                switch decision {
                case .apply: toApply.append(event)
                case .duplicate, .ignore: break
                case .replay(let from):
                    logger.info(
                        "gap in event log, replaying",
                        metadata: ["producer": "\(event.producer)", "from": "\(from)", "received": "\(event.sequence)"])
                    try requestReplay(event.producer, from: from)
                }
            case .heartbeat(let producer, let last, let epoch):
                guard var cursor = cursors[producer], isKnown(producer), !suspect.contains(producer) else { continue }
                heard(producer, reaches: last)
                if let epoch, let known = epochs[producer], epoch != known, let link = linksByProducer[producer] {
                    // Another log under this producer id: stop applying it live until it describes itself.
                    suspect.insert(producer)
                    try send(.describe, body: [], to: link)
                    continue
                }
                if last < cursor.lastApplied, let link = linksByProducer[producer], link.pending == nil {
                    // The log is shorter than what we applied: ask who this is (a replaced store has a
                    // new epoch), at most every 30 s.
                    let now = clock.now
                    if redescribedAt[producer].map({ now - $0 > .seconds(30) }) ?? true {
                        redescribedAt[producer] = now
                        try send(.describe, body: [], to: link)
                    }
                    continue
                }
                if let from = cursor.logEnds(at: last) {
                    cursors[producer] = cursor
                    try requestReplay(producer, from: from)
                }
            }
        }
        try commit(toApply)
    }

    /// A producer is followed once its replay endpoint described it.
    private func isKnown(_ producer: String) -> Bool {
        linksByProducer[producer] != nil
    }

    // MARK: - Replay

    private func requestReplay(_ producer: String, from: UInt64) throws {
        guard let link = linksByProducer[producer] else { return }
        let body = JSONCoding.encode(
            ReplayRequest(producer: producer, from: from, limit: EventLogEndpoints.maximumBatch))
        try send(.replay, body: body, to: link)
    }

    private func send(_ type: MessageType, body: [UInt8], to link: Link) throws {
        let correlation = nextCorrelation
        nextCorrelation += 1
        let frames = Envelope(type: type, correlation: Array(String(correlation).utf8), body: body).frames
        link.pending = (correlation, clock.now, frames, 1)
        _ = try link.dealer.send(frames, dontWait: true)
    }

    private func receiveReplies(for link: Link, on socket: Socket) throws {
        for _ in 0..<100 {
            // Handling a reply may drop this link (and close its socket): then stop reading it.
            guard socket === link.dealer, links[link.source.replay] === link,
                let frames = try socket.receive(dontWait: true)
            else { return }
            let reply: Envelope
            do { reply = try Envelope(frames: frames) } catch {
                logger.warning(
                    "dropped malformed replay reply",
                    metadata: ["endpoint": "\(link.source.replay)", "error": "\(error)"])
                continue
            }
            guard let pending = link.pending, reply.correlation == Array(String(pending.correlation).utf8) else {
                continue  // an answer to a request we already gave up on
            }
            if reply.type == .describeReply || link.producer == nil {
                // Until the producer is described the describe stays pending, so a late retry asks again.
                guard reply.type == .describeReply,
                    let description = try? JSONCoding.decode(ProducerDescription.self, from: reply.body)
                else {
                    logger.warning(
                        "unusable answer to describe; will ask again",
                        metadata: ["endpoint": "\(link.source.replay)", "type": "\(reply.type)"])
                    continue
                }
                link.pending = nil
                try described(description, by: link)
                continue
            }
            link.pending = nil
            switch reply.type {
            case .replayBatch:
                do {
                    try takeBatch(reply, from: link)
                } catch let error as WireError {
                    logger.error(
                        "malformed replay batch; will ask again",
                        metadata: ["endpoint": "\(link.source.replay)", "error": "\(error)"])
                    if let producer = link.producer { cursors[producer]?.abandonCatchUp() }
                }
                // One batch per turn: the next one is already on its way, and queries wait meanwhile.
                return
            case .error:
                let error = try? JSONCoding.decode(WireError.self, from: reply.body)
                logger.error(
                    "replay refused; will ask again",
                    metadata: ["endpoint": "\(link.source.replay)", "error": "\(error.map { "\($0)" } ?? "?")"])
                if let producer = link.producer { cursors[producer]?.abandonCatchUp() }
            default:
                logger.warning("unexpected reply on replay endpoint", metadata: ["type": "\(reply.type)"])
            }
        }
    }

    /// A replay endpoint said which producer it serves: follow it, catching up if behind.
    private func described(_ description: ProducerDescription, by link: Link) throws {
        if let announced = link.announcedAs, announced != description.producer {
            // Announced endpoints must be the producer announced (not, say, a configured intake node).
            logger.error(
                "announced endpoints describe themselves as another producer; dropped",
                metadata: [
                    "announced": "\(announced)", "described": "\(description.producer)",
                    "replay": "\(link.source.replay)",
                ])
            try forget(link)
            return
        }
        if let previous = linksByProducer[description.producer], previous !== link, previous.announcedAs == nil,
            link.announcedAs != nil
        {
            // Announced endpoints for a configured producer's id: the configured source stays.
            logger.error(
                "announced endpoints describe themselves as a configured producer; ignored",
                metadata: ["producer": "\(description.producer)", "replay": "\(link.source.replay)"])
            try forget(link)
            return
        }
        suspect.remove(description.producer)
        if let epoch = description.epoch {
            if let known = epochs[description.producer], known != epoch {
                // The producer's store was replaced: its log is a new one, to be applied from the start.
                logger.error(
                    "producer's log was replaced (new epoch); applying the new log from its start",
                    metadata: ["producer": "\(description.producer)", "old": "\(known)", "new": "\(epoch)"])
                cursors[description.producer] = ProducerCursor(producer: description.producer, lastApplied: 0)
                try database.write { db in
                    try db.execute(
                        "UPDATE subscriber_checkpoint SET last_sequence = 0, epoch = ? WHERE producer = ?",
                        [epoch, description.producer])
                }
            }
            epochs[description.producer] = epoch
        }
        if let applied = cursors[description.producer]?.lastApplied, applied > description.lastSequence {
            logger.error(
                "producer's log ends before what this subscriber applied: was its store replaced?",
                metadata: [
                    "producer": "\(description.producer)", "log_ends": "\(description.lastSequence)",
                    "applied": "\(applied)",
                ])
        }
        link.producer = description.producer
        logEnds[description.producer] = description.lastSequence
        lastHeard[description.producer] = clock.now
        if let previous = linksByProducer[description.producer], previous !== link {
            try forget(previous)
        }
        linksByProducer[description.producer] = link
        var cursor = cursors[description.producer] ?? ProducerCursor(producer: description.producer, lastApplied: 0)
        // A (re)described producer starts afresh: any catch-up pending on an old link is void.
        cursor.abandonCatchUp()
        let from = cursor.logEnds(at: description.lastSequence)
        cursors[description.producer] = cursor
        logger.info(
            "producer described",
            metadata: [
                "producer": "\(description.producer)", "last": "\(description.lastSequence)",
                "applied": "\(cursor.lastApplied)",
            ])
        if let from { try requestReplay(description.producer, from: from) }
    }

    private func takeBatch(_ reply: Envelope, from link: Link) throws {
        let header = try JSONCoding.decode(ReplayBatchHeader.self, from: reply.body)
        guard link.producer == header.producer, var cursor = cursors[header.producer] else {
            throw WireError(
                .unknownProducer, "replay batch of \(header.producer) on the link of \(link.producer ?? "?")")
        }
        if let epoch = header.epoch, let known = epochs[header.producer], epoch != known {
            // The log changed under us since the describe: describe again before applying any of it.
            suspect.insert(header.producer)
            try send(.describe, body: [], to: link)
            return
        }
        guard header.count >= 0, reply.attachments.count.isMultiple(of: 3), reply.attachments.count / 3 == header.count
        else {
            throw WireError(
                .badFrameCount, "replay batch of \(header.count) events has \(reply.attachments.count) frames")
        }
        var events: [Event] = []
        events.reserveCapacity(header.count)
        var index = 0
        while index + 2 < reply.attachments.count {
            events.append(
                try Event(
                    producer: header.producer, sequenceFrame: reply.attachments[index],
                    typeFrame: reply.attachments[index + 1], body: reply.attachments[index + 2]
                ))
            index += 3
        }
        heard(header.producer, reaches: header.lastSequence)
        let (apply, next) = cursor.batch(events, lastSequence: header.lastSequence)
        // Ask for the next batch first: the producer reads and sends it while this one commits.
        // (The reply loop takes one batch per turn of the reactor, so queries are answered between.)
        if let next { try requestReplay(header.producer, from: next) }
        try commit(apply)
        // Only a committed batch moves the cursor: after a failed one, the early reply no longer
        // follows on and the batch is asked for again.
        cursors[header.producer] = cursor
        // The early request's wait starts now: a long commit is not a late answer.
        linksByProducer[header.producer]?.pending?.sentAt = clock.now
    }

    private func retryLateRequests() throws {
        let now = clock.now
        for link in links.values {
            guard var pending = link.pending, now - pending.sentAt > replayTimeout else { continue }
            pending.tries += 1
            if pending.tries > 3 {
                // Lazy Pirate: the peer may have restarted; a new socket drops whatever was queued.
                reactor?.remove(link.dealer)
                link.dealer.close()
                link.dealer = try makeDealer(link.source)
                if let reactor { watch(link, in: reactor) }
                pending.tries = 1
            }
            pending.sentAt = now
            link.pending = pending
            _ = try link.dealer.send(pending.frames, dontWait: true)
        }
    }

    // MARK: - Applying

    /// Applies events and moves the checkpoints in one transaction.
    ///
    /// The whole batch is tried first; if an event cannot be used, the transaction rolls back and the
    /// batch is applied again with a savepoint per event, so the bad one is set aside cleanly.
    private func commit(_ events: [Event]) throws {
        guard !events.isEmpty else { return }
        let prepared = PreparedEvents(events, applier: applier)
        do {
            try commit(events, prepared: prepared, isolatingEach: false)
        } catch is WireError {
            try commit(events, prepared: prepared, isolatingEach: true)
        }
    }

    private func commit(_ events: [Event], prepared: PreparedEvents, isolatingEach: Bool) throws {
        var announced: [(producer: String, source: Source)] = []
        try database.write { db in
            announced = []
            applier.startBatch()
            var last: [String: UInt64] = [:]
            for (index, event) in events.enumerated() {
                let decoded = prepared.result(at: index)
                do {
                    if isolatingEach {
                        try db.inSavepoint { try applier.apply(event, prepared: try decoded.get(), in: db) }
                    } else {
                        try applier.apply(event, prepared: try decoded.get(), in: db)
                    }
                } catch let problem as WireError where isolatingEach {
                    logger.error(
                        "event set aside: its body cannot be used",
                        metadata: [
                            "producer": "\(event.producer)", "sequence": "\(event.sequence)", "type": "\(event.type)",
                            "error": "\(problem)",
                        ])
                    try db.execute(
                        """
                        INSERT INTO subscriber_quarantine (producer, sequence, type, body, problem) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (producer, sequence) DO UPDATE SET
                            type = excluded.type, body = excluded.body, problem = excluded.problem
                        """,
                        [event.producer, Int64(event.sequence), event.type.rawValue, event.body, problem.description])
                }
                last[event.producer] = event.sequence
                // Only a configured producer (an intake node) announces others.
                if event.type == .producerAnnounced,
                    linksByProducer[event.producer].map({ $0.announcedAs == nil }) == true,
                    let announcement = try? JSONCoding.decode(ProducerAnnouncement.self, from: event.body)
                {
                    try db.execute(
                        """
                        INSERT INTO subscriber_source (replay_endpoint, publish_endpoint, producer, curve_public_key)
                        VALUES (?, ?, ?, ?)
                        ON CONFLICT (replay_endpoint) DO UPDATE SET publish_endpoint = excluded.publish_endpoint,
                            producer = excluded.producer, curve_public_key = excluded.curve_public_key
                        """,
                        [announcement.replay, announcement.publish, announcement.producer, announcement.curvePublicKey])
                    let source = Source(
                        publish: announcement.publish, replay: announcement.replay,
                        serverKey: announcement.curvePublicKey)
                    announced.append((announcement.producer, source))
                }
            }
            try applier.finishBatch(in: db)
            for (producer, sequence) in last {
                try db.execute(
                    """
                    INSERT INTO subscriber_checkpoint (producer, last_sequence, epoch) VALUES (?, ?, ?)
                    ON CONFLICT (producer) DO UPDATE SET last_sequence = excluded.last_sequence, epoch = excluded.epoch
                    """,
                    [producer, Int64(sequence), epochs[producer]])
            }
        }
        appliedCount += events.count
        // A producer's older endpoints are dropped once the new ones describe themselves as it.
        for (producer, source) in announced { try follow(source, announcedAs: producer) }
    }
}
