import CZeroMQ

/// A ZeroMQ socket.
///
/// A socket is not thread-safe: the thread that makes it owns it, and only that thread may use
/// it. The type is deliberately not `Sendable`, so the compiler refuses to move it to another
/// task or thread. Set ``SocketOption/linger(milliseconds:)`` before ``close()`` when pending
/// messages matter.
public final class Socket {
    let handle: UnsafeMutableRawPointer
    /// Keeps the context alive while the socket is open (`zmq_ctx_term` waits for open sockets).
    private let context: Context
    /// The socket's pattern.
    public let type: SocketType
    private var isClosed = false
    /// Most frames kept from one incoming message; the rest are read and dropped, so a peer cannot make
    /// us copy millions of tiny frames. No request of the protocol has more than a handful.
    public var maximumFrames = Int.max

    init(context: Context, type: SocketType) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZeroMQError.last("zmq_socket \(type)")
        }
        self.handle = handle
        self.context = context
        self.type = type
    }

    deinit { close() }

    /// Sets a socket option.
    public func set(_ option: SocketOption) throws(ZeroMQError) {
        try checkOpen()
        let rc = option.withRawValue { name, pointer, size in zmq_setsockopt(handle, name, pointer, size) }
        guard rc == 0 else { throw ZeroMQError.last("zmq_setsockopt \(option.name) on \(type)") }
    }

    /// Sets several socket options in order.
    public func set(_ options: [SocketOption]) throws(ZeroMQError) {
        for option in options { try set(option) }
    }

    /// Binds to `endpoint` (e.g. `tcp://127.0.0.1:7001`, `tcp://127.0.0.1:0` for any free port).
    public func bind(_ endpoint: String) throws(ZeroMQError) {
        try checkOpen()
        guard zmq_bind(handle, endpoint) == 0 else { throw ZeroMQError.last("bind \(type) \(endpoint)") }
    }

    /// Connects to `endpoint`; the connection is made (and remade) in the background.
    public func connect(_ endpoint: String) throws(ZeroMQError) {
        try checkOpen()
        guard zmq_connect(handle, endpoint) == 0 else { throw ZeroMQError.last("connect \(type) \(endpoint)") }
    }

    /// Drops the connection to `endpoint` made by ``connect(_:)``.
    public func disconnect(_ endpoint: String) throws(ZeroMQError) {
        try checkOpen()
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZeroMQError.last("disconnect \(type) \(endpoint)") }
    }

    /// The endpoint of the last bind, with the port libzmq chose for `:0` or `:*`.
    public func lastEndpoint() throws(ZeroMQError) -> String {
        try checkOpen()
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw ZeroMQError.last("zmq_getsockopt ZMQ_LAST_ENDPOINT")
        }
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sends a multipart message.
    ///
    /// - Parameter dontWait: return `false` instead of blocking when the message cannot be queued now.
    /// - Returns: `true` when the message was queued.
    @discardableResult
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZeroMQError) -> Bool {
        try checkOpen()
        precondition(!frames.isEmpty, "a message has at least one frame")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if rc < 0 {
                let error = ZeroMQError.last("send \(type)")
                // libzmq queues a multipart message atomically: it can only refuse the first frame.
                if error.isWouldBlock && index == 0 { return false }
                throw error
            }
        }
        return true
    }

    /// Receives one multipart message.
    ///
    /// - Parameter dontWait: return `nil` instead of blocking when no message is waiting.
    public func receive(dontWait: Bool = false) throws(ZeroMQError) -> [[UInt8]]? {
        try receiveMessage(dontWait: dontWait, readsUserID: false)?.frames
    }

    /// Receives one multipart message with the peer's identity as `handler` admitted it (`User-Id`),
    /// `nil` when the connection was not admitted by that handler (no authentication, or a handler
    /// gone: see ``ZAPHandler/tag``). The identity comes from the handshake, never from the bytes.
    public func receiveAuthenticated(
        dontWait: Bool = false, by handler: ZAPHandler?
    ) throws(ZeroMQError) -> (frames: [[UInt8]], userID: String?)? {
        guard let received = try receiveMessage(dontWait: dontWait, readsUserID: handler != nil) else { return nil }
        guard let handler, received.zapTag == handler.tag else { return (received.frames, nil) }
        return (received.frames, received.userID)
    }

    private func receiveMessage(
        dontWait: Bool, readsUserID: Bool
    ) throws(ZeroMQError) -> (frames: [[UInt8]], userID: String?, zapTag: String?)? {
        try checkOpen()
        var userID: String?
        var zapTag: String?
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        while true {
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let rc = zmq_msg_recv(&message, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if rc < 0 {
                let error = ZeroMQError.last("receive \(type)")
                if error.isWouldBlock && frames.isEmpty { return nil }
                throw error
            }
            if readsUserID, userID == nil, let property = zmq_msg_gets(&message, "User-Id") {
                userID = String(cString: property)
                zapTag = zmq_msg_gets(&message, ZAPHandler.tagProperty).map { String(cString: $0) }
            }
            let size = zmq_msg_size(&message)
            if frames.count >= maximumFrames {
                // Over the limit: keep reading the message's frames, keep none of them.
            } else if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return (frames, userID, zapTag) }
        }
    }

    /// Using a closed socket is an error, never undefined behaviour.
    private func checkOpen() throws(ZeroMQError) {
        guard !isClosed else { throw ZeroMQError(code: ENOTSOCK, operation: "use of a closed \(type) socket") }
    }

    /// Closes the socket. Pending outgoing messages are kept for the linger time set on it.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }
}
