import EventLog
import Foundation
import GRDB
import Logging
import Models
import ServiceKit
import Store
import ZeroMQ

/// An intake node at work: its sockets, store and lease bookkeeping, all owned by one thread.
///
/// - Submissions: a ROUTER where `submit` requests are drained in batches, checked, committed in
///   one transaction with their events (group commit), and only then answered.
/// - Work: a ROUTER where evaluation workers say `ready`, get `lease`s and send `ack`s.
/// - Event log: PUB plus replay ROUTER (``EventLogEndpoints``).
final class IntakeNode {
    private let configuration: IntakeConfiguration
    private let store: IntakeStore
    private var validator: SubmissionValidator
    private let submissions: Socket
    private let work: Socket
    private let events: EventLogEndpoints
    private var dispatcher: WorkDispatcher
    /// Worker connections by ROUTER identity, numbered for the dispatcher, and back.
    private var peerNumbers: [[UInt8]: WorkDispatcher.Peer] = [:]
    private var peerIdentities: [WorkDispatcher.Peer: [UInt8]] = [:]
    private var nextPeerNumber = 0
    /// Lease payloads of recently accepted submissions, so leasing them needs no read; bounded, and
    /// anything not here is read from the store when leased (a backlog with no workers stays on disk).
    private var payloads: [Int64: (facts: [UInt8], body: [UInt8])] = [:]
    private static let maximumCachedPayloads = 20_000
    private var announced: [String: WorkerReady] = [:]
    /// Stored submission versions and how many of them a worker acknowledged (kept in memory for `stats`).
    private var acceptedCount = 0
    private var evaluatedCount = 0
    private let logger: Logger
    private let clock = ContinuousClock()

    init(configuration: IntakeConfiguration, context: Context, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
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
        try submissions.bind(configuration.submissionsEndpoint)
        work = try context.socket(.router)
        try work.set([.linger(milliseconds: 2000), .maxMessageSize(1024 * 1024), .routerMandatory(true)])
        work.maximumFrames = 16
        try work.bind(configuration.workEndpoint)
        events = try EventLogEndpoints(
            log: store.log, database: store.database, context: context,
            publish: configuration.publishEndpoint, replay: configuration.replayEndpoint, logger: logger
        )
        let (unevaluated, workers, accepted) = try store.database.read { db in
            (
                try store.unevaluated(db), try Row.fetchAll(db, sql: "SELECT * FROM worker"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? 0
            )
        }
        acceptedCount = accepted
        evaluatedCount = accepted - unevaluated.count
        dispatcher.enqueue(unevaluated)
        for row in workers {
            let id: String = row["id"]
            announced[id] = WorkerReady(
                worker: id, credit: 0, publish: row["publish_endpoint"], replay: row["replay_endpoint"])
        }
        let submissionsBound = try submissions.lastEndpoint()
        let workBound = try work.lastEndpoint()
        try EndpointsFile.write(
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

    /// Serves until `stop` is raised, then closes its sockets (replies already queued linger).
    func run(until stop: StopSignal) throws {
        let reactor = Reactor(stop: stop)
        reactor.add(submissions) { [unowned self] _ in try self.receiveSubmissions() }
        reactor.add(work) { [unowned self] _ in try self.receiveWork() }
        events.register(in: reactor)
        reactor.every(.milliseconds(250)) { [unowned self] in try self.expireLeases() }
        reactor.every(.seconds(1)) { [unowned self] in try self.heartbeatWorkers() }
        defer {
            submissions.close()
            work.close()
            events.close()
        }
        try reactor.run()
        logger.info(
            "intake node stopping",
            metadata: ["leased": "\(dispatcher.leasedCount)", "pending": "\(dispatcher.pendingCount)"])
    }

    // MARK: - Submissions

    private struct Pending {
        let request: RoutedEnvelope
        let outcome: Result<Submission, Rejection>
    }

    /// The year that bounds periods: configured, or today's (re-read per batch, so a node running
    /// over New Year accepts the new year's periods).
    private static func currentYear(_ configuration: IntakeConfiguration) -> Int {
        configuration.currentYear ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    private func receiveSubmissions() throws {
        let receiveStarted = clock.now
        let year = Self.currentYear(configuration)
        if year != validator.currentYear {
            validator = SubmissionValidator(registry: configuration.registry, currentYear: year)
        }
        var batch: [Pending] = []
        var read = 0
        // Every message read counts, so a flood of queries or garbage cannot starve the timers.
        while read < configuration.maximumBatch, let frames = try submissions.receive(dontWait: true) {
            read += 1
            let request: RoutedEnvelope
            do {
                request = try RoutedEnvelope(routerFrames: frames)
            } catch {
                logger.info("malformed request on submissions endpoint", metadata: ["error": "\(error.error)"])
                if let frames = error.replyFrames { try reply(frames) }
                continue
            }
            switch request.envelope.type {
            case .submit:
                batch.append(Pending(request: request, outcome: validator.validate(request.envelope.body)))
            case .status:
                try reply(request.replyFrames(status(request.envelope)))
            case .stats:
                try reply(request.replyFrames(stats(request.envelope)))
            default:
                let error = WireError(
                    .unknownType,
                    "the submissions endpoint answers submit, status and stats, not \(request.envelope.type)")
                logger.info("unknown request type", metadata: ["type": "\(request.envelope.type)"])
                try reply(
                    request.replyFrames(
                        .error(error, correlation: request.envelope.correlation))
                )
            }
        }
        guard !batch.isEmpty else { return }
        logger.debug(
            "received batch",
            metadata: [
                "size": "\(batch.count)",
                "validate_ms": "\((clock.now - receiveStarted).milliseconds)",
            ])
        try commit(batch)
    }

    /// Sends a reply; a peer that has gone is not an error for the node.
    private func reply(_ frames: [Frame]) throws {
        do {
            _ = try submissions.send(frames, dontWait: true)
        } catch {
            guard error.isHostUnreachable else { throw error }
            logger.debug("reply to a peer that has gone")
        }
    }

    /// One transaction for the whole batch; replies and events go out after the commit.
    private func commit(_ batch: [Pending]) throws {
        let acceptedAt = StoreDatabase.timestamp()
        var replies: [[Frame]] = []
        var newEvents: [Event] = []
        var accepted: [(id: Int64, facts: [UInt8], body: [UInt8])] = []
        var rejectedCount = 0
        let started = clock.now
        try store.database.write { db in
            replies = []
            newEvents = []
            accepted = []
            rejectedCount = 0
            for pending in batch {
                let correlation = pending.request.envelope.correlation
                switch pending.outcome {
                case .failure(let rejection):
                    rejectedCount += 1
                    newEvents.append(
                        try store.log.append(
                            .submissionRejected, body: JSONCoding.encode(rejection), recordedAt: acceptedAt, in: db))
                    replies.append(
                        pending.request.replyFrames(
                            Envelope(type: .rejected, correlation: correlation, body: JSONCoding.encode(rejection))))
                case .success(let submission):
                    switch try accept(submission, at: acceptedAt, db) {
                    case .stored(let receipt, let event, let id, let facts):
                        newEvents.append(event)
                        accepted.append((id, facts, submission.body))
                        replies.append(
                            pending.request.replyFrames(
                                Envelope(type: .receipt, correlation: correlation, body: receipt)))
                    case .resent(let receipt):
                        replies.append(
                            pending.request.replyFrames(
                                Envelope(type: .receipt, correlation: correlation, body: receipt)))
                    case .refused(let rejection):
                        rejectedCount += 1
                        newEvents.append(
                            try store.log.append(
                                .submissionRejected, body: JSONCoding.encode(rejection), recordedAt: acceptedAt, in: db)
                        )
                        replies.append(
                            pending.request.replyFrames(
                                Envelope(type: .rejected, correlation: correlation, body: JSONCoding.encode(rejection)))
                        )
                    }
                }
            }
        }
        let committed = clock.now
        for frames in replies { try reply(frames) }
        try events.publish(newEvents)
        logger.debug(
            "committed batch",
            metadata: [
                "size": "\(batch.count)",
                "commit_ms": "\((committed - started).milliseconds)",
            ])
        for item in accepted where payloads.count < Self.maximumCachedPayloads {
            payloads[item.id] = (item.facts, item.body)
        }
        acceptedCount += accepted.count
        dispatcher.enqueue(accepted.map(\.id))
        if rejectedCount > 0 {
            logger.info("rejected submissions", metadata: ["count": "\(rejectedCount)"])
        }
        try dispatch()
    }

    private enum Acceptance {
        case stored(receipt: [UInt8], event: Event, id: Int64, facts: [UInt8])
        case resent(receipt: [UInt8])
        case refused(Rejection)
    }

    private func accept(_ submission: Submission, at acceptedAt: String, _ db: Database) throws -> Acceptance {
        if let existing = try store.find(submission.submissionID, db) {
            // Same id: the same content gets the same receipt; other content is a conflict.
            if existing.body == submission.body || sameContent(existing.body, submission.body) {
                return .resent(receipt: existing.receipt)
            }
            return .refused(
                Rejection(
                    submissionID: submission.submissionID,
                    problems: [
                        Problem(
                            field: "submission_id", code: .conflict,
                            message:
                                "Mã báo cáo “\(submission.submissionID)” đã được dùng cho một báo cáo có nội dung khác. Để sửa báo cáo đã gửi, hãy gửi báo cáo mới với mã mới và trường “replaces”: “\(submission.submissionID)”."
                        )
                    ]))
        }
        var version = 1
        var rootID = submission.submissionID
        if let replacedID = submission.replaces {
            guard let replaced = try store.find(replacedID, db) else {
                return .refused(
                    Rejection(
                        submissionID: submission.submissionID,
                        problems: [
                            Problem(
                                field: "replaces", code: .replacedNotFound,
                                message: "Không tìm thấy báo cáo “\(replacedID)” cần thay thế tại điểm tiếp nhận này."
                            )
                        ]))
            }
            var problems: [Problem] = []
            if replaced.unit != submission.unit || replaced.kind != submission.kind.rawValue
                || replaced.period != submission.period.description
            {
                problems.append(
                    Problem(
                        field: "replaces", code: .replacedMismatch,
                        message:
                            "Báo cáo “\(replacedID)” là của đơn vị \(replaced.unit), loại \(replaced.kind), kỳ \(replaced.period); báo cáo thay thế phải cùng đơn vị, loại và kỳ."
                    ))
            }
            if let newer = replaced.replacedBy {
                problems.append(
                    Problem(
                        field: "replaces", code: .replacedMismatch,
                        message: "Báo cáo “\(replacedID)” đã được thay thế bởi “\(newer)”; hãy thay thế bản mới nhất."
                    ))
            }
            guard problems.isEmpty else {
                return .refused(Rejection(submissionID: submission.submissionID, problems: problems))
            }
            version = replaced.version + 1
            rootID = replaced.rootID
            try db.execute(
                sql: "UPDATE submission SET replaced_by = ? WHERE id = ?",
                arguments: [submission.submissionID, replaced.id])
        }
        guard let unit = configuration.registry[submission.unit] else {
            // The validator checked the unit against the same registry.
            throw WireError(.internalError, "unit \(submission.unit) vanished from the registry")
        }
        let node = configuration.nodeID
        let facts = SubmissionFacts(
            key: "\(node)/\(submission.submissionID)", root: "\(node)/\(rootID)", version: version,
            unit: unit.id, unitKind: unit.kind, area: configuration.registry.area(of: unit.id) ?? unit.id,
            kind: submission.kind, period: submission.period.description, acceptedAt: acceptedAt
        )
        let factsBody = facts.jsonBytes
        let event = try store.log.append(.submissionReceived, body: factsBody, recordedAt: acceptedAt, in: db)
        let receipt = Receipt(
            key: facts.key, submissionID: submission.submissionID, unit: unit.id, kind: submission.kind,
            period: facts.period, version: version, replaces: submission.replaces, acceptedAt: acceptedAt,
            sequence: event.sequence
        ).jsonBytes
        try db.cachedStatement(
            sql: """
                INSERT INTO submission (submission_id, unit, kind, period, version, root_id, replaces, body, receipt, facts, accepted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            submission.submissionID, unit.id, submission.kind.rawValue, facts.period, version, rootID,
            submission.replaces, Data(submission.body), Data(receipt), Data(factsBody), acceptedAt,
        ])
        return .stored(receipt: receipt, event: event, id: db.lastInsertedRowID, facts: factsBody)
    }

    /// Equal JSON values, whatever the key order or spacing, with `null` members counting as absent
    /// (as the validator treats them).
    private func sameContent(_ stored: [UInt8], _ received: [UInt8]) -> Bool {
        guard let a = try? JSONParser.parse(stored), let b = try? JSONParser.parse(received) else { return false }
        return a.withoutNullMembers == b.withoutNullMembers
    }

    private func status(_ request: Envelope) throws -> Envelope {
        do {
            let query = try JSONCoding.decode(StatusRequest.self, from: request.body)
            guard let stored = try store.database.read({ try store.find(query.submissionID, $0) }) else {
                throw WireError(.notFound, "no submission \(query.submissionID) at intake node \(configuration.nodeID)")
            }
            let receipt = try JSONCoding.decode(Receipt.self, from: stored.receipt)
            let status = SubmissionStatus(
                state: stored.evaluatedAt == nil ? .accepted : .evaluated, receipt: receipt,
                replacedBy: stored.replacedBy, evaluatedAt: stored.evaluatedAt
            )
            return Envelope(type: .statusReply, correlation: request.correlation, body: JSONCoding.encode(status))
        } catch let error as WireError {
            return .error(error, correlation: request.correlation)
        }
    }

    private func stats(_ request: Envelope) throws -> Envelope {
        let last = try store.database.read { try store.log.lastSequence($0) }
        let stats = IntakeStats(
            accepted: acceptedCount, evaluated: evaluatedCount, pending: dispatcher.pendingCount,
            leased: dispatcher.leasedCount, workers: dispatcher.workerCount, lastSequence: last
        )
        return Envelope(type: .statsReply, correlation: request.correlation, body: JSONCoding.encode(stats))
    }

    // MARK: - Work distribution

    private func receiveWork() throws {
        let now = clock.now
        var acknowledged: [Int64] = []
        var joined: [WorkerReady] = []
        for _ in 0..<5_000 {
            guard let frames = try work.receive(dontWait: true) else { break }
            let request: RoutedEnvelope
            do {
                request = try RoutedEnvelope(routerFrames: frames)
            } catch {
                logger.info("malformed message on work endpoint", metadata: ["error": "\(error.error)"])
                if let reply = error.replyFrames { try sendToWorker(reply) }
                continue
            }
            // Only a connection that said a valid `ready` gets a number; anything else is unknown.
            let known = peerNumbers[request.peer]
            switch request.envelope.type {
            case .ready:
                let ready: WorkerReady
                do throws(WireError) {
                    ready = try JSONCoding.decode(WorkerReady.self, from: request.envelope.body)
                    try ready.validate()
                    let holder = dispatcher.peer(ofWorker: ready.worker)
                    let moved =
                        announced[ready.worker].map { $0.publish != ready.publish || $0.replay != ready.replay }
                        ?? false
                    if holder != nil, holder != known, moved {
                        throw WireError(
                            .badRequest,
                            "worker id \(ready.worker) is already connected with other endpoints; give each worker its own --worker-id"
                        )
                    }
                } catch {
                    logger.info("refused a ready", metadata: ["error": "\(error)"])
                    try sendToWorker(request.replyFrames(.error(error, correlation: request.envelope.correlation)))
                    continue
                }
                let peer = known ?? number(request.peer)
                dispatcher.ready(peer: peer, worker: ready.worker, credit: ready.credit, now: now)
                if announced[ready.worker].map({ $0.publish != ready.publish || $0.replay != ready.replay }) ?? true {
                    joined.append(ready)
                }
                logger.info("worker ready", metadata: ["worker": "\(ready.worker)", "credit": "\(ready.credit)"])
            case .heartbeat:
                if known.map({ !dispatcher.heard(from: $0, now: now) }) ?? true {
                    // A worker we do not know (we restarted): ask it to introduce itself again.
                    try sendToWorker(request.replyFrames(Envelope(type: .disconnect)))
                }
            case .ack:
                guard let peer = known, let text = String(validating: request.envelope.correlation, as: UTF8.self),
                    let id = Int64(text)
                else {
                    logger.info("ack from an unknown connection or with a malformed lease id")
                    let error = WireError(.badRequest, "ack needs a lease id this connection was given after ready")
                    try sendToWorker(request.replyFrames(.error(error, correlation: request.envelope.correlation)))
                    continue
                }
                _ = dispatcher.heard(from: peer, now: now)
                switch dispatcher.acknowledged(id, by: peer) {
                case .completed: acknowledged.append(id)
                case .refused:
                    // Normal after an intake restart (leases held before it are void); otherwise a confused peer.
                    logger.info("refused an ack for a lease this connection does not hold", metadata: ["lease": "\(id)"])
                    let error = WireError(.badRequest, "lease \(id) is not held by this connection")
                    try sendToWorker(
                        request.replyFrames(
                            .error(error, correlation: request.envelope.correlation)))
                }
            case .disconnect:
                if let peer = known {
                    dispatcher.leave(peer: peer)
                    forget(peer)
                    logger.info("worker left; its leases go to others")
                }
            default:
                logger.info("unknown message on work endpoint", metadata: ["type": "\(request.envelope.type)"])
                let error = WireError(
                    .unknownType,
                    "the work endpoint takes ready, heartbeat, ack and disconnect, not \(request.envelope.type)")
                try sendToWorker(
                    request.replyFrames(
                        .error(error, correlation: request.envelope.correlation))
                )
            }
        }
        try record(acknowledged: acknowledged, joined: joined)
        try dispatch()
    }

    /// Marks acknowledged submissions evaluated and announces new workers, in one transaction.
    private func record(acknowledged: [Int64], joined: [WorkerReady]) throws {
        guard !acknowledged.isEmpty || !joined.isEmpty else { return }
        let now = StoreDatabase.timestamp()
        var newEvents: [Event] = []
        var marked = 0
        try store.database.write { db in
            newEvents = []
            marked = 0
            let statement = try db.cachedStatement(
                sql: "UPDATE submission SET evaluated_at = ? WHERE id = ? AND evaluated_at IS NULL")
            for id in acknowledged {
                try statement.execute(arguments: [now, id])
                marked += db.changesCount
            }
            for ready in joined {
                try db.execute(
                    sql: """
                        INSERT INTO worker (id, publish_endpoint, replay_endpoint) VALUES (?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET publish_endpoint = excluded.publish_endpoint, replay_endpoint = excluded.replay_endpoint
                        """,
                    arguments: [ready.worker, ready.publish, ready.replay]
                )
                let announcement = ProducerAnnouncement(
                    producer: ready.worker, publish: ready.publish, replay: ready.replay)
                newEvents.append(
                    try store.log.append(
                        .producerAnnounced, body: JSONCoding.encode(announcement), recordedAt: now, in: db))
            }
        }
        for id in acknowledged { payloads[id] = nil }
        evaluatedCount += marked
        for ready in joined { announced[ready.worker] = ready }
        try events.publish(newEvents)
    }

    /// Drops a gone connection's number (a late message from it counts as unknown).
    private func forget(_ peer: WorkDispatcher.Peer) {
        guard let identity = peerIdentities.removeValue(forKey: peer) else { return }
        peerNumbers[identity] = nil
    }

    /// The dispatcher's number for a worker connection's ROUTER identity.
    private func number(_ identity: [UInt8]) -> WorkDispatcher.Peer {
        if let known = peerNumbers[identity] { return known }
        nextPeerNumber += 1
        let next = nextPeerNumber
        peerNumbers[identity] = next
        peerIdentities[next] = identity
        return next
    }

    private func dispatch() throws {
        let leases = dispatcher.assign(now: clock.now)
        guard !leases.isEmpty else { return }
        let missing = leases.map(\.submission).filter { payloads[$0] == nil }
        if !missing.isEmpty {
            let loaded = try store.database.read { try store.leasePayloads(missing, $0) }
            for (id, payload) in loaded { payloads[id] = payload }
        }
        for lease in leases {
            guard let payload = payloads[lease.submission] else { continue }
            let envelope = Envelope(
                type: .lease, correlation: Array(String(lease.submission).utf8), body: payload.facts,
                attachments: [payload.body])
            guard let identity = peerIdentities[lease.worker] else { continue }
            try sendToWorker([identity] + envelope.frames)
        }
    }

    private func expireLeases() throws {
        let gone = dispatcher.expire(now: clock.now)
        if !gone.isEmpty {
            for worker in gone { forget(worker.peer) }
            logger.warning("workers went silent; their leases go to others", metadata: ["workers": "\(gone.map(\.id))"])
        }
        try dispatch()
    }

    private func heartbeatWorkers() throws {
        for peer in dispatcher.workers.keys {
            guard let identity = peerIdentities[peer] else { continue }
            try sendToWorker([identity] + Envelope(type: .heartbeat).frames)
        }
    }

    private func sendToWorker(_ frames: [Frame]) throws {
        do {
            _ = try work.send(frames, dontWait: true)
        } catch {
            guard error.isHostUnreachable || error.isWouldBlock else { throw error }
            logger.debug("worker unreachable", metadata: ["error": "\(error)"])
        }
    }
}

extension Duration {
    /// The duration in milliseconds, for logs.
    fileprivate var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
