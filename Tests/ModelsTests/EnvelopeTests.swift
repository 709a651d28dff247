import Models
import Testing

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

@Suite("Envelope")
struct EnvelopeTests {
    static let submit = Envelope(
        type: .submit, correlation: bytes("req-42"), body: bytes(#"{"unit":"X"}"#),
        attachments: [[0, 1, 2], [], bytes("tail")]
    )

    // MARK: - Frames

    @Test("frames are the tag, type, correlation, body and attachments, and decode back")
    func frames_roundTrip() throws {
        let frames = Self.submit.frames
        #expect(
            frames == [
                bytes("ANTQ/1"), bytes("submit"), bytes("req-42"), bytes(#"{"unit":"X"}"#), [0, 1, 2], [],
                bytes("tail"),
            ])
        #expect(try Envelope(frames: frames) == Self.submit)
    }

    @Test("an envelope with empty correlation and body is four frames and decodes back")
    func frames_minimal() throws {
        let envelope = Envelope(type: .stats)
        #expect(envelope.frames == [bytes("ANTQ/1"), bytes("stats"), [], []])
        let decoded = try Envelope(frames: envelope.frames)
        #expect(decoded == envelope)
        #expect(decoded.attachments.isEmpty)
    }

    @Test("decoding works from a slice of a larger message")
    func decode_fromSlice() throws {
        let frames = [bytes("peer"), []] + Self.submit.frames
        #expect(try Envelope(frames: frames.dropFirst(2)) == Self.submit)
    }

    // MARK: - Rejections

    @Test("fewer than four frames is bad_frame_count", arguments: 0...3)
    func decode_tooFewFrames(count: Int) {
        let frames = Array(Self.submit.frames.prefix(count))
        let error = #expect(throws: WireError.self) { try Envelope(frames: frames) }
        #expect(error?.code == .badFrameCount)
        #expect(error?.message.contains("got \(count)") == true)
    }

    @Test("a wrong protocol tag is unknown_protocol", arguments: ["ANTQ/2", "antq/1", "", "HTTP/1.1"])
    func decode_wrongTag(tag: String) {
        var frames = Self.submit.frames
        frames[0] = bytes(tag)
        let error = #expect(throws: WireError.self) { try Envelope(frames: frames) }
        #expect(error?.code == .unknownProtocol)
    }

    @Test(
        "an empty, over-long or non-UTF-8 type is unknown_type",
        arguments: [[], [UInt8](repeating: 0x61, count: 65), [0xFF, 0xFE]])
    func decode_badType(type: [UInt8]) {
        var frames = Self.submit.frames
        frames[1] = type
        let error = #expect(throws: WireError.self) { try Envelope(frames: frames) }
        #expect(error?.code == .unknownType)
    }

    @Test("a 64-byte type is accepted as an open-set message type")
    func decode_longestType() throws {
        let name = String(repeating: "t", count: 64)
        var frames = Self.submit.frames
        frames[1] = bytes(name)
        #expect(try Envelope(frames: frames).type == MessageType(rawValue: name))
    }

    @Test("a correlation id of 255 bytes is accepted, 256 is bad_correlation")
    func decode_correlationLength() throws {
        var frames = Self.submit.frames
        frames[2] = [UInt8](repeating: 0x63, count: Envelope.maximumCorrelationLength)
        #expect(try Envelope(frames: frames).correlation.count == 255)

        frames[2] = [UInt8](repeating: 0x63, count: Envelope.maximumCorrelationLength + 1)
        let error = #expect(throws: WireError.self) { try Envelope(frames: frames) }
        #expect(error?.code == .badCorrelation)
        #expect(error?.message.contains("256") == true)
    }

    // MARK: - RoutedEnvelope

    @Test("ROUTER frames from a DEALER: no delimiter, and the reply starts with the peer")
    func routed_dealer() throws {
        let routed = try RoutedEnvelope(routerFrames: [bytes("peer-1")] + Self.submit.frames)
        #expect(routed.peer == bytes("peer-1"))
        #expect(!routed.delimited)
        #expect(routed.envelope == Self.submit)

        let reply = Envelope(type: .receipt, correlation: bytes("req-42"), body: bytes("{}"))
        #expect(routed.replyFrames(reply) == [bytes("peer-1")] + reply.frames)
    }

    @Test("ROUTER frames from a REQ: the empty delimiter is seen, and the reply mirrors it")
    func routed_request() throws {
        let routed = try RoutedEnvelope(routerFrames: [bytes("peer-2"), []] + Self.submit.frames)
        #expect(routed.peer == bytes("peer-2"))
        #expect(routed.delimited)
        #expect(routed.envelope == Self.submit)

        let reply = Envelope(type: .rejected, correlation: bytes("req-42"))
        #expect(routed.replyFrames(reply) == [bytes("peer-2"), []] + reply.frames)
    }

    @Test("a bad message from a REQ peer fails with the peer, and the error reply carries a WireError body")
    func routed_errorReply_delimited() throws {
        var frames = [bytes("peer-3"), []] + Self.submit.frames
        frames[2] = bytes("ANTQ/9")
        let error = try #require(throws: RoutedWireError.self) { try RoutedEnvelope(routerFrames: frames) }
        #expect(error.peer == bytes("peer-3"))
        #expect(error.delimited)
        #expect(error.error.code == .unknownProtocol)

        let reply = try #require(error.replyFrames)
        #expect(Array(reply.prefix(2)) == [bytes("peer-3"), []])
        let envelope = try Envelope(frames: reply.dropFirst(2))
        #expect(envelope.type == .error)
        #expect(envelope.attachments.isEmpty)
        #expect(try JSONCoding.decode(WireError.self, from: envelope.body) == error.error)
    }

    @Test("a short message from a DEALER peer gets an error reply without a delimiter")
    func routed_errorReply_undelimited() throws {
        let error = try #require(throws: RoutedWireError.self) {
            try RoutedEnvelope(routerFrames: [bytes("peer-4"), bytes("ANTQ/1"), bytes("submit")])
        }
        #expect(!error.delimited)
        #expect(error.error.code == .badFrameCount)
        let reply = try #require(error.replyFrames)
        #expect(reply.first == bytes("peer-4"))
        let envelope = try Envelope(frames: reply.dropFirst())
        #expect(envelope.type == .error)
        let body = try JSONCoding.decode(WireError.self, from: envelope.body)
        #expect(body.code == .badFrameCount)
        #expect(body == error.error)
    }

    @Test("an empty ROUTER message has nobody to answer")
    func routed_empty() throws {
        let error = try #require(throws: RoutedWireError.self) { try RoutedEnvelope(routerFrames: []) }
        #expect(error.peer == nil)
        #expect(error.error.code == .badFrameCount)
        #expect(error.replyFrames == nil)
    }

    // MARK: - WireError

    @Test("a WireError body is JSON with code and message")
    func wireError_body() throws {
        let error = WireError(.unknownType, "message type must be 1-64 bytes of UTF-8")
        let body = WireError.encodeBody(error)
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"code":"unknown_type","message":"message type must be 1-64 bytes of UTF-8"}"#)
        #expect(try JSONCoding.decode(WireError.self, from: body) == error)
        #expect(error.description == "unknown_type: message type must be 1-64 bytes of UTF-8")
    }
}
