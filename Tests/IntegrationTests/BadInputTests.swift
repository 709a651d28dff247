import AntqCLI
import Client
import Foundation
import Glibc
import Models
import Testing
import ZeroMQ

/// Bad bytes to every endpoint: each gets a clear error (or is dropped where the socket cannot
/// answer), and the services keep serving without losing anything accepted.
@Suite("Bad input to every endpoint, real processes", .serialized)
struct BadInputTests {
    /// Sends raw frames from a fresh DEALER and waits up to `timeout` for one answer.
    func ask(
        _ context: Context, _ endpoint: String, _ frames: [Frame], timeout: Duration = .seconds(3)
    ) throws -> Envelope? {
        let socket = try context.socket(.dealer)
        defer { socket.close() }
        try socket.set([.linger(milliseconds: 0)])
        try socket.connect(endpoint)
        try socket.send(frames)
        let poller = Poller()
        poller.add(socket)
        guard try poller.poll(timeout: timeout).first == true, let reply = try socket.receive(dontWait: true) else {
            return nil
        }
        return try Envelope(frames: reply)
    }

    func errorCode(_ reply: Envelope?) throws -> ProblemCode? {
        guard let reply, reply.type == .error else { return nil }
        return try JSONCoding.decode(WireError.self, from: reply.body).code
    }

    func problemCodes(_ reply: Envelope?) throws -> [ProblemCode] {
        guard let reply, reply.type == .rejected else { return [] }
        return try JSONCoding.decode(Rejection.self, from: reply.body).problems.map(\.code)
    }

    func submit(_ body: String) -> [Frame] {
        Envelope(type: .submit, correlation: Array("c".utf8), body: Array(body.utf8)).frames
    }

    @Test("garbage, wrong shapes, oversized and invalid submissions are answered clearly; service keeps serving")
    func badInputEverywhere() throws {
        let system = try TestSystem("badinput")
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])
        let context = system.context
        let submissions = try #require(intake.endpoints["submissions"])

        // Some accepted work first, which must survive everything below.
        let good = system.bodies(20, tag: "it-bad-good")
        let client = try system.client(intake, "submissions")
        #expect(try client.submitAll(good).outcomes.compactMap(\.receipt).count == 20)

        // Submissions endpoint: frames.
        #expect(try errorCode(ask(context, submissions, [[0xDE, 0xAD, 0xBE, 0xEF]])) == .badFrameCount)
        #expect(
            try errorCode(ask(context, submissions, [Envelope.protocolTag, Array("submit".utf8), []])) == .badFrameCount
        )
        #expect(
            try errorCode(ask(context, submissions, [Array("HTTP/1.1".utf8), Array("submit".utf8), [], []]))
                == .unknownProtocol)
        #expect(
            try errorCode(ask(context, submissions, Envelope(type: MessageType(rawValue: "frobnicate")).frames))
                == .unknownType)
        #expect(try errorCode(ask(context, submissions, [Envelope.protocolTag, [], [], []])) == .unknownType)
        #expect(
            try errorCode(
                ask(
                    context, submissions,
                    [Envelope.protocolTag, Array("submit".utf8), Array(repeating: 0x41, count: 300), []]))
                == .badCorrelation)

        // Submissions endpoint: bodies.
        #expect(try problemCodes(ask(context, submissions, submit("{not json"))) == [.malformedJSON])
        #expect(try problemCodes(ask(context, submissions, submit("[1,2,3]"))) == [.notAnObject])
        #expect(
            try problemCodes(ask(context, submissions, submit(String(repeating: " ", count: 200 * 1024) + "{}"))) == [
                .tooLarge
            ])
        let unknownUnit =
            #"{"submission_id":"x1","unit":"TQ-NOWHERE","kind":"self_assessment","period":"2025","data":{}}"#
        #expect(try problemCodes(ask(context, submissions, submit(unknownUnit))) == [.unknownUnit])
        let unknownKind =
            #"{"submission_id":"x2","unit":"TQ-NH-THUONGNONG-KDC01","kind":"weekly_gossip","period":"2025","data":{}}"#
        #expect(try problemCodes(ask(context, submissions, submit(unknownKind))) == [.unknownKind])
        let wrongPeriod =
            #"{"submission_id":"x3","unit":"TQ-NH-THUONGNONG-KDC01","kind":"self_assessment","period":"2025-Q7","data":{}}"#
        #expect(try problemCodes(ask(context, submissions, submit(wrongPeriod))) == [.invalidPeriod])
        let halfYear =
            #"{"submission_id":"x4","unit":"TQ-NH-THUONGNONG-KDC01","kind":"self_assessment","period":"2025-H1","data":{}}"#
        #expect(try problemCodes(ask(context, submissions, submit(halfYear))) == [.periodKindMismatch])
        let many = #"{"unit":42,"kind":"self_assessment","period":"1999","data":{"households_total":-3,"oops":true}}"#
        let codes = try problemCodes(ask(context, submissions, submit(many)))
        #expect(Set(codes) == [.missingField, .wrongType, .periodOutOfRange, .unknownField, .invalidValue])

        // Over the endpoint's maximum message size: libzmq drops the connection; nothing to answer.
        #expect(
            try ask(context, submissions, submit(String(repeating: "x", count: 2 * 1024 * 1024)), timeout: .seconds(1))
                == nil)

        // Not ZeroMQ at all: raw bytes on the TCP port.
        try sendRawTCP(
            to: submissions, bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8) + (0..<4096).map { UInt8($0 % 251) }
        )

        // Work endpoint.
        let work = try #require(intake.endpoints["work"])
        #expect(try errorCode(ask(context, work, [[1, 2, 3]])) == .badFrameCount)
        #expect(try errorCode(ask(context, work, Envelope(type: .ready, body: Array("{}".utf8)).frames)) == .badRequest)
        // A ready whose endpoints subscribers could not use is refused, before anyone acts on it.
        let badEndpoints = JSONCoding.encode(
            WorkerReady(worker: "rogue", credit: 1, publish: "garbage", replay: "tcp://x"))
        #expect(try errorCode(ask(context, work, Envelope(type: .ready, body: badEndpoints).frames)) == .badRequest)
        let badID = JSONCoding.encode(
            WorkerReady(worker: "a b/c", credit: 1, publish: "tcp://127.0.0.1:1", replay: "tcp://127.0.0.1:2"))
        #expect(try errorCode(ask(context, work, Envelope(type: .ready, body: badID).frames)) == .badRequest)
        let ownID = JSONCoding.encode(
            WorkerReady(worker: "intake-1", credit: 1, publish: "tcp://127.0.0.1:1", replay: "tcp://127.0.0.1:2"))
        #expect(try errorCode(ask(context, work, Envelope(type: .ready, body: ownID).frames)) == .badRequest)
        // An ack from a connection that never said ready, or for a lease it does not hold.
        #expect(
            try errorCode(ask(context, work, Envelope(type: .ack, correlation: Array("1".utf8)).frames)) == .badRequest)
        #expect(
            try errorCode(ask(context, work, Envelope(type: MessageType(rawValue: "frobnicate")).frames))
                == .unknownType)
        // A huge credit and then an ack: nothing overflows.
        try greedyWorker(context, work)

        // Replay endpoints: future sequence, garbage, unknown producer.
        let replay = try #require(intake.endpoints["replay"])
        let future = JSONCoding.encode(ReplayRequest(producer: "intake-1", from: 1_000_000))
        #expect(try errorCode(ask(context, replay, Envelope(type: .replay, body: future).frames)) == .sequenceInFuture)
        #expect(
            try errorCode(ask(context, replay, Envelope(type: .replay, body: Array("{]".utf8)).frames)) == .badRequest)
        let stranger = JSONCoding.encode(ReplayRequest(producer: "someone-else", from: 1))
        #expect(try errorCode(ask(context, replay, Envelope(type: .replay, body: stranger).frames)) == .unknownProducer)
        #expect(try errorCode(ask(context, replay, [[0]])) == .badFrameCount)

        // Query endpoints of reporting and notification.
        for service in [reporting, notification] {
            let query = try #require(service.endpoints["query"])
            #expect(try errorCode(ask(context, query, [[9, 9]])) == .badFrameCount)
            #expect(
                try errorCode(ask(context, query, Envelope(type: .submit, body: Array("{}".utf8)).frames))
                    == .unknownType)
        }
        #expect(
            try errorCode(
                ask(
                    context, try #require(reporting.endpoints["query"]),
                    Envelope(type: .report, body: Array("nope".utf8)).frames)) == .badRequest)
        #expect(
            try errorCode(
                ask(context, try #require(notification.endpoints["query"]), Envelope(type: .inbox, body: []).frames))
                == .badRequest)

        // Every service still serves, and nothing accepted was lost.
        for service in system.cluster.services { #expect(service.isRunning, "\(service.name) died") }
        let more = system.bodies(5, tag: "it-bad-after")
        #expect(try client.submitAll(more).outcomes.compactMap(\.receipt).count == 5)
        let settled = try system.waitUntil {
            let totals = try system.totals(reporting)
            return totals.received == 25 && totals.evaluated == 25
        }
        #expect(settled)
        #expect(try system.stats(intake).accepted == 25)
    }

    /// Says ready twice with an absurd credit, then leaves (its leases, if any, go back at once).
    func greedyWorker(_ context: Context, _ endpoint: String) throws {
        let socket = try context.socket(.dealer)
        defer { socket.close() }
        try socket.set([.linger(milliseconds: 1000)])
        try socket.connect(endpoint)
        let ready = WorkerReady(
            worker: "greedy", credit: Int.max, publish: "tcp://127.0.0.1:1", replay: "tcp://127.0.0.1:2")
        try socket.send(Envelope(type: .ready, body: JSONCoding.encode(ready)).frames)
        try socket.send(Envelope(type: .ready, body: JSONCoding.encode(ready)).frames)
        Thread.sleep(forTimeInterval: 0.3)
        try socket.send(Envelope(type: .disconnect).frames)
    }

    /// Writes bytes on a plain TCP connection to a `tcp://host:port` endpoint and closes it.
    func sendRawTCP(to endpoint: String, bytes: [UInt8]) throws {
        let parts = endpoint.replacingOccurrences(of: "tcp://", with: "").split(separator: ":")
        let portText = String(parts.last ?? "")
        let port = try #require(UInt16(portText))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        Thread.sleep(forTimeInterval: 0.2)
    }
}
