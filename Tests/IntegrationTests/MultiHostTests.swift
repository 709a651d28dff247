import AntqCLI
import Foundation
import Models
import Security
import Testing
import ZeroMQ

/// The system as deployed: two district agency nodes, the province's central services and a client,
/// each on a host of its own (network namespaces), CURVE on every endpoint (decision 0018).
@Suite("multi-host: agency nodes and the province over network namespaces")
struct MultiHostTests {
    @Test(
        "a district's link to the province is down 30 s while it keeps receiving: the central report ends complete, nothing lost, nothing twice",
        .enabled(if: NetworkLab.isAvailable, "needs root and iproute2 to make network namespaces"))
    func linkCut() throws {
        let system = try TestSystem("multihost")
        let lab = try NetworkLab()
        defer {
            system.cluster.stopAll()
            lab.remove()
        }
        for host in ["central", "agency1", "agency2", "client"] { try lab.addHost(host) }
        let wan1 = try lab.connect("central", "agency1")
        let wan2 = try lab.connect("central", "agency2")
        let lan1 = try lab.connect("client", "agency1")
        let lan2 = try lab.connect("client", "agency2")
        let province = try lab.connect("client", "central")

        // One key per service and client; one allowlist for the province, as docs/security.md says.
        let keys = system.cluster.root.appendingPathComponent("keys")
        var pairs: [String: CurveKeyPair] = [:]
        for name in [
            "intake-1", "intake-2", "worker-1", "worker-2", "reporting", "notification", "agency-TQ-SD", "agency-TQ-HY",
            "operator",
        ] {
            pairs[name] = try KeyFile.generate(name: name, directory: keys).pair
        }
        func pair(_ name: String) throws -> CurveKeyPair { try #require(pairs[name]) }
        let allowlist = keys.appendingPathComponent("allowlist.json")
        try SecurityTests.writeAllowlist(
            [
                (try pair("agency-TQ-SD"), "agency", "TQ-SD"), (try pair("agency-TQ-HY"), "agency", "TQ-HY"),
                (try pair("operator"), "operator", nil), (try pair("worker-1"), "evaluation_worker", nil),
                (try pair("worker-2"), "evaluation_worker", nil), (try pair("reporting"), "subscriber", nil),
                (try pair("notification"), "subscriber", nil),
            ], to: allowlist)
        func key(_ name: String) -> String { keys.appendingPathComponent("\(name).key").path }
        func pub(_ name: String) -> String { keys.appendingPathComponent("\(name).pub").path }
        func curve(_ name: String) -> [String] { ["--curve-key", key(name), "--allowlist", allowlist.path] }

        // Each agency host: intake for the district's agencies, a worker beside it, their logs
        // open to the province on the address it reaches them at.
        for (index, wan) in [(1, wan1), (2, wan2)] {
            let host = "agency\(index)"
            system.cluster.networkNamespace = lab.namespace(host)
            let intake = try system.cluster.startIntake(
                nodeID: "intake-\(index)",
                extra: curve("intake-\(index)") + [
                    "--submissions", "tcp://0.0.0.0:7101", "--work", "tcp://127.0.0.1:7102",
                    "--publish", "tcp://0.0.0.0:7103", "--replay", "tcp://0.0.0.0:7104",
                ])
            let address = wan.address(of: host)
            _ = try system.cluster.startWorker(
                id: "worker-\(index)", intake: intake,
                extra: curve("worker-\(index)") + [
                    "--intake-key", pub("intake-\(index)"), "--publish", "tcp://0.0.0.0:7111",
                    "--replay", "tcp://0.0.0.0:7112", "--advertise-publish", "tcp://\(address):7111",
                    "--advertise-replay", "tcp://\(address):7112",
                ])
        }
        // The province: reporting and notification follow both intake nodes by address and key.
        system.cluster.networkNamespace = lab.namespace("central")
        let sources = [(wan1, "agency1", "intake-1"), (wan2, "agency2", "intake-2")].flatMap { wan, host, intake in
            let address = wan.address(of: host)
            return ["--source", "tcp://\(address):7103,tcp://\(address):7104,\(pub(intake))"]
        }
        _ = try system.cluster.startSubscriber(
            "antq-reporting", name: "reporting", following: [],
            extra: curve("reporting") + sources + ["--query", "tcp://0.0.0.0:7301"])
        _ = try system.cluster.startSubscriber(
            "antq-notification", name: "notification", following: [],
            extra: curve("notification") + sources + ["--query", "tcp://0.0.0.0:7201"])
        system.cluster.networkNamespace = nil

        // Submissions for units of each district, in two rounds; the second while agency 1 is cut off.
        var byDistrict: [String: [[UInt8]]] = ["TQ-SD": [], "TQ-HY": []]
        for body in system.bodies(4_000, tag: "mh") {
            guard let unit = TestSystem.units(of: [body]).first, let area = system.registry.area(of: unit),
                byDistrict[area].map({ $0.count < 300 }) == true
            else { continue }
            byDistrict[area, default: []].append(body)
        }
        let sd = try #require(byDistrict["TQ-SD"])
        let hy = try #require(byDistrict["TQ-HY"])
        try #require(sd.count == 300 && hy.count == 300)
        let rounds = [(sd: Array(sd[..<150]), hy: Array(hy[..<150])), (sd: Array(sd[150...]), hy: Array(hy[150...]))]

        let antq = TestSystem.binDirectory.appendingPathComponent("antq")
        func submit(_ bodies: [[UInt8]], to agency: String, as name: String, intakeKey: String, tag: String) throws {
            let directory = system.cluster.root.appendingPathComponent("submit-\(tag)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (index, body) in bodies.enumerated() {
                try Data(body).write(to: directory.appendingPathComponent(String(format: "%04d.json", index)))
            }
            let result = try lab.run(
                in: "client", antq,
                [
                    "submit", directory.path, "--intake", "tcp://\(agency):7101", "--curve-key", key(name),
                    "--server-key", pub(intakeKey), "--timeout", "5",
                ], directory: TestSystem.packageRoot)
            #expect(result.status == 0, "\(result.output.suffix(2000))")
        }
        func submitRound(_ round: Int) throws {
            try submit(
                rounds[round].sd, to: lan1.address(of: "agency1"), as: "agency-TQ-SD", intakeKey: "intake-1",
                tag: "sd\(round)")
            try submit(
                rounds[round].hy, to: lan2.address(of: "agency2"), as: "agency-TQ-HY", intakeKey: "intake-2",
                tag: "hy\(round)")
        }
        // The central report as the province's operator reads it from the client host, over CURVE:
        // submissions received and evaluated, and how far it applied each producer's log.
        var positions: [String: UInt64] = [:]
        func central() throws -> (received: Int, evaluated: Int) {
            var sums = (received: 0, evaluated: 0)
            for period in ["2025", "2025-H1"] {
                let result = try lab.run(
                    in: "client", antq,
                    [
                        "report", period, "--json", "--reporting", "tcp://\(province.address(of: "central")):7301",
                        "--curve-key", key("operator"), "--server-key", pub("reporting"), "--timeout", "2",
                        "--tries", "2",
                    ], directory: TestSystem.packageRoot)
                guard result.status == 0 else { throw NetworkLab.Failure(description: result.output) }
                let report = try JSONCoding.decode(Report.self, from: Array(result.output.utf8))
                for row in report.rows {
                    sums.received += row.received
                    sums.evaluated += row.evaluated
                }
                positions = report.positions
            }
            return sums
        }
        func waitFor(
            _ expected: (received: Int, evaluated: Int), within timeout: Duration
        ) -> (received: Int, evaluated: Int)? {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            var last: (received: Int, evaluated: Int)?
            while clock.now < deadline {
                last = try? central()
                if let last, last == expected { return last }
                Thread.sleep(forTimeInterval: 1)
            }
            return last
        }
        // Every submission received once and evaluated (reports count submissions, not results).
        func expected(_ bodies: [[UInt8]]) -> (received: Int, evaluated: Int) { (bodies.count, bodies.count) }

        try submitRound(0)
        let first = expected(rounds[0].sd + rounds[0].hy)
        let afterFirst = waitFor(first, within: .seconds(40))
        #expect(afterFirst.map { $0 == first } == true, "round 1: \(String(describing: afterFirst)) of \(first)")

        // Agency 1's link to the province goes down; agency 1 keeps receiving from its clients.
        let clock = ContinuousClock()
        let cut = clock.now
        try lab.set(wan1, up: false, at: "agency1")
        try submitRound(1)
        let duringCut = expected(rounds[0].sd + rounds[0].hy + rounds[1].hy)
        let seenDuringCut = waitFor(duringCut, within: .seconds(25))
        #expect(seenDuringCut.map { $0 == duringCut } == true, "during the cut: \(String(describing: seenDuringCut))")
        let remaining = .seconds(30) - (clock.now - cut)
        if remaining > .zero { Thread.sleep(forTimeInterval: Double(remaining.components.seconds) + 0.5) }
        #expect(try central() == duringCut, "agency 1's second round reached the province through a cut link")
        try lab.set(wan1, up: true, at: "agency1")

        // Back up: the province catches up from agency 1's logs, each submission and evaluation once.
        let all = expected(rounds[0].sd + rounds[0].hy + rounds[1].sd + rounds[1].hy)
        let restored = waitFor(all, within: .seconds(120))
        #expect(
            restored.map { $0 == all } == true, "after the link came back: \(String(describing: restored)) of \(all)")
        Thread.sleep(forTimeInterval: 3)
        #expect(try central() == all, "counts moved after completion: something was counted twice")
        // Each worker's log holds one result per criteria set that judges a submission, no more
        // (nothing was evaluated twice), and the province applied all of them.
        let results = try system.expectedEvaluations(of: rounds.flatMap { $0.sd + $0.hy })
        #expect((positions["worker-1"] ?? 0) + (positions["worker-2"] ?? 0) == UInt64(results))
        for service in system.cluster.services { #expect(service.isRunning, "\(service.name) stopped") }
    }
}
