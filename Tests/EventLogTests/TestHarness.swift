import EventLog
import Foundation
import GRDB
import Logging
import Models
import Store
import Testing
import ZeroMQ

/// What one socket test needs: a context, a temporary directory for its stores, a log recorder, the
/// loop threads it starts and the sockets its own thread makes.
///
/// ``withHarness(_:)`` stops every loop thread and closes every socket before the context goes away,
/// then removes the directory. Like its sockets, the harness belongs to the test's thread.
final class TestHarness {
    let context: Context
    let directory: URL
    let logs = LogRecorder()
    private var sockets: [Socket] = []
    private var stops: [() -> Void] = []

    init() throws {
        context = try Context()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eventlog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A logger that records into ``logs``.
    func logger(_ label: String) -> Logger {
        logs.logger(label)
    }

    /// A producer's store: the event log's migrations only.
    func producerStore(_ name: String) throws -> DatabasePool {
        var migrator = DatabaseMigrator()
        EventLog.registerMigrations(in: &migrator)
        return try StoreDatabase.open(path: path(name), durability: .normal, migrator: migrator)
    }

    /// A subscriber's store: the subscriber's checkpoints and sources, and the recording applier's table.
    func subscriberStore(_ name: String) throws -> DatabasePool {
        var migrator = DatabaseMigrator()
        EventSubscriber.registerMigrations(in: &migrator)
        RecordingApplier.registerMigrations(in: &migrator)
        return try StoreDatabase.open(path: path(name), durability: .normal, migrator: migrator)
    }

    /// Starts a producer on its own store file `<producer>.sqlite`.
    func startProducer(
        _ producer: String, database: DatabasePool? = nil, endpoints: EventSubscriber.Source? = nil
    ) throws -> ProducerThread {
        let store = try database ?? producerStore("\(producer).sqlite")
        let thread =
            try endpoints.map {
                try ProducerThread(
                    producer: producer, database: store, context: context, logger: logger(producer), endpoints: $0)
            } ?? ProducerThread(producer: producer, database: store, context: context, logger: logger(producer))
        stops.append { _ = try? thread.finish() }
        return thread
    }

    /// Starts a subscriber of `sources` on `database`.
    func startSubscriber(
        _ database: DatabasePool, sources: [EventSubscriber.Source], replayTimeout: Duration? = nil,
        failing: UInt64? = nil, unusable: UInt64? = nil
    ) throws -> SubscriberThread {
        let thread = try SubscriberThread(
            database: database, sources: sources, context: context, logger: logger("subscriber"),
            replayTimeout: replayTimeout, failing: failing, unusable: unusable
        )
        stops.append { _ = try? thread.finish() }
        return thread
    }

    /// Runs `stop` at tear-down, before the context goes away (for loop threads a test starts itself).
    func onTearDown(_ stop: @escaping () -> Void) {
        stops.append(stop)
    }

    /// A socket of the test's own thread, with linger 0 and 5-second send and receive timeouts (a
    /// timed-out blocking receive returns `nil`, so a lost reply fails the test instead of hanging it).
    func socket(_ type: SocketType) throws -> Socket {
        let socket = try context.socket(type)
        sockets.append(socket)
        try socket.set([
            .linger(milliseconds: 0), .receiveTimeout(milliseconds: 5_000), .sendTimeout(milliseconds: 5_000),
        ])
        return socket
    }

    /// Closes the test's sockets, stops every loop thread, removes the directory.
    func tearDown() {
        for socket in sockets { socket.close() }
        sockets.removeAll()
        for stop in stops.reversed() { stop() }
        stops.removeAll()
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}

/// Runs `body` with a fresh ``TestHarness`` and tears it down afterwards, whatever happens.
func withHarness<Result>(_ body: (TestHarness) throws -> Result) throws -> Result {
    let harness = try TestHarness()
    defer { harness.tearDown() }
    return try body(harness)
}

/// Sends `request` on a DEALER or REQ socket and decodes the reply.
func exchange(_ socket: Socket, _ request: Envelope) throws -> Envelope {
    #expect(try socket.send(request.frames))
    let frames = try #require(try socket.receive(), "no reply within the socket's receive timeout")
    return try Envelope(frames: frames)
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
