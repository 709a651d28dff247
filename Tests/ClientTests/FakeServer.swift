import Foundation
import Models
import Synchronization
import ZeroMQ

/// Why the fake server did not do what a test needed.
struct FakeServerError: Error, CustomStringConvertible {
    let description: String
}

/// A service's ROUTER endpoint, faked: it answers ``Envelope``s the way a test tells it to.
///
/// It runs on a thread of its own, which makes its context and socket, polls with a ``Poller`` every
/// 5 ms and checks its ``StopSignal``; the test's threads never touch its socket. It records every
/// request it receives, so a test can count the copies a client sent.
final class FakeServer: Sendable {
    /// The replies to one request; none drops it. `copy` is 1 for the first copy of a correlation id,
    /// 2 for the second, and so on.
    typealias Answer = @Sendable (_ request: Envelope, _ copy: Int) -> [Envelope]

    struct Options: Sendable {
        /// Holds requests until none has arrived for this long, then answers them all, newest first.
        var holdUntilQuiet: Duration?
        /// After answering this many requests, drops what it holds, closes its socket, stays away for
        /// `outage.duration` and binds the same endpoint again.
        var outage: Outage?

        init(holdUntilQuiet: Duration? = nil, outage: Outage? = nil) {
            self.holdUntilQuiet = holdUntilQuiet
            self.outage = outage
        }
    }

    struct Outage: Sendable {
        let afterAnswers: Int
        let duration: Duration
    }

    /// One request as the server received it.
    struct Received: Sendable {
        let correlation: String
        let body: String
        /// The ROUTER's identity of the connection it came on: a new socket gets a new one.
        let peer: [UInt8]
        let copy: Int
        let at: ContinuousClock.Instant
    }

    private struct State {
        var received: [Received] = []
        /// Most distinct requests held unanswered at once.
        var maximumPending = 0
        var restarts = 0
        var failure: String?
        var finished = false
    }

    /// The endpoint the server bound, with the port chosen for `:0`.
    let endpoint: String
    private let stop: StopSignal
    private let box: StateBox

    private init(endpoint: String, stop: StopSignal, box: StateBox) {
        self.endpoint = endpoint
        self.stop = stop
        self.box = box
    }

    /// Starts a server on a free port of 127.0.0.1 and returns once it is bound.
    static func start(_ options: Options = Options(), answer: @escaping Answer) async throws -> FakeServer {
        let box = StateBox()
        let stop = StopSignal()
        let endpoint: String = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let context: Context
                let socket: Socket
                let endpoint: String
                do {
                    context = try Context()
                    socket = try context.socket(.router)
                    try socket.set(.linger(milliseconds: 0))
                    try socket.bind("tcp://127.0.0.1:0")
                    endpoint = try socket.lastEndpoint()
                } catch {
                    box.state.withLock { $0.finished = true }
                    continuation.resume(throwing: error)
                    return
                }
                continuation.resume(returning: endpoint)
                do {
                    try serve(socket, context: context, endpoint: endpoint, options, answer, box, stop)
                } catch {
                    box.state.withLock { $0.failure = "\(error)" }
                }
                box.state.withLock { $0.finished = true }
            }
            thread.name = "fake server"
            thread.start()
        }
        return FakeServer(endpoint: endpoint, stop: stop, box: box)
    }

    // MARK: - What the server saw

    var received: [Received] { box.state.withLock { $0.received } }

    /// The copies received of the request with correlation id `correlation`.
    func copies(of correlation: String) -> [Received] {
        received.filter { $0.correlation == correlation }
    }

    var maximumPending: Int { box.state.withLock { $0.maximumPending } }

    var restarts: Int { box.state.withLock { $0.restarts } }

    /// Stops the server, waits for its thread to close its socket, and throws what made it fail.
    func finish() async throws {
        stop.request()
        guard await eventually(within: .seconds(5), { box.state.withLock { $0.finished } }) else {
            throw FakeServerError(description: "the fake server did not stop within 5 s")
        }
        if let failure = box.state.withLock({ $0.failure }) {
            throw FakeServerError(description: "the fake server failed: \(failure)")
        }
    }

    // MARK: - The server's thread

    /// Holds the state until the server exists, so the thread can start first.
    private final class StateBox: Sendable {
        let state = Mutex(State())
    }

    private static func serve(
        _ first: Socket, context: Context, endpoint: String, _ options: Options, _ answer: Answer,
        _ box: StateBox, _ stop: StopSignal
    ) throws {
        let clock = ContinuousClock()
        var socket = first
        defer { socket.close() }
        var pending: [(request: RoutedEnvelope, copy: Int)] = []
        var copies: [[UInt8]: Int] = [:]
        var lastArrival = clock.now
        var answered = 0
        var outage = options.outage

        while !stop.isRequested {
            let poller = Poller()
            poller.add(socket)
            if try poller.poll(timeout: .milliseconds(5)).first == true {
                while let frames = try socket.receive(dontWait: true) {
                    guard let request = try? RoutedEnvelope(routerFrames: frames) else { continue }
                    let correlation = request.envelope.correlation
                    let copy = copies[correlation, default: 0] + 1
                    copies[correlation] = copy
                    pending.append((request, copy))
                    lastArrival = clock.now
                    let received = Received(
                        correlation: text(correlation), body: text(request.envelope.body), peer: request.peer,
                        copy: copy, at: lastArrival)
                    let distinct = Set(pending.map(\.request.envelope.correlation)).count
                    box.state.withLock { state in
                        state.received.append(received)
                        state.maximumPending = max(state.maximumPending, distinct)
                    }
                }
            }
            if let quiet = options.holdUntilQuiet {
                guard clock.now - lastArrival >= quiet else { continue }
                pending.reverse()
            }
            for (request, copy) in pending {
                let replies = answer(request.envelope, copy)
                for reply in replies { try socket.send(request.replyFrames(reply)) }
                if !replies.isEmpty { answered += 1 }
                if let due = outage, answered >= due.afterAnswers { break }
            }
            pending.removeAll()

            if let due = outage, answered >= due.afterAnswers {
                // Down: whatever arrives meanwhile is lost, as in a crash.
                outage = nil
                socket.close()
                let back = clock.now.advanced(by: due.duration)
                while clock.now < back, !stop.isRequested { Thread.sleep(forTimeInterval: 0.005) }
                socket = try rebind(context, endpoint, stop)
                box.state.withLock { $0.restarts += 1 }
            }
        }
    }

    /// A new ROUTER bound to `endpoint`, retrying while the closed socket's port is still in use.
    private static func rebind(_ context: Context, _ endpoint: String, _ stop: StopSignal) throws -> Socket {
        let socket = try context.socket(.router)
        try socket.set(.linger(milliseconds: 0))
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(2))
        while true {
            do {
                try socket.bind(endpoint)
                return socket
            } catch {
                guard error.code == EADDRINUSE, clock.now < deadline, !stop.isRequested else { throw error }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }
}

extension Envelope {
    /// A reply of `type` to `request`, echoing its correlation id.
    static func reply(_ type: MessageType, to request: Envelope, body: [UInt8] = []) -> Envelope {
        Envelope(type: type, correlation: request.correlation, body: body)
    }
}
