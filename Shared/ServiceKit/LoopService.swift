import Foundation
import Logging
import ServiceLifecycle
import ZeroMQ

/// Runs a blocking socket loop on a thread of its own, under swift-service-lifecycle.
///
/// ZeroMQ sockets are not thread-safe and their calls block, so each service's sockets live on one
/// dedicated thread that runs a ``Reactor`` (docs/decisions/0002-socket-threads.md). `body` builds its
/// sockets and state on that thread, runs the reactor, and on return finishes what it holds and
/// closes its sockets. A graceful shutdown (SIGTERM) or a cancellation raises the ``StopSignal``;
/// the reactor sees it within one tick.
public struct LoopService: Service {
    public let name: String
    private let body: @Sendable (StopSignal) throws -> Void

    public init(name: String, body: @escaping @Sendable (StopSignal) throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        let stop = StopSignal()
        let name = self.name
        let body = self.body
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread {
                        // A name for debuggers (best effort: Foundation on Linux applies it only from inside).
                        Thread.current.name = name
                        do {
                            try body(stop)
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                    thread.start()
                }
            } onCancel: {
                stop.request()
            }
        } onGracefulShutdown: {
            stop.request()
        }
    }
}
