import Glibc
import Testing
import ZeroMQ

@Suite("Socket")
struct SocketTests {
    /// 1 MiB of bytes that are not all equal, so a truncated or shifted frame shows.
    static let megabyte: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    // MARK: - PUSH/PULL

    @Test("PUSH/PULL keeps multipart frames, empty frames and order", arguments: Transport.allCases)
    func pushPull_multipartRoundTrip(transport: Transport) throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull)
            let endpoint = try transport.bind(pull, name: "push-pull")
            let push = try zmq.socket(.push)
            try push.connect(endpoint)

            let messages: [[[UInt8]]] = [
                [frame("one")],
                [[], frame("after an empty frame"), [], frame("last")],
                [[]],
                [frame("a"), frame("b"), frame("c")],
            ]
            for message in messages { #expect(try push.send(message)) }
            for message in messages { #expect(try pull.receive() == message) }
            #expect(try pull.receive(dontWait: true) == nil)
        }
    }

    @Test("PUSH/PULL carries a 1 MiB frame unchanged", arguments: Transport.allCases)
    func pushPull_oneMegabyteFrame(transport: Transport) throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull)
            let endpoint = try transport.bind(pull, name: "push-pull-big")
            let push = try zmq.socket(.push)
            try push.connect(endpoint)

            try push.send([frame("header"), Self.megabyte, []])
            let received = try #require(try pull.receive())
            #expect(received.count == 3)
            #expect(received.first == frame("header"))
            #expect(received.dropFirst().first?.count == Self.megabyte.count)
            #expect(received.dropFirst().first == Self.megabyte)
            #expect(received.last == [])
        }
    }

    @Test("a non-blocking receive returns nil when nothing is waiting, then the message once one is")
    func receive_dontWait_whenEmpty() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull)
            try pull.bind("inproc://empty")
            #expect(try pull.receive(dontWait: true) == nil)

            let push = try zmq.socket(.push)
            try push.connect("inproc://empty")
            try push.send([frame("now")])
            let poller = Poller()
            poller.add(pull)
            #expect(try poller.poll(timeoutMilliseconds: 5_000) == [true])
            #expect(try pull.receive(dontWait: true) == [frame("now")])
            #expect(try pull.receive(dontWait: true) == nil)
        }
    }

    @Test("a blocking receive returns nil when the receive timeout passes")
    func receive_whenTimeoutPasses() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull, [.receiveTimeout(milliseconds: 50)])
            try pull.bind("inproc://quiet")
            let start = ContinuousClock.now
            #expect(try pull.receive() == nil)
            #expect(ContinuousClock.now - start >= .milliseconds(40))
        }
    }

    // MARK: - High-water mark

    @Test("send(dontWait:) returns false when PUSH has no completed connection (HWM 1, immediate)")
    func send_dontWait_withoutPeer() throws {
        try withTestContext { zmq in
            // A port that was free a moment ago: nobody accepts the connection.
            let listener = try zmq.socket(.pull)
            try listener.bind("tcp://127.0.0.1:0")
            let deadEndpoint = try listener.lastEndpoint()
            listener.close()

            let push = try zmq.socket(.push, [.sendHighWaterMark(1), .immediate(true)])
            try push.connect(deadEndpoint)
            #expect(try push.send([frame("nobody")], dontWait: true) == false)
            #expect(try push.send([frame("multi"), frame("part")], dontWait: true) == false)
        }
    }

    @Test("send(dontWait:) returns false once the queue to a slow PULL is full, and the queued messages arrive")
    func send_dontWait_whenHighWaterMarkIsFull() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull, [.receiveHighWaterMark(1)])
            try pull.bind("inproc://slow")
            let push = try zmq.socket(.push, [.sendHighWaterMark(1)])
            try push.connect("inproc://slow")

            var queued = 0
            while queued < 1_000, try push.send([frame("\(queued)")], dontWait: true) { queued += 1 }
            // inproc queues about the sum of both high-water marks.
            #expect((1...4).contains(queued))
            for index in 0..<queued { #expect(try pull.receive() == [frame("\(index)")]) }
            #expect(try pull.receive(dontWait: true) == nil)
        }
    }

    @Test("a blocking send returns false when the send timeout passes with the queue full")
    func send_whenSendTimeoutPasses() throws {
        try withTestContext { zmq in
            let push = try zmq.socket(.push, [.sendTimeout(milliseconds: 50)])
            #expect(try push.send([frame("nobody")]) == false)
        }
    }

    // MARK: - Maximum message size

    @Test("maxMessageSize drops an oversized message; later messages from a new peer still arrive")
    func maxMessageSize_dropsOversizedMessage() throws {
        // Only a stream transport decodes frames and enforces the limit; inproc hands messages over as they are.
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull, [.maxMessageSize(1_024)])
            let endpoint = try Transport.tcp.bind(pull, name: "limited")
            let poller = Poller()
            poller.add(pull)

            let offender = try zmq.socket(.push)
            try offender.connect(endpoint)
            try offender.send([[UInt8](repeating: 7, count: 4_096)])
            #expect(try poller.poll(timeoutMilliseconds: 300) == [false])
            #expect(try pull.receive(dontWait: true) == nil)
            offender.close()

            let wellBehaved = try zmq.socket(.push)
            try wellBehaved.connect(endpoint)
            try wellBehaved.send([frame("fits")])
            try wellBehaved.send([[UInt8](repeating: 1, count: 1_024)])
            #expect(try pull.receive() == [frame("fits")])
            #expect(try pull.receive() == [[UInt8](repeating: 1, count: 1_024)])
        }
    }

    // MARK: - DEALER/ROUTER

    @Test("DEALER/ROUTER round trip keeps empty frames and a 1 MiB frame", arguments: Transport.allCases)
    func dealerRouter_multipartRoundTrip(transport: Transport) throws {
        try withTestContext { zmq in
            let router = try zmq.socket(.router)
            let endpoint = try transport.bind(router, name: "dealer-router")
            let dealer = try zmq.socket(.dealer, [.routingId(frame("dealer-1"))])
            try dealer.connect(endpoint)

            let request: [[UInt8]] = [[], frame("head"), [], Self.megabyte, []]
            try dealer.send(request)
            let received = try #require(try router.receive())
            #expect(received.first == frame("dealer-1"))
            #expect(Array(received.dropFirst()) == request)

            let reply: [[UInt8]] = [frame("reply"), [], Self.megabyte]
            try router.send([frame("dealer-1")] + reply)
            #expect(try dealer.receive() == reply)
        }
    }

    @Test("routingId is the identity frame the ROUTER sees, and the ROUTER routes replies by it")
    func routingId_isWhatTheRouterSees() throws {
        try withTestContext { zmq in
            let router = try zmq.socket(.router)
            let endpoint = try Transport.tcp.bind(router, name: "")
            let alpha = try zmq.socket(.dealer, [.routingId(frame("alpha"))])
            let beta = try zmq.socket(.dealer, [.routingId(frame("beta"))])
            try alpha.connect(endpoint)
            try beta.connect(endpoint)

            try alpha.send([frame("from alpha")])
            #expect(try router.receive() == [frame("alpha"), frame("from alpha")])
            try beta.send([frame("from beta")])
            #expect(try router.receive() == [frame("beta"), frame("from beta")])

            try router.send([frame("beta"), frame("to beta")])
            try router.send([frame("alpha"), frame("to alpha")])
            #expect(try alpha.receive() == [frame("to alpha")])
            #expect(try beta.receive() == [frame("to beta")])
        }
    }

    @Test(
        "a ROUTER with routerMandatory throws host-unreachable for an unknown peer; without it the message is dropped")
    func routerMandatory_unknownPeer() throws {
        try withTestContext { zmq in
            let strict = try zmq.socket(.router, [.routerMandatory(true)])
            try strict.bind("inproc://strict")
            let error = try #require(throws: ZeroMQError.self) { try strict.send([frame("nobody"), frame("hello")]) }
            #expect(error.isHostUnreachable)

            let lenient = try zmq.socket(.router)
            try lenient.bind("inproc://lenient")
            #expect(try lenient.send([frame("nobody"), frame("hello")]))
        }
    }

    // MARK: - REQ/REP and PUB/SUB

    @Test("REQ/REP request and reply", arguments: Transport.allCases)
    func requestReply(transport: Transport) throws {
        try withTestContext { zmq in
            let reply = try zmq.socket(.reply)
            let endpoint = try transport.bind(reply, name: "req-rep")
            let request = try zmq.socket(.request)
            try request.connect(endpoint)

            for round in 1...3 {
                try request.send([frame("ping \(round)"), []])
                #expect(try reply.receive() == [frame("ping \(round)"), []])
                try reply.send([frame("pong \(round)")])
                #expect(try request.receive() == [frame("pong \(round)")])
            }
        }
    }

    @Test("SUB receives only messages whose first frame starts with a subscribed prefix", arguments: Transport.allCases)
    func publishSubscribe_prefixFiltering(transport: Transport) throws {
        try withTestContext { zmq in
            let publisher = try zmq.socket(.publisher)
            let endpoint = try transport.bind(publisher, name: "pub-sub")
            let subscriber = try zmq.socket(.subscriber, [.subscribe(frame("a.")), .subscribe(frame("probe"))])
            try subscriber.connect(endpoint)

            // Subscriptions reach the publisher asynchronously: publish probes until one arrives.
            let poller = Poller()
            poller.add(subscriber)
            var synchronized = false
            for _ in 0..<200 where !synchronized {
                try publisher.send([frame("probe")])
                synchronized = try poller.poll(timeoutMilliseconds: 25) == [true]
            }
            try #require(synchronized, "no probe reached the subscriber")

            try publisher.send([frame("b.skipped"), frame("x")])
            try publisher.send([frame("a.one"), frame("1")])
            try publisher.send([frame("A.wrong case")])
            try publisher.send([frame("a"), frame("too short")])
            try publisher.send([frame("a.two"), [], frame("2")])
            try publisher.send([frame("a.end")])

            // Delivery is in order: whatever passed the filter arrives before "a.end".
            var received: [[[UInt8]]] = []
            while let message = try subscriber.receive(), message != [frame("a.end")] {
                if message != [frame("probe")] { received.append(message) }
            }
            #expect(received == [[frame("a.one"), frame("1")], [frame("a.two"), [], frame("2")]])
        }
    }

    // MARK: - Endpoints and errors

    @Test("lastEndpoint gives the port libzmq chose for tcp://127.0.0.1:0")
    func lastEndpoint_afterBindingPortZero() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull)
            try pull.bind("tcp://127.0.0.1:0")
            let endpoint = try pull.lastEndpoint()
            #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
            let port = try #require(Int(endpoint.dropFirst("tcp://127.0.0.1:".count)))
            #expect((1...65_535).contains(port))
        }
    }

    @Test("binding to an unsupported transport throws with the zmq_strerror text and the endpoint")
    func bind_unsupportedTransport() throws {
        try withTestContext { zmq in
            let push = try zmq.socket(.push)
            let error = try #require(throws: ZeroMQError.self) { try push.bind("nonsense://somewhere") }
            #expect(error.code == EPROTONOSUPPORT)
            #expect(error.message == "Protocol not supported")
            #expect(error.description.contains("Protocol not supported"))
            #expect(error.description.contains("nonsense://somewhere"))
            #expect(error.description.contains("PUSH"))
        }
    }

    @Test("binding an endpoint that is already bound throws address-in-use", arguments: Transport.allCases)
    func bind_addressInUse(transport: Transport) throws {
        try withTestContext { zmq in
            let first = try zmq.socket(.pull)
            let endpoint = try transport.bind(first, name: "taken")
            let second = try zmq.socket(.pull)
            let error = try #require(throws: ZeroMQError.self) { try second.bind(endpoint) }
            #expect(error.code == EADDRINUSE)
            #expect(error.description.contains(String(cString: strerror(EADDRINUSE))))
            #expect(error.description.contains(endpoint))
        }
    }

    @Test("disconnecting an endpoint that was never connected throws; a connected one stops delivery")
    func disconnect() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull)
            let endpoint = try Transport.tcp.bind(pull, name: "")
            let push = try zmq.socket(.push)
            #expect(throws: ZeroMQError.self) { try push.disconnect(endpoint) }

            try push.connect(endpoint)
            try push.send([frame("connected")])
            #expect(try pull.receive() == [frame("connected")])
            try push.disconnect(endpoint)
            #expect(try push.send([frame("after disconnect")], dontWait: true) == false)
        }
    }

    @Test("a refused option throws with the option's libzmq name")
    func set_invalidOption() throws {
        try withTestContext { zmq in
            let push = try zmq.socket(.push)
            let error = try #require(throws: ZeroMQError.self) { try push.set(.curvePublicKey([1, 2, 3])) }
            #expect(error.code == EINVAL)
            #expect(error.description.contains("ZMQ_CURVE_PUBLICKEY"))
            #expect(error.description.contains("Invalid argument"))
        }
    }

    @Test("close is idempotent")
    func close_twice() throws {
        try withTestContext { zmq in
            let push = try zmq.socket(.push)
            #expect(push.type == .push)
            push.close()
            push.close()
        }
    }
}
