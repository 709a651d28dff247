import Models
import Testing

@Suite("Event")
struct EventTests {
    static let event = Event(
        producer: "intake-1", sequence: 42, type: .submissionReceived, body: bytes(#"{"key":"intake-1/s-1"}"#)
    )

    // MARK: - Published messages

    @Test("an event's PUB frames are tag, marker, producer, decimal sequence, type, body, and decode back")
    func publishedEvent_roundTrip() throws {
        let frames = Self.event.publishedFrames
        #expect(
            frames == [
                bytes("ANTQ/1"), bytes("event"), bytes("intake-1"), bytes("42"), bytes("submission.received"),
                bytes(#"{"key":"intake-1/s-1"}"#),
            ])
        #expect(PublishedMessage.event(Self.event).frames == frames)
        #expect(try PublishedMessage(frames: frames) == .event(Self.event))
    }

    @Test("a heartbeat round trips, including a producer whose log is still empty", arguments: [UInt64(0), 7, .max])
    func heartbeat_roundTrip(lastSequence: UInt64) throws {
        let heartbeat = PublishedMessage.heartbeat(producer: "evaluation-w1", lastSequence: lastSequence)
        let frames = heartbeat.frames
        #expect(frames == [bytes("ANTQ/1"), bytes("heartbeat"), bytes("evaluation-w1"), bytes(String(lastSequence))])
        #expect(try PublishedMessage(frames: frames) == heartbeat)
    }

    @Test("a bad event sequence is bad_request", arguments: ["0", "abc", "", "-1", "1.5", "18446744073709551616"])
    func publishedEvent_badSequence(sequence: String) {
        var frames = Self.event.publishedFrames
        frames[3] = bytes(sequence)
        let error = #expect(throws: WireError.self) { try PublishedMessage(frames: frames) }
        #expect(error?.code == .badRequest)
    }

    @Test("an empty event type is bad_request")
    func publishedEvent_emptyType() {
        var frames = Self.event.publishedFrames
        frames[4] = []
        let error = #expect(throws: WireError.self) { try PublishedMessage(frames: frames) }
        #expect(error?.code == .badRequest)
    }

    @Test("an empty or non-UTF-8 producer is bad_request", arguments: [[], [0xC3, 0x28]] as [[UInt8]])
    func published_badProducer(producer: [UInt8]) {
        var frames = Self.event.publishedFrames
        frames[2] = producer
        let error = #expect(throws: WireError.self) { try PublishedMessage(frames: frames) }
        #expect(error?.code == .badRequest)
    }

    @Test(
        "fewer than four frames or a wrong tag is bad_frame_count",
        arguments: [
            [bytes("ANTQ/1"), bytes("heartbeat"), bytes("intake-1")],
            [],
            [bytes("ANTQ/2"), bytes("heartbeat"), bytes("intake-1"), bytes("3")],
        ])
    func published_badFrameCount(frames: [[UInt8]]) {
        let error = #expect(throws: WireError.self) { try PublishedMessage(frames: frames) }
        #expect(error?.code == .badFrameCount)
    }

    @Test("an event without exactly 6 frames, a heartbeat without exactly 4, or another marker is unknown_type")
    func published_wrongShape() {
        let event = Self.event.publishedFrames
        let heartbeat = PublishedMessage.heartbeat(producer: "intake-1", lastSequence: 3).frames
        var otherMarker = heartbeat
        otherMarker[1] = bytes("events")
        var badLast = heartbeat
        badLast[3] = bytes("abc")
        let shapes: [[[UInt8]]] = [
            Array(event.prefix(5)), event + [[]], heartbeat + [[]], Array(event.prefix(4)), otherMarker, badLast,
        ]
        for frames in shapes {
            let error = #expect(throws: WireError.self) { try PublishedMessage(frames: frames) }
            #expect(error?.code == .unknownType, "frames: \(frames.map { String(decoding: $0, as: UTF8.self) })")
        }
    }

    // MARK: - Replay frames

    @Test("replay frames are sequence, type and body, and decode back with the producer")
    func replayFrames_roundTrip() throws {
        let frames = Self.event.replayFrames
        #expect(frames == [bytes("42"), bytes("submission.received"), bytes(#"{"key":"intake-1/s-1"}"#)])
        let decoded = try Event(producer: "intake-1", sequenceFrame: frames[0], typeFrame: frames[1], body: frames[2])
        #expect(decoded == Self.event)
    }

    @Test("replay request and batch header bodies use snake_case and round trip")
    func replayBodies() throws {
        let request = ReplayRequest(producer: "intake-1", from: 5, limit: 100)
        #expect(try JSONCoding.decode(ReplayRequest.self, from: JSONCoding.encode(request)) == request)
        let open = try JSONCoding.decode(ReplayRequest.self, from: bytes(#"{"producer":"intake-1","from":1}"#))
        #expect(open.limit == nil)

        let header = ReplayBatchHeader(producer: "intake-1", from: 5, count: 3, lastSequence: 9)
        let body = JSONCoding.encode(header)
        #expect(
            String(decoding: body, as: UTF8.self) == #"{"count":3,"from":5,"last_sequence":9,"producer":"intake-1"}"#)
        #expect(try JSONCoding.decode(ReplayBatchHeader.self, from: body) == header)

        let announcement = ProducerAnnouncement(
            producer: "evaluation-w1", publish: "tcp://10.0.0.5:7101", replay: "tcp://10.0.0.5:7102"
        )
        let announced = JSONCoding.encode(announcement)
        #expect(String(decoding: announced, as: UTF8.self).contains(#""publish":"tcp://10.0.0.5:7101""#))
        #expect(try JSONCoding.decode(ProducerAnnouncement.self, from: announced) == announcement)
    }
}
