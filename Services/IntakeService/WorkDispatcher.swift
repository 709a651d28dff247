import DequeModule

/// The lease bookkeeping of intake's work endpoint (zguide "Paranoid Pirate"), without sockets.
///
/// Workers announce credit (how many leases they can hold); pending submissions are leased to the
/// worker with the most credit; a lease has a deadline, and a worker that misses heartbeats or says
/// `disconnect` loses its leases. Expired leases go back to the front of the queue for another
/// worker, and their credit back to the worker that held them. Only a worker that was given a lease
/// can acknowledge it.
public struct WorkDispatcher: Sendable {
    /// A worker connection, numbered by the caller (one number per ROUTER peer identity).
    public typealias Peer = Int

    public struct Lease: Sendable, Equatable {
        public let submission: Int64
        public let worker: Peer
        public let deadline: ContinuousClock.Instant
    }

    struct Worker: Sendable {
        var id: String
        var credit: Int
        var expiry: ContinuousClock.Instant
    }

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

    public init(leaseDuration: Duration, workerTimeout: Duration) {
        self.leaseDuration = leaseDuration
        self.workerTimeout = workerTimeout
    }

    public var pendingCount: Int { queue.count }
    public var leasedCount: Int { leases.count }
    public var workerCount: Int { workers.count }

    /// Adds submissions waiting for evaluation, in order.
    public mutating func enqueue(_ submissions: some Sequence<Int64>) {
        for submission in submissions where leases[submission] == nil && queued.insert(submission).inserted {
            queue.append(submission)
        }
    }

    /// A worker said `ready`: it (re)joins with `credit` free slots. Returns whether it is new to this dispatcher.
    @discardableResult
    public mutating func ready(peer: Peer, worker: String, credit: Int, now: ContinuousClock.Instant) -> Bool {
        let isNew = workers[peer] == nil
        workers[peer] = Worker(id: worker, credit: max(0, credit), expiry: now.advanced(by: workerTimeout))
        return isNew
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
        if let lease = leases.removeValue(forKey: submission), lease.worker == peer {
            workers[peer]?.credit += 1
        }
        // Acknowledged after its lease expired and went back to the queue: done all the same.
        if queued.remove(submission) != nil { queue.removeAll { $0 == submission } }
        return .completed
    }

    /// Leases as many queued submissions as workers have credit for.
    public mutating func assign(now: ContinuousClock.Instant) -> [Lease] {
        var assigned: [Lease] = []
        while !queue.isEmpty {
            guard let (peer, worker) = workers.max(by: { $0.value.credit < $1.value.credit }), worker.credit > 0 else {
                break
            }
            let submission = queue.removeFirst()
            queued.remove(submission)
            workers[peer]?.credit -= 1
            let lease = Lease(submission: submission, worker: peer, deadline: now.advanced(by: leaseDuration))
            leases[submission] = lease
            holders[submission, default: []].append(peer)
            assigned.append(lease)
        }
        return assigned
    }

    /// Drops silent workers and requeues their leases and every expired lease, oldest first.
    /// Returns the ids of workers dropped.
    public mutating func expire(now: ContinuousClock.Instant) -> [String] {
        let gone = workers.filter { $0.value.expiry <= now }
        for peer in gone.keys { workers[peer] = nil }
        requeue(leases.values.filter { $0.deadline <= now || gone[$0.worker] != nil })
        return gone.values.map(\.id)
    }

    private mutating func requeue(_ expired: [Lease]) {
        for lease in expired.sorted(by: { $0.submission > $1.submission }) {
            leases[lease.submission] = nil
            // The holder's slot is free again as far as we know; a late ack still counts but adds no credit.
            workers[lease.worker]?.credit += 1
            if queued.insert(lease.submission).inserted { queue.prepend(lease.submission) }
        }
    }
}
