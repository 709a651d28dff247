import DequeModule

/// The lease bookkeeping of intake's work endpoint (zguide "Paranoid Pirate"), without sockets.
///
/// Workers announce credit (how many leases they can hold at once); pending submissions are leased
/// to the worker with the most free slots (credit minus leases it holds); a lease has a deadline,
/// and a worker that misses heartbeats or says `disconnect` loses its leases. Expired leases go back
/// to the front of the queue for another worker. Only a worker that was given a lease can
/// acknowledge it; the first acknowledgement frees the slot of whoever holds the lease then.
public struct WorkDispatcher: Sendable {
    /// A worker connection, numbered by the caller (one number per ROUTER peer identity).
    public typealias Peer = Int

    /// A submission leased to a worker until a deadline.
    public struct Lease: Sendable, Equatable {
        /// Intake's row id of the submission version: the lease id on the wire.
        public let submission: Int64
        public let worker: Peer
        /// When the lease goes back to the queue if not acknowledged.
        public let deadline: ContinuousClock.Instant
    }

    struct Worker: Sendable {
        var id: String
        /// Leases it can hold at once, as it announced (clamped to ``maximumCredit``).
        var credit: Int
        /// Leases it holds now.
        var holding: Int
        var expiry: ContinuousClock.Instant

        var free: Int { credit - holding }
    }

    /// The most leases one worker may hold, whatever it announces.
    public static let maximumCredit = 10_000

    /// What an acknowledgement meant.
    public enum Acknowledgement: Sendable, Equatable {
        /// The first acknowledgement of a submission by a worker that was leased it: record it.
        case completed
        /// The peer holds no lease on this submission (never had one, or it was already acknowledged).
        case refused
    }

    /// How long a worker may hold a lease before it goes to another worker.
    public let leaseDuration: Duration
    /// How long a worker may stay silent before it counts as gone.
    public let workerTimeout: Duration

    private(set) var workers: [Peer: Worker] = [:]
    private var queue: Deque<Int64> = []
    private var queued: Set<Int64> = []
    private(set) var leases: [Int64: Lease] = [:]
    /// Every peer a not-yet-acknowledged submission was leased to (a late ack from an earlier holder counts).
    private var holders: [Int64: [Peer]] = [:]

    /// A dispatcher with no workers and nothing queued.
    public init(leaseDuration: Duration, workerTimeout: Duration) {
        self.leaseDuration = leaseDuration
        self.workerTimeout = workerTimeout
    }

    /// Submissions waiting for a worker.
    public var pendingCount: Int { queue.count }
    /// Submissions leased and not yet acknowledged.
    public var leasedCount: Int { leases.count }
    /// Leases taken back since start because they ran out or their worker went silent.
    public private(set) var expiredCount = 0
    /// Workers heard from within the worker timeout.
    public var workerCount: Int { workers.count }

    /// Adds submissions waiting for evaluation, in order.
    public mutating func enqueue(_ submissions: some Sequence<Int64>) {
        for submission in submissions where leases[submission] == nil && queued.insert(submission).inserted {
            queue.append(submission)
        }
    }

    /// A worker said `ready`: it (re)joins, able to hold `credit` leases at once.
    public mutating func ready(peer: Peer, worker: String, credit: Int, now: ContinuousClock.Instant) {
        let holding = workers[peer]?.holding ?? 0
        workers[peer] = Worker(
            id: worker, credit: min(max(0, credit), Self.maximumCredit), holding: holding,
            expiry: now.advanced(by: workerTimeout)
        )
    }

    /// The live connection of the worker with this id, if any.
    public func peer(ofWorker id: String) -> Peer? {
        workers.first { $0.value.id == id }?.key
    }

    /// Any message from a worker proves it alive. Returns `false` for a peer that never said `ready`.
    public mutating func heard(from peer: Peer, now: ContinuousClock.Instant) -> Bool {
        guard workers[peer] != nil else { return false }
        workers[peer]?.expiry = now.advanced(by: workerTimeout)
        return true
    }

    /// A worker is leaving: its leases go back to the queue now rather than after its timeout.
    public mutating func leave(peer: Peer) {
        guard workers.removeValue(forKey: peer) != nil else { return }
        requeue(leases.values.filter { $0.worker == peer })
    }

    /// A worker acknowledged `submission` after storing its result.
    public mutating func acknowledged(_ submission: Int64, by peer: Peer) -> Acknowledgement {
        guard holders[submission]?.contains(peer) == true else { return .refused }
        holders[submission] = nil
        if let lease = leases.removeValue(forKey: submission) { release(lease) }
        // Acknowledged after its lease expired and went back to the queue: done all the same (its
        // queue entry is skipped when reached).
        queued.remove(submission)
        return .completed
    }

    /// Leases as many queued submissions as workers have credit for.
    public mutating func assign(now: ContinuousClock.Instant) -> [Lease] {
        var assigned: [Lease] = []
        while !queue.isEmpty {
            guard let (peer, worker) = workers.max(by: { $0.value.free < $1.value.free }), worker.free > 0 else {
                break
            }
            let submission = queue.removeFirst()
            // Skip entries whose submission was acknowledged while queued.
            guard queued.remove(submission) != nil else { continue }
            workers[peer]?.holding += 1
            let lease = Lease(submission: submission, worker: peer, deadline: now.advanced(by: leaseDuration))
            leases[submission] = lease
            holders[submission, default: []].append(peer)
            assigned.append(lease)
        }
        return assigned
    }

    /// A lease that could not be sent (the worker's pipe is full): back to the front of the queue.
    public mutating func undeliverable(_ lease: Lease) {
        guard leases[lease.submission] == lease else { return }
        holders[lease.submission]?.removeAll { $0 == lease.worker }
        requeue([lease])
    }

    /// Drops silent workers and requeues their leases and every expired lease, oldest first.
    /// Returns the workers dropped.
    public mutating func expire(now: ContinuousClock.Instant) -> [(peer: Peer, id: String)] {
        let gone = workers.filter { $0.value.expiry <= now }
        for peer in gone.keys { workers[peer] = nil }
        let expired = leases.values.filter { $0.deadline <= now || gone[$0.worker] != nil }
        expiredCount += expired.count
        requeue(expired)
        return gone.map { ($0.key, $0.value.id) }
    }

    /// The lease's holder has one slot free again.
    private mutating func release(_ lease: Lease) {
        if let holding = workers[lease.worker]?.holding { workers[lease.worker]?.holding = max(0, holding - 1) }
    }

    private mutating func requeue(_ expired: [Lease]) {
        for lease in expired.sorted(by: { $0.submission > $1.submission }) {
            leases[lease.submission] = nil
            release(lease)
            if queued.insert(lease.submission).inserted { queue.prepend(lease.submission) }
        }
    }
}
