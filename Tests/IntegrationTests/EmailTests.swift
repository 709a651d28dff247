import Foundation
import Models
import Testing

/// E-mail through real processes: notification sends notices over SMTP to a real server (aiosmtpd,
/// installed by scripts/test) that stores them in a Maildir; Python's e-mail parser reads them back.
@Suite("e-mail channel, real processes")
struct EmailTests {
    /// The messages of a Maildir as (to, subject, body, notice key), decoded by Python's e-mail package.
    static func messages(in maildir: URL) throws -> [[String: String]] {
        let script = """
            import json, mailbox, sys
            out = []
            for message in mailbox.Maildir(sys.argv[1], create=False):
                from email.header import decode_header, make_header
                out.append({"to": message["To"], "subject": str(make_header(decode_header(message["Subject"]))),
                            "body": message.get_payload(decode=True).decode("utf-8"),
                            "key": message["X-ANTQ-Notice-Key"], "type": message.get_content_type()})
            print(json.dumps(out, ensure_ascii=False))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, maildir.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [] }
        return try JSONDecoder().decode([[String: String]].self, from: data)
    }

    @Test(
        "with the relay down first, then up: notices arrive as UTF-8 e-mail with correct diacritics, one per notice, to the unit's address"
    )
    func smtp() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-email-\(UUID().uuidString.prefix(8))")
        let maildir = directory.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try WebhookTests.freePort()
        let channels = directory.appendingPathComponent("channels.json")
        try Data(
            #"""
            {"channels": [{"id": "mail", "type": "email", "host": "127.0.0.1", "port": \#(port),
              "from": "thong-bao@antq.example", "max_attempts": 50, "backoff_ms": 50, "max_backoff_ms": 200,
              "recipients": {"TQ-CH-TRIPHU-KDC01": "thon.nahec@triphu.example"}}]}
            """#.utf8
        ).write(to: channels)
        let system = try TestSystem("email")
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let notification = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake],
            extra: ["--channels", channels.path, "--clock-file", try WebhookTests.quietClock(in: directory)])
        let bodies = try ["004-tri-phu-kdc01-self-assessment.json", "001-thuong-nong-kdc01-self-assessment.json"].map {
            Array(try Data(contentsOf: TestSystem.packageRoot.appendingPathComponent("data/samples/\($0)")))
        }
        _ = try system.client(intake, "submissions").submitAll(bodies)
        #expect(
            try system.waitUntil { try system.allNotices(notification, units: ["TQ-CH-TRIPHU-KDC01"]).count == 2 })
        let notices = try system.allNotices(notification, units: ["TQ-CH-TRIPHU-KDC01"])
        // The relay is down at first: the deliveries fail and wait; then it starts and they arrive.
        let query = try system.client(notification, "query")
        let pending = {
            try JSONCoding.decode(
                DeliveriesList.self,
                from: try query.request(.deliveries, body: JSONCoding.encode(DeliveriesRequest(state: "pending"))).body
            ).deliveries
        }
        #expect(try system.waitUntil { try pending().contains { $0.attempts >= 2 && $0.lastError != nil } })
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox",
            maildir.path,
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // Only Tri Phú has an address: its two result notices, and nothing for Thượng Nông.
        #expect(try system.waitUntil(.seconds(30)) { try Self.messages(in: maildir).count == 2 })
        let messages = try Self.messages(in: maildir)
        #expect(Set(messages.compactMap { $0["key"] }) == Set(notices.map(\.key)))
        for message in messages {
            let notice = try #require(notices.first { $0.key == message["key"] })
            #expect(message["to"] == "thon.nahec@triphu.example")
            #expect(message["type"] == "text/plain")
            #expect(message["subject"] == notice.title)
            #expect(message["body"] == notice.body)
        }
        #expect(messages.contains { ($0["subject"] ?? "").contains("An toàn về an ninh, trật tự: CHƯA ĐẠT") })
        #expect(messages.contains { ($0["body"] ?? "").contains("Kính gửi Thôn Nà Héc") })
    }
}
