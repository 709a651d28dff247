/// One fact in a producer's sequenced event log.
///
/// On the PUB socket an event is the frames `"ANTQ/1"`, `"event"`, producer, sequence (decimal
/// ASCII), event type, JSON body. In a replay batch it is the three frames sequence, type, body.
public struct Event: Sendable, Equatable {
    /// The producer's id, e.g. `intake-1` or `evaluation-w1`.
    public let producer: String
    /// 1, 2, 3, ... per producer, without gaps.
    public let sequence: UInt64
    public let type: EventType
    /// JSON, as stored.
    public let body: [UInt8]

    public init(producer: String, sequence: UInt64, type: EventType, body: [UInt8]) {
        self.producer = producer
        self.sequence = sequence
        self.type = type
        self.body = body
    }

    /// Frame 2 of a PUB message: an event.
    public static let publishedEventMarker: Frame = Array("event".utf8)
    /// Frame 2 of a PUB message: a heartbeat carrying the producer's last sequence.
    public static let publishedHeartbeatMarker: Frame = Array("heartbeat".utf8)

    /// The PUB frames of this event.
    public var publishedFrames: [Frame] {
        [
            Envelope.protocolTag, Self.publishedEventMarker, Array(producer.utf8), Array(String(sequence).utf8),
            Array(type.rawValue.utf8), body,
        ]
    }

    /// The three frames of this event inside a replay batch.
    public var replayFrames: [Frame] {
        [Array(String(sequence).utf8), Array(type.rawValue.utf8), body]
    }

    /// Decodes the sequence, type and body frames of an event of `producer`.
    public init(producer: String, sequenceFrame: Frame, typeFrame: Frame, body: Frame) throws(WireError) {
        guard sequenceFrame.first != UInt8(ascii: "0"), sequenceFrame.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let sequence = UInt64(String(decoding: sequenceFrame, as: UTF8.self)), sequence > 0
        else {
            throw WireError(.badRequest, "event sequence must be a positive decimal number")
        }
        guard let type = String(validating: typeFrame, as: UTF8.self), !type.isEmpty else {
            throw WireError(.badRequest, "event type must be UTF-8 text")
        }
        self.init(producer: producer, sequence: sequence, type: EventType(rawValue: type), body: body)
    }
}

/// What a PUB socket of an event log sends.
public enum PublishedMessage: Sendable, Equatable {
    case event(Event)
    /// The producer is alive and its log (of `epoch`, see ``ProducerDescription/epoch``) ends at `lastSequence`.
    case heartbeat(producer: String, lastSequence: UInt64, epoch: String? = nil)

    /// Decodes PUB frames.
    public init(frames: [Frame]) throws(WireError) {
        guard frames.count >= 4, frames[0] == Envelope.protocolTag else {
            throw WireError(.badFrameCount, "published message must start with \"ANTQ/1\" and have at least 4 frames")
        }
        guard let producer = String(validating: frames[2], as: UTF8.self), !producer.isEmpty else {
            throw WireError(.badRequest, "producer must be UTF-8 text")
        }
        if frames[1] == Event.publishedEventMarker, frames.count == 6 {
            self = .event(
                try Event(producer: producer, sequenceFrame: frames[3], typeFrame: frames[4], body: frames[5]))
        } else if frames[1] == Event.publishedHeartbeatMarker,
            frames.count == 4 || (frames.count == 5 && !frames[4].isEmpty),
            !frames[3].isEmpty, frames[3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let last = UInt64(String(decoding: frames[3], as: UTF8.self))
        {
            var epoch: String?
            if frames.count == 5 {
                guard frames[4].count <= 64, let text = String(validating: frames[4], as: UTF8.self) else {
                    throw WireError(.badRequest, "heartbeat epoch must be 1-64 bytes of UTF-8")
                }
                epoch = text
            }
            self = .heartbeat(producer: producer, lastSequence: last, epoch: epoch)
        } else {
            throw WireError(
                .unknownType, "published message is neither an event (6 frames) nor a heartbeat (4 or 5 frames)")
        }
    }

    /// The producer the message names.
    public var producer: String {
        switch self {
        case .event(let event): event.producer
        case .heartbeat(let producer, _, _): producer
        }
    }

    public var frames: [Frame] {
        switch self {
        case .event(let event): event.publishedFrames
        case .heartbeat(let producer, let last, let epoch):
            [Envelope.protocolTag, Event.publishedHeartbeatMarker, Array(producer.utf8), Array(String(last).utf8)]
                + (epoch.map { [Array($0.utf8)] } ?? [])
        }
    }
}

/// The name of an event type, e.g. `submission.received`. An open set.
public struct EventType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Intake accepted a submission (body: ``SubmissionFacts``).
    public static let submissionReceived = EventType(rawValue: "submission.received")
    /// Intake refused a submission (body: ``Rejection``).
    public static let submissionRejected = EventType(rawValue: "submission.rejected")
    /// A worker evaluated a submission (body: ``Evaluation``).
    public static let submissionEvaluated = EventType(rawValue: "submission.evaluated")
    /// A supervisor accepted or sent back a submission, signed a unit's period off or unlocked it
    /// (body: ``ReviewRecord``).
    public static let reviewRecorded = EventType(rawValue: "review.recorded")
    /// Intake saw a new evaluation worker, a producer subscribers should follow (body: ``ProducerAnnouncement``).
    public static let producerAnnounced = EventType(rawValue: "producer.announced")
}

/// A replay request: everything a producer logged from `from` on, at most `limit` events per batch.
public struct ReplayRequest: Codable, Sendable, Equatable {
    public let producer: String
    public let from: UInt64
    public let limit: Int?

    public init(producer: String, from: UInt64, limit: Int? = nil) {
        self.producer = producer
        self.from = from
        self.limit = limit
    }
}

/// The body of a `replay.batch` reply; the events follow as attachment frames, three per event.
public struct ReplayBatchHeader: Codable, Sendable, Equatable {
    public let producer: String
    public let from: UInt64
    public let count: Int
    /// The producer's last sequence when the batch was read: ask again from `from + count` while below it.
    public let lastSequence: UInt64
    /// The log's epoch (see ``ProducerDescription/epoch``); a subscriber with another one describes again.
    public let epoch: String?

    public init(producer: String, from: UInt64, count: Int, lastSequence: UInt64, epoch: String? = nil) {
        self.producer = producer
        self.from = from
        self.count = count
        self.lastSequence = lastSequence
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case producer, from, count, epoch
        case lastSequence = "last_sequence"
    }
}

/// Intake's announcement of an event producer (an evaluation worker) and where to reach its log.
public struct ProducerAnnouncement: Codable, Sendable, Equatable {
    public let producer: String
    /// The producer's PUB endpoint.
    public let publish: String
    /// The producer's replay ROUTER endpoint.
    public let replay: String
    /// The producer's CURVE public key (Z85), the one intake authenticated it with; `nil` on
    /// plain TCP. Subscribers connect to both endpoints as CURVE clients of this key, so only the
    /// holder of its secret key can serve what they read there.
    public let curvePublicKey: String?

    public init(producer: String, publish: String, replay: String, curvePublicKey: String? = nil) {
        self.producer = producer
        self.publish = publish
        self.replay = replay
        self.curvePublicKey = curvePublicKey
    }

    enum CodingKeys: String, CodingKey {
        case producer, publish, replay
        case curvePublicKey = "curve_public_key"
    }
}

/// The body of a `describe.reply`: which producer a replay endpoint serves and where its log ends.
public struct ProducerDescription: Codable, Sendable, Equatable {
    public let producer: String
    public let lastSequence: UInt64
    /// Which log of the producer this is: a new one after its store was replaced. Optional on the wire.
    public let epoch: String?

    public init(producer: String, lastSequence: UInt64, epoch: String? = nil) {
        self.producer = producer
        self.lastSequence = lastSequence
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case producer, epoch
        case lastSequence = "last_sequence"
    }
}
