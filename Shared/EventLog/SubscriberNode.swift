import Logging
import Models
import SQLStore
import Security
import ServiceKit
import ZeroMQ

/// A subscribing service's loop: an ``EventSubscriber`` plus a ROUTER that answers queries, on one thread.
public final class SubscriberNode {
    /// What a query handler knows besides the request.
    public struct QueryContext: Sendable {
        /// The last sequence applied per producer.
        public let positions: [String: UInt64]
        /// Who asked, from the connection's CURVE key (`nil` on plain TCP, where nobody is checked);
        /// the handler decides what that identity may read (`Permissions`).
        public let peer: PeerIdentity?
    }

    /// Answers one query; throw a `WireError` to send an `error` reply.
    public typealias QueryHandler = (Envelope, QueryContext) throws -> Envelope

    private let subscriber: EventSubscriber
    private let queries: Socket
    private let handler: QueryHandler
    private let zap: ZAPHandler?
    private var gate: RequestGate
    /// The service's own figures as last read, and when.
    private var extraFigures: [LiveFigures.Figure] = []
    private var extraReadAt: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let logger: Logger

    /// The query endpoint as bound.
    public let queryEndpoint: String
    /// Work to do on the loop thread at fixed intervals (e.g. notification's scheduler).
    public var timers: [(interval: Duration, action: () throws -> Void)] = []
    /// Where the loop publishes its figures every second for /health and /metrics, with the
    /// service's own (`extraFigures`, read on the loop thread), labelled `service`.
    public var figures: (live: LiveFigures, service: String, extra: () throws -> [LiveFigures.Figure])?

    /// Binds the query endpoint and prepares the subscriber; ``run(until:)`` serves.
    /// - Parameters:
    ///   - security: CURVE on the query endpoint (ZAP domain `query`: agency and operator keys) and
    ///     on the subscriber's connections to producers, or plain TCP on loopback.
    ///   - zap: the service's running ZAP handler when `security` is CURVE.
    ///   - rateLimit: each sender's share of the query endpoint, or `nil` for no limit.
    public init(
        context: Context, database: any SQLStore, sources: [EventSubscriber.Source], applier: any EventApplier,
        queryEndpoint: String, security: EndpointSecurity = .insecureLoopback, zap: ZAPHandler? = nil,
        rateLimit: RateLimiter? = nil, logger: Logger, handler: @escaping QueryHandler
    ) throws {
        var keys: CurveKeyPair?
        if case .curve(let pair, _) = security { keys = pair }
        subscriber = try EventSubscriber(
            context: context, database: database, sources: sources, applier: applier, keys: keys, logger: logger)
        queries = try context.socket(.router)
        try queries.set([.linger(milliseconds: 1000), .maxMessageSize(64 * 1024), .sendHighWaterMark(1000)])
        queries.maximumFrames = 16
        try security.protect(queries, endpoint: queryEndpoint, name: "query")
        try queries.bind(queryEndpoint)
        self.queryEndpoint = try queries.lastEndpoint()
        self.handler = handler
        self.zap = zap
        gate = RequestGate(security: security, limiter: rateLimit)
        self.logger = logger
    }

    /// Serves until `stop` is raised.
    public func run(until stop: StopSignal) throws {
        let reactor = Reactor(stop: stop)
        subscriber.register(in: reactor)
        reactor.add(queries) { [unowned self] _ in try self.answerQueries() }
        for timer in timers { reactor.every(timer.interval, handler: timer.action) }
        if figures != nil {
            reactor.every(.seconds(1)) { [unowned self] in self.publishFigures() }
            publishFigures()
        }
        defer {
            subscriber.close()
            queries.close()
        }
        try reactor.run()
        logger.info("subscriber stopping", metadata: ["applied": "\(subscriber.appliedCount)"])
    }

    private func publishFigures() {
        guard let (live, service, extra) = figures else { return }
        let positions = subscriber.positions.sorted { $0.key < $1.key }
        let lag = subscriber.lag
        let silence = subscriber.silence
        func labels(_ producer: String) -> [String: String] { ["service": service, "producer": producer] }
        // Each metric's samples together, as the text format wants.
        var published: [LiveFigures.Figure] = positions.map { producer, sequence in
            .gauge(
                "antq_subscriber_applied_sequence", "Last event sequence applied, per producer.", Int(sequence),
                labels: labels(producer))
        }
        published += positions.map { producer, _ in
            .gauge(
                "antq_subscriber_lag", "Events a producer has that are not applied yet, as far as known.",
                Int(lag[producer] ?? 0), labels: labels(producer))
        }
        published += silence.sorted { $0.key < $1.key }.map { producer, duration in
            .gauge(
                "antq_subscriber_silence_seconds", "Seconds since the producer was last heard from.",
                Int(duration.components.seconds), labels: labels(producer))
        }
        published.append(
            .counter(
                "antq_subscriber_applied_total", "Events applied since start.", subscriber.appliedCount,
                labels: ["service": service]))
        // The service's own figures read its store: every 10 seconds is enough.
        if extraReadAt.map({ clock.now - $0 >= .seconds(10) }) ?? true {
            extraReadAt = clock.now
            do { extraFigures = try extra() } catch {
                logger.error("the service's figures could not be read", metadata: ["error": "\(error)"])
            }
        }
        live.publish(published + extraFigures)
    }

    private func answerQueries() throws {
        for _ in 0..<100 {
            guard let (frames, userID) = try queries.receiveAuthenticated(dontWait: true, by: zap) else { return }
            let request: RoutedEnvelope
            do { request = try RoutedEnvelope(routerFrames: frames) } catch {
                logger.info("malformed query", metadata: ["error": "\(error.error)"])
                if let reply = error.replyFrames { _ = try queries.send(reply, dontWait: true) }
                continue
            }
            let reply: Envelope
            do {
                let peer = try gate.admit(userID: userID, now: clock.now).get()
                reply = try handler(request.envelope, QueryContext(positions: subscriber.positions, peer: peer))
            } catch let refusal as RequestGate.Refusal {
                // A flood is answered, not logged line by line.
                if case .overLimit = refusal {
                } else {
                    logger.warning(
                        "query refused",
                        metadata: [
                            "peer": "\(refusal.peer?.userID ?? "?")", "type": "\(request.envelope.type)",
                            "error": "\(refusal.error)",
                        ])
                }
                reply = .error(refusal.error, correlation: request.envelope.correlation)
            } catch let error as WireError {
                if error.code == .forbidden {
                    logger.warning(
                        "query refused", metadata: ["type": "\(request.envelope.type)", "error": "\(error)"])
                } else {
                    logger.info("refused query", metadata: ["error": "\(error)"])
                }
                reply = .error(error, correlation: request.envelope.correlation)
            } catch {
                logger.error("query failed", metadata: ["error": "\(error)"])
                let failure = WireError(.internalError, "the query could not be answered; try again")
                reply = .error(failure, correlation: request.envelope.correlation)
            }
            _ = try queries.send(request.replyFrames(reply), dontWait: true)
        }
    }
}

extension SubscriberNode.QueryContext {
    /// Throws `forbidden` when the sender may not read what concerns `unit` during `period`.
    public func checkReads(unit: String, period: Period?, registry: UnitRegistry?) throws(WireError) {
        guard let peer else { return }
        if let reason = Permissions.refusalToRead(peer, unit: unit, period: period, registry: registry) {
            throw WireError(.forbidden, reason)
        }
    }

    /// Throws `forbidden` unless the sender is an operator (or nobody is checked).
    public func checkOperator(doing action: String) throws(WireError) {
        guard let peer else { return }
        if let reason = Permissions.refusalUnlessOperator(peer, doing: action) {
            throw WireError(.forbidden, reason)
        }
    }
}
