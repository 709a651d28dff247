import Testing
import ZeroMQ

@Suite("Poller")
struct PollerTests {
    @Test("poll reports the socket that has a message, and only it", arguments: Transport.allCases)
    func poll_reportsTheReadableSocket(transport: Transport) throws {
        try withTestContext { zmq in
            let first = try zmq.socket(.pull)
            let second = try zmq.socket(.pull)
            let third = try zmq.socket(.pull)
            _ = try transport.bind(first, name: "poll-first")
            let secondEndpoint = try transport.bind(second, name: "poll-second")
            _ = try transport.bind(third, name: "poll-third")
            let poller = Poller()
            #expect(poller.add(first) == 0)
            #expect(poller.add(second) == 1)
            #expect(poller.add(third) == 2)

            let push = try zmq.socket(.push)
            try push.connect(secondEndpoint)
            try push.send([frame("for the second")])
            #expect(try poller.poll(timeoutMilliseconds: 5_000) == [false, true, false])

            #expect(try second.receive(dontWait: true) == [frame("for the second")])
            #expect(try poller.poll(timeoutMilliseconds: 0) == [false, false, false])
        }
    }

    @Test("poll times out with all false after about the timeout")
    func poll_timesOut() throws {
        try withTestContext { zmq in
            let first = try zmq.socket(.pull)
            let second = try zmq.socket(.dealer)
            try first.bind("inproc://idle-first")
            try second.bind("inproc://idle-second")
            let poller = Poller()
            poller.add(first)
            poller.add(second)

            let start = ContinuousClock.now
            #expect(try poller.poll(timeoutMilliseconds: 100) == [false, false])
            #expect(ContinuousClock.now - start >= .milliseconds(90))
        }
    }

    @Test("a removed socket is no longer watched; the others keep their order")
    func remove() throws {
        try withTestContext { zmq in
            let first = try zmq.socket(.pull)
            let second = try zmq.socket(.pull)
            try first.bind("inproc://remove-first")
            try second.bind("inproc://remove-second")
            let poller = Poller()
            poller.add(first)
            poller.add(second)
            poller.remove(first)
            poller.remove(first)

            let push = try zmq.socket(.push)
            try push.connect("inproc://remove-second")
            try push.send([frame("still watched")])
            #expect(try poller.poll(timeoutMilliseconds: 5_000) == [true])
        }
    }

    @Test("poll with no sockets waits and returns an empty result")
    func poll_withoutSockets() throws {
        #expect(try Poller().poll(timeoutMilliseconds: 10) == [])
    }
}
