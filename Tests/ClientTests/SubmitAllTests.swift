import Foundation
import Models
import Testing
import ZeroMQ

@testable import Client

@Suite("RequestClient.submitAll", .timeLimit(.minutes(1)))
struct SubmitAllTests {
    /// The receipt the fake intake gives submission `number`.
    static func receipt(_ number: Int) -> Receipt {
        Receipt(
            key: "node-1/s-\(number)", submissionID: "s-\(number)", unit: "xa-1", kind: .yearlyReport,
            period: "2025", version: 1, replaces: nil, acceptedAt: "2025-06-30T10:00:00.000Z",
            sequence: UInt64(number + 1))
    }

    static func rejection(_ number: Int) -> Rejection {
        Rejection(
            submissionID: "s-\(number)",
            problems: [Problem(field: "unit", code: .unknownUnit, message: "Không có đơn vị \(number).")])
    }

    /// Bodies `"0"`, `"1"`, … so the server can tell which submission it got.
    static func bodies(_ count: Int) -> [[UInt8]] {
        (0..<count).map { bytes(String($0)) }
    }

    /// The number a body of ``bodies(_:)`` stands for.
    static func number(_ request: Envelope) -> Int {
        Int(text(request.body)) ?? -1
    }

    /// Answers every submission with its receipt.
    static let receipts: FakeServer.Answer = { request, _ in
        [.reply(.receipt, to: request, body: receipt(number(request)).jsonBytes)]
    }

    typealias Result = (outcomes: [RequestClient.SubmitOutcome], timings: [RequestClient.Timing?])

    /// Submits `bodies` to `endpoint` from a client on its own thread.
    static func submitAll(
        _ bodies: [[UInt8]], to endpoint: String, timeout: Duration, tries: Int = 5, window: Int = 256,
        schedule: [ContinuousClock.Instant]? = nil
    ) async throws -> (result: Result, progress: [Int]) {
        try await onOwnThread("client") {
            let client = try RequestClient(context: Context(), endpoint: endpoint, timeout: timeout, tries: tries)
            var progress: [Int] = []
            let result = try client.submitAll(bodies, window: window, schedule: schedule) { progress.append($0) }
            return (result, progress)
        }
    }

    /// The receipt of `outcome`, or `nil` when it is something else.
    static func receipt(of outcome: RequestClient.SubmitOutcome) -> Receipt? {
        if case .receipt(let receipt) = outcome { receipt } else { nil }
    }

    @Test("outcomes are in input order and match the answers, whatever order the answers come in")
    func submitAll_outcomesInInputOrder() async throws {
        // Answers arrive newest first: the client must match them by correlation id.
        let server = try await FakeServer.start(FakeServer.Options(holdUntilQuiet: .milliseconds(20))) {
            request, _ in
            let number = Self.number(request)
            switch number % 3 {
            case 0: return [.reply(.receipt, to: request, body: Self.receipt(number).jsonBytes)]
            case 1: return [.reply(.rejected, to: request, body: JSONCoding.encode(Self.rejection(number)))]
            default: return [.error(WireError(.internalError, "disk full \(number)"), correlation: request.correlation)]
            }
        }
        let (result, progress) = try await Self.submitAll(Self.bodies(9), to: server.endpoint, timeout: .seconds(2))
        try await server.finish()

        try #require(result.outcomes.count == 9)
        for (number, outcome) in result.outcomes.enumerated() {
            switch (number % 3, outcome) {
            case (0, .receipt(let receipt)): #expect(receipt == Self.receipt(number))
            case (1, .rejected(let rejection)): #expect(rejection == Self.rejection(number))
            case (2, .failed(let reason)): #expect(reason.contains("disk full \(number)"), "\(reason)")
            default: Issue.record("submission \(number): unexpected outcome \(outcome)")
            }
        }
        #expect(result.timings.allSatisfy { $0?.tries == 1 })
        #expect(progress == Array(1...9))
        #expect(server.received.count == 9)
    }

    @Test("a reply that is not a readable receipt or rejection is a failure, not a crash")
    func submitAll_unreadableReplies() async throws {
        let server = try await FakeServer.start { request, _ in
            [.reply(Self.number(request) == 0 ? .receipt : .rejected, to: request, body: bytes("{\"nope\":1}"))]
        }
        let (result, _) = try await Self.submitAll(Self.bodies(2), to: server.endpoint, timeout: .seconds(2))
        try await server.finish()

        guard case .failed(let first) = result.outcomes[0], case .failed(let second) = result.outcomes[1] else {
            Issue.record("expected two failures, got \(result.outcomes)")
            return
        }
        #expect(first == "unreadable receipt")
        #expect(second == "unreadable rejection")
    }

    @Test("a submission whose first copy is dropped is sent again and answered on the second try")
    func submitAll_resendsDroppedSubmissions() async throws {
        let server = try await FakeServer.start { request, copy in
            Self.number(request) % 3 == 0 && copy == 1 ? [] : Self.receipts(request, copy)
        }
        let count = 12
        let timeout = Duration.milliseconds(200)
        let (result, _) = try await Self.submitAll(Self.bodies(count), to: server.endpoint, timeout: timeout)
        try await server.finish()

        #expect(result.outcomes.map(Self.receipt(of:)) == (0..<count).map(Self.receipt))
        for number in 0..<count {
            let dropped = number % 3 == 0
            let timing = try #require(result.timings[number], "submission \(number) has no timing")
            #expect(timing.tries == (dropped ? 2 : 1), "submission \(number)")
            if dropped { #expect(timing.latency >= timeout, "submission \(number)") }
            #expect(server.copies(of: String(number)).count == (dropped ? 2 : 1), "submission \(number)")
        }
    }

    @Test("no more than `window` submissions are in flight at once")
    func submitAll_respectsWindow() async throws {
        // The server holds what it gets until 20 ms pass without news: it then holds all in flight.
        let server = try await FakeServer.start(
            FakeServer.Options(holdUntilQuiet: .milliseconds(20)), answer: Self.receipts)
        let count = 20
        let window = 4
        let (result, _) = try await Self.submitAll(
            Self.bodies(count), to: server.endpoint, timeout: .seconds(2), window: window)
        try await server.finish()

        #expect(result.outcomes.map(Self.receipt(of:)) == (0..<count).map(Self.receipt))
        #expect(server.maximumPending <= window)
        #expect(server.maximumPending >= 2, "submissions were not pipelined")
        #expect(server.received.count == count, "no submission should have been sent twice")
    }

    @Test("no submission is sent before its scheduled time")
    func submitAll_followsSchedule() async throws {
        let server = try await FakeServer.start(answer: Self.receipts)
        let start = ContinuousClock.now
        let schedule = (0..<4).map { start.advanced(by: .milliseconds(40 * $0)) }
        let (result, _) = try await Self.submitAll(
            Self.bodies(4), to: server.endpoint, timeout: .seconds(2), schedule: schedule)
        try await server.finish()

        #expect(result.outcomes.compactMap(Self.receipt(of:)).count == 4)
        let received = server.received
        try #require(received.count == 4)
        for (number, copy) in received.enumerated() {
            #expect(copy.body == String(number))
            #expect(copy.at >= schedule[number], "submission \(number) arrived before its time")
        }
    }

    @Test("a server that restarts on the same port after an outage gets everything, after a reconnect")
    func submitAll_survivesServerRestart() async throws {
        let outage = Duration.milliseconds(300)
        let server = try await FakeServer.start(
            FakeServer.Options(outage: FakeServer.Outage(afterAnswers: 4, duration: outage)), answer: Self.receipts)
        let count = 12
        let (result, progress) = try await Self.submitAll(
            Self.bodies(count), to: server.endpoint, timeout: .milliseconds(100), tries: 5)
        try await server.finish()

        #expect(server.restarts == 1)
        #expect(result.outcomes.map(Self.receipt(of:)) == (0..<count).map(Self.receipt))
        #expect(progress == Array(1...count))
        // The server answered 0...3, then went down with the rest: those were sent again and answered
        // by the restarted server.
        for number in 4..<count {
            let timing = try #require(result.timings[number], "submission \(number) has no timing")
            #expect(timing.tries >= 2, "submission \(number)")
            #expect(timing.latency >= outage, "submission \(number)")
        }
    }

    @Test("a submission nobody answers fails after `tries` tries, on a new connection each time")
    func submitAll_givesUp() async throws {
        let server = try await FakeServer.start { _, _ in [] }
        let clock = ContinuousClock()
        let start = clock.now
        let (result, progress) = try await Self.submitAll(
            Self.bodies(3), to: server.endpoint, timeout: .milliseconds(50), tries: 2)
        let elapsed = clock.now - start
        await eventually(within: .seconds(1)) { server.received.count >= 6 }
        try await server.finish()

        for outcome in result.outcomes {
            guard case .failed(let reason) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason == "no answer from \(server.endpoint) after 2 tries")
        }
        #expect(result.timings.allSatisfy { $0 == nil })
        #expect(progress == [1, 2, 3])
        // 50 ms, then 100 ms for the second try.
        #expect(elapsed >= .milliseconds(150))
        for number in 0..<3 {
            let copies = server.copies(of: String(number))
            #expect(copies.count == 2, "submission \(number)")
            // Nothing came back at all: the client reconnected before sending again.
            #expect(Set(copies.map(\.peer)).count == 2, "submission \(number)")
        }
    }
}
