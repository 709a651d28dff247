import Foundation
import Models
import Testing

/// Webhooks through real processes: notification posts signed notices to a real HTTP server (the
/// project's `scripts/webhook-receiver.py`), retries while it fails, and keeps dead letters that an
/// operator retries.
@Suite("webhook channel, real processes")
struct WebhookTests {
    /// A running receiver and the file it records notices in.
    final class Receiver {
        let process = Process()
        let port: Int
        let log: URL

        init(directory: URL, secret: URL, failFirst: Int, port: Int = 0) throws {
            log = directory.appendingPathComponent("received-\(UUID().uuidString.prefix(6)).jsonl")
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", TestSystem.packageRoot.appendingPathComponent("scripts/webhook-receiver.py").path,
                "--secret-file", secret.path, "--fail-first", "\(failFirst)", "--port", "\(port)", "--log", log.path,
            ]
            let output = Pipe()
            process.standardOutput = output
            // Not the test runner's stderr: a receiver left behind must not hold the runner's pipes open.
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Read up to the end of its first line ("listening PORT"), which may come in pieces.
            var line: [UInt8] = []
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let chosen = text.split(separator: " ").last.flatMap({ Int($0) }) else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw TestFailure("the receiver did not say its port: \(text)")
            }
            self.port = chosen
        }

        /// The notices it accepted, once per key.
        func received() throws -> [Notice] {
            guard let data = FileManager.default.contents(atPath: log.path) else { return [] }
            // Only whole lines: the receiver may be writing the last one while we read.
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            lines.removeLast()
            return try lines.filter { !$0.isEmpty }.map { try JSONDecoder().decode(Notice.self, from: Data($0.utf8)) }
        }

        deinit {
            // SIGKILL: a signal the test runner's threads may have blocked cannot keep it alive.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A clock file holding a day on which the calendar schedules nothing (a Wednesday in January),
    /// so only result notices are sent, whatever day the test runs.
    static func quietClock(in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("today")
        try Data("2025-01-15".utf8).write(to: file)
        return file.path
    }

    /// A port nothing listens on (bound, then closed).
    static func freePort() throws -> Int {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [
            "python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ]
        let output = Pipe()
        probe.standardOutput = output
        try probe.run()
        probe.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestFailure(text) }
        return port
    }

    @Test("signed posts arrive once per notice after failures; dead letters are listed and retried")
    func deliveries() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-webhook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret")
        try Data("khóa-bí-mật-thử-nghiệm\n".utf8).write(to: secret)
        let receiver = try Receiver(directory: directory, secret: secret, failFirst: 3)
        let downPort = try Self.freePort()
        let channels = directory.appendingPathComponent("channels.json")
        try Data(
            #"""
            {"channels": [
              {"id": "province", "type": "webhook", "url": "http://127.0.0.1:\#(receiver.port)/antq",
               "secret_file": "\#(secret.path)", "max_attempts": 20, "backoff_ms": 20, "max_backoff_ms": 100},
              {"id": "district", "type": "webhook", "url": "http://127.0.0.1:\#(downPort)/antq",
               "secret_file": "\#(secret.path)", "max_attempts": 2, "backoff_ms": 20, "max_backoff_ms": 40,
               "units": ["TQ-CH-TRIPHU-KDC01"]}
            ]}
            """#.utf8
        ).write(to: channels)

        let system = try TestSystem("webhook")
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let notification = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake],
            extra: ["--channels", channels.path, "--clock-file", try Self.quietClock(in: directory)])
        let samples = ["001-thuong-nong-kdc01-self-assessment.json", "004-tri-phu-kdc01-self-assessment.json"]
        let bodies = try samples.map {
            Array(try Data(contentsOf: TestSystem.packageRoot.appendingPathComponent("data/samples/\($0)")))
        }
        _ = try system.client(intake, "submissions").submitAll(bodies)
        let expected = try system.expectedEvaluations(of: bodies)
        let units = Set(TestSystem.units(of: bodies))
        #expect(try system.waitUntil { try system.allNotices(notification, units: units).count == expected })
        let notices = try system.allNotices(notification, units: units)

        // The province's receiver failed three times, then took every notice, each once, as stored.
        #expect(try system.waitUntil { try receiver.received().count == expected })
        let received = try receiver.received()
        #expect(Set(received.map(\.key)) == Set(notices.map(\.key)))
        for notice in received {
            let stored = try #require(notices.first { $0.key == notice.key })
            #expect(notice.title == stored.title && notice.body == stored.body && notice.unit == stored.unit)
        }
        let query = try system.client(notification, "query")
        func deliveries(_ request: DeliveriesRequest) throws -> DeliveriesList {
            try JSONCoding.decode(
                DeliveriesList.self, from: try query.request(.deliveries, body: JSONCoding.encode(request)).body)
        }
        #expect(
            try system.waitUntil {
                try deliveries(DeliveriesRequest(channel: "province", state: "delivered")).deliveries.count == expected
            })
        #expect(try deliveries(DeliveriesRequest(channel: "province", state: "dead")).deliveries.isEmpty)

        // The district's receiver is down: Tri Phú's notices become dead letters after two attempts.
        let triPhu = notices.filter { $0.unit == "TQ-CH-TRIPHU-KDC01" }.count
        #expect(triPhu > 0)
        #expect(
            try system.waitUntil { try deliveries(DeliveriesRequest(channel: "district")).deliveries.count == triPhu })
        let dead = try deliveries(DeliveriesRequest(channel: "district")).deliveries
        #expect(dead.allSatisfy { $0.attempts == 2 && $0.lastError != nil })
        let listed = try TestSystem.antq([
            "deliveries", "--channel", "district", "--notification", try #require(notification.endpoints["query"]),
        ])
        #expect(listed.status == 0)
        #expect(listed.output.contains(try #require(dead.first?.noticeKey)))

        // It comes back; the operator retries the dead letters; they arrive.
        let revived = try Receiver(directory: directory, secret: secret, failFirst: 0, port: downPort)
        let retried = try TestSystem.antq([
            "deliveries", "--channel", "district", "--retry", "--notification",
            try #require(notification.endpoints["query"]),
        ])
        #expect(retried.status == 0)
        #expect(retried.output.contains("Đã đưa lại \(triPhu) thông báo vào hàng gửi"))
        #expect(try system.waitUntil { try revived.received().count == triPhu })
        #expect(try deliveries(DeliveriesRequest(channel: "district")).deliveries.isEmpty)
    }

    @Test("kill -9 of notification in the middle of deliveries: after the restart every notice arrives, none twice")
    func crashMidDelivery() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-webhook-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret")
        try Data("another-secret-for-the-crash".utf8).write(to: secret)
        let receiver = try Receiver(directory: directory, secret: secret, failFirst: 0)
        let channels = directory.appendingPathComponent("channels.json")
        try Data(
            #"""
            {"channels": [{"id": "province", "type": "webhook", "url": "http://127.0.0.1:\#(receiver.port)/antq",
              "secret_file": "\#(secret.path)", "max_attempts": 50, "backoff_ms": 20, "max_backoff_ms": 100}]}
            """#.utf8
        ).write(to: channels)
        let system = try TestSystem("webhook-crash")
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let notification = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake],
            extra: ["--channels", channels.path, "--clock-file", try Self.quietClock(in: directory)])
        let bodies = system.bodies(300, tag: "it-webhook-crash")
        _ = try system.client(intake, "submissions").submitAll(bodies, window: 64)
        let expected = try system.expectedEvaluations(of: bodies)
        // Kill it while deliveries are under way, then start it again on the same store.
        #expect(try system.waitUntil(.seconds(60)) { try receiver.received().count >= 50 })
        notification.kill()
        try notification.start()
        #expect(try system.waitUntil(.seconds(120)) { try receiver.received().count >= expected })
        let keys = try receiver.received().map(\.key)
        let units = Set(TestSystem.units(of: bodies))
        let stored = try system.allNotices(notification, units: units).map(\.key)
        #expect(stored.count == expected)
        #expect(Set(keys) == Set(stored), "every stored notice reached the receiver")
        // Notification's own record: every delivery done, none left pending or dead.
        let query = try system.client(notification, "query")
        func count(_ state: String) throws -> Int {
            try JSONCoding.decode(
                DeliveriesList.self,
                from: try query.request(.deliveries, body: JSONCoding.encode(DeliveriesRequest(state: state))).body
            ).deliveries.count
        }
        #expect(try system.waitUntil { try count("delivered") == expected })
        #expect(try count("pending") == 0 && count("dead") == 0)
    }
}
