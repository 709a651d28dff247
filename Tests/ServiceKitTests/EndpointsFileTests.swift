import Foundation
import ServiceKit
import Testing

@Suite("EndpointsFile")
struct EndpointsFileTests {
    /// Runs `body` with a new empty directory, then removes it.
    static func withDirectory(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ServiceKitTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    static let endpoints = [
        "submissions": "tcp://127.0.0.1:7101",
        "events": "tcp://127.0.0.1:7103",
        "replay": "tcp://127.0.0.1:7104",
    ]

    @Test("what is written is read back")
    func roundTrip() throws {
        try Self.withDirectory { directory in
            try EndpointsFile.write(Self.endpoints, dataDirectory: directory)
            #expect(try EndpointsFile.read(dataDirectory: directory) == Self.endpoints)
        }
    }

    @Test("the file is endpoints.json, pretty JSON with sorted keys and unescaped slashes")
    func fileFormat() throws {
        try Self.withDirectory { directory in
            try EndpointsFile.write(Self.endpoints, dataDirectory: directory)
            let text = try String(contentsOfFile: directory + "/endpoints.json", encoding: .utf8)
            #expect(
                text == """
                    {
                      "events" : "tcp://127.0.0.1:7103",
                      "replay" : "tcp://127.0.0.1:7104",
                      "submissions" : "tcp://127.0.0.1:7101"
                    }
                    """)
        }
    }

    @Test("writing again replaces the file")
    func overwrite() throws {
        try Self.withDirectory { directory in
            try EndpointsFile.write(Self.endpoints, dataDirectory: directory)
            try EndpointsFile.write(["events": "tcp://127.0.0.1:9103"], dataDirectory: directory)
            #expect(try EndpointsFile.read(dataDirectory: directory) == ["events": "tcp://127.0.0.1:9103"])
        }
    }

    @Test("reading a directory without the file throws")
    func readMissing() throws {
        try Self.withDirectory { directory in
            #expect(throws: (any Error).self) { try EndpointsFile.read(dataDirectory: directory) }
        }
    }
}
