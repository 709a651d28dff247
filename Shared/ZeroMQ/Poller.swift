import CZeroMQ

/// Waits on several sockets at once (`zmq_poll`). Owned, like its sockets, by one thread.
public final class Poller {
    private var items: [zmq_pollitem_t] = []
    private var sockets: [Socket] = []

    public init() {}

    /// Watches `socket` for incoming messages; returns its index in ``poll(timeoutMilliseconds:)``'s result.
    @discardableResult
    public func add(_ socket: Socket) -> Int {
        items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        sockets.append(socket)
        return items.count - 1
    }

    /// Stops watching `socket`.
    public func remove(_ socket: Socket) {
        guard let index = sockets.firstIndex(where: { $0 === socket }) else { return }
        items.remove(at: index)
        sockets.remove(at: index)
    }

    /// Waits up to `timeout` (rounded up to whole milliseconds) for a message on any watched socket.
    public func poll(timeout: Duration) throws(ZeroMQError) -> [Bool] {
        try poll(timeoutMilliseconds: Int(max(timeout, .zero).roundedUpMilliseconds))
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for a message on any watched socket.
    ///
    /// - Returns: for each watched socket, in the order added, whether a message is waiting.
    ///   All `false` after a timeout or an interrupting signal.
    public func poll(timeoutMilliseconds: Int) throws(ZeroMQError) -> [Bool] {
        let count = items.count
        let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32(count), timeoutMilliseconds) }
        if rc < 0 {
            let error = ZeroMQError.last("zmq_poll")
            if error.isInterrupted { return Array(repeating: false, count: count) }
            throw error
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
