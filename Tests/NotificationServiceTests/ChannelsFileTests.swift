import Foundation
import Testing

@testable import NotificationService

@Suite("Channels file")
struct ChannelsFileTests {
    static func load(_ json: String, secret: String = "a-long-enough-secret") throws -> [ConfiguredChannel] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("channels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secretFile = directory.appendingPathComponent("secret")
        try Data(secret.utf8).write(to: secretFile)
        let file = directory.appendingPathComponent("channels.json")
        try Data(json.replacingOccurrences(of: "SECRET", with: secretFile.path).utf8).write(to: file)
        return try ChannelsFile.load(from: file)
    }

    @Test("a webhook and an e-mail channel load; each carries only its units")
    func valid() throws {
        let channels = try Self.load(
            #"""
            {"channels": [
              {"id": "portal", "type": "webhook", "url": "https://portal.example/antq", "secret_file": "SECRET", "units": ["U1"]},
              {"id": "mail", "type": "email", "host": "127.0.0.1", "port": 25, "from": "antq@tinh.example",
               "recipients": {"U2": "u2@xa.example"}}
            ]}
            """#)
        #expect(channels.map(\.id) == ["portal", "mail"])
        #expect(channels[0].carries("U1") && !channels[0].carries("U2"))
        #expect(channels[1].carries("U2") && !channels[1].carries("U1"))
        // An e-mail channel also keeps to its `units`: an address alone is not enough.
        let narrowed = try Self.load(
            #"""
            {"channels": [{"id": "mail", "type": "email", "host": "127.0.0.1", "port": 25, "from": "antq@tinh.example",
              "recipients": {"U2": "u2@xa.example", "U3": "u3@xa.example"}, "units": ["U3"]}]}
            """#)
        #expect(!narrowed[0].carries("U2") && narrowed[0].carries("U3") && !narrowed[0].carries("U4"))
    }

    @Test(
        "refused: a short or blank secret, an address that could inject SMTP, an unknown type, a bad url",
        arguments: [
            (
                #"{"id": "w", "type": "webhook", "url": "http://x/", "secret_file": "SECRET"}"#, " \n ",
                "at least 16 characters"
            ),
            (
                #"{"id": "w", "type": "webhook", "url": "http://x/", "secret_file": "SECRET"}"#, "short",
                "at least 16 characters"
            ),
            (
                #"{"id": "m", "type": "email", "host": "h", "port": 25, "from": "a@b", "recipients": {"U": "x@y>\r\nRCPT TO:<e@v"}}"#,
                "a-long-enough-secret", "plain e-mail addresses"
            ),
            (
                #"{"id": "m", "type": "email", "host": "h", "port": 25, "from": "ANTQ <a@b>", "recipients": {"U": "x@y"}}"#,
                "a-long-enough-secret", "a from address"
            ),
            (#"{"id": "s", "type": "sms"}"#, "a-long-enough-secret", "unknown type sms"),
            (
                #"{"id": "w", "type": "webhook", "url": "ftp://x/", "secret_file": "SECRET"}"#, "a-long-enough-secret",
                "http:// or https://"
            ),
        ])
    func refused(channel: String, secret: String, problem: String) throws {
        do {
            _ = try Self.load(#"{"channels": [\#(channel)]}"#, secret: secret)
            Issue.record("accepted \(channel)")
        } catch { #expect("\(error)".contains(problem), "\(error)") }
    }
}
