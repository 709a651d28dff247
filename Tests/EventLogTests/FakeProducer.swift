import EventLog
import Foundation
import Models
import Testing
import ZeroMQ

/// A producer the test plays by hand, to answer a subscriber in ways a real one does not: a ROUTER
/// for `describe` and `replay` and a PUB for heartbeats, both on the test's thread.
struct FakeProducer {
    let producer: String
    let router: Socket
    let publisher: Socket
    let source: EventSubscriber.Source

    init(_ producer: String, harness: TestHarness) throws {
        self.producer = producer
        router = try harness.socket(.router)
        try router.bind("tcp://127.0.0.1:0")
        publisher = try harness.socket(.publisher)
        try publisher.bind("tcp://127.0.0.1:0")
        source = EventSubscriber.Source(publish: try publisher.lastEndpoint(), replay: try router.lastEndpoint())
    }

    /// The next request, waiting up to the ROUTER's receive timeout.
    func nextRequest() throws -> RoutedEnvelope {
        let frames = try #require(try router.receive(), "the subscriber sent no request")
        return try RoutedEnvelope(routerFrames: frames)
    }

    /// Waits up to `timeout` for a request, publishing a heartbeat for `lastSequence` every 100 ms meanwhile.
    func nextRequest(within timeout: Duration, heartbeat lastSequence: UInt64) throws -> RoutedEnvelope? {
        let poller = Poller()
        poller.add(router)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            try publisher.send(PublishedMessage.heartbeat(producer: producer, lastSequence: lastSequence).frames)
            if try poller.poll(timeout: .milliseconds(100)).first == true,
                let frames = try router.receive(dontWait: true)
            {
                return try RoutedEnvelope(routerFrames: frames)
            }
        }
        return nil
    }

    /// Answers `request` with `type`, its correlation, `body` and `attachments`.
    func reply(to request: RoutedEnvelope, _ type: MessageType, body: [UInt8], attachments: [[UInt8]] = []) throws {
        let envelope = Envelope(
            type: type, correlation: request.envelope.correlation, body: body, attachments: attachments)
        try router.send(request.replyFrames(envelope))
    }

    /// Takes the subscriber's `describe` and answers that the log ends at `lastSequence`.
    func answerDescribe(lastSequence: UInt64) throws {
        let describe = try nextRequest()
        #expect(describe.envelope.type == .describe)
        try reply(
            to: describe, .describeReply,
            body: JSONCoding.encode(ProducerDescription(producer: producer, lastSequence: lastSequence)))
    }
}
