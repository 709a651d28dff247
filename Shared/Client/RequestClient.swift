import Foundation
import Models
import ZeroMQ

/// A request/reply client with retries (zguide "Lazy Pirate") over a DEALER socket.
///
/// Not thread-safe, like its socket: one thread owns a client. ``submitAll(_:window:progress:)``
/// pipelines many requests with a window of requests in flight.
public final class RequestClient {
    /// The server's endpoint, e.g. `tcp://127.0.0.1:7101`.
    public let endpoint: String
    /// How long to wait for an answer before sending again; doubles with each try (backoff), up to 8×.
    public var timeout: Duration
    /// How many times to send a request before giving up.
    public var tries: Int
    private let context: Context
    private let curve: CurveClient?
    private var socket: Socket
    private var nextCorrelation: UInt64 = 1
    private let clock = ContinuousClock()

    /// Connects a DEALER to `endpoint` (the connection is made in the background), as a CURVE
    /// client when `curve` is given.
    public init(
        context: Context, endpoint: String, timeout: Duration = .seconds(3), tries: Int = 5, curve: CurveClient? = nil
    ) throws {
        self.context = context
        self.endpoint = endpoint
        self.timeout = timeout
        self.tries = tries
        self.curve = curve
        socket = try Self.connect(context, endpoint, curve)
    }

    deinit { socket.close() }

    private static func connect(
        _ context: Context, _ endpoint: String, _ curve: CurveClient?
    ) throws(ZeroMQError) -> Socket {
        let socket = try context.socket(.dealer)
        try socket.set([.linger(milliseconds: 0), .sendHighWaterMark(100_000), .receiveHighWaterMark(100_000)])
        if let curve { try socket.set(curve.options) }
        try socket.connect(endpoint)
        return socket
    }

    /// Lazy Pirate: the server may have restarted; a new socket drops whatever the old one queued.
    private func reconnect() throws {
        socket.close()
        socket = try Self.connect(context, endpoint, curve)
    }

    /// How long to wait for an answer to try `attempt` (1-based): `timeout`, then doubled, at most 8×.
    func patience(forTry attempt: Int) -> Duration {
        timeout * (1 << min(max(attempt - 1, 0), 3))
    }

    private func correlation() -> Frame {
        defer { nextCorrelation += 1 }
        return Array(String(nextCorrelation).utf8)
    }

    /// Sends one request and waits for its answer, retrying on silence. An `error` answer throws ``ClientError/refused(_:)``.
    public func request(_ type: MessageType, body: [UInt8]) throws -> Envelope {
        let request = Envelope(type: type, correlation: correlation(), body: body)
        for attempt in 1...max(tries, 1) {
            try socket.send(request.frames)
            let deadline = clock.now.advanced(by: patience(forTry: attempt))
            while clock.now < deadline {
                let poller = Poller()
                poller.add(socket)
                guard try poller.poll(timeout: deadline - clock.now).first == true else { continue }
                while let frames = try socket.receive(dontWait: true) {
                    guard let reply = try? Envelope(frames: frames), reply.correlation == request.correlation else {
                        continue
                    }
                    if reply.type == .error {
                        throw ClientError.refused(
                            (try? JSONCoding.decode(WireError.self, from: reply.body))
                                ?? WireError(.internalError, "unreadable error"))
                    }
                    return reply
                }
            }
            if attempt < tries { try reconnect() }
        }
        throw ClientError.noAnswer(endpoint: endpoint, tries: tries)
    }

    /// What became of one submission.
    public enum SubmitOutcome: Sendable {
        case receipt(Receipt)
        case rejected(Rejection)
        case failed(String)
    }

    /// Timings of one submission, first send to answer.
    public struct Timing: Sendable {
        public let latency: Duration
        public let tries: Int
    }

    /// Submits every body, keeping up to `window` in flight, resending on silence (the same
    /// submission id makes a resend safe) and reconnecting when the server stays silent.
    ///
    /// - Parameters:
    ///   - schedule: optional earliest send time of each body (for a fixed offered rate).
    ///   - progress: called with the number answered so far.
    public func submitAll(
        _ bodies: [[UInt8]], window: Int = 256, schedule: [ContinuousClock.Instant]? = nil,
        progress: (Int) -> Void = { _ in }
    ) throws -> (outcomes: [SubmitOutcome], timings: [Timing?]) {
        var outcomes = [SubmitOutcome?](repeating: nil, count: bodies.count)
        var timings = [Timing?](repeating: nil, count: bodies.count)
        var inFlight: [Int: (firstSent: ContinuousClock.Instant, lastSent: ContinuousClock.Instant, tries: Int)] = [:]
        var next = 0
        var answered = 0
        var silentSince = clock.now
        let poller = Poller()
        poller.add(socket)
        var pollerSocket = socket

        func send(_ index: Int) throws {
            let envelope = Envelope(type: .submit, correlation: Array(String(index).utf8), body: bodies[index])
            try socket.send(envelope.frames)
        }

        while answered < bodies.count {
            let now = clock.now
            while inFlight.count < window, next < bodies.count {
                if let schedule, schedule[next] > now { break }
                try send(next)
                inFlight[next] = (now, now, 1)
                next += 1
            }
            if pollerSocket !== socket {
                poller.remove(pollerSocket)
                poller.add(socket)
                pollerSocket = socket
            }
            var wait = Duration.milliseconds(50)
            if let schedule, next < bodies.count, inFlight.count < window {
                wait = min(wait, schedule[next] - now)
            }
            if try poller.poll(timeout: wait).first == true {
                silentSince = clock.now
                while let frames = try socket.receive(dontWait: true) {
                    guard let reply = try? Envelope(frames: frames),
                        let text = String(validating: reply.correlation, as: UTF8.self), let index = Int(text),
                        let sent = inFlight.removeValue(forKey: index)
                    else { continue }
                    let received = clock.now
                    timings[index] = Timing(latency: received - sent.firstSent, tries: sent.tries)
                    switch reply.type {
                    case .receipt:
                        if let json = try? JSONParser.parse(reply.body), let receipt = try? Receipt(json: json) {
                            outcomes[index] = .receipt(receipt)
                        } else {
                            outcomes[index] = .failed("unreadable receipt")
                        }
                    case .rejected:
                        if let rejection = try? JSONCoding.decode(Rejection.self, from: reply.body) {
                            outcomes[index] = .rejected(rejection)
                        } else {
                            outcomes[index] = .failed("unreadable rejection")
                        }
                    default:
                        let error = try? JSONCoding.decode(WireError.self, from: reply.body)
                        outcomes[index] = .failed(error.map { "\($0)" } ?? "reply of type \(reply.type)")
                    }
                    answered += 1
                    progress(answered)
                }
            }
            let later = clock.now
            var late = inFlight.filter { later - $0.value.lastSent > patience(forTry: $0.value.tries) }.map(\.key)
                .sorted()
            guard !late.isEmpty else { continue }
            if later - silentSince > timeout {
                // Nothing at all came back: reconnect and resend everything in flight.
                try reconnect()
                late = inFlight.keys.sorted()
                silentSince = later
            }
            for index in late {
                guard var entry = inFlight[index] else { continue }
                if entry.tries >= tries {
                    inFlight[index] = nil
                    outcomes[index] = .failed("no answer from \(endpoint) after \(entry.tries) tries")
                    answered += 1
                    progress(answered)
                    continue
                }
                entry.tries += 1
                entry.lastSent = later
                inFlight[index] = entry
                try send(index)
            }
        }
        return (outcomes.map { $0 ?? .failed("not sent") }, timings)
    }
}
