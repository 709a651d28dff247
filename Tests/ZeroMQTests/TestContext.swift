import ZeroMQ

/// A context for one test, and every socket the test makes from it.
///
/// Each socket gets linger 0 (so the context ends at once) and 5-second send and receive timeouts
/// (so a lost message fails the test instead of hanging it: a timed-out ``Socket/receive(dontWait:)``
/// returns `nil`). ``withTestContext(_:)`` closes all sockets before the context goes away.
/// Like its sockets, it belongs to the test's own thread.
final class TestContext {
    let context: Context
    private var sockets: [Socket] = []

    init() throws {
        context = try Context()
    }

    /// Makes a socket with the test defaults, then `options`.
    func socket(_ type: SocketType, _ options: [SocketOption] = []) throws -> Socket {
        let socket = try context.socket(type)
        sockets.append(socket)
        try socket.set([
            .linger(milliseconds: 0), .receiveTimeout(milliseconds: 5_000), .sendTimeout(milliseconds: 5_000),
        ])
        try socket.set(options)
        return socket
    }

    /// Closes every socket made here; closing twice is harmless.
    func closeAll() {
        for socket in sockets { socket.close() }
        sockets.removeAll()
    }
}

/// Runs `body` with a fresh ``TestContext``, then closes its sockets and ends the context.
func withTestContext<Result>(_ body: (TestContext) throws -> Result) throws -> Result {
    let zmq = try TestContext()
    defer { zmq.closeAll() }
    return try body(zmq)
}

/// The transports the socket tests run over.
enum Transport: String, CaseIterable, Sendable {
    case inproc
    case tcp

    /// Binds `socket` (tcp: to a free port of 127.0.0.1) and returns the endpoint to connect to.
    func bind(_ socket: Socket, name: String) throws -> String {
        switch self {
        case .inproc: try socket.bind("inproc://\(name)")
        case .tcp: try socket.bind("tcp://127.0.0.1:0")
        }
        return try socket.lastEndpoint()
    }
}

/// The UTF-8 bytes of `text`, for short frames.
func frame(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
