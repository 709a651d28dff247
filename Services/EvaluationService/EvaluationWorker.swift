import Criteria
import EventLog
import Foundation
import GRDB
import Logging
import Models
import ServiceKit
import Store
import ZeroMQ

/// An evaluation worker at work (zguide "Paranoid Pirate" worker): asks intake for leases,
/// evaluates them, stores each result with its `submission.evaluated` event, then acknowledges.
///
/// Owns, on one thread: a DEALER to intake, and its event log's PUB and replay ROUTER.
final class EvaluationWorker {
    private let configuration: EvaluationConfiguration
    private let context: Context
    private let database: DatabasePool
    private let log: EventLog
    private let evaluator: Evaluator
    private let events: EventLogEndpoints
    private var intake: Socket
    private var reactor: Reactor?
    private var lastHeardFromIntake: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private let logger: Logger
    private let ready: WorkerReady
    /// Since start, for /metrics: results stored, and leases that could not be read.
    private var resultsTotal = 0
    private var badLeasesTotal = 0

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("evaluation.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE evaluation (
                        submission_key TEXT NOT NULL,
                        criteria_set TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        result BLOB NOT NULL,
                        evaluated_at TEXT NOT NULL,
                        PRIMARY KEY (submission_key, criteria_set)
                    );
                    """)
        }
        migrator.registerMigration("evaluation.v2-index") { db in
            // Results live once, as `submission.evaluated` events in the log (same transaction); this
            // table only says which (submission, set version) is done and where its event is.
            try db.execute(
                sql: """
                    CREATE TABLE evaluation_index (
                        submission_key TEXT NOT NULL,
                        criteria_set TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        evaluated_at TEXT NOT NULL,
                        event_sequence INTEGER,
                        PRIMARY KEY (submission_key, criteria_set)
                    );
                    INSERT INTO evaluation_index (submission_key, criteria_set, outcome, evaluated_at)
                        SELECT submission_key, criteria_set, outcome, evaluated_at FROM evaluation;
                    DROP TABLE evaluation;
                    ALTER TABLE evaluation_index RENAME TO evaluation;
                    """)
        }
        EventLog.registerMigrations(in: &migrator)
        return migrator
    }

    init(configuration: EvaluationConfiguration, context: Context, zap: ZAPHandler?, logger: Logger) throws {
        self.configuration = configuration
        self.context = context
        self.logger = logger
        database = try StoreDatabase.open(
            path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("evaluation.sqlite").path,
            migrator: Self.migrator
        )
        log = EventLog(producer: configuration.workerID)
        try log.claim(database)
        evaluator = Evaluator(catalog: configuration.catalog, worker: configuration.workerID)
        events = try EventLogEndpoints(
            log: log, database: database, context: context,
            publish: configuration.publishEndpoint, replay: configuration.replayEndpoint,
            security: configuration.security, zap: zap, logger: logger
        )
        // Sets that read several kinds judge a unit's whole year: ask for the dossier with those kinds.
        let dossierKinds = Set(
            configuration.catalog.sets.filter { $0.submissionKinds.count > 1 }.flatMap(\.submissionKinds))
        ready = WorkerReady(
            worker: configuration.workerID, credit: configuration.capacity,
            publish: configuration.advertisedPublish ?? events.publishEndpoint,
            replay: configuration.advertisedReplay ?? events.replayEndpoint,
            dossierKinds: dossierKinds.isEmpty ? nil : dossierKinds.sorted { $0.rawValue < $1.rawValue }
        )
        intake = try Self.connect(context: context, configuration: configuration)
        lastHeardFromIntake = clock.now
        try EndpointsFile.merge(
            ["publish": events.publishEndpoint, "replay": events.replayEndpoint],
            dataDirectory: configuration.dataDirectory
        )
        logger.info(
            "evaluation worker ready",
            metadata: [
                "worker": "\(configuration.workerID)", "intake": "\(configuration.intakeEndpoint)",
                "publish": "\(events.publishEndpoint)", "replay": "\(events.replayEndpoint)",
            ])
    }

    private static func connect(context: Context, configuration: EvaluationConfiguration) throws -> Socket {
        let socket = try context.socket(.dealer)
        try socket.set(
            [.linger(milliseconds: 2000), .maxMessageSize(4 * 1024 * 1024), .receiveHighWaterMark(10_000)]
                + SocketOption.linkHeartbeats)
        if let curve = configuration.intakeCurve { try socket.set(curve.options) }
        try socket.connect(configuration.intakeEndpoint)
        return socket
    }

    func run(until stop: StopSignal) throws {
        let reactor = Reactor(stop: stop)
        self.reactor = reactor
        reactor.add(intake) { [unowned self] socket in try self.receiveLeases(socket) }
        events.register(in: reactor)
        reactor.every(.seconds(1)) { [unowned self] in
            try self.heartbeat()
            self.publishFigures()
        }
        publishFigures()
        defer {
            intake.close()
            events.close()
        }
        try sendReady()
        try reactor.run()
        // Leases already handled were stored and acknowledged; say goodbye so intake gives the ones
        // still queued on this socket (never read, so never evaluated) to other workers at once.
        try intake.send(Envelope(type: .disconnect).frames, dontWait: true)
        logger.info("evaluation worker stopping", metadata: ["worker": "\(configuration.workerID)"])
    }

    /// Tells /health and /metrics how the worker is doing.
    private func publishFigures() {
        guard let figures = configuration.figures else { return }
        let silence = clock.now - lastHeardFromIntake
        figures.publish([
            .counter("antq_evaluation_results_total", "Results stored and published since start.", resultsTotal),
            .counter("antq_evaluation_bad_leases_total", "Leases from intake that could not be read.", badLeasesTotal),
            .gauge(
                "antq_evaluation_intake_silence_seconds", "Seconds since intake was last heard.",
                Int(silence.components.seconds)),
            .gauge(
                "antq_event_log_sequence", "Last sequence of the service's event log.", Int(events.lastSequence),
                labels: ["producer": configuration.workerID]),
        ])
    }

    private func sendReady() throws {
        try intake.send(Envelope(type: .ready, body: JSONCoding.encode(ready)).frames, dontWait: true)
    }

    private func heartbeat() throws {
        if clock.now - lastHeardFromIntake > configuration.intakeTimeout {
            // Paranoid Pirate: intake went quiet; a fresh socket and a fresh `ready`.
            logger.warning("no word from intake; reconnecting", metadata: ["intake": "\(configuration.intakeEndpoint)"])
            reactor?.remove(intake)
            intake.close()
            intake = try Self.connect(context: context, configuration: configuration)
            reactor?.add(intake) { [unowned self] socket in try self.receiveLeases(socket) }
            lastHeardFromIntake = clock.now
            try sendReady()
            return
        }
        try intake.send(Envelope(type: .heartbeat).frames, dontWait: true)
    }

    private struct Work {
        let leaseID: Frame
        let dossier: Dossier
        let context: LeaseContext
        var facts: SubmissionFacts { dossier.members[0].facts }
    }

    private func receiveLeases(_ socket: Socket) throws {
        guard socket === intake else { return }
        var batch: [Work] = []
        for _ in 0..<configuration.capacity {
            guard let frames = try socket.receive(dontWait: true) else { break }
            lastHeardFromIntake = clock.now
            let message: Envelope
            do { message = try Envelope(frames: frames) } catch {
                logger.warning("malformed message from intake", metadata: ["error": "\(error)"])
                continue
            }
            switch message.type {
            case .lease:
                do throws(WireError) {
                    batch.append(try Self.work(from: message))
                } catch {
                    badLeasesTotal += 1
                    logger.warning("malformed lease from intake", metadata: ["error": "\(error)"])
                }
            case .heartbeat:
                break
            case .disconnect:
                logger.info("intake asked us to introduce ourselves again")
                try sendReady()
            case .error:
                logger.warning(
                    "intake refused a message", metadata: ["error": "\(String(decoding: message.body, as: UTF8.self))"])
            default:
                logger.warning("unexpected message from intake", metadata: ["type": "\(message.type)"])
            }
        }
        guard !batch.isEmpty else { return }
        try evaluate(batch)
    }

    /// Reads a lease: the facts, the body, the context (revision, re-evaluation set, dossier) and the
    /// dossier's bodies.
    private static func work(from message: Envelope) throws(WireError) -> Work {
        guard let body = message.attachments.first else { throw WireError(.badRequest, "lease without a body") }
        let json: JSONValue
        do { json = try JSONParser.parse(message.body) } catch { throw WireError(.badRequest, "lease facts: \(error)") }
        let facts = try SubmissionFacts(json: json)
        let context =
            try message.attachments.dropFirst().first.map { (bytes) throws(WireError) in
                try LeaseContext(json: bytes)
            } ?? LeaseContext(revision: 0)
        let bodies = Array(message.attachments.dropFirst(2))
        guard bodies.count == context.dossier.count else {
            throw WireError(
                .badRequest, "lease names \(context.dossier.count) dossier submissions but carries \(bodies.count)")
        }
        let others = zip(context.dossier, bodies).map { Dossier.Member(facts: $0, body: $1) }
        return Work(
            leaseID: message.correlation,
            dossier: Dossier(trigger: Dossier.Member(facts: facts, body: body), others: others),
            context: context)
    }

    /// Evaluates a batch, commits results and events in one transaction, then acknowledges each lease.
    private func evaluate(_ batch: [Work]) throws {
        let time = StoreDatabase.timestamp()
        // A re-evaluation under a set this worker does not have is not acknowledged: the lease
        // expires and goes to another worker, so the job waits (visible as pending) until a worker
        // with the set's file takes it, instead of being lost.
        var ready: [(work: Work, set: CriteriaSet?)] = []
        for work in batch {
            guard let reference = work.context.criteriaSet else {
                ready.append((work, nil))
                continue
            }
            guard let set = configuration.catalog.set(reference: reference) else {
                logger.error(
                    "re-evaluation under a criteria set this worker does not have; left for a worker that has it",
                    metadata: [
                        "criteria_set": "\(reference)", "submission": "\(work.facts.key)",
                        "criteria_directory": "add the set's file and restart this worker",
                    ])
                continue
            }
            ready.append((work, set))
        }
        var newEvents: [Event] = []
        try database.write { db in
            newEvents = []
            for (work, set) in ready {
                for evaluation in evaluator.evaluate(
                    work.dossier, at: time, under: set, revision: work.context.revision)
                {
                    let reference = evaluation.criteriaSet ?? ""
                    let done =
                        try Bool.fetchOne(
                            db.cachedStatement(
                                sql: "SELECT 1 FROM evaluation WHERE submission_key = ? AND criteria_set = ?"),
                            arguments: [work.facts.key, reference]
                        ) ?? false
                    // Idempotent per submission and criteria set: a lease seen again is only re-acknowledged.
                    guard !done else { continue }
                    let event = try log.append(
                        .submissionEvaluated, body: evaluation.jsonBytes, recordedAt: time, in: db)
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO evaluation (submission_key, criteria_set, outcome, evaluated_at, event_sequence)
                            VALUES (?, ?, ?, ?, ?)
                            """
                    ).execute(arguments: [
                        work.facts.key, reference, evaluation.outcome.rawValue, time, Int64(event.sequence),
                    ])
                    newEvents.append(event)
                }
            }
        }
        for (work, _) in ready {
            try intake.send(Envelope(type: .ack, correlation: work.leaseID).frames, dontWait: true)
        }
        resultsTotal += newEvents.count
        try events.publish(newEvents)
    }
}

/// Builds the evaluation worker's service: one socket thread running an ``EvaluationWorker``.
public enum EvaluationService {
    /// The service to run under a `ServiceGroup`: connects, evaluates until SIGTERM, then says goodbye.
    public static func make(configuration: EvaluationConfiguration, context: Context, logger: Logger) -> LoopService {
        LoopService(name: "evaluation") { stop in
            // The ZAP handler admits subscribers to the event log from before it binds until the end.
            let handler = try configuration.security.startHandler(context: context)
            defer { handler?.stop() }
            let worker = try EvaluationWorker(
                configuration: configuration, context: context, zap: handler, logger: logger)
            try worker.run(until: stop)
        }
    }
}
