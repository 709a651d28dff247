import ArgumentParser
import Foundation
import Security
import ServiceKit
import Testing
import ZeroMQ

@Suite("SubscriberOptions")
struct SubscriberOptionsTests {
    /// `sources` as text, so they compare with `==`.
    static func describe(_ sources: [(publish: String, replay: String, serverKey: String?)]) -> [String] {
        sources.map { "\($0.publish) | \($0.replay)" + ($0.serverKey.map { " | \($0)" } ?? "") }
    }

    @Test("without flags, the default source parses into one pair")
    func parse_defaults() throws {
        let options = try SubscriberOptions.parse([])
        #expect(options.sourceArguments == ["tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"])
        #expect(Self.describe(try options.sources()) == ["tcp://127.0.0.1:7103 | tcp://127.0.0.1:7104"])
        #expect(options.registry == "data/units/tuyen-quang.json")
        #expect(options.rateLimiter?.rate == 50)
    }

    @Test("two --source flags give two pairs, in order, in place of the default")
    func parse_twoSources() throws {
        let options = try SubscriberOptions.parse([
            "--source", "tcp://10.0.0.1:7103,tcp://10.0.0.1:7104",
            "--source", "tcp://10.0.0.2:7103, tcp://10.0.0.2:7104",
            "--registry", "units.json", "--rate-limit", "0",
        ])
        #expect(
            Self.describe(try options.sources()) == [
                "tcp://10.0.0.1:7103 | tcp://10.0.0.1:7104", "tcp://10.0.0.2:7103 | tcp://10.0.0.2:7104",
            ])
        #expect(options.registry == "units.json")
        #expect(options.rateLimiter == nil)
    }

    @Test("a source's key is read from its .pub file or given as the key itself")
    func parse_keys() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("antq-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let intake = try KeyFile.generate(name: "intake", directory: directory).pair
        let other = try CurveKeyPair.generate()
        let options = try SubscriberOptions.parse([
            "--source",
            "tcp://10.0.0.1:7103,tcp://10.0.0.1:7104,\(directory.appendingPathComponent("intake.pub").path)",
            "--source", "tcp://10.0.0.2:7103,tcp://10.0.0.2:7104,\(other.publicKey)",
        ])
        #expect(
            Self.describe(try options.sources()) == [
                "tcp://10.0.0.1:7103 | tcp://10.0.0.1:7104 | \(intake.publicKey)",
                "tcp://10.0.0.2:7103 | tcp://10.0.0.2:7104 | \(other.publicKey)",
            ])
        // A key that is neither a readable file nor a key is an error naming it.
        let missing = try SubscriberOptions.parse(["--source", "tcp://a:1,tcp://a:2,/nonexistent/intake.pub"])
        #expect(throws: KeyFile.Problem.self) { try missing.sources() }
    }

    @Test("a --source that is not PUBLISH,REPLAY[,KEY] is refused, naming it")
    func validate_badSource() {
        do {
            _ = try SubscriberOptions.parse(["--source", "tcp://10.0.0.1:7103,tcp://10.0.0.1:7104", "--source", "foo"])
            Issue.record("--source foo was accepted")
        } catch {
            let message = SubscriberOptions.message(for: error)
            #expect(message.contains("--source foo "), "\(message)")
            #expect(message.contains("PUBLISH,REPLAY"), "\(message)")
        }
    }

    @Test(
        "parseSource accepts two endpoints and an optional key, and trims spaces",
        arguments: [
            ("tcp://a:1,tcp://b:2", "tcp://a:1 | tcp://b:2"),
            (" tcp://a:1 ,  ipc:///tmp/replay ", "tcp://a:1 | ipc:///tmp/replay"),
            ("tcp://a:1,tcp://b:2, keys/intake.pub", "tcp://a:1 | tcp://b:2 | keys/intake.pub"),
        ])
    func parse_accepts(argument: String, expected: String) throws {
        let parsed = try #require(SubscriberOptions.parseSource(argument))
        #expect(Self.describe([(parsed.publish, parsed.replay, parsed.key)]) == [expected])
    }

    @Test(
        "parseSource refuses anything but two endpoints and a key",
        arguments: ["foo", "tcp://a:1", "tcp://a:1,b:2", "a:1,tcp://b:2", "tcp://a:1,tcp://b:2,k,l", ""])
    func parse_refuses(argument: String) {
        #expect(SubscriberOptions.parseSource(argument) == nil)
    }
}
