import AntqCLI
import Client
import Foundation
import GRDB
import Models
import Security
import Testing
import ZeroMQ

/// CURVE and the allowlist on intake's submissions endpoint, through a real `antq-intake` process
/// (decision 0017): who may connect, who may submit for which unit, and changes without a restart.
@Suite("security: CURVE, allowlist and per-unit authorisation, real processes")
struct SecurityTests {
    /// A sample self-assessment moved to `unit`.
    static func body(_ id: String, unit: String) throws -> [UInt8] {
        let sample = TestSystem.packageRoot.appendingPathComponent(
            "data/samples/001-thuong-nong-kdc01-self-assessment.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: sample)) as? [String: Any])
        object["submission_id"] = "sec-\(id)-\(UUID().uuidString.prefix(6))"
        object["unit"] = unit
        return [UInt8](try JSONSerialization.data(withJSONObject: object))
    }

    static func writeAllowlist(_ entries: [(CurveKeyPair, String, String?)], to url: URL) throws {
        let keys = entries.map { pair, role, unit -> [String: String] in
            var entry = ["public_key": pair.publicKey, "role": role]
            entry["unit"] = unit
            return entry
        }
        // Written whole and renamed, as an operator's editor or deployment tool would.
        let temporary = url.appendingPathExtension("new")
        try JSONSerialization.data(withJSONObject: ["keys": keys]).write(to: temporary)
        #expect(rename(temporary.path, url.path) == 0)
    }

    @Test(
        "unknown key refused; other agency's unit and worker key refused and audited; allowlist change and rotation without restart"
    )
    func curveOnSubmissions() throws {
        let system = try TestSystem("security")
        let keys = system.cluster.root.appendingPathComponent("keys")
        func generate(_ name: String) throws -> CurveKeyPair { try KeyFile.generate(name: name, directory: keys).pair }
        let node = try generate("intake")
        let district = try generate("agency-TQ-SD")
        let commune = try generate("agency-TQ-SD-DONGTHO")
        let worker = try generate("worker-1")
        let stranger = try generate("stranger")
        let rotated = try generate("agency-TQ-SD-2027")
        // Key files are the owner's alone.
        let mode =
            try FileManager.default.attributesOfItem(atPath: keys.appendingPathComponent("intake.key").path)[
                .posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let allowlist = keys.appendingPathComponent("allowlist.json")
        try Self.writeAllowlist(
            [(district, "agency", "TQ-SD"), (commune, "agency", "TQ-SD-DONGTHO"), (worker, "evaluation_worker", nil)],
            to: allowlist)
        let intake = try system.cluster.startIntake(extra: [
            "--curve-key", keys.appendingPathComponent("intake.key").path, "--allowlist", allowlist.path,
        ])
        let endpoint = try #require(intake.endpoints["submissions"])
        func client(_ pair: CurveKeyPair, tries: Int = 3) throws -> RequestClient {
            try RequestClient(
                context: system.context, endpoint: endpoint, timeout: .milliseconds(500), tries: tries,
                curve: CurveClient(keys: pair, serverKey: node.publicKey))
        }
        func submit(_ pair: CurveKeyPair, unit: String, tries: Int = 3) throws -> Receipt {
            let answer = try client(pair, tries: tries).request(.submit, body: try Self.body(unit, unit: unit))
            return try JSONCoding.decode(Receipt.self, from: answer.body)
        }
        func forbidden(_ pair: CurveKeyPair, unit: String) throws -> WireError? {
            do {
                _ = try submit(pair, unit: unit)
                return nil
            } catch ClientError.refused(let error) {
                return error
            }
        }

        // The district submits for its subtree; the commune for the residential area it reports for.
        let districtReceipt = try submit(district, unit: "TQ-SD-HONGLAC")
        let communeReceipt = try submit(commune, unit: "TQ-SD-DONGTHO-KDC01")
        // Another district's unit, and a worker's key: refused by name, and audited.
        let other = try #require(try forbidden(commune, unit: "TQ-HY-MINHHUONG-KDC01"))
        #expect(
            other.code == .forbidden
                && other.message.contains("TQ-SD-DONGTHO does not report for unit TQ-HY-MINHHUONG-KDC01"))
        // A worker's key is not admitted to the submissions endpoint at all (refused at the handshake).
        #expect(throws: ClientError.self) { try submit(worker, unit: "TQ-SD-DONGTHO", tries: 2) }
        // A key nobody listed gets no answer at all (the handshake is refused), and the node logs it.
        #expect(throws: ClientError.self) { try submit(stranger, unit: "TQ-SD-DONGTHO", tries: 2) }
        let log = try String(contentsOf: system.cluster.root.appendingPathComponent("intake-1.log"), encoding: .utf8)
        #expect(log.contains("key not in the allowlist") && log.contains(stranger.publicKey))
        #expect(
            log.contains("role evaluation_worker may not use submissions") || log.contains("may not use the endpoint"))

        // Workers reach the work endpoint with a worker key only: this one evaluates what was accepted;
        // one started with an agency's key is refused at the handshake.
        _ = try system.cluster.startWorker(
            id: "worker-1", intake: intake,
            extra: [
                "--curve-key", keys.appendingPathComponent("worker-1.key").path, "--allowlist", allowlist.path,
                "--intake-key", keys.appendingPathComponent("intake.pub").path,
            ])
        _ = try system.cluster.startWorker(
            id: "worker-impostor", intake: intake,
            extra: [
                "--curve-key", keys.appendingPathComponent("agency-TQ-SD.key").path, "--allowlist", allowlist.path,
                "--intake-key", node.publicKey,
            ])
        let stats = try client(district)
        #expect(
            try system.waitUntil(.seconds(60)) {
                let figures = try JSONCoding.decode(IntakeStats.self, from: try stats.request(.stats, body: []).body)
                return figures.accepted == 2 && figures.evaluated == 2
            })
        #expect(
            system.waitUntil(.seconds(20)) {
                let log =
                    (try? String(
                        contentsOf: system.cluster.root.appendingPathComponent("intake-1.log"), encoding: .utf8)) ?? ""
                return log.contains("role agency may not use work") || log.contains("may not use the endpoint")
            })

        // An agency reads the status of its own submissions only; another's is unknown to it.
        let ownStatus = try client(commune).request(
            .status, body: JSONCoding.encode(StatusRequest(submissionID: communeReceipt.submissionID)))
        #expect(try JSONCoding.decode(SubmissionStatus.self, from: ownStatus.body).receipt == communeReceipt)
        #expect(throws: ClientError.self) {
            try client(commune).request(
                .status, body: JSONCoding.encode(StatusRequest(submissionID: districtReceipt.submissionID)))
        }

        // Nothing refused was stored; every refusal has its audit record.
        let store = try DatabaseQueue(path: system.cluster.root.appendingPathComponent("intake-1/intake.sqlite").path)
        let (stored, refusals) = try store.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? -1,
                try Row.fetchAll(db, sql: "SELECT peer, unit, reason FROM intake_refusal ORDER BY id")
            )
        }
        #expect(stored == 2)
        #expect(refusals.map { $0["peer"] as String } == ["agency:TQ-SD-DONGTHO"])
        #expect((refusals.first?["unit"] as String?) == "TQ-HY-MINHHUONG-KDC01")

        // The allowlist changes without a restart: the stranger becomes Hàm Yên's agency, and the
        // district's new key joins its old one (a rotation: both valid).
        try Self.writeAllowlist(
            [
                (district, "agency", "TQ-SD"), (rotated, "agency", "TQ-SD"), (commune, "agency", "TQ-SD-DONGTHO"),
                (worker, "evaluation_worker", nil), (stranger, "agency", "TQ-HY"),
            ], to: allowlist)
        #expect(
            system.waitUntil(.seconds(20)) { (try? submit(stranger, unit: "TQ-HY-MINHHUONG-KDC01", tries: 1)) != nil })
        _ = try submit(rotated, unit: "TQ-SD-DONGTHO")
        _ = try submit(district, unit: "TQ-SD-DONGTHO")
        // The rotation ends: the old key is removed and refused on its next connection.
        try Self.writeAllowlist(
            [
                (rotated, "agency", "TQ-SD"), (commune, "agency", "TQ-SD-DONGTHO"), (worker, "evaluation_worker", nil),
                (stranger, "agency", "TQ-HY"),
            ], to: allowlist)
        #expect(system.waitUntil(.seconds(20)) { (try? submit(district, unit: "TQ-SD-DONGTHO", tries: 1)) == nil })
        // A connection the old key opened before is refused too (`stats` is the district's client from above).
        do {
            _ = try stats.request(.stats, body: [])
            Issue.record("a removed key was still served on its open connection")
        } catch ClientError.refused(let error) {
            #expect(error.code == .forbidden && error.message.contains("no longer in the allowlist"))
        }
        _ = try submit(rotated, unit: "TQ-SD-DONGTHO")
        #expect(intake.process?.isRunning == true)
    }

    @Test(
        "an agency over its rate gets too_many_requests with a retry-after, an oversized message no answer, while another is served"
    )
    func rateLimit() throws {
        let system = try TestSystem("security-rate")
        let keys = system.cluster.root.appendingPathComponent("keys")
        let node = try KeyFile.generate(name: "intake", directory: keys).pair
        let flooding = try KeyFile.generate(name: "agency-TQ-SD", directory: keys).pair
        let other = try KeyFile.generate(name: "agency-TQ-HY", directory: keys).pair
        let allowlist = keys.appendingPathComponent("allowlist.json")
        try Self.writeAllowlist([(flooding, "agency", "TQ-SD"), (other, "agency", "TQ-HY")], to: allowlist)
        let intake = try system.cluster.startIntake(extra: [
            "--curve-key", keys.appendingPathComponent("intake.key").path, "--allowlist", allowlist.path,
            "--rate-limit", "10",
        ])
        let endpoint = try #require(intake.endpoints["submissions"])
        func client(_ pair: CurveKeyPair) throws -> RequestClient {
            try RequestClient(
                context: system.context, endpoint: endpoint, timeout: .seconds(2), tries: 2,
                curve: CurveClient(keys: pair, serverKey: node.publicKey))
        }
        // 10 a second in bursts of 100: 150 at once leave some refused, each saying when to retry.
        let flood = try client(flooding)
        var accepted = 0
        var refused: [WireError] = []
        for index in 0..<150 {
            do {
                _ = try flood.request(.submit, body: try Self.body("flood\(index)", unit: "TQ-SD-DONGTHO"))
                accepted += 1
            } catch ClientError.refused(let error) {
                refused.append(error)
            }
        }
        #expect(accepted >= 100 && accepted < 150)
        #expect(!refused.isEmpty && refused.allSatisfy { $0.code == .tooManyRequests })
        #expect(refused.first?.message.contains("retry after") == true)
        // An oversized message (over the endpoint's 1 MiB) gets no answer: libzmq drops that connection.
        let oversized = try RequestClient(
            context: system.context, endpoint: endpoint, timeout: .seconds(1), tries: 1,
            curve: CurveClient(keys: flooding, serverKey: node.publicKey))
        #expect(throws: ClientError.self) {
            try oversized.request(.submit, body: Array(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024))
        }
        // Another agency is served meanwhile; the flooding one again after waiting.
        _ = try client(other).request(.submit, body: try Self.body("other", unit: "TQ-HY-MINHHUONG-KDC01"))
        Thread.sleep(forTimeInterval: 0.3)
        _ = try flood.request(.submit, body: try Self.body("later", unit: "TQ-SD-DONGTHO"))
    }

    @Test("intake without keys or --insecure-loopback does not start; --insecure-loopback refuses a public address")
    func plainTCPNeedsTheFlag() throws {
        let system = try TestSystem("security-plain")
        let withoutFlag = try Self.run([
            "--data-directory", system.cluster.root.appendingPathComponent("a").path, "--http", "127.0.0.1:0",
        ])
        #expect(withoutFlag.status != 0 && withoutFlag.output.contains("--insecure-loopback"))
        let publicAddress = try Self.run([
            "--data-directory", system.cluster.root.appendingPathComponent("b").path, "--insecure-loopback",
            "--submissions", "tcp://0.0.0.0:0", "--work", "tcp://127.0.0.1:0", "--publish", "tcp://127.0.0.1:0",
            "--replay", "tcp://127.0.0.1:0", "--registry", TestSystem.registryPath, "--http", "127.0.0.1:0",
        ])
        #expect(publicAddress.status != 0 && publicAddress.output.contains("not a loopback address"))
        let publicLog = try Self.run([
            "--data-directory", system.cluster.root.appendingPathComponent("c").path, "--insecure-loopback",
            "--submissions", "tcp://127.0.0.1:0", "--work", "tcp://127.0.0.1:0", "--publish", "tcp://0.0.0.0:0",
            "--replay", "tcp://127.0.0.1:0", "--registry", TestSystem.registryPath, "--http", "127.0.0.1:0",
        ])
        #expect(publicLog.status != 0 && publicLog.output.contains("not a loopback address"))
    }

    /// Runs `executable` with `arguments` until it exits (it should refuse to start); status and output.
    static func run(_ arguments: [String], executable: String = "antq-intake") throws -> (status: Int32, output: String)
    {
        try TestSystem.run(TestSystem.binDirectory.appendingPathComponent(executable), arguments)
    }
}
