import Foundation
import Synchronization

/// A ZAP handler (RFC 27, ZeroMQ Authentication Protocol) for one context: libzmq asks it about
/// every connection to a socket of that context that has a ZAP domain (a CURVE server), and it
/// answers with a decision and the identity the socket then reports as `User-Id` on each message.
///
/// It owns its REP socket on `inproc://zeromq.zap.01` on a thread of its own, from ``start()``
/// until ``stop()``. It must be started before any authenticating socket binds.
///
/// libzmq lets every CURVE client in when no ZAP handler answers (and then reports properties the
/// client sent itself), so each admitted connection also carries ``tag``, a secret of this process,
/// as the property ``tagProperty``: a reader trusts a `User-Id` only next to that tag
/// (``Socket/receiveAuthenticated(dontWait:)``), and a handler that is gone fails closed.
public final class ZAPHandler: Sendable {
    /// The property carrying ``tag`` on every message of a connection this handler admitted.
    public static let tagProperty = "X-Antq-Zap"
    /// A random secret of this process, never sent to peers.
    public let tag: String = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()

    /// What libzmq asks about one connection.
    public struct Request: Sendable, Equatable {
        /// The socket's ZAP domain (the endpoint's name, e.g. `submissions`).
        public let domain: String
        /// The peer's IP address.
        public let address: String
        /// `NULL`, `PLAIN` or `CURVE`.
        public let mechanism: String
        /// The client's long-term public key in Z85, for CURVE.
        public let publicKey: String?
    }

    /// The answer: let the peer in as `userID`, or refuse it saying why.
    public enum Decision: Sendable, Equatable {
        case allow(userID: String)
        case deny(reason: String)
    }

    private let context: Context
    private let decide: @Sendable (Request) -> Decision
    private let tick: (@Sendable () -> Void)?
    private let stopSignal = StopSignal()
    private let finished = DispatchSemaphore(value: 0)
    private let started = Mutex(false)

    /// - Parameters:
    ///   - decide: called on the handler's thread for each connection.
    ///   - tick: called on the handler's thread about every second (e.g. to reload an allowlist).
    public init(
        context: Context, tick: (@Sendable () -> Void)? = nil, decide: @escaping @Sendable (Request) -> Decision
    ) {
        self.context = context
        self.decide = decide
        self.tick = tick
    }

    /// Binds the ZAP endpoint and starts answering; returns once it is bound.
    public func start() throws {
        let bound = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        started.withLock { $0 = true }
        let thread = Thread { [self] in
            defer { finished.signal() }
            do {
                let socket = try context.socket(.reply)
                try socket.set(.linger(milliseconds: 0))
                try socket.bind("inproc://zeromq.zap.01")
                bound.signal()
                run(socket)
                socket.close()
            } catch {
                failure.withLock { $0 = error }
                bound.signal()
            }
        }
        thread.name = "zap"
        thread.start()
        bound.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Stops answering and waits for the thread to end.
    public func stop() {
        guard started.withLock({ $0 }) else { return }
        stopSignal.request()
        finished.wait()
        finished.signal()  // a later stop() returns at once
    }

    private func run(_ socket: Socket) {
        let reactor = Reactor(stop: stopSignal)
        reactor.add(socket) { [self] socket in
            while let frames = try socket.receive(dontWait: true) {
                // REP must answer before it reads again; libzmq's inproc peer always takes the answer.
                _ = try socket.send(Self.reply(to: frames, tag: tag, decide: decide))
            }
        }
        if let tick { reactor.every(.seconds(1), handler: tick) }
        // A failing poll ends the handler: libzmq then refuses every authenticating connection.
        try? reactor.run()
    }

    /// The reply frames to one request (a malformed one is refused, RFC 27's 500 when unreadable).
    static func reply(to frames: [[UInt8]], tag: String, decide: (Request) -> Decision) -> [[UInt8]] {
        func text(_ index: Int) -> String {
            frames.indices.contains(index) ? String(decoding: frames[index], as: UTF8.self) : ""
        }
        let requestID = frames.count > 1 ? frames[1] : []
        func answer(_ code: String, _ status: String, _ userID: String) -> [[UInt8]] {
            // Metadata (ZMTP): a 1-byte name length, the name, a 4-byte big-endian value length, the value.
            let name = Array(tagProperty.utf8)
            let value = Array(tag.utf8)
            let count = UInt32(value.count)
            let metadata =
                code == "200"
                ? [UInt8(name.count)] + name + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) } + value
                : []
            return [Array("1.0".utf8), requestID, Array(code.utf8), Array(status.utf8), Array(userID.utf8), metadata]
        }
        guard frames.count >= 6, text(0) == "1.0" else { return answer("500", "malformed ZAP request", "") }
        let mechanism = text(5)
        let publicKey = mechanism == "CURVE" && frames.count > 6 ? CurveKeyPair.encode(frames[6]) : nil
        let request = Request(domain: text(2), address: text(3), mechanism: mechanism, publicKey: publicKey)
        switch decide(request) {
        case .allow(let userID): return answer("200", "OK", userID)
        case .deny(let reason): return answer("400", reason, "")
        }
    }
}
