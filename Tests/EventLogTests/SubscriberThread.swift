import EventLog
import GRDB
import Logging
import SQLStore
import ZeroMQ

/// An ``EventSubscriber`` run on a thread of its own with a ``RecordingApplier``, as a subscribing
/// service runs it.
final class SubscriberThread: Sendable {
    /// Where the subscriber stood when it stopped.
    struct Summary: Sendable {
        let appliedCount: Int
        let positions: [String: UInt64]
    }

    private let loop: LoopThread<Void, Summary>

    /// Starts a subscriber of `sources` on `database`; returns once its sockets are made and watched.
    ///
    /// - Parameters:
    ///   - replayTimeout: overrides how long the subscriber waits for a replay answer.
    ///   - failing: a sequence the applier refuses, which fails that transaction.
    ///   - unusable: a sequence the applier cannot use (it throws a `WireError`).
    init(
        database: DatabasePool, sources: [EventSubscriber.Source], context: Context, logger: Logger,
        replayTimeout: Duration? = nil, failing: UInt64? = nil, unusable: UInt64? = nil
    ) throws {
        loop = LoopThread("subscriber") { stop, ready in
            let subscriber = try EventSubscriber(
                context: context, database: SQLiteStore(pool: database), sources: sources,
                applier: RecordingApplier(failing: failing, unusable: unusable),
                logger: logger
            )
            defer { subscriber.close() }
            if let replayTimeout { subscriber.replayTimeout = replayTimeout }
            let reactor = Reactor(stop: stop, tick: .milliseconds(10))
            subscriber.register(in: reactor)
            ready(())
            try reactor.run()
            return Summary(appliedCount: subscriber.appliedCount, positions: subscriber.positions)
        }
        try loop.waitUntilReady()
    }

    /// The subscriber's result once its loop ended by itself, waiting up to `timeout`; `nil` while it runs.
    func waitUntilFinished(timeout: Duration) -> Result<Summary, LoopThreadError>? {
        loop.waitUntilFinished(timeout: timeout)
    }

    /// Stops the subscriber and returns where it stood.
    func finish() throws -> Summary {
        try loop.finish()
    }

    /// Asks the subscriber to stop without waiting.
    func requestStop() {
        loop.stop.request()
    }
}
