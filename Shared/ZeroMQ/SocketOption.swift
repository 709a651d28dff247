import CZeroMQ

/// A typed socket option (see `man zmq_setsockopt`).
public enum SocketOption: Sendable {
    /// How long unsent messages may linger after close, in milliseconds (-1: forever).
    case linger(milliseconds: Int32)
    /// Queue limit for outgoing messages per peer.
    case sendHighWaterMark(Int32)
    /// Queue limit for incoming messages per peer.
    case receiveHighWaterMark(Int32)
    /// Largest inbound frame in bytes (libzmq checks each frame, not the whole message); a peer
    /// sending a larger one is disconnected.
    case maxMessageSize(Int64)
    /// This socket's identity as seen by a ROUTER peer.
    case routingId([UInt8])
    /// SUB: accept messages whose first frame starts with this prefix (empty: all).
    case subscribe([UInt8])
    /// ROUTER: fail with `EHOSTUNREACH` instead of dropping a message to an unknown peer.
    case routerMandatory(Bool)
    /// Queue messages only to completed connections.
    case immediate(Bool)
    /// Timeout of a blocking receive in milliseconds (-1: forever).
    case receiveTimeout(milliseconds: Int32)
    /// Timeout of a blocking send in milliseconds (-1: forever).
    case sendTimeout(milliseconds: Int32)
    /// ZMTP heartbeat interval in milliseconds (0: off).
    case heartbeatInterval(milliseconds: Int32)
    /// Drop the connection if no heartbeat answer came within this time.
    case heartbeatTimeout(milliseconds: Int32)
    /// Act as CURVE server.
    case curveServer(Bool)
    /// This socket's long-term CURVE public key (32 bytes).
    case curvePublicKey([UInt8])
    /// This socket's long-term CURVE secret key (32 bytes).
    case curveSecretKey([UInt8])
    /// The server's CURVE public key, set on a client (32 bytes).
    case curveServerKey([UInt8])
    /// The ZAP domain of this socket.
    case zapDomain(String)
    /// Delay before a reconnect attempt, in milliseconds.
    case reconnectInterval(milliseconds: Int32)

    var name: String {
        switch self {
        case .linger: "ZMQ_LINGER"
        case .sendHighWaterMark: "ZMQ_SNDHWM"
        case .receiveHighWaterMark: "ZMQ_RCVHWM"
        case .maxMessageSize: "ZMQ_MAXMSGSIZE"
        case .routingId: "ZMQ_ROUTING_ID"
        case .subscribe: "ZMQ_SUBSCRIBE"
        case .routerMandatory: "ZMQ_ROUTER_MANDATORY"
        case .immediate: "ZMQ_IMMEDIATE"
        case .receiveTimeout: "ZMQ_RCVTIMEO"
        case .sendTimeout: "ZMQ_SNDTIMEO"
        case .heartbeatInterval: "ZMQ_HEARTBEAT_IVL"
        case .heartbeatTimeout: "ZMQ_HEARTBEAT_TIMEOUT"
        case .curveServer: "ZMQ_CURVE_SERVER"
        case .curvePublicKey: "ZMQ_CURVE_PUBLICKEY"
        case .curveSecretKey: "ZMQ_CURVE_SECRETKEY"
        case .curveServerKey: "ZMQ_CURVE_SERVERKEY"
        case .zapDomain: "ZMQ_ZAP_DOMAIN"
        case .reconnectInterval: "ZMQ_RECONNECT_IVL"
        }
    }

    /// Calls `body` with the option's libzmq name and its value's bytes.
    func withRawValue<R>(_ body: (Int32, UnsafeRawPointer, Int) -> R) -> R {
        func int32(_ option: Int32, _ value: Int32) -> R {
            withUnsafePointer(to: value) { body(option, UnsafeRawPointer($0), MemoryLayout<Int32>.size) }
        }
        func bytes(_ option: Int32, _ value: [UInt8]) -> R {
            let zero: UInt8 = 0
            return withUnsafePointer(to: zero) { zeroPointer in
                value.withUnsafeBufferPointer { buffer in
                    // An empty value still needs a valid pointer.
                    body(option, UnsafeRawPointer(buffer.baseAddress ?? zeroPointer), buffer.count)
                }
            }
        }
        switch self {
        case .linger(let ms): return int32(ZMQ_LINGER, ms)
        case .sendHighWaterMark(let n): return int32(ZMQ_SNDHWM, n)
        case .receiveHighWaterMark(let n): return int32(ZMQ_RCVHWM, n)
        case .maxMessageSize(let n):
            return withUnsafePointer(to: n) { body(ZMQ_MAXMSGSIZE, UnsafeRawPointer($0), MemoryLayout<Int64>.size) }
        case .routingId(let id): return bytes(ZMQ_ROUTING_ID, id)
        case .subscribe(let prefix): return bytes(ZMQ_SUBSCRIBE, prefix)
        case .routerMandatory(let on): return int32(ZMQ_ROUTER_MANDATORY, on ? 1 : 0)
        case .immediate(let on): return int32(ZMQ_IMMEDIATE, on ? 1 : 0)
        case .receiveTimeout(let ms): return int32(ZMQ_RCVTIMEO, ms)
        case .sendTimeout(let ms): return int32(ZMQ_SNDTIMEO, ms)
        case .heartbeatInterval(let ms): return int32(ZMQ_HEARTBEAT_IVL, ms)
        case .heartbeatTimeout(let ms): return int32(ZMQ_HEARTBEAT_TIMEOUT, ms)
        case .curveServer(let on): return int32(ZMQ_CURVE_SERVER, on ? 1 : 0)
        case .curvePublicKey(let key): return bytes(ZMQ_CURVE_PUBLICKEY, key)
        case .curveSecretKey(let key): return bytes(ZMQ_CURVE_SECRETKEY, key)
        case .curveServerKey(let key): return bytes(ZMQ_CURVE_SERVERKEY, key)
        case .zapDomain(let domain): return bytes(ZMQ_ZAP_DOMAIN, Array(domain.utf8))
        case .reconnectInterval(let ms): return int32(ZMQ_RECONNECT_IVL, ms)
        }
    }
}

extension SocketOption {
    /// ZMTP heartbeats for a client's connections across networks we do not control: a connection
    /// that went silent (a cut link) is dropped after 15 s and libzmq reconnects, instead of waiting
    /// out TCP's retransmission backoff (decision 0018). Not shorter: libzmq counts the timeout until
    /// a whole frame arrives, and a 1 MiB event takes seconds on a slow link.
    public static let linkHeartbeats: [SocketOption] = [
        .heartbeatInterval(milliseconds: 2000), .heartbeatTimeout(milliseconds: 15000),
    ]
}
