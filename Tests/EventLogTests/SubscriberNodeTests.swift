import EventLog
import GRDB
import Models
import SQLStore
import Testing
import ZeroMQ

@Suite("SubscriberNode")
struct SubscriberNodeTests {
    struct Broken: Error {}

    /// Starts a node on its own thread. Its handler answers `report` with the positions as JSON, fails
    /// `inbox` with a plain error, and refuses other types with a ``WireError``. Returns the query endpoint.
    static func startNode(_ harness: TestHarness, sources: [EventSubscriber.Source]) throws -> String {
        let store = try harness.subscriberStore("node.sqlite")
        let context = harness.context
        let logger = harness.logger("node")
        let loop = LoopThread<String, Void>("subscriber node") { stop, ready in
            let node = try SubscriberNode(
                context: context, database: SQLiteStore(pool: store), sources: sources, applier: RecordingApplier(),
                queryEndpoint: "tcp://127.0.0.1:0", logger: logger
            ) { request, context in
                switch request.type {
                case .report:
                    return Envelope(
                        type: .reportReply, correlation: request.correlation, body: JSONCoding.encode(context.positions)
                    )
                case .inbox: throw Broken()
                default: throw WireError(.unknownType, "this node answers report, not \(request.type)")
                }
            }
            ready(node.queryEndpoint)
            try node.run(until: stop)
        }
        harness.onTearDown { _ = try? loop.finish() }
        return try loop.waitUntilReady()
    }

    static func positions(_ reply: Envelope) throws -> [String: UInt64] {
        #expect(reply.type == .reportReply)
        return try JSONCoding.decode([String: UInt64].self, from: reply.body)
    }

    @Test("queries are answered with the positions the node's subscriber has applied")
    func query_positions() throws {
        try withHarness { harness in
            let producer = try harness.startProducer("intake-1")
            try producer.append(3)
            let dealer = try harness.socket(.dealer)
            try dealer.connect(try Self.startNode(harness, sources: [producer.source]))

            var last: [String: UInt64] = [:]
            try eventually {
                last = try Self.positions(try exchange(dealer, Envelope(type: .report, correlation: bytes("q"))))
                return last == ["intake-1": 3]
            }
            #expect(last == ["intake-1": 3])

            try producer.appendAndPublish(2)
            try eventually {
                last = try Self.positions(try exchange(dealer, Envelope(type: .report)))
                return last == ["intake-1": 5]
            }
            #expect(last == ["intake-1": 5])
        }
    }

    @Test("queries it cannot answer get an error reply, and the node keeps answering")
    func query_errors() throws {
        try withHarness { harness in
            let dealer = try harness.socket(.dealer)
            try dealer.connect(try Self.startNode(harness, sources: []))

            #expect(try dealer.send([bytes("garbage")]))
            let garbage = try Envelope(frames: try #require(try dealer.receive()))
            #expect(garbage.type == .error)
            #expect(try JSONCoding.decode(WireError.self, from: garbage.body).code == .badFrameCount)

            let refused = try exchange(dealer, Envelope(type: .describe, correlation: bytes("q-2")))
            #expect(refused.type == .error)
            #expect(refused.correlation == bytes("q-2"))
            #expect(
                try JSONCoding.decode(WireError.self, from: refused.body)
                    == WireError(.unknownType, "this node answers report, not describe"))

            let failed = try exchange(dealer, Envelope(type: .inbox, correlation: bytes("q-3")))
            #expect(failed.type == .error)
            #expect(failed.correlation == bytes("q-3"))
            #expect(
                try JSONCoding.decode(WireError.self, from: failed.body)
                    == WireError(.internalError, "the query could not be answered; try again"))

            let answered = try exchange(dealer, Envelope(type: .report, correlation: bytes("q-4")))
            #expect(answered.correlation == bytes("q-4"))
            #expect(try Self.positions(answered).isEmpty)
        }
    }

    @Test("a REQ client gets its reply behind the empty delimiter frame")
    func query_fromRequestSocket() throws {
        try withHarness { harness in
            let request = try harness.socket(.request)
            try request.connect(try Self.startNode(harness, sources: []))
            let reply = try exchange(request, Envelope(type: .report, correlation: bytes("req")))
            #expect(reply.type == .reportReply)
            #expect(reply.correlation == bytes("req"))
        }
    }
}
