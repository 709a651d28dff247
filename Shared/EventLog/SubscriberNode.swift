import Logging
import Models
import SQLStore
import ZeroMQ

/// A subscribing service's loop: an ``EventSubscriber`` plus a ROUTER that answers queries, on one thread.
public final class SubscriberNode {
    /// Answers one query; throw a `WireError` to send an `error` reply.
    public typealias QueryHandler = (Envelope, _ positions: [String: UInt64]) throws -> Envelope

    private let subscriber: EventSubscriber
    private let queries: Socket
    private let handler: QueryHandler
    private let logger: Logger

    /// The query endpoint as bound.
    public let queryEndpoint: String
    /// Work to do on the loop thread at fixed intervals (e.g. notification's scheduler).
    public var timers: [(interval: Duration, action: () throws -> Void)] = []

    /// Binds the query endpoint and prepares the subscriber; ``run(until:)`` serves.
    public init(
        context: Context, database: any SQLStore, sources: [EventSubscriber.Source], applier: any EventApplier,
        queryEndpoint: String, logger: Logger, handler: @escaping QueryHandler
    ) throws {
        subscriber = try EventSubscriber(
            context: context, database: database, sources: sources, applier: applier, logger: logger)
        queries = try context.socket(.router)
        try queries.set([.linger(milliseconds: 1000), .maxMessageSize(64 * 1024), .sendHighWaterMark(1000)])
        queries.maximumFrames = 16
        try queries.bind(queryEndpoint)
        self.queryEndpoint = try queries.lastEndpoint()
        self.handler = handler
        self.logger = logger
    }

    /// Serves until `stop` is raised.
    public func run(until stop: StopSignal) throws {
        let reactor = Reactor(stop: stop)
        subscriber.register(in: reactor)
        reactor.add(queries) { [unowned self] _ in try self.answerQueries() }
        for timer in timers { reactor.every(timer.interval, handler: timer.action) }
        defer {
            subscriber.close()
            queries.close()
        }
        try reactor.run()
        logger.info("subscriber stopping", metadata: ["applied": "\(subscriber.appliedCount)"])
    }

    private func answerQueries() throws {
        for _ in 0..<100 {
            guard let frames = try queries.receive(dontWait: true) else { return }
            let request: RoutedEnvelope
            do { request = try RoutedEnvelope(routerFrames: frames) } catch {
                logger.info("malformed query", metadata: ["error": "\(error.error)"])
                if let reply = error.replyFrames { _ = try queries.send(reply, dontWait: true) }
                continue
            }
            let reply: Envelope
            do {
                reply = try handler(request.envelope, subscriber.positions)
            } catch let error as WireError {
                logger.info("refused query", metadata: ["error": "\(error)"])
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
