import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import ZeroMQ

@Suite("LoopService", .timeLimit(.minutes(1)))
struct LoopServiceTests {
    @Test("the body runs on a thread of its own, not the one that calls run")
    func run_usesItsOwnThread() async throws {
        let probe = BodyProbe()
        let service = LoopService(name: "own thread") { stop in probe.start(stop) }

        probe.recordCaller()
        // `run` starts the thread before its first suspension: an inline body would run right here.
        try await service.run()
        #expect(probe.ranOnCallersThread == false)
        #expect(!probe.isMainThread)
    }

    @Test("the body sees the stop signal after a graceful shutdown, and run returns normally")
    func run_stopsOnGracefulShutdown() async throws {
        let probe = BodyProbe()
        let service = LoopService(name: "loop under test", body: probe.reactorBody())

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                #expect(await eventually { probe.started })
                // Running, and not asked to stop yet.
                try await Task.sleep(for: .milliseconds(20))
                #expect(!probe.finished)
                #expect(!probe.stopRequestedAtStart)

                trigger.triggerGracefulShutdown()
                try await group.next()
            }
        }
        #expect(probe.finished)
        #expect(probe.stopRequestedAtEnd)
    }

    @Test("a service shut down before it runs sees the stop signal at once")
    func run_afterGracefulShutdown() async throws {
        let probe = BodyProbe()
        let service = LoopService(name: "late loop", body: probe.reactorBody())

        try await testGracefulShutdown { trigger in
            trigger.triggerGracefulShutdown()
            try await service.run()
        }
        #expect(probe.stopRequestedAtStart)
        #expect(probe.finished)
    }

    @Test("an error thrown by the body is rethrown by run")
    func run_rethrowsBodyError() async {
        let failure = BodyFailure(reason: "socket bind failed")
        let service = LoopService(name: "failing loop") { _ in throw failure }

        let error = await #expect(throws: BodyFailure.self) { try await service.run() }
        #expect(error == failure)
    }

    @Test("cancelling the task that runs the service raises the stop signal")
    func run_stopsOnCancellation() async throws {
        let probe = BodyProbe()
        let service = LoopService(name: "cancelled loop", body: probe.reactorBody())

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            #expect(await eventually { probe.started })
            #expect(!probe.finished)

            group.cancelAll()
            try await group.next()
        }
        #expect(probe.finished)
        #expect(probe.stopRequestedAtEnd)
    }

    @Test("a service whose task is already cancelled sees the stop signal at once")
    func run_alreadyCancelled() async throws {
        let probe = BodyProbe()
        let service = LoopService(name: "never started loop", body: probe.reactorBody())

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.cancelAll()
            group.addTask { try await service.run() }
            try await group.next()
        }
        #expect(probe.stopRequestedAtStart)
        #expect(probe.finished)
    }

    @Test("under ServiceRunner, a graceful shutdown stops the services in reverse order")
    func serviceRunner_gracefulShutdown() async throws {
        let first = BodyProbe()
        let second = BodyProbe()
        let order = OrderRecorder()
        let services = [
            LoopService(name: "first") { stop in
                try first.reactorBody()(stop)
                order.record("first")
            },
            LoopService(name: "second") { stop in
                try second.reactorBody()(stop)
                order.record("second")
            },
        ]
        let logger = Logger(label: "ServiceKitTests") { _ in SwiftLogNoOpLogHandler() }

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await ServiceRunner.run(services, grace: 5, logger: logger) }
                #expect(await eventually { first.started && second.started })

                trigger.triggerGracefulShutdown()
                try await group.next()
            }
        }
        #expect(first.stopRequestedAtEnd)
        #expect(second.stopRequestedAtEnd)
        #expect(order.names == ["second", "first"])
    }
}

/// The order in which bodies finished.
final class OrderRecorder: Sendable {
    private let storage = Mutex<[String]>([])

    var names: [String] { storage.withLock { $0 } }

    func record(_ name: String) {
        storage.withLock { $0.append(name) }
    }
}
