import Foundation
import Models

#if canImport(Glibc)
    import Glibc
#endif

/// Where and how an e-mail channel sends.
public struct SMTPSettings: Sendable, Equatable {
    public let host: String
    public let port: Int
    public let from: String
    /// Unit id → the address its notices go to.
    public let recipients: [String: String]
}

/// E-mail over SMTP (RFC 5321) to a relay: one connection per notice, UTF-8 subject (RFC 2047) and
/// body (base64), the notice key in `X-ANTQ-Notice-Key` and in the `Message-ID`.
///
/// Plain SMTP, no TLS or login yet: point it at a relay on the same host or a trusted network.
struct SMTPSender: NoticeSender {
    let settings: SMTPSettings

    func send(_ notice: Notice) -> String? {
        guard let recipient = settings.recipients[notice.unit] else { return "no address for unit \(notice.unit)" }
        do {
            let connection = try SMTPConnection(host: settings.host, port: settings.port)
            defer { connection.close() }
            try connection.expect(220)
            try connection.command("EHLO antq-notification", expect: 250)
            try connection.command("MAIL FROM:<\(settings.from)>", expect: 250)
            try connection.command("RCPT TO:<\(recipient)>", expect: 250)
            try connection.command("DATA", expect: 354)
            try connection.write(Self.message(notice, from: settings.from, to: recipient) + "\r\n.\r\n")
            try connection.expect(250)
            try? connection.command("QUIT", expect: 221)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The message, headers and base64 body, with CRLF line ends.
    static func message(_ notice: Notice, from: String, to: String) -> String {
        // Base64 in lines of 76 characters, CRLF between them.
        let encoded = Array(Data(notice.body.utf8).base64EncodedString().utf8)
        let body = stride(from: 0, to: encoded.count, by: 76).map {
            String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self)
        }.joined(separator: "\r\n")
        let id = HMACSHA256.hex(SHA256.hash(Array(notice.key.utf8))).prefix(32)
        return [
            "From: \(from)", "To: \(to)", "Subject: \(encodedWords(notice.title))",
            "Date: \(Self.date())", "Message-ID: <\(id)@antq>", "X-ANTQ-Notice-Key: \(notice.key)",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "",
            body,
        ].joined(separator: "\r\n")
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, each holding whole characters.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func date() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date())
    }
}

/// What went wrong talking to the relay.
struct SMTPError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A blocking TCP connection with 10-second timeouts, reading SMTP replies.
final class SMTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw SMTPError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        // Every address the name has (a dual-stack name may list ::1 before 127.0.0.1), in order.
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var failure = "no address"
        while let address = candidate {
            let fd = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                    socket = fd
                    return
                }
                failure = String(cString: strerror(errno))
                Glibc.close(fd)
            }
            candidate = address.pointee.ai_next
        }
        throw SMTPError("cannot connect to \(host):\(port) (\(failure))")
    }

    func close() { Glibc.close(socket) }

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw SMTPError("the relay closed the connection while we wrote") }
            bytes.removeFirst(sent)
        }
    }

    func command(_ line: String, expect code: Int) throws {
        try write(line + "\r\n")
        try expect(code)
    }

    /// Reads one reply (all its lines) and checks its code.
    func expect(_ code: Int) throws {
        while true {
            let line = try readLine()
            guard line.count >= 3, let got = Int(line.prefix(3)) else { throw SMTPError("not an SMTP reply: \(line)") }
            if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            guard got == code else { throw SMTPError("the relay answered \(line), expected \(code)") }
            return
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                buffer.removeFirst(end + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw SMTPError("the relay closed the connection or did not answer in 10 s") }
            buffer += chunk[..<count]
        }
    }
}
