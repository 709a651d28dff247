import Foundation
import Synchronization
import ZeroMQ

/// Why a loop thread did not give a test what it waited for.
struct LoopThreadError: Error, CustomStringConvertible {
    let description: String
}

/// A socket loop on a thread of its own, the way services run theirs (Shared/ServiceKit/LoopService.swift).
///
/// `body` runs on the new thread: it makes its sockets there, hands the test what it needs through its
/// `ready` callback (the endpoints it bound, say), runs its ``Reactor`` until the stop signal is raised,
/// closes its sockets and returns a result. The test's thread never touches those sockets.
final class LoopThread<Ready: Sendable, Outcome: Sendable>: Sendable {
    let name: String
    let stop = StopSignal()
    private let readyValue = Mutex<Ready?>(nil)
    private let result = Mutex<Result<Outcome, LoopThreadError>?>(nil)
    private let readySignal = DispatchSemaphore(value: 0)
    private let finishedSignal = DispatchSemaphore(value: 0)

    init(_ name: String, body: @escaping @Sendable (StopSignal, _ ready: (Ready) -> Void) throws -> Outcome) {
        self.name = name
        let thread = Thread { [self] in
            let result: Result<Outcome, LoopThreadError>
            do {
                let outcome = try body(stop) { value in
                    readyValue.withLock { $0 = value }
                    readySignal.signal()
                }
                result = .success(outcome)
            } catch {
                result = .failure(LoopThreadError(description: "\(name) failed: \(error)"))
            }
            self.result.withLock { $0 = result }
            readySignal.signal()  // a waiter for `ready` learns that the body ended first
            finishedSignal.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits until the body called `ready` and returns what it passed.
    ///
    /// - Throws: the body's failure when it ended first, or a timeout.
    func waitUntilReady(timeout: Duration = .seconds(10)) throws -> Ready {
        _ = readySignal.wait(timeout: .after(timeout))
        if let value = readyValue.withLock({ $0 }) { return value }
        if case .failure(let error)? = result.withLock({ $0 }) { throw error }
        throw LoopThreadError(description: "\(name) was not ready within \(timeout)")
    }

    /// The body's result once it has returned or thrown, waiting up to `timeout`; `nil` while it runs.
    func waitUntilFinished(timeout: Duration) -> Result<Outcome, LoopThreadError>? {
        if finishedSignal.wait(timeout: .after(timeout)) == .success {
            finishedSignal.signal()  // stays signalled for later waits
        }
        return result.withLock { $0 }
    }

    /// Raises the stop signal and returns the body's result.
    func finish(timeout: Duration = .seconds(10)) throws -> Outcome {
        stop.request()
        guard let result = waitUntilFinished(timeout: timeout) else {
            throw LoopThreadError(description: "\(name) did not stop within \(timeout)")
        }
        return try result.get()
    }
}

extension DispatchTime {
    /// `duration` from now.
    static func after(_ duration: Duration) -> DispatchTime {
        .now() + .nanoseconds(Int(duration / .nanoseconds(1)))
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` has passed, and returns its last answer.
///
/// Tests that own sockets run on one thread, so they wait by sleeping that thread, never by a fixed
/// sleep longer than needed.
@discardableResult
func eventually(within timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
}
