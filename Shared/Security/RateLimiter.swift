/// A token bucket per sender (an agency's identity): `rate` requests a second on average, bursts
/// up to `burst`. A request over the limit is told how long to wait (decision 0017).
public struct RateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    /// - Parameters:
    ///   - rate: requests per second each sender may make on average (above 0).
    ///   - burst: requests a sender may make at once after a quiet spell (at least 1).
    public init(rate: Double, burst: Double) {
        self.rate = max(rate, 0.001)
        self.burst = max(burst, 1)
    }

    /// The limiter for a `--rate-limit N` flag: N requests a second, bursts of 10×N; `nil` for 0.
    public static func perSecond(_ rate: Double) -> RateLimiter? {
        rate > 0 ? RateLimiter(rate: rate, burst: rate * 10) : nil
    }

    /// Takes a token for `sender`: `nil` when the request may go ahead, else how long until it may.
    public mutating func admit(_ sender: String, now: ContinuousClock.Instant) -> Duration? {
        var bucket = buckets[sender] ?? (burst, now)
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * rate)
        bucket.at = now
        defer { buckets[sender] = bucket }
        guard bucket.tokens >= 1 else {
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
        bucket.tokens -= 1
        // Senders whose bucket has refilled are forgotten, so the table holds only recent senders.
        if buckets.count > 10_000 {
            let rate = rate
            let burst = burst
            buckets = buckets.filter { _, bucket in
                let idle = now - bucket.at
                return bucket.tokens + Double(idle.components.seconds) * rate < burst
            }
        }
        return nil
    }
}
