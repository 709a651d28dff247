import AntqCLI
import Foundation
import Models
import Testing

/// `/health` and `/metrics` on every service, read from the real processes (decision 0018).
@Suite("operations: /health and /metrics on every service, real processes")
struct OperationsTests {
    /// The value of the sample `name{labels}` in a Prometheus text, `nil` when absent.
    static func sample(_ text: String, _ name: String, _ labels: String = "") -> Double? {
        let prefix = labels.isEmpty ? "\(name) " : "\(name){\(labels)} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            Double($0.dropFirst(prefix.count))
        }
    }

    @Test(
        "each service is healthy and counts what went through it: received, evaluated, log sequences, lag, deliveries")
    func healthAndMetrics() async throws {
        let system = try TestSystem("operations")
        let intake = try system.cluster.startIntake()
        let worker = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])
        let bodies = system.bodies(40, tag: "ops")
        let client = try system.client(intake, "submissions")
        for body in bodies { _ = try client.request(.submit, body: body) }
        let results = try system.expectedEvaluations(of: bodies)

        func metrics(_ service: ManagedService) throws -> String {
            String(decoding: try httpGetSync(try #require(service.endpoints["http"]) + "/metrics"), as: UTF8.self)
        }
        // Everything evaluated, and both subscribers caught up with both logs (lag 0).
        #expect(
            try system.waitUntil(.seconds(60)) {
                let evaluated = Self.sample(try metrics(intake), "antq_intake_submissions_evaluated_total")
                let lag = [reporting, notification].compactMap { service in
                    try? Self.sample(
                        metrics(service), "antq_subscriber_lag", "producer=\"worker-1\",service=\"\(service.name)\"")
                }
                let applied = try Self.sample(
                    metrics(notification), "antq_subscriber_applied_sequence",
                    "producer=\"worker-1\",service=\"notification\"")
                // Each loop publishes every second: wait for the last figures of every service.
                let reportingIntake = try Self.sample(
                    metrics(reporting), "antq_subscriber_applied_sequence",
                    "producer=\"intake-1\",service=\"reporting\"")
                let workerResults = try Self.sample(metrics(worker), "antq_evaluation_results_total")
                let intakeLog = try Self.sample(metrics(intake), "antq_event_log_sequence", "producer=\"intake-1\"")
                return evaluated == 40 && lag == [0, 0] && applied == Double(results) && reportingIntake == 41
                    && workerResults == Double(results) && intakeLog == 41
            })

        let intakeMetrics = try metrics(intake)
        #expect(Self.sample(intakeMetrics, "antq_intake_submissions_accepted_total") == 40)
        #expect(Self.sample(intakeMetrics, "antq_intake_queue") == 0)
        #expect(Self.sample(intakeMetrics, "antq_intake_workers") == 1)
        #expect(Self.sample(intakeMetrics, "antq_intake_lease_expiries_total") == 0)
        // Intake's log: each submission received, and the worker's announcement.
        #expect(Self.sample(intakeMetrics, "antq_event_log_sequence", "producer=\"intake-1\"") == 41)
        let workerMetrics = try metrics(worker)
        #expect(Self.sample(workerMetrics, "antq_evaluation_results_total") == Double(results))
        #expect(Self.sample(workerMetrics, "antq_event_log_sequence", "producer=\"worker-1\"") == Double(results))
        let reportingMetrics = try metrics(reporting)
        #expect(
            Self.sample(
                reportingMetrics, "antq_subscriber_applied_sequence", "producer=\"intake-1\",service=\"reporting\"")
                == 41)
        #expect(Self.sample(reportingMetrics, "antq_reporting_submissions") == 40)
        // Notification reads its own figures from its store every 10 seconds.
        #expect(
            try system.waitUntil(.seconds(30)) {
                (Self.sample(try metrics(notification), "antq_notification_notices") ?? 0) >= Double(results)
            })
        #expect(Self.sample(try metrics(notification), "antq_notification_deliveries", "state=\"dead\"") == 0)
        #expect(
            Self.sample(
                try metrics(notification), "antq_subscriber_silence_seconds",
                "producer=\"intake-1\",service=\"notification\""
            ).map { $0 < 5 } == true)

        for service in [intake, worker, reporting, notification] {
            let health = try await httpGet(try #require(service.endpoints["http"]) + "/health")
            #expect(health.status == 200, "\(service.name)")
            let status = try JSONSerialization.jsonObject(with: health.body) as? [String: Any]
            #expect(status?["status"] as? String == "ok", "\(service.name): \(String(describing: status))")
        }
    }
}
