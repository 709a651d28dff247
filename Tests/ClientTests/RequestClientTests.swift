import Foundation
import Models
import Testing
import ZeroMQ

@testable import Client

@Suite("RequestClient.request", .timeLimit(.minutes(1)))
struct RequestClientTests {
    /// A client of `endpoint`, made on the calling thread, which then owns it.
    static func client(_ endpoint: String, timeout: Duration = .seconds(2), tries: Int = 3) throws -> RequestClient {
        try RequestClient(context: Context(), endpoint: endpoint, timeout: timeout, tries: tries)
    }

    @Test("request returns the reply that carries its correlation id, skipping others")
    func request_returnsTheMatchingReply() async throws {
        // Each request is answered first with someone else's correlation id, then with its own.
        let server = try await FakeServer.start { request, _ in
            let stale = Envelope(type: .statusReply, correlation: bytes("stale"), body: bytes("not yours"))
            return [stale, .reply(.statusReply, to: request, body: request.body)]
        }
        let endpoint = server.endpoint
        let replies = try await onOwnThread("client") {
            let client = try Self.client(endpoint)
            return [
                try client.request(.status, body: bytes("first")),
                try client.request(.status, body: bytes("second")),
            ]
        }
        try await server.finish()

        let received = server.received
        try #require(received.count == 2)
        #expect(received[0].correlation != received[1].correlation)
        #expect(replies.map { text($0.correlation) } == received.map(\.correlation))
        #expect(replies.map(\.type) == [.statusReply, .statusReply])
        #expect(replies.map { text($0.body) } == ["first", "second"])
    }

    @Test("a request the server ignores once is sent again, on a new connection, and answered")
    func request_retriesOnSilence() async throws {
        let server = try await FakeServer.start { request, copy in
            copy == 1 ? [] : [.reply(.statusReply, to: request, body: bytes("second copy"))]
        }
        let endpoint = server.endpoint
        let reply = try await onOwnThread("client") {
            try Self.client(endpoint, timeout: .milliseconds(100), tries: 3).request(.status, body: bytes("ping"))
        }
        try await server.finish()

        #expect(text(reply.body) == "second copy")
        let received = server.received
        #expect(received.count == 2)
        #expect(Set(received.map(\.correlation)).count == 1)
        #expect(received.map(\.body) == ["ping", "ping"])
        // Lazy Pirate: a new socket for each try.
        #expect(Set(received.map(\.peer)).count == 2)
    }

    @Test("with no server, request throws noAnswer after every try and their whole backoff")
    func request_noServer() async throws {
        // An ipc path nobody binds: the client connects in the background and never gets through.
        let endpoint = "ipc://\(FileManager.default.temporaryDirectory.path)/no-server-\(UUID().uuidString)"
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: ClientError.self) {
            try await onOwnThread("client") {
                try Self.client(endpoint, timeout: .milliseconds(50), tries: 3).request(.status, body: [])
            }
        }
        let elapsed = clock.now - start

        guard case .noAnswer(let reported, let tries)? = error else {
            Issue.record("expected noAnswer, got \(String(describing: error))")
            return
        }
        #expect(reported == endpoint)
        #expect(tries == 3)
        // 50 + 100 + 200 ms of patience.
        #expect(elapsed >= .milliseconds(350))
        // Only catches a client that goes on trying: a loaded machine (the whole suite in parallel,
        // browsers included) can stretch 350 ms to several seconds.
        #expect(elapsed < .seconds(30))
        #expect(error?.description.contains(endpoint) == true)
    }

    @Test("a silent server sees exactly `tries` copies, each on a new connection")
    func request_sendsTriesCopies() async throws {
        let server = try await FakeServer.start { _, _ in [] }
        let endpoint = server.endpoint
        await #expect(throws: ClientError.self) {
            try await onOwnThread("client") {
                try Self.client(endpoint, timeout: .milliseconds(30), tries: 4).request(.status, body: [])
            }
        }
        // The last copy was sent a whole patience (240 ms) before noAnswer: it has arrived by now.
        await eventually(within: .seconds(1)) { server.received.count >= 4 }
        try await server.finish()

        let received = server.received
        #expect(received.map(\.copy) == [1, 2, 3, 4])
        #expect(Set(received.map(\.peer)).count == 4)
    }

    @Test("an error reply throws refused with the server's WireError")
    func request_refused() async throws {
        let refusal = WireError(.notFound, "no such unit")
        let server = try await FakeServer.start { request, _ in
            [.error(refusal, correlation: request.correlation)]
        }
        let endpoint = server.endpoint
        let error = await #expect(throws: ClientError.self) {
            try await onOwnThread("client") { try Self.client(endpoint).request(.report, body: bytes("{}")) }
        }
        try await server.finish()

        guard case .refused(let wireError)? = error else {
            Issue.record("expected refused, got \(String(describing: error))")
            return
        }
        #expect(wireError == refusal)
        #expect(wireError.code == .notFound)
        #expect(server.received.count == 1)
    }

    @Test("an error reply whose body is not a WireError still throws refused, as an internal error")
    func request_refusedUnreadable() async throws {
        let server = try await FakeServer.start { request, _ in
            [.reply(.error, to: request, body: bytes("not json"))]
        }
        let endpoint = server.endpoint
        let error = await #expect(throws: ClientError.self) {
            try await onOwnThread("client") { try Self.client(endpoint).request(.report, body: bytes("{}")) }
        }
        try await server.finish()

        guard case .refused(let wireError)? = error else {
            Issue.record("expected refused, got \(String(describing: error))")
            return
        }
        #expect(wireError.code == .internalError)
    }

    @Test(
        "patience starts at the timeout, doubles with each try and stops at 8 times it",
        arguments: [(0, 100), (1, 100), (2, 200), (3, 400), (4, 800), (5, 800), (12, 800)])
    func patience(attempt: Int, milliseconds: Int) throws {
        let client = try Self.client("inproc://patience", timeout: .milliseconds(100))
        #expect(client.patience(forTry: attempt) == .milliseconds(milliseconds))
    }
}
