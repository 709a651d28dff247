import EventLog
import Foundation
import GRDB
import Logging
import Models
import Security
import ServiceKit
import Store
import ZeroMQ

/// An intake node at work: its sockets, store and lease bookkeeping, all owned by one thread.
///
/// - Submissions: a ROUTER where `submit` requests are drained in batches, checked, committed in
///   one transaction with their events (group commit), and only then answered.
/// - Work: a ROUTER where evaluation workers say `ready`, get `lease`s and send `ack`s.
/// - Event log: PUB plus replay ROUTER (``EventLogEndpoints``).
///
/// The submissions endpoint is in `IntakeNode+Submissions.swift`, the work endpoint in
/// `IntakeNode+Work.swift`. Their state is module-internal only so those files can share it; nothing
/// outside the node touches it.
final class IntakeNode {
    let configuration: IntakeConfiguration
    let store: IntakeStore
    var validator: SubmissionValidator
    /// Who sent each request on the submissions endpoint, and each agency's share of it.
    var gate: RequestGate
    /// Who sent each message on the work endpoint (a listed worker key, with CURVE).
    var workGate: RequestGate
    /// Refusals recorded per sender in the current minute (the audit keeps at most 60 of them).
    var refusalsThisMinute: [String: (minute: Int, count: Int)] = [:]
    let submissions: Socket
    let work: Socket
    let events: EventLogEndpoints
    var dispatcher: WorkDispatcher
    /// Worker connections by ROUTER identity, numbered for the dispatcher, and back.
    var peerNumbers: [[UInt8]: WorkDispatcher.Peer] = [:]
    var peerIdentities: [WorkDispatcher.Peer: [UInt8]] = [:]
    var nextPeerNumber = 0
    /// Lease payloads of recently accepted submissions, so leasing them needs no read; bounded, and
    /// anything not here is read from the store when leased (a backlog with no workers stays on disk).
    var payloads: [Int64: IntakeStore.LeasePayload] = [:]
    /// Signed-off (unit, year) keys, as in `period_lock` (this thread is its only writer), so a
    /// submission is checked without a query.
    var lockedYears: Set<String> = []
    /// The submission kinds whose leases each worker connection wants with a dossier.
    var dossierKinds: [WorkDispatcher.Peer: Set<SubmissionKind>] = [:]
    static let maximumCachedPayloads = 20_000
    /// Each worker's log as last announced: its endpoints and the key it was authenticated with.
    var announced: [String: ProducerAnnouncement] = [:]
    /// Stored submission versions and how many of them a worker acknowledged (kept in memory for `stats`).
    var acceptedCount = 0
    var evaluatedCount = 0
    /// Since start, for /metrics: submissions rejected and requests refused for who sent them.
    var rejectedTotal = 0
    var refusedTotal = 0
    /// Submissions workers acknowledged, not yet marked evaluated in the store.
    var unrecordedAcks: [Int64] = []
    let logger: Logger
    let clock = ContinuousClock()

    /// The ZAP handler that admitted authenticated peers (`nil` on plain TCP): only its tag makes a
    /// `User-Id` trusted.
    let zap: ZAPHandler?

    init(configuration: IntakeConfiguration, context: Context, zap: ZAPHandler? = nil, logger: Logger) throws {
        self.configuration = configuration
        self.zap = zap
        self.logger = logger
        gate = RequestGate(security: configuration.security, limiter: configuration.rateLimit)
        workGate = RequestGate(security: configuration.security, limiter: nil)
        store = try IntakeStore(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("intake.sqlite").path,
            nodeID: configuration.nodeID
        )
        validator = SubmissionValidator(registry: configuration.registry, currentYear: Self.currentYear(configuration))
        dispatcher = WorkDispatcher(
            leaseDuration: configuration.leaseDuration, workerTimeout: configuration.workerTimeout)

        submissions = try context.socket(.router)
        try submissions.set([
            .linger(milliseconds: 2000), .maxMessageSize(configuration.maximumMessageSize),
            .receiveHighWaterMark(50_000), .sendHighWaterMark(50_000),
        ])
        submissions.maximumFrames = 16
        try configuration.security.protect(
            submissions, endpoint: configuration.submissionsEndpoint, name: "submissions")
        try submissions.bind(configuration.submissionsEndpoint)
        work = try context.socket(.router)
        try work.set([
            .linger(milliseconds: 2000), .maxMessageSize(1024 * 1024), .routerMandatory(true),
            .sendHighWaterMark(Int32(WorkDispatcher.maximumCredit) + 1000),
        ])
        work.maximumFrames = 16
        try configuration.security.protect(work, endpoint: configuration.workEndpoint, name: "work")
        try work.bind(configuration.workEndpoint)
        events = try EventLogEndpoints(
            log: store.log, database: store.database, context: context,
            publish: configuration.publishEndpoint, replay: configuration.replayEndpoint,
            security: configuration.security, zap: zap, logger: logger
        )
        let (unevaluated, workers, accepted, locks) = try store.database.read { db in
            (
                try store.unevaluated(db), try Row.fetchAll(db, sql: "SELECT * FROM worker"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? 0, try store.locks(db)
            )
        }
        lockedYears = locks
        acceptedCount = accepted
        evaluatedCount = accepted - unevaluated.filter { $0 > 0 }.count
        dispatcher.enqueue(unevaluated)
        for row in workers {
            let id: String = row["id"]
            announced[id] = ProducerAnnouncement(
                producer: id, publish: row["publish_endpoint"], replay: row["replay_endpoint"],
                curvePublicKey: row["curve_public_key"])
        }
        let submissionsBound = try submissions.lastEndpoint()
        let workBound = try work.lastEndpoint()
        try EndpointsFile.merge(
            [
                "submissions": submissionsBound, "work": workBound,
                "publish": events.publishEndpoint, "replay": events.replayEndpoint,
            ], dataDirectory: configuration.dataDirectory)
        logger.info(
            "intake node ready",
            metadata: [
                "node": "\(configuration.nodeID)", "submissions": "\(submissionsBound)", "work": "\(workBound)",
                "publish": "\(events.publishEndpoint)", "replay": "\(events.replayEndpoint)",
                "unevaluated": "\(unevaluated.count)",
            ])
    }

    /// Tells /health and /metrics how the node is doing.
    func publishFigures() {
        guard let figures = configuration.figures else { return }
        figures.publish([
            .counter(
                "antq_intake_submissions_accepted_total", "Submission versions stored.", acceptedCount),
            .counter(
                "antq_intake_submissions_evaluated_total", "Stored submission versions a worker acknowledged.",
                evaluatedCount),
            .counter("antq_intake_submissions_rejected_total", "Submissions rejected since start.", rejectedTotal),
            .counter(
                "antq_intake_refusals_total", "Requests refused since start for who sent them (forbidden).",
                refusedTotal),
            .gauge("antq_intake_queue", "Submissions waiting for a worker.", dispatcher.pendingCount),
            .gauge("antq_intake_leases_held", "Leases workers hold now.", dispatcher.leasedCount),
            .counter(
                "antq_intake_lease_expiries_total",
                "Leases taken back since start (ran out, or the worker went silent).",
                dispatcher.expiredCount),
            .gauge("antq_intake_workers", "Evaluation workers connected.", dispatcher.workerCount),
            .gauge(
                "antq_event_log_sequence", "Last sequence of the service's event log.", Int(events.lastSequence),
                labels: ["producer": configuration.nodeID]),
        ])
    }

    /// Serves until `stop` is raised, then closes its sockets (replies already queued linger).
    func run(until stop: StopSignal) throws {
        let reactor = Reactor(stop: stop)
        reactor.add(submissions) { [unowned self] _ in try self.receiveSubmissions() }
        reactor.add(work) { [unowned self] _ in try self.receiveWork() }
        events.register(in: reactor)
        reactor.every(.milliseconds(250)) { [unowned self] in try self.expireLeases() }
        reactor.every(.seconds(1)) { [unowned self] in try self.heartbeatWorkers() }
        reactor.every(.milliseconds(100)) { [unowned self] in try self.recordAcks() }
        reactor.every(.seconds(1)) { [unowned self] in self.publishFigures() }
        publishFigures()
        defer {
            submissions.close()
            work.close()
            events.close()
        }
        try reactor.run()
        try recordAcks()
        logger.info(
            "intake node stopping",
            metadata: ["leased": "\(dispatcher.leasedCount)", "pending": "\(dispatcher.pendingCount)"])
    }
}
