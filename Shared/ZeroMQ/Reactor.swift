import Foundation

/// A poll loop over sockets and timers, run by the one thread that owns those sockets
/// (in the spirit of czmq's `zloop`).
///
/// Handlers run on the loop's thread, one at a time, so they may touch the sockets and any state
/// the loop owns without locks. The loop wakes at least every `tick` to check its ``StopSignal``
/// and timers, so a stop request is seen within that time.
public final class Reactor {
    private struct Reader {
        let socket: Socket
        let handler: (Socket) throws -> Void
    }

    private struct Timer {
        let interval: Duration
        var due: ContinuousClock.Instant
        let handler: () throws -> Void
    }

    private let poller = Poller()
    private var readers: [Reader] = []
    private var timers: [Timer] = []
    private let stop: StopSignal
    private let tick: Duration
    private let clock = ContinuousClock()

    public init(stop: StopSignal, tick: Duration = .milliseconds(100)) {
        self.stop = stop
        self.tick = tick
    }

    /// Calls `handler` whenever `socket` has a message waiting. The handler should drain what it can
    /// without blocking (``Socket/receive(dontWait:)``).
    public func add(_ socket: Socket, handler: @escaping (Socket) throws -> Void) {
        poller.add(socket)
        readers.append(Reader(socket: socket, handler: handler))
    }

    /// Stops watching `socket`.
    public func remove(_ socket: Socket) {
        poller.remove(socket)
        readers.removeAll { $0.socket === socket }
    }

    /// Calls `handler` every `interval`, first after one interval.
    public func every(_ interval: Duration, handler: @escaping () throws -> Void) {
        timers.append(Timer(interval: interval, due: clock.now.advanced(by: interval), handler: handler))
    }

    /// Runs until the stop signal is raised or a handler throws.
    public func run() throws {
        while !stop.isRequested {
            let now = clock.now
            var wait = tick
            for timer in timers { wait = min(wait, max(.zero, timer.due - now)) }
            let ready = try poller.poll(timeout: wait)
            // Handlers may add or remove readers; iterate over a snapshot.
            let snapshot = readers
            for (index, isReady) in ready.enumerated() where isReady && index < snapshot.count {
                // A handler earlier in this pass may have removed (and closed) this socket.
                guard readers.contains(where: { $0.socket === snapshot[index].socket }) else { continue }
                try snapshot[index].handler(snapshot[index].socket)
            }
            let after = clock.now
            for index in timers.indices where timers[index].due <= after {
                timers[index].due = after.advanced(by: timers[index].interval)
                try timers[index].handler()
            }
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a short wait is never zero.
    public var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
