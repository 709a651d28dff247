import Foundation
import GRDB
import Logging
import Models
import Store
import ZeroMQ

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How a channel hands one notice over: `nil` when the other side took it, else what went wrong.
protocol NoticeSender {
    func send(_ notice: Notice) -> String?
}

/// Sends one channel's pending deliveries, on its own thread, with its ``NoticeSender`` (a webhook
/// POST or an e-mail). A success marks the delivery done; a failure is retried with exponential
/// backoff and jitter until `max_attempts`, then it is a dead letter an operator can list and retry
/// (`antq deliveries`).
///
/// The row is marked only after the answer, so a crash in between sends it again: receivers
/// deduplicate on the notice key (at least once on the wire, once per key for a receiver that does).
final class ChannelWorker {
    let channel: ConfiguredChannel
    let database: any DatabaseWriter
    let logger: Logger
    private let sender: any NoticeSender

    init(channel: ConfiguredChannel, database: any DatabaseWriter, logger: Logger) {
        self.channel = channel
        self.database = database
        self.logger = logger
        switch channel.transport {
        case .webhook(let url, let secret): sender = WebhookSender(channel: channel.id, url: url, secret: secret)
        case .email(let settings): sender = SMTPSender(settings: settings)
        }
    }

    /// Delivers until `stop`; sleeps a little when nothing is due.
    func run(until stop: StopSignal) {
        logger.info("channel ready", metadata: ["channel": "\(channel.id)", "type": "\(channel.channel.type)"])
        while !stop.isRequested {
            do {
                if try deliverDue() == 0 { Thread.sleep(forTimeInterval: 0.1) }
            } catch {
                logger.error("channel failed a round", metadata: ["channel": "\(channel.id)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// One round: sends what is due (at most 20); returns how many it tried.
    func deliverDue() throws -> Int {
        let due = try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.attempts, n.key, n.unit, n.title, n.body, n.created_at FROM delivery d
                    JOIN notice n ON n.key = d.notice_key
                    WHERE d.channel = ? AND d.state = 'pending' AND d.next_attempt_at <= ?
                    ORDER BY d.next_attempt_at LIMIT 20
                    """, arguments: [channel.id, Date().timeIntervalSince1970])
        }
        for row in due {
            let notice = Notice(
                key: row["key"], unit: row["unit"], title: row["title"], body: row["body"], createdAt: row["created_at"]
            )
            let attempts = (row["attempts"] as Int) + 1
            let failure = sender.send(notice)
            try database.write { db in
                if let failure {
                    let dead = attempts >= channel.maxAttempts
                    try db.execute(
                        sql: """
                            UPDATE delivery SET attempts = ?, last_error = ?, state = ?, next_attempt_at = ?
                            WHERE notice_key = ? AND channel = ?
                            """,
                        arguments: [
                            attempts, failure, dead ? "dead" : "pending",
                            Date().timeIntervalSince1970 + channel.backoff(afterAttempts: attempts), notice.key,
                            channel.id,
                        ])
                    if dead {
                        logger.warning(
                            "delivery gave up; it is a dead letter",
                            metadata: ["channel": "\(channel.id)", "notice": "\(notice.key)", "error": "\(failure)"])
                    }
                } else {
                    try db.execute(
                        sql: """
                            UPDATE delivery SET attempts = ?, state = 'delivered', delivered_at = ?, last_error = NULL
                            WHERE notice_key = ? AND channel = ?
                            """, arguments: [attempts, StoreDatabase.timestamp(), notice.key, channel.id])
                }
            }
        }
        return due.count
    }
}

/// A webhook: an HTTP POST of the notice as JSON, signed with HMAC-SHA256 over the body
/// (`X-ANTQ-Signature: sha256=<hex>`), the notice key as an idempotency key (`X-ANTQ-Notice-Key`).
struct WebhookSender: NoticeSender {
    let channel: String
    let url: URL
    let secret: [UInt8]
    private let session: URLSession

    init(channel: String, url: URL, secret: [UInt8]) {
        self.channel = channel
        self.url = url
        self.secret = secret
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    /// The body a receiver gets, as documented in docs/notifications.md.
    static func body(_ notice: Notice, channel: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("channel", channel)
        writer.key("notice")
        writer.beginObject()
        writer.field("body", notice.body)
        writer.field("created_at", notice.createdAt)
        writer.field("key", notice.key)
        writer.field("title", notice.title)
        writer.field("unit", notice.unit)
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    /// POSTs the notice; `nil` when the receiver took it, else what went wrong.
    func send(_ notice: Notice) -> String? {
        let body = Self.body(notice, channel: channel)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(notice.key, forHTTPHeaderField: "X-ANTQ-Notice-Key")
        request.setValue(
            "sha256=" + HMACSHA256.hex(HMACSHA256.authenticationCode(for: body, key: secret)),
            forHTTPHeaderField: "X-ANTQ-Signature")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { _, response, error in
            if let error {
                outcome.set("\(error.localizedDescription)")
            } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                outcome.set("HTTP \(status)")
            }
            done.signal()
        }.resume()
        done.wait()
        return outcome.value
    }

    /// The failure a completion handler reports, read after it signalled.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var failure: String?
        func set(_ value: String) { lock.withLock { failure = value } }
        var value: String? { lock.withLock { failure } }
    }
}
