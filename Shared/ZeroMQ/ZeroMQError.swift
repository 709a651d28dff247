import CZeroMQ

/// An error reported by libzmq, with the operation that failed and `zmq_strerror`'s text.
public struct ZeroMQError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The errno value libzmq reported.
    public let code: Int32
    /// `zmq_strerror(code)`.
    public let message: String
    /// What we were doing, e.g. `bind tcp://127.0.0.1:7001`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.message = String(cString: zmq_strerror(code))
        self.operation = operation
    }

    /// Reads `zmq_errno()` right after a failing call.
    static func last(_ operation: String) -> ZeroMQError {
        ZeroMQError(code: antq_zmq_errno(), operation: operation)
    }

    /// The call would have blocked (non-blocking send or receive with nothing to do).
    public var isWouldBlock: Bool { code == EAGAIN }
    /// The context was terminated while the call was in progress.
    public var isContextTerminated: Bool { code == ETERM }
    /// A blocking call was interrupted by a signal.
    public var isInterrupted: Bool { code == EINTR }
    /// A ROUTER with `ZMQ_ROUTER_MANDATORY` could not route to the peer (it has gone).
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }

    public var description: String { "\(operation): \(message) (errno \(code))" }
}
