import Client
import Foundation
import Synchronization
import ZeroMQ

/// Synthetic load for the benchmarks: submissions sent by several clients at once, each on its own
/// thread with its own socket, pipelined (`window` in flight), optionally paced to an offered rate.
/// Also the load of the scaling tests.
public enum SubmissionLoad {
    /// What the clients got back.
    public struct Outcome: Sendable {
        /// Time from sending to the receipt, per accepted submission.
        public var latencies: [Duration] = []
        public var accepted = 0
        public var failed = 0
    }

    /// Sends `bodies` to intake's submissions `endpoint` and waits for every answer.
    public static func send(
        _ bodies: [[UInt8]], to endpoint: String, context: Context, clients: Int, window: Int, rate: Int
    ) throws -> Outcome {
        let shares = (0..<clients).map { client in
            stride(from: client, to: bodies.count, by: clients).map { bodies[$0] }
        }
        let results = Mutex(Outcome())
        let clock = ContinuousClock()
        let start = clock.now
        let perClientRate = Double(rate) / Double(clients)
        let threads = shares.map { share in
            Thread {
                do {
                    let client = try RequestClient(
                        context: context, endpoint: endpoint, timeout: .seconds(5), tries: 10)
                    let schedule =
                        perClientRate > 0
                        ? share.indices.map { start.advanced(by: .seconds(Double($0) / perClientRate)) } : nil
                    let (outcomes, timings) = try client.submitAll(share, window: window, schedule: schedule)
                    let accepted = outcomes.filter { if case .receipt = $0 { true } else { false } }.count
                    results.withLock {
                        $0.latencies += timings.compactMap { $0?.latency }
                        $0.accepted += accepted
                        $0.failed += outcomes.count - accepted
                    }
                } catch {
                    results.withLock { $0.failed += share.count }
                }
            }
        }
        for thread in threads { thread.start() }
        while results.withLock({ $0.accepted + $0.failed }) < bodies.count {
            Thread.sleep(forTimeInterval: 0.005)
        }
        return results.withLock { $0 }
    }

    /// The `p` quantile (0…1) of sorted durations, in seconds; 0 when there are none.
    static func percentile(_ sorted: [Duration], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return sorted[max(0, index)].seconds
    }

    /// The benchmark's last line: one JSON object, whole numbers printed as integers.
    static func figuresLine(_ figures: [String: Double]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(
            decoding: try encoder.encode(
                figures.mapValues { $0 == $0.rounded() ? JSONNumber.integer(Int($0)) : .real($0) }), as: UTF8.self)
    }
}

/// A number printed as an integer when whole.
private enum JSONNumber: Encodable {
    case integer(Int)
    case real(Double)
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .real(let value): try container.encode(value)
        }
    }
}
