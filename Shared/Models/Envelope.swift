/// The versioned request/reply message every ZeroMQ endpoint of the system speaks.
///
/// Frames, after the ROUTER's peer identity (and an empty delimiter frame when the peer is a REQ
/// socket): `"ANTQ/1"`, the message type, a correlation id the server echoes (0–255 bytes), a JSON
/// body, and any attachment frames the type defines. docs/protocol.md is the reference.
public struct Envelope: Sendable, Equatable {
    /// The protocol tag and version, the first frame of every message.
    public static let protocolTag: Frame = Array("ANTQ/1".utf8)
    /// Longest correlation id, in bytes.
    public static let maximumCorrelationLength = 255

    /// What the message is, e.g. `submit`.
    public var type: MessageType
    /// Chosen by the requester (0–255 bytes) and echoed in the reply, to match them up.
    public var correlation: Frame
    /// The JSON body (UTF-8); empty for messages that carry none.
    public var body: Frame
    /// Frames after the body: a submission in a lease, events in a replay batch.
    public var attachments: [Frame]

    /// A message of `type`; the other parts default to empty.
    public init(type: MessageType, correlation: Frame = [], body: Frame = [], attachments: [Frame] = []) {
        self.type = type
        self.correlation = correlation
        self.body = body
        self.attachments = attachments
    }

    /// The frames to send (without any routing prefix).
    public var frames: [Frame] {
        [Self.protocolTag, Array(type.rawValue.utf8), correlation, body] + attachments
    }

    /// Decodes frames that start at the protocol tag.
    public init(frames: some Collection<Frame>) throws(WireError) {
        guard frames.count >= 4 else {
            throw WireError(
                .badFrameCount, "expected at least 4 frames (tag, type, correlation, body), got \(frames.count)")
        }
        var iterator = frames.makeIterator()
        // Four frames are known to be there.
        let tag = iterator.next() ?? []
        let type = iterator.next() ?? []
        let correlation = iterator.next() ?? []
        let body = iterator.next() ?? []
        guard tag == Self.protocolTag else {
            throw WireError(.unknownProtocol, "first frame must be \"ANTQ/1\"")
        }
        guard !type.isEmpty, type.count <= 64, let name = String(validating: type, as: UTF8.self) else {
            throw WireError(.unknownType, "message type must be 1-64 bytes of UTF-8")
        }
        guard correlation.count <= Self.maximumCorrelationLength else {
            throw WireError(
                .badCorrelation,
                "correlation id is \(correlation.count) bytes, at most \(Self.maximumCorrelationLength)")
        }
        self.type = MessageType(rawValue: name)
        self.correlation = correlation
        self.body = body
        self.attachments = Array(IteratorSequence(iterator))
    }
}

extension Envelope {
    /// An `error` reply carrying `error`, answering the request with `correlation`.
    public static func error(_ error: WireError, correlation: Frame = []) -> Envelope {
        Envelope(type: .error, correlation: correlation, body: WireError.encodeBody(error))
    }
}

/// A message type name, e.g. `submit`. An open set: see the static members.
public struct MessageType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Intake, submissions endpoint.
    public static let submit = MessageType(rawValue: "submit")
    public static let receipt = MessageType(rawValue: "receipt")
    public static let rejected = MessageType(rawValue: "rejected")
    public static let status = MessageType(rawValue: "status")
    public static let statusReply = MessageType(rawValue: "status.reply")
    public static let stats = MessageType(rawValue: "stats")
    public static let statsReply = MessageType(rawValue: "stats.reply")
    /// A supervisor's review step (``ReviewRequest``); answered `review.reply` or `rejected`.
    public static let review = MessageType(rawValue: "review")
    public static let reviewReply = MessageType(rawValue: "review.reply")
    /// A unit's audit trail of review steps (``AuditRequest``, answered with ``AuditTrail``).
    public static let audit = MessageType(rawValue: "audit")
    public static let auditReply = MessageType(rawValue: "audit.reply")
    /// Judge stored submissions again under a named criteria set version (`antq reevaluate`).
    public static let reevaluate = MessageType(rawValue: "reevaluate")
    public static let reevaluateReply = MessageType(rawValue: "reevaluate.reply")
    /// A request that could not be handled at all (bad frames, unknown type, ...).
    public static let error = MessageType(rawValue: "error")

    // Intake, work endpoint (evaluation workers).
    public static let ready = MessageType(rawValue: "ready")
    public static let lease = MessageType(rawValue: "lease")
    public static let ack = MessageType(rawValue: "ack")
    public static let heartbeat = MessageType(rawValue: "heartbeat")
    public static let disconnect = MessageType(rawValue: "disconnect")

    // Event log replay endpoint.
    public static let replay = MessageType(rawValue: "replay")
    public static let replayBatch = MessageType(rawValue: "replay.batch")
    /// Asks a replay endpoint which producer it serves and where its log ends.
    public static let describe = MessageType(rawValue: "describe")
    public static let describeReply = MessageType(rawValue: "describe.reply")

    // Queries to reporting and notification.
    public static let report = MessageType(rawValue: "report")
    public static let reportReply = MessageType(rawValue: "report.reply")
    /// A unit's current results of a period, every criteria set (`antq explain`).
    public static let results = MessageType(rawValue: "results")
    public static let resultsReply = MessageType(rawValue: "results.reply")
    public static let inbox = MessageType(rawValue: "inbox")
    public static let inboxReply = MessageType(rawValue: "inbox.reply")
    /// A unit acknowledges (has read) a notice: ``InboxAckRequest`` → the notice.
    public static let inboxAck = MessageType(rawValue: "inbox.ack")
    public static let inboxAckReply = MessageType(rawValue: "inbox.ack.reply")
    /// Notification's deliveries to its channels, and retrying dead letters (``DeliveriesRequest``).
    public static let deliveries = MessageType(rawValue: "deliveries")
    public static let deliveriesReply = MessageType(rawValue: "deliveries.reply")
    /// How far notification's scheduler has got (``ScheduleStatus``).
    public static let schedule = MessageType(rawValue: "schedule")
    public static let scheduleReply = MessageType(rawValue: "schedule.reply")
}

/// A message that does not follow the wire format. Sent back as an `error` reply.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible, Codable {
    public let code: ProblemCode
    /// English detail for logs and developers.
    public let message: String

    public init(_ code: ProblemCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func encodeBody(_ error: WireError) -> Frame { JSONCoding.encode(error) }
}

extension ProblemCode {
    public static let badFrameCount = ProblemCode(rawValue: "bad_frame_count")
    public static let unknownProtocol = ProblemCode(rawValue: "unknown_protocol")
    public static let unknownType = ProblemCode(rawValue: "unknown_type")
    public static let badCorrelation = ProblemCode(rawValue: "bad_correlation")
    public static let badRequest = ProblemCode(rawValue: "bad_request")
    public static let sequenceInFuture = ProblemCode(rawValue: "sequence_in_future")
    public static let unknownProducer = ProblemCode(rawValue: "unknown_producer")
    public static let notFound = ProblemCode(rawValue: "not_found")
    public static let internalError = ProblemCode(rawValue: "internal_error")
    /// The sender's key may not do what it asked (decision 0017).
    public static let forbidden = ProblemCode(rawValue: "forbidden")
    /// The sender sent more than its share; the message says when to retry (decision 0017).
    public static let tooManyRequests = ProblemCode(rawValue: "too_many_requests")
}

/// A request as a ROUTER received it: who sent it, and how to address the reply.
public struct RoutedEnvelope: Sendable {
    /// The ROUTER's identity frame for the peer.
    public let peer: Frame
    /// Whether the peer is a REQ socket (an empty delimiter frame follows the identity).
    public let delimited: Bool
    public let envelope: Envelope

    /// Decodes ROUTER frames: `[peer, ("" if REQ), "ANTQ/1", type, correlation, body, ...]`.
    ///
    /// - Throws: ``RoutedWireError`` that still carries the peer, so an error can be sent back.
    public init(routerFrames frames: [Frame]) throws(RoutedWireError) {
        guard let peer = frames.first else {
            throw RoutedWireError(peer: nil, delimited: false, error: WireError(.badFrameCount, "empty message"))
        }
        let delimited = frames.count > 1 && frames[1].isEmpty
        let rest = frames.dropFirst(delimited ? 2 : 1)
        do {
            self.envelope = try Envelope(frames: rest)
        } catch {
            throw RoutedWireError(peer: peer, delimited: delimited, error: error)
        }
        self.peer = peer
        self.delimited = delimited
    }

    /// The frames of `reply` addressed back to this request's peer.
    public func replyFrames(_ reply: Envelope) -> [Frame] {
        (delimited ? [peer, []] : [peer]) + reply.frames
    }
}

/// A ROUTER message that failed to decode, with the peer to answer when there is one.
public struct RoutedWireError: Error, Sendable {
    public let peer: Frame?
    public let delimited: Bool
    public let error: WireError

    /// The `error` reply frames for the peer, or `nil` when there is nobody to answer.
    public var replyFrames: [Frame]? {
        guard let peer else { return nil }
        let reply = Envelope(type: .error, body: WireError.encodeBody(error))
        return (delimited ? [peer, []] : [peer]) + reply.frames
    }
}

/// One frame of a multipart ZeroMQ message.
public typealias Frame = [UInt8]
