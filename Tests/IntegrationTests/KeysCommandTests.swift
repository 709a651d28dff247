import Foundation
import Security
import Testing

/// `antq keys allow` and `antq keys revoke`, run as an operator runs them.
@Suite("antq keys: the allowlist edited from the command line")
struct KeysCommandTests {
    static func antq(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSystem.run(
            TestSystem.binDirectory.appendingPathComponent("antq"), arguments, directory: TestSystem.packageRoot)
    }

    @Test("allow adds or replaces an entry, keeps the others, and refuses a list that would not load; revoke removes")
    func allowAndRevoke() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-keys-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let allowlist = directory.appendingPathComponent("allowlist.json").path
        let district = try KeyFile.generate(name: "agency-TQ-SD", directory: directory).pair
        let worker = try KeyFile.generate(name: "worker", directory: directory).pair
        let pub = directory.appendingPathComponent("agency-TQ-SD.pub").path

        #expect(
            try Self.antq(["keys", "allow", pub, "--role", "agency", "--unit", "TQ-SD", "--allowlist", allowlist])
                .status
                == 0)
        #expect(
            try Self.antq([
                "keys", "allow", worker.publicKey, "--role", "evaluation_worker", "--comment", "máy 1",
                "--allowlist", allowlist,
            ]).status == 0)
        // The district's key moves to another unit: its entry is replaced, not doubled, and the file
        // keeps the mode it was given (the services' user must still read it).
        #expect(chmod(allowlist, 0o640) == 0)
        #expect(
            try Self.antq(["keys", "allow", pub, "--role", "agency", "--unit", "TQ-HY", "--allowlist", allowlist])
                .status
                == 0)
        var list = try Allowlist.load(path: allowlist, registry: nil)
        #expect(
            list.identities == [
                district.publicKey: PeerIdentity(role: .agency, unit: "TQ-HY"),
                worker.publicKey: PeerIdentity(role: .evaluationWorker),
            ])
        #expect(try String(contentsOfFile: allowlist, encoding: .utf8).contains("máy 1"))
        let mode = try FileManager.default.attributesOfItem(atPath: allowlist)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)

        // A unit the registry does not know: refused, naming it, and the file is as it was.
        let before = try Data(contentsOf: URL(fileURLWithPath: allowlist))
        let refused = try Self.antq([
            "keys", "allow", pub, "--role", "agency", "--unit", "NOWHERE", "--allowlist", allowlist,
        ])
        #expect(refused.status != 0 && refused.output.contains("NOWHERE is not in the registry"), "\(refused.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: allowlist)) == before)

        #expect(try Self.antq(["keys", "revoke", pub, "--allowlist", allowlist]).status == 0)
        list = try Allowlist.load(path: allowlist, registry: nil)
        #expect(list.identities == [worker.publicKey: PeerIdentity(role: .evaluationWorker)])
        let again = try Self.antq(["keys", "revoke", pub, "--allowlist", allowlist])
        #expect(again.status != 0 && again.output.contains("is not in"))
    }
}
