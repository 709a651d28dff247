import ArgumentParser
import ServiceKit
import Testing

@Suite("SubscriberOptions")
struct SubscriberOptionsTests {
    /// `pairs` as text, so they compare with `==`.
    static func describe(_ pairs: [(publish: String, replay: String)]) -> [String] {
        pairs.map { "\($0.publish) | \($0.replay)" }
    }

    @Test("without flags, the default source parses into one pair")
    func parse_defaults() throws {
        let options = try SubscriberOptions.parse([])
        #expect(options.sources == ["tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"])
        #expect(Self.describe(options.endpointPairs) == ["tcp://127.0.0.1:7103 | tcp://127.0.0.1:7104"])
        #expect(options.registry == "data/units/tuyen-quang.json")
    }

    @Test("two --source flags give two pairs, in order, in place of the default")
    func parse_twoSources() throws {
        let options = try SubscriberOptions.parse([
            "--source", "tcp://10.0.0.1:7103,tcp://10.0.0.1:7104",
            "--source", "tcp://10.0.0.2:7103, tcp://10.0.0.2:7104",
            "--registry", "units.json",
        ])
        #expect(
            Self.describe(options.endpointPairs) == [
                "tcp://10.0.0.1:7103 | tcp://10.0.0.1:7104", "tcp://10.0.0.2:7103 | tcp://10.0.0.2:7104",
            ])
        #expect(options.registry == "units.json")
    }

    @Test("a --source that is not PUBLISH,REPLAY is refused, naming it")
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
        "endpointPair accepts two endpoints and trims spaces",
        arguments: [
            ("tcp://a:1,tcp://b:2", "tcp://a:1 | tcp://b:2"),
            (" tcp://a:1 ,  ipc:///tmp/replay ", "tcp://a:1 | ipc:///tmp/replay"),
        ])
    func endpointPair_accepts(argument: String, expected: String) throws {
        let pair = try #require(SubscriberOptions.endpointPair(argument))
        #expect(Self.describe([pair]) == [expected])
    }

    @Test(
        "endpointPair refuses anything but two endpoints",
        arguments: ["foo", "tcp://a:1", "tcp://a:1,b:2", "a:1,tcp://b:2", "tcp://a:1,tcp://b:2,tcp://c:3", ""])
    func endpointPair_refuses(argument: String) {
        #expect(SubscriberOptions.endpointPair(argument) == nil)
    }
}
