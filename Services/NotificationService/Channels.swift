import Foundation
import GRDB
import Models
import SQLStore

/// Where notices go besides the inbox (`--channels FILE`): each channel gets its own delivery row
/// per notice, stored with the notice, and its own worker that sends, retries and gives up.
public struct ChannelsFile: Codable, Sendable {
    public let channels: [Channel]

    /// Loads and checks a channels file; a webhook's secret is read from its `secret_file`.
    public static func load(from url: URL) throws -> [ConfiguredChannel] {
        let file: ChannelsFile
        do { file = try JSONDecoder().decode(ChannelsFile.self, from: Data(contentsOf: url)) } catch {
            throw ChannelError(problems: ["\(url.path): \(error)"])
        }
        var problems: [String] = []
        var configured: [ConfiguredChannel] = []
        var ids: Set<String> = []
        for channel in file.channels {
            let at = "\(url.path): channel \(channel.id)"
            if !ids.insert(channel.id).inserted { problems.append("\(at) is defined twice") }
            if !Identifier.isValid(channel.id, maximumLength: 64) {
                problems.append("\(at): the id must be 1-64 ASCII letters, digits or . _ : -")
            }
            if let attempts = channel.maxAttempts, !(1...100).contains(attempts) {
                problems.append("\(at): max_attempts must be 1 to 100")
            }
            switch channel.type {
            case "webhook":
                guard let target = channel.url.flatMap(URL.init(string:)),
                    ["http", "https"].contains(target.scheme ?? "")
                else {
                    problems.append("\(at): url must be an http:// or https:// address")
                    continue
                }
                let key = channel.secretFile.flatMap { FileManager.default.contents(atPath: $0) }.map {
                    [UInt8](String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
                }
                guard let key, key.count >= 16 else {
                    problems.append(
                        "\(at): secret_file must name a readable file holding the HMAC key (at least 16 characters)")
                    continue
                }
                configured.append(ConfiguredChannel(channel: channel, transport: .webhook(url: target, secret: key)))
            case "email":
                guard let host = channel.host, !host.isEmpty, let port = channel.port, (1...65535).contains(port),
                    let from = channel.from, Self.isAddress(from)
                else {
                    problems.append("\(at): an email channel needs host, port (1-65535) and a from address (a@b)")
                    continue
                }
                let recipients = channel.recipients ?? [:]
                if recipients.isEmpty || !recipients.values.allSatisfy(Self.isAddress) {
                    problems.append("\(at): recipients must map unit ids to plain e-mail addresses (a@b)")
                    continue
                }
                configured.append(
                    ConfiguredChannel(
                        channel: channel,
                        transport: .email(SMTPSettings(host: host, port: port, from: from, recipients: recipients))))
            default:
                problems.append("\(at): unknown type \(channel.type); known: webhook, email")
            }
        }
        guard problems.isEmpty else { throw ChannelError(problems: problems) }
        return configured
    }
}

extension ChannelsFile {
    /// A plain address (`local@domain`): printable ASCII without spaces, brackets or line breaks, so
    /// it cannot add SMTP commands or headers.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty } && text.utf8.count <= 254
            && text.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value < 0x7F && !"<>()[],;:\\\"".unicodeScalars.contains($0)
            }
    }
}

/// One channel as the file writes it.
public struct Channel: Codable, Sendable, Equatable {
    public let id: String
    /// `webhook` or `email`.
    public let type: String
    /// Webhook: where to POST, and the file holding the HMAC key.
    public let url: String?
    public let secretFile: String?
    /// E-mail: the SMTP relay, the sender, and each unit's address (only those units are carried).
    public let host: String?
    public let port: Int?
    public let from: String?
    public let recipients: [String: String]?
    /// Attempts before a delivery goes to the dead letters (default 8).
    public let maxAttempts: Int?
    /// First retry delay in milliseconds, doubled each time up to `max_backoff_ms` (defaults 1,000 and 300,000).
    public let backoffMs: Int?
    public let maxBackoffMs: Int?
    /// Unit ids whose notices go here; `["*"]` (the default) for all.
    public let units: [String]?

    enum CodingKeys: String, CodingKey {
        case id, type, url, units, host, port, from, recipients
        case secretFile = "secret_file"
        case maxAttempts = "max_attempts"
        case backoffMs = "backoff_ms"
        case maxBackoffMs = "max_backoff_ms"
    }
}

/// A channel ready to use: its settings and how it sends.
public struct ConfiguredChannel: Sendable {
    public enum Transport: Sendable {
        case webhook(url: URL, secret: [UInt8])
        case email(SMTPSettings)
    }

    public let channel: Channel
    public let transport: Transport

    public var id: String { channel.id }
    var maxAttempts: Int { channel.maxAttempts ?? 8 }

    /// Whether notices of `unit` go to this channel: it is among `units` (default all) and, for
    /// e-mail, has an address.
    func carries(_ unit: String) -> Bool {
        if case .email(let settings) = transport, settings.recipients[unit] == nil { return false }
        let units = channel.units ?? ["*"]
        return units.contains("*") || units.contains(unit)
    }

    /// The delay before attempt `attempts + 1`: exponential, capped, with ±20 % jitter.
    func backoff(afterAttempts attempts: Int) -> TimeInterval {
        let base = Double(channel.backoffMs ?? 1000) / 1000
        let cap = Double(channel.maxBackoffMs ?? 300_000) / 1000
        let delay = min(cap, base * pow(2, Double(max(0, attempts - 1))))
        return delay * Double.random(in: 0.8...1.2)
    }
}

/// A channels file that cannot be used, with every problem found.
public struct ChannelError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid channels: " + problems.joined(separator: "; ") }
}

/// The one place a notice is stored: into the inbox, and a pending delivery for each channel that
/// carries its unit, in the caller's transaction. A notice already stored changes nothing.
struct NoticeBook: Sendable {
    let channels: [ConfiguredChannel]

    /// Stores `notice`; returns whether it is new.
    @discardableResult
    func store(_ notice: Notice, _ db: any SQLExecutor) throws -> Bool {
        let stored = try db.fetchAll(
            """
            INSERT INTO notice (key, unit, title, body, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (key) DO NOTHING RETURNING key
            """, [notice.key, notice.unit, notice.title, notice.body, notice.createdAt])
        guard !stored.isEmpty else { return false }
        for channel in channels where channel.carries(notice.unit) {
            try db.execute(
                "INSERT INTO delivery (notice_key, channel, next_attempt_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [notice.key, channel.id, Date().timeIntervalSince1970])
        }
        return true
    }
}
