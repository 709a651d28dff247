import Foundation
import Synchronization
import ZeroMQ

/// What a ``LoopService`` body saw, written on the body's thread and read by the test.
final class BodyProbe: Sendable {
    private struct State {
        var thread: pthread_t?
        var caller: pthread_t?
        var isMainThread = true
        var started = false
        var stopRequestedAtStart = false
        var finished = false
        var stopRequestedAtEnd = false
    }

    private let state = Mutex(State())

    var started: Bool { state.withLock { $0.started } }
    var finished: Bool { state.withLock { $0.finished } }
    var isMainThread: Bool { state.withLock { $0.isMainThread } }
    /// Whether the body ran on the thread that called ``recordCaller()``; `nil` until both are known.
    var ranOnCallersThread: Bool? {
        state.withLock { state in
            guard let thread = state.thread, let caller = state.caller else { return nil }
            return pthread_equal(thread, caller) != 0
        }
    }

    /// Notes the current thread as the one that calls `run()`.
    func recordCaller() {
        let caller = pthread_self()
        state.withLock { $0.caller = caller }
    }
    var stopRequestedAtStart: Bool { state.withLock { $0.stopRequestedAtStart } }
    var stopRequestedAtEnd: Bool { state.withLock { $0.stopRequestedAtEnd } }

    /// A body that runs a ``Reactor`` until its stop signal is raised, the way services run theirs.
    ///
    /// The reactor fails after `limit`, so a stop that never comes fails the test instead of hanging it
    /// (generous: the whole suite runs in parallel, browsers included, and can hold a thread up for seconds).
    func reactorBody(limit: Duration = .seconds(60)) -> @Sendable (StopSignal) throws -> Void {
        { stop in
            self.start(stop)
            let reactor = Reactor(stop: stop, tick: .milliseconds(5))
            reactor.every(limit) { throw BodyFailure(reason: "no stop signal within \(limit)") }
            try reactor.run()
            self.finish(stop)
        }
    }

    func start(_ stop: StopSignal) {
        let thread = pthread_self()
        let isMainThread = Thread.isMainThread
        state.withLock { state in
            state.thread = thread
            state.isMainThread = isMainThread
            state.started = true
            state.stopRequestedAtStart = stop.isRequested
        }
    }

    func finish(_ stop: StopSignal) {
        state.withLock { state in
            state.finished = true
            state.stopRequestedAtEnd = stop.isRequested
        }
    }
}

/// An error a test body throws on purpose.
struct BodyFailure: Error, Equatable {
    let reason: String
}

/// Checks `condition` every 2 ms until it holds or `timeout` has passed, and returns its last answer.
@discardableResult
func eventually(within timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}
