import EventLog
import GRDB
import Models
import Testing
import ZeroMQ

/// ``EventLogEndpoints`` on the wire: a producer on its own thread, and a raw DEALER (or SUB) on the test's.
@Suite("EventLogEndpoints")
struct ReplayTests {
    /// A producer `intake-1` with `count` events in its log and a DEALER connected to its replay endpoint.
    static func withProducer(events count: Int, _ body: (ProducerThread, Socket, [Event]) throws -> Void) throws {
        try withHarness { harness in
            let producer = try harness.startProducer("intake-1")
            let events = try producer.append(count)
            let dealer = try harness.socket(.dealer)
            try dealer.connect(producer.source.replay)
            try body(producer, dealer, events)
        }
    }

    static func replay(
        from: UInt64, limit: Int? = nil, producer: String = "intake-1", correlation: String = "r-1"
    )
        -> Envelope
    {
        Envelope(
            type: .replay, correlation: bytes(correlation),
            body: JSONCoding.encode(ReplayRequest(producer: producer, from: from, limit: limit)))
    }

    /// The batch header, without its epoch (checked on its own: it is the store's random id).
    static func header(_ reply: Envelope) throws -> ReplayBatchHeader {
        #expect(reply.type == .replayBatch, "got \(reply.type): \(String(decoding: reply.body, as: UTF8.self))")
        let header = try JSONCoding.decode(ReplayBatchHeader.self, from: reply.body)
        #expect(header.epoch?.count == 36, "a batch names the log's epoch")
        return ReplayBatchHeader(
            producer: header.producer, from: header.from, count: header.count, lastSequence: header.lastSequence)
    }

    static func wireError(_ reply: Envelope) throws -> WireError {
        #expect(reply.type == .error)
        return try JSONCoding.decode(WireError.self, from: reply.body)
    }

    // MARK: - describe

    @Test("describe answers which producer it serves and where its log ends, echoing the correlation")
    func describe_reply() throws {
        try Self.withProducer(events: 5) { _, dealer, _ in
            let reply = try exchange(dealer, Envelope(type: .describe, correlation: bytes("d-1")))
            #expect(reply.type == .describeReply)
            #expect(reply.correlation == bytes("d-1"))
            #expect(reply.attachments.isEmpty)
            let description = try JSONCoding.decode(ProducerDescription.self, from: reply.body)
            #expect(description.producer == "intake-1")
            #expect(description.lastSequence == 5)
            // The epoch is the store's, made when the producer claimed it: a UUID.
            #expect(description.epoch?.count == 36)
        }
    }

    @Test("describe of an empty log says it ends at 0")
    func describe_emptyLog() throws {
        try Self.withProducer(events: 0) { _, dealer, _ in
            let reply = try exchange(dealer, Envelope(type: .describe, correlation: bytes("d-0")))
            #expect(try JSONCoding.decode(ProducerDescription.self, from: reply.body).lastSequence == 0)
        }
    }

    // MARK: - replay

    @Test("replay from 1 sends a header, then sequence, type and body frames for every event")
    func replay_fromStart_everything() throws {
        try Self.withProducer(events: 5) { _, dealer, events in
            let reply = try exchange(dealer, Self.replay(from: 1))
            #expect(reply.correlation == bytes("r-1"))
            #expect(
                try Self.header(reply) == ReplayBatchHeader(producer: "intake-1", from: 1, count: 5, lastSequence: 5))
            #expect(String(decoding: reply.body, as: UTF8.self).hasPrefix(#"{"count":5,"epoch":""#))
            #expect(reply.attachments.count == 15)
            #expect(
                Array(reply.attachments.prefix(3)) == [
                    bytes("1"), bytes("submission.received"), bytes(#"{"sequence":1}"#),
                ])
            #expect(reply.attachments == events.flatMap(\.replayFrames))
        }
    }

    @Test("replay starts where asked and sends at most the limit")
    func replay_fromAndLimit() throws {
        try Self.withProducer(events: 5) { _, dealer, events in
            let reply = try exchange(dealer, Self.replay(from: 2, limit: 2))
            #expect(
                try Self.header(reply) == ReplayBatchHeader(producer: "intake-1", from: 2, count: 2, lastSequence: 5))
            #expect(reply.attachments == events[1...2].flatMap(\.replayFrames))
        }
    }

    @Test("a limit above the maximum batch is capped at it, one below 1 is raised to 1")
    func replay_limitClamped() throws {
        try Self.withProducer(events: 0) { producer, dealer, _ in
            let total = EventLogEndpoints.maximumBatch + 500
            try producer.database.write { db in
                for _ in 0..<total {
                    _ = try producer.log.append(
                        .submissionReceived, body: bytes("{}"), recordedAt: "2025-06-30T10:00:00.000Z", in: db)
                }
            }
            let capped = try exchange(dealer, Self.replay(from: 1, limit: 10 * total))
            #expect(try Self.header(capped).count == EventLogEndpoints.maximumBatch)
            #expect(capped.attachments.count == 3 * EventLogEndpoints.maximumBatch)
            #expect(capped.attachments.dropLast(2).last == bytes("2000"), "the last event of the batch is 2000")

            let rest = try exchange(dealer, Self.replay(from: 2_001))
            #expect(
                try Self.header(rest)
                    == ReplayBatchHeader(producer: "intake-1", from: 2_001, count: 500, lastSequence: UInt64(total)))

            for limit in [0, -3] {
                let one = try exchange(dealer, Self.replay(from: 7, limit: limit))
                #expect(try Self.header(one).count == 1, "limit \(limit)")
                #expect(one.attachments.first == bytes("7"))
            }
        }
    }

    @Test("replay right after the last event is an empty batch")
    func replay_atEnd_emptyBatch() throws {
        try Self.withProducer(events: 5) { _, dealer, _ in
            let reply = try exchange(dealer, Self.replay(from: 6))
            #expect(
                try Self.header(reply) == ReplayBatchHeader(producer: "intake-1", from: 6, count: 0, lastSequence: 5))
            #expect(reply.attachments.isEmpty)
        }
    }

    @Test("replay from beyond the log's end is refused with sequence_in_future", arguments: [UInt64(7), 1_000, .max])
    func replay_inFuture_refused(from: UInt64) throws {
        try Self.withProducer(events: 5) { _, dealer, _ in
            let reply = try exchange(dealer, Self.replay(from: from, correlation: "future"))
            #expect(reply.correlation == bytes("future"))
            #expect(reply.attachments.isEmpty)
            let error = try Self.wireError(reply)
            #expect(error.code == .sequenceInFuture)
            #expect(error.code.rawValue == "sequence_in_future")
            #expect(error.message.contains("ends at 5"))
        }
    }

    @Test("describe and replay read the store each time, so they see events appended since the start")
    func replay_seesNewEvents() throws {
        try Self.withProducer(events: 2) { producer, dealer, _ in
            let later = try producer.append(3)
            let description = try exchange(dealer, Envelope(type: .describe))
            #expect(try JSONCoding.decode(ProducerDescription.self, from: description.body).lastSequence == 5)
            let reply = try exchange(dealer, Self.replay(from: 3))
            #expect(try Self.header(reply).count == 3)
            #expect(reply.attachments == later.flatMap(\.replayFrames))
        }
    }

    // MARK: - Bad requests

    /// The frames of a request: protocol tag, `type`, `correlation`, `body`.
    static func request(_ type: String, _ correlation: String, _ body: String) -> [[UInt8]] {
        [Envelope.protocolTag, bytes(type), bytes(correlation), bytes(body)]
    }

    @Test("malformed requests get an error reply naming the problem, and the endpoint keeps answering")
    func badRequests_errorReplies() throws {
        let longCorrelation = String(repeating: "A", count: Envelope.maximumCorrelationLength + 1)
        let cases: [(name: String, frames: [[UInt8]], code: ProblemCode, correlation: String)] = [
            ("a single frame", [bytes("garbage")], .badFrameCount, ""),
            ("another protocol", [bytes("ANTQ/2"), bytes("describe"), bytes("c"), []], .unknownProtocol, ""),
            ("an empty type", Self.request("", "c", ""), .unknownType, ""),
            ("a 256-byte correlation", Self.request("describe", longCorrelation, ""), .badCorrelation, ""),
            ("a type it does not serve", Self.request("submit", "c5", "{}"), .unknownType, "c5"),
            ("a replay body that is not JSON", Self.request("replay", "c6", "not json"), .badRequest, "c6"),
            ("a replay without from", Self.request("replay", "c7", #"{"producer":"intake-1"}"#), .badRequest, "c7"),
            ("a replay from 0", Self.request("replay", "c8", #"{"producer":"intake-1","from":0}"#), .badRequest, "c8"),
            (
                "another producer's replay", Self.request("replay", "c9", #"{"producer":"intake-2","from":1}"#),
                .unknownProducer, "c9"
            ),
        ]
        try Self.withProducer(events: 3) { _, dealer, _ in
            for request in cases {
                #expect(try dealer.send(request.frames))
                let frames = try #require(try dealer.receive(), "no reply to \(request.name)")
                let reply = try Envelope(frames: frames)
                #expect(reply.type == .error, "\(request.name)")
                #expect(reply.correlation == bytes(request.correlation), "\(request.name)")
                #expect(try JSONCoding.decode(WireError.self, from: reply.body).code == request.code, "\(request.name)")
            }
            let reply = try exchange(dealer, Envelope(type: .describe, correlation: bytes("still there")))
            #expect(reply.type == .describeReply)
            #expect(reply.correlation == bytes("still there"))
            #expect(try JSONCoding.decode(ProducerDescription.self, from: reply.body).lastSequence == 3)
        }
    }

    // MARK: - Publishing

    @Test("events are published after their commit, and heartbeats carry the last sequence published")
    func publish_eventsAndHeartbeats() throws {
        try withHarness { harness in
            // Three events committed before the endpoints start, as after a restart.
            let store = try harness.producerStore("intake-1.sqlite")
            let log = EventLog(producer: "intake-1")
            try store.write { db in
                for _ in 1...3 {
                    _ = try log.append(
                        .submissionReceived, body: bytes("{}"), recordedAt: "2025-06-30T10:00:00.000Z", in: db)
                }
            }
            let producer = try harness.startProducer("intake-1", database: store)
            let subscriber = try harness.socket(.subscriber)
            try subscriber.set(.subscribe([]))
            try subscriber.connect(producer.source.publish)

            // The first heartbeat to arrive proves the subscription reached the PUB socket.
            let first = try PublishedMessage(frames: try #require(try subscriber.receive(), "no heartbeat"))
            guard case .heartbeat(let name, let firstLast, let epoch) = first else {
                Issue.record("the first message was not a heartbeat")
                return
            }
            #expect(name == "intake-1")
            #expect(firstLast == 3, "a new endpoint starts from the store's last sequence")
            #expect(epoch?.count == 36, "heartbeats carry the log's epoch")

            let published = try producer.appendAndPublish(2)
            var events: [Event] = []
            var heartbeats: [UInt64] = []
            while events.count < 2 || heartbeats.last != 5 {
                let frames = try #require(
                    try subscriber.receive(), "got \(events.count) events and heartbeats \(heartbeats)")
                switch try PublishedMessage(frames: frames) {
                case .event(let event):
                    events.append(event)
                    #expect(frames == event.publishedFrames)
                case .heartbeat(let producer, let last, _):
                    #expect(producer == "intake-1")
                    #expect(last == (events.count < 2 ? 3 : 5), "a heartbeat says how far the log was published")
                    heartbeats.append(last)
                }
            }
            #expect(events == published)
        }
    }
}
