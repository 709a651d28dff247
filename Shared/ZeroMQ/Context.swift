import CZeroMQ

/// A libzmq context: the I/O threads and the sockets made from it.
///
/// A context is thread-safe and may be shared; its sockets are not (see ``Socket``).
/// Close every socket before the context goes away: `deinit` calls `zmq_ctx_term`, which waits
/// for sockets still open.
public final class Context: Sendable {
    // `zmq_ctx_*` calls are thread-safe; the pointer is never mutated.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZeroMQError) {
        guard let handle = zmq_ctx_new() else { throw ZeroMQError.last("zmq_ctx_new") }
        self.handle = handle
        if ioThreads != 1 {
            guard zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) == 0 else {
                throw ZeroMQError.last("zmq_ctx_set ZMQ_IO_THREADS")
            }
        }
    }

    /// Makes a socket of `type`; the calling thread becomes its owner.
    public func socket(_ type: SocketType) throws(ZeroMQError) -> Socket {
        try Socket(context: self, type: type)
    }

    /// Makes blocking calls on every socket of this context return `ETERM`, for a loop blocked
    /// without a timeout. (The services' reactors poll with a timeout and need not call it.)
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && antq_zmq_errno() == EINTR {}
    }

    /// libzmq's version as `major.minor.patch`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
