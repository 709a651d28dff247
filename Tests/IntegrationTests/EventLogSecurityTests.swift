import AntqCLI
import Client
import Foundation
import Models
import Security
import Testing
import ZeroMQ

/// CURVE from end to end through real processes (decision 0017): intake and a worker publish their
/// logs to subscribers they know, subscribers answer queries only for whom the key may read.
@Suite("security: CURVE on event logs and queries, real processes")
struct EventLogSecurityTests {
    @Test(
        "subscribers read the logs over CURVE (the worker's with the key intake authenticated); an unknown subscriber gets nothing; queries are answered by role and unit"
    )
    func curveEverywhere() throws {
        let system = try TestSystem("security-logs")
        let keys = system.cluster.root.appendingPathComponent("keys")
        func generate(_ name: String) throws -> CurveKeyPair { try KeyFile.generate(name: name, directory: keys).pair }
        func keyFile(_ name: String) -> String { keys.appendingPathComponent("\(name).key").path }
        let intakeKeys = try generate("intake")
        let commune = try generate("agency-TQ-SD-DONGTHO")
        let operatorKeys = try generate("operator")
        let worker = try generate("worker-1")
        let otherWorker = try generate("worker-2")
        let reporting = try generate("reporting")
        let notification = try generate("notification")
        let rogue = try generate("rogue")
        let allowlist = keys.appendingPathComponent("allowlist.json")
        try SecurityTests.writeAllowlist(
            [
                (commune, "agency", "TQ-SD-DONGTHO"), (operatorKeys, "operator", nil),
                (worker, "evaluation_worker", nil), (otherWorker, "evaluation_worker", nil),
                (reporting, "subscriber", nil), (notification, "subscriber", nil),
            ], to: allowlist)
        func curve(_ name: String) -> [String] { ["--curve-key", keyFile(name), "--allowlist", allowlist.path] }
        let intakePub = keys.appendingPathComponent("intake.pub").path

        let intake = try system.cluster.startIntake(extra: curve("intake"))
        let firstWorker = try system.cluster.startWorker(
            id: "worker-1", intake: intake, extra: curve("worker-1") + ["--intake-key", intakePub])
        let central = try system.cluster.startSubscriber(
            "antq-reporting", name: "reporting", following: [intake], intakeKey: intakePub, extra: curve("reporting"))
        let notices = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [intake], intakeKey: intakePub,
            extra: curve("notification"))
        // A subscriber whose key nobody listed, and one on plain TCP: both run, neither reads a thing.
        let stranger = try system.cluster.startSubscriber(
            "antq-reporting", name: "reporting-rogue", following: [intake], intakeKey: intakePub,
            extra: curve("rogue"))
        let plain = try system.cluster.startSubscriber("antq-reporting", name: "reporting-plain", following: [intake])

        func client(
            _ service: ManagedService, _ endpoint: String, as pair: CurveKeyPair, server: CurveKeyPair
        )
            throws -> RequestClient
        {
            try RequestClient(
                context: system.context, endpoint: try #require(service.endpoints[endpoint]), timeout: .seconds(2),
                tries: 2, curve: CurveClient(keys: pair, serverKey: server.publicKey))
        }
        func forbidden(_ body: () throws -> Void) -> WireError? {
            do {
                try body()
                return nil
            } catch ClientError.refused(let error) {
                return error
            } catch {
                return nil
            }
        }

        let submissions = try client(intake, "submissions", as: commune, server: intakeKeys)
        for index in 0..<3 {
            _ = try submissions.request(
                .submit, body: try SecurityTests.body("logs\(index)", unit: "TQ-SD-DONGTHO-KDC01"))
        }

        // The province's operator reads the report: intake's log (received) and the worker's
        // (evaluated), both read over CURVE, the worker's learnt from intake's announcement.
        let operatorReports = try client(central, "query", as: operatorKeys, server: reporting)
        func received(_ reports: RequestClient) throws -> (received: Int, evaluated: Int) {
            let reply = try reports.request(.report, body: JSONCoding.encode(ReportRequest(period: "2025")))
            let rows = try JSONCoding.decode(Report.self, from: reply.body).rows
            return (rows.reduce(0) { $0 + $1.received }, rows.reduce(0) { $0 + $1.evaluated })
        }
        #expect(
            try system.waitUntil(.seconds(60)) {
                let counts = try received(operatorReports)
                return counts.received == 3 && counts.evaluated == 3
            })

        // An agency reads its own units' results, not another district's, and not the whole report.
        let communeReports = try client(central, "query", as: commune, server: reporting)
        let own = try communeReports.request(
            .results, body: JSONCoding.encode(UnitResultsRequest(unit: "TQ-SD-DONGTHO-KDC01", period: "2025")))
        #expect(!(try JSONCoding.decode(UnitResults.self, from: own.body).evaluations.isEmpty))
        let elsewhere = forbidden {
            _ = try communeReports.request(
                .results, body: JSONCoding.encode(UnitResultsRequest(unit: "TQ-HY-MINHHUONG-KDC01", period: "2025")))
        }
        #expect(elsewhere?.code == .forbidden && elsewhere?.message.contains("does not report for") == true)
        let report = forbidden {
            _ = try communeReports.request(.report, body: JSONCoding.encode(ReportRequest(period: "2025")))
        }
        #expect(report?.code == .forbidden && report?.message.contains("only an operator") == true)
        // A key nobody listed gets no answer from the query endpoint (the handshake is refused).
        #expect(throws: ClientError.self) {
            try client(central, "query", as: rogue, server: reporting).request(
                .report, body: JSONCoding.encode(ReportRequest(period: "2025")))
        }

        // Notification: an agency reads its own inbox, not another's; the delivery queue is the operator's.
        let communeNotices = try client(notices, "query", as: commune, server: notification)
        #expect(
            system.waitUntil(.seconds(30)) {
                let reply = try? communeNotices.request(
                    .inbox, body: JSONCoding.encode(InboxRequest(unit: "TQ-SD-DONGTHO-KDC01")))
                let inbox = reply.flatMap { try? JSONCoding.decode(Inbox.self, from: $0.body) }
                return inbox?.notices.contains { $0.key.hasPrefix("result:") } == true
            })
        let otherInbox = forbidden {
            _ = try communeNotices.request(
                .inbox, body: JSONCoding.encode(InboxRequest(unit: "TQ-HY-MINHHUONG-KDC01")))
        }
        #expect(otherInbox?.code == .forbidden)
        let deliveries = DeliveriesRequest(channel: nil, state: "dead", retry: nil, keys: nil)
        #expect(
            forbidden { _ = try communeNotices.request(.deliveries, body: JSONCoding.encode(deliveries)) }?.code
                == .forbidden)
        _ = try client(notices, "query", as: operatorKeys, server: notification).request(
            .deliveries, body: JSONCoding.encode(deliveries))

        // Another worker key may not take worker-1's id (and so its log) while worker-1's key is
        // listed, even with worker-1 stopped.
        #expect(try firstWorker.terminate() == 0)
        _ = try system.cluster.startWorker(
            id: "worker-impostor", intake: intake,
            extra: curve("worker-2") + ["--intake-key", intakePub, "--worker-id", "worker-1"])
        #expect(
            system.waitUntil(.seconds(20)) {
                let log =
                    (try? String(
                        contentsOf: system.cluster.root.appendingPathComponent("intake-1.log"), encoding: .utf8)) ?? ""
                return log.contains("worker id worker-1 belongs to key \(worker.publicKey)")
            })

        // The rogue subscriber and the plain one read nothing, and intake logged the unknown key.
        let rogueReports = try client(stranger, "query", as: operatorKeys, server: rogue)
        #expect(try received(rogueReports).received == 0)
        #expect(try received(try system.client(plain, "query")).received == 0)
        let log = try String(contentsOf: system.cluster.root.appendingPathComponent("intake-1.log"), encoding: .utf8)
        #expect(log.contains("key not in the allowlist") && log.contains(rogue.publicKey))
        // The worker's announcement carried the key intake authenticated it with.
        let reportingLog = try String(
            contentsOf: system.cluster.root.appendingPathComponent("reporting.log"), encoding: .utf8)
        #expect(reportingLog.contains("following producer endpoints"))
        #expect(!reportingLog.contains("cannot follow"))
    }

    @Test("a subscriber refuses at start a source that does not fit its keys, saying why")
    func sourcesMustFitTheKeys() throws {
        let system = try TestSystem("security-sources")
        let keys = system.cluster.root.appendingPathComponent("keys")
        let intakeKeys = try KeyFile.generate(name: "intake", directory: keys).pair
        _ = try KeyFile.generate(name: "reporting", directory: keys)
        let allowlist = keys.appendingPathComponent("allowlist.json")
        try SecurityTests.writeAllowlist([(intakeKeys, "intake_node", nil)], to: allowlist)
        let source = "tcp://127.0.0.1:7103,tcp://127.0.0.1:7104"
        // With keys, a source without the producer's key; without keys, one with a key or off loopback.
        let cases: [(arguments: [String], message: String)] = [
            (
                [
                    "--curve-key", keys.appendingPathComponent("reporting.key").path, "--allowlist", allowlist.path,
                    "--source", source,
                ],
                "public key is missing"
            ),
            (["--insecure-loopback", "--source", "\(source),\(intakeKeys.publicKey)"], "has no key"),
            (
                ["--insecure-loopback", "--source", "tcp://10.1.2.3:7103,tcp://10.1.2.3:7104"],
                "loopback endpoints only"
            ),
        ]
        for (index, example) in cases.enumerated() {
            let result = try SecurityTests.run(
                [
                    "--data-directory", system.cluster.root.appendingPathComponent("r\(index)").path, "--registry",
                    TestSystem.registryPath, "--query", "tcp://127.0.0.1:0", "--http", "127.0.0.1:0",
                ] + example.arguments, executable: "antq-reporting")
            #expect(result.status != 0 && result.output.contains(example.message), "\(result.output)")
        }
    }
}
