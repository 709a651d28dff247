import GRDB
import Logging
import Models
import Security
import ZeroMQ

/// The producer side of an event log on the wire: a PUB socket that publishes each event after its
/// commit, and a ROUTER that answers `describe` and `replay` requests (the zguide's Clone pattern).
///
/// Owned by the producing service's loop thread, like its sockets.
public final class EventLogEndpoints {
    /// Most events in one replay batch.
    public static let maximumBatch = 2_000
    /// Most event bytes in one replay batch (a batch always holds at least one event).
    public static let maximumBatchBytes = 4 * 1024 * 1024

    private let log: EventLog
    private let database: any DatabaseReader
    private let publisher: Socket
    private let replayRouter: Socket
    private let logger: Logger
    private let zap: ZAPHandler?
    /// Who asks for replays: with CURVE, a listed key the service's ZAP handler vouched for.
    private var gate: RequestGate
    private let clock = ContinuousClock()
    /// The last sequence published; heartbeats carry it so subscribers see a lost tail.
    private var lastPublished: UInt64
    /// The log's epoch, told to subscribers in `describe.reply`.
    private let epoch: String

    /// The endpoints actually bound (with the ports libzmq chose for `:0`).
    public let publishEndpoint: String
    public let replayEndpoint: String

    /// Binds the PUB and replay ROUTER sockets, both protected by `security` (CURVE servers whose
    /// ZAP domains `publish` and `replay` admit subscriber, intake-node and operator keys).
    /// - Parameter zap: the service's running ZAP handler when `security` is CURVE.
    public init(
        log: EventLog, database: any DatabaseReader, context: Context, publish: String, replay: String,
        security: EndpointSecurity, zap: ZAPHandler?, logger: Logger
    ) throws {
        self.log = log
        self.database = database
        self.logger = logger
        self.zap = zap
        gate = RequestGate(security: security, limiter: nil)
        publisher = try context.socket(.publisher)
        try publisher.set([.linger(milliseconds: 1000), .sendHighWaterMark(100_000), .maxMessageSize(64 * 1024)])
        try security.protect(publisher, endpoint: publish, name: "publish")
        try publisher.bind(publish)
        replayRouter = try context.socket(.router)
        // A bounded queue per peer (a peer that does not read gets nothing more, and retries). Not much
        // smaller: libzmq returns a pipe's credit in batches of half its high-water mark, so a tiny one
        // drops replies even to a peer that reads each before asking again.
        try replayRouter.set([
            .linger(milliseconds: 1000), .maxMessageSize(64 * 1024), .routerMandatory(false), .sendHighWaterMark(64),
        ])
        replayRouter.maximumFrames = 16
        try security.protect(replayRouter, endpoint: replay, name: "replay")
        try replayRouter.bind(replay)
        publishEndpoint = try publisher.lastEndpoint()
        replayEndpoint = try replayRouter.lastEndpoint()
        (lastPublished, epoch) = try database.read { (try log.lastSequence($0), try log.epoch($0)) }
    }

    /// Watches the replay ROUTER and sends a heartbeat every second.
    public func register(in reactor: Reactor) {
        reactor.add(replayRouter) { [unowned self] _ in try self.serveReplayRequests() }
        reactor.every(.seconds(1)) { [unowned self] in try self.heartbeat() }
    }

    /// The last sequence published: where the log ends, as subscribers are told.
    public var lastSequence: UInt64 { lastPublished }

    /// Publishes committed events, in sequence order.
    public func publish(_ events: [Event]) throws {
        for event in events {
            // PUB never blocks: past its high-water mark it drops, and subscribers replay the gap.
            try publisher.send(event.publishedFrames, dontWait: true)
            lastPublished = max(lastPublished, event.sequence)
        }
    }

    /// Tells subscribers where the log ends.
    public func heartbeat() throws {
        try publisher.send(
            PublishedMessage.heartbeat(producer: log.producer, lastSequence: lastPublished, epoch: epoch).frames,
            dontWait: true)
    }

    private func serveReplayRequests() throws {
        for _ in 0..<100 {
            guard let (frames, userID) = try replayRouter.receiveAuthenticated(dontWait: true, by: zap) else { return }
            let request: RoutedEnvelope
            do {
                request = try RoutedEnvelope(routerFrames: frames)
            } catch {
                logger.info("bad replay request", metadata: ["error": "\(error.error)"])
                if let reply = error.replyFrames { try replayRouter.send(reply, dontWait: true) }
                continue
            }
            if case .failure(let refusal) = gate.admit(userID: userID, now: clock.now) {
                logger.warning("refused replay request", metadata: ["error": "\(refusal.error)"])
                try replayRouter.send(
                    request.replyFrames(.error(refusal.error, correlation: request.envelope.correlation)),
                    dontWait: true)
                continue
            }
            let reply: Envelope
            do {
                reply = try answer(request.envelope)
            } catch let error as WireError {
                logger.info("refused replay request", metadata: ["error": "\(error)"])
                reply = .error(error, correlation: request.envelope.correlation)
            } catch {
                logger.error("replay request failed", metadata: ["error": "\(error)"])
                let failure = WireError(.internalError, "the log could not be read; try again")
                reply = .error(failure, correlation: request.envelope.correlation)
            }
            try replayRouter.send(request.replyFrames(reply), dontWait: true)
        }
    }

    private func answer(_ request: Envelope) throws -> Envelope {
        switch request.type {
        case .describe:
            let last = try database.read { try log.lastSequence($0) }
            let body = JSONCoding.encode(ProducerDescription(producer: log.producer, lastSequence: last, epoch: epoch))
            return Envelope(type: .describeReply, correlation: request.correlation, body: body)
        case .replay:
            let replay = try JSONCoding.decode(ReplayRequest.self, from: request.body)
            guard replay.producer == log.producer else {
                throw WireError(
                    .unknownProducer, "this endpoint serves producer \(log.producer), not \(replay.producer)")
            }
            guard replay.from >= 1 else { throw WireError(.badRequest, "replay must start at sequence 1 or later") }
            let limit = min(max(replay.limit ?? Self.maximumBatch, 1), Self.maximumBatch)
            let (last, read) = try database.read { db in
                (try log.lastSequence(db), try log.events(from: replay.from, limit: limit, db))
            }
            var bytes = 0
            let events = read.prefix { event in
                defer { bytes += event.body.count }
                return bytes == 0 || bytes + event.body.count <= Self.maximumBatchBytes
            }
            guard replay.from <= last + 1 else {
                throw WireError(
                    .sequenceInFuture, "replay from \(replay.from) but the log of \(log.producer) ends at \(last)")
            }
            let header = ReplayBatchHeader(
                producer: log.producer, from: replay.from, count: events.count, lastSequence: last, epoch: epoch)
            return Envelope(
                type: .replayBatch, correlation: request.correlation, body: JSONCoding.encode(header),
                attachments: events.flatMap { $0.replayFrames }
            )
        default:
            throw WireError(.unknownType, "the replay endpoint answers describe and replay, not \(request.type)")
        }
    }

    /// Closes both sockets (pending messages linger up to a second).
    public func close() {
        publisher.close()
        replayRouter.close()
    }
}
