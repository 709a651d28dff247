import EventLog
import Foundation
import GRDB
import Logging
import Models
import Security
import ServiceKit
import Store
import ZeroMQ

/// The work endpoint: workers say `ready`, get `lease`s, send `ack`s (zguide "Paranoid Pirate").
extension IntakeNode {
    func receiveWork() throws {
        let now = clock.now
        var acknowledged: [Int64] = []
        var joined: [ProducerAnnouncement] = []
        for _ in 0..<5_000 {
            guard let (frames, userID) = try work.receiveAuthenticated(dontWait: true, by: zap) else { break }
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
            // With CURVE every message needs a key the ZAP handler vouched for and that is still
            // listed: a removed worker key loses its leases on its open connection too.
            if case .failure(let refusal) = workGate.admit(userID: userID, now: now) {
                logger.warning(
                    "refused a message on the work endpoint",
                    metadata: ["type": "\(request.envelope.type)", "error": "\(refusal.error)"])
                if let peer = known {
                    dispatcher.leave(peer: peer)
                    forget(peer)
                }
                try sendToWorker(request.replyFrames(.error(refusal.error, correlation: request.envelope.correlation)))
                continue
            }
            switch request.envelope.type {
            case .ready:
                let ready: WorkerReady
                let announcement: ProducerAnnouncement
                do throws(WireError) {
                    ready = try JSONCoding.decode(WorkerReady.self, from: request.envelope.body)
                    try ready.validate()
                    guard ready.worker != configuration.nodeID else {
                        throw WireError(.badRequest, "worker id \(ready.worker) is this intake node's own id")
                    }
                    // Subscribers will read this worker's log as a CURVE client of the key it was
                    // authenticated with here, never of a key it names itself.
                    let key = userID.flatMap(AuthenticatedPeer.init(userID:))?.key
                    if case .curve = configuration.security, key == nil {
                        throw WireError(.forbidden, "the connection has no identity")
                    }
                    announcement = ProducerAnnouncement(
                        producer: ready.worker, publish: ready.publish, replay: ready.replay, curvePublicKey: key)
                    let holder = dispatcher.peer(ofWorker: ready.worker)
                    let moved = announced[ready.worker].map { $0 != announcement } ?? false
                    if holder != nil, holder != known, moved {
                        throw WireError(
                            .badRequest,
                            "worker id \(ready.worker) is already connected with other endpoints; give each worker its own --worker-id"
                        )
                    }
                    try checkClaim(announcement)
                } catch {
                    logger.info("refused a ready", metadata: ["error": "\(error)"])
                    try sendToWorker(request.replyFrames(.error(error, correlation: request.envelope.correlation)))
                    continue
                }
                let peer = known ?? number(request.peer)
                dispatcher.ready(peer: peer, worker: ready.worker, credit: ready.credit, now: now)
                dossierKinds[peer] = ready.dossierKinds.map(Set.init)
                if announced[ready.worker] != announcement {
                    // A worker now on endpoints another (gone) worker announced: that one announces
                    // itself afresh when it comes back, wherever it is.
                    for (other, previous) in announced
                    where other != ready.worker && previous.replay == announcement.replay {
                        announced[other] = nil
                    }
                    joined.append(announcement)
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
                    logger.info(
                        "refused an ack for a lease this connection does not hold", metadata: ["lease": "\(id)"])
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
        // Acks are recorded with the next submissions commit or within 100 ms: one fsync for many.
        // Losing them in a crash only means those submissions are leased and evaluated again.
        unrecordedAcks += acknowledged
        for id in acknowledged { payloads[id] = nil }
        if !joined.isEmpty { try announce(joined) }
        try dispatch()
    }

    /// Marks acknowledged submissions evaluated and announces new workers, in one transaction.
    /// Records a worker's endpoints and announces them in the event log, for subscribers to follow.
    func announce(_ joined: [ProducerAnnouncement]) throws {
        let now = StoreDatabase.timestamp()
        var newEvents: [Event] = []
        try store.database.write { db in
            newEvents = []
            for announcement in joined {
                try db.execute(
                    sql: """
                        INSERT INTO worker (id, publish_endpoint, replay_endpoint, curve_public_key) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET publish_endpoint = excluded.publish_endpoint,
                            replay_endpoint = excluded.replay_endpoint, curve_public_key = excluded.curve_public_key
                        """,
                    arguments: [
                        announcement.producer, announcement.publish, announcement.replay, announcement.curvePublicKey,
                    ]
                )
                newEvents.append(
                    try store.log.append(
                        .producerAnnounced, body: JSONCoding.encode(announcement), recordedAt: now, in: db))
            }
        }
        for announcement in joined { announced[announcement.producer] = announcement }
        try events.publish(newEvents)
    }

    /// Marks acknowledged submissions evaluated (and re-evaluation jobs done), in the caller's
    /// transaction; returns how many submissions changed.
    func markEvaluated(_ ids: [Int64], at time: String, _ db: Database) throws -> Int {
        let statement = try db.cachedStatement(
            sql: "UPDATE submission SET evaluated_at = ? WHERE id = ? AND evaluated_at IS NULL")
        let job = try db.cachedStatement(sql: "UPDATE reevaluation SET done_at = ? WHERE id = ? AND done_at IS NULL")
        var marked = 0
        for id in ids {
            if id < 0 {
                try job.execute(arguments: [time, -id])
                continue
            }
            try statement.execute(arguments: [time, id])
            marked += db.changesCount
        }
        return marked
    }

    /// Records acks not yet written (timer, and at shutdown).
    func recordAcks() throws {
        guard !unrecordedAcks.isEmpty else { return }
        let acks = unrecordedAcks
        let marked = try store.database.write { try markEvaluated(acks, at: StoreDatabase.timestamp(), $0) }
        unrecordedAcks = []
        evaluatedCount += marked
    }

    /// Drops a gone connection's number (a late message from it counts as unknown).
    /// Refuses a worker's claim to an id or endpoints that are another key's: a worker id stays
    /// with the key that first announced it while that key is listed (to move it, take the old key
    /// off the allowlist), and endpoints another connected worker announced stay its own.
    func checkClaim(_ announcement: ProducerAnnouncement) throws(WireError) {
        if let previous = announced[announcement.producer]?.curvePublicKey, previous != announcement.curvePublicKey,
            case .curve(_, let authority) = configuration.security, authority.allowlist.identities[previous] != nil
        {
            throw WireError(
                .forbidden,
                "worker id \(announcement.producer) belongs to key \(previous); give this worker its own --worker-id, or take that key off the allowlist to move the id"
            )
        }
        for (other, previous) in announced where other != announcement.producer {
            guard previous.replay == announcement.replay || previous.publish == announcement.publish,
                dispatcher.peer(ofWorker: other) != nil
            else { continue }
            throw WireError(.forbidden, "worker \(other), connected, announced these endpoints")
        }
    }

    func forget(_ peer: WorkDispatcher.Peer) {
        dossierKinds[peer] = nil
        guard let identity = peerIdentities.removeValue(forKey: peer) else { return }
        peerNumbers[identity] = nil
    }

    /// The dispatcher's number for a worker connection's ROUTER identity.
    func number(_ identity: [UInt8]) -> WorkDispatcher.Peer {
        if let known = peerNumbers[identity] { return known }
        nextPeerNumber += 1
        let next = nextPeerNumber
        peerNumbers[identity] = next
        peerIdentities[next] = identity
        return next
    }

    func dispatch() throws {
        let leases = dispatcher.assign(now: clock.now)
        guard !leases.isEmpty else { return }
        let missing = leases.map(\.submission).filter { payloads[$0] == nil }
        if !missing.isEmpty {
            let loaded = try store.database.read { try store.leasePayloads(missing, $0) }
            for (id, payload) in loaded { payloads[id] = payload }
        }
        // Workers that judge several kinds together get the unit's other submissions of the year.
        var dossiers: [Int64: [(facts: SubmissionFacts, body: [UInt8])]] = [:]
        let wanting = leases.filter { lease in
            payloads[lease.submission].map { dossierKinds[lease.worker]?.contains($0.kind) == true } ?? false
        }
        if !wanting.isEmpty {
            try store.database.read { db in
                for lease in wanting {
                    guard let payload = payloads[lease.submission], let kinds = dossierKinds[lease.worker] else {
                        continue
                    }
                    dossiers[lease.submission] = try store.dossier(of: payload, kinds: kinds, db)
                }
            }
        }
        for lease in leases {
            guard let payload = payloads[lease.submission], let identity = peerIdentities[lease.worker] else {
                dispatcher.undeliverable(lease)
                continue
            }
            let members = dossiers[lease.submission] ?? []
            let context = LeaseContext(
                revision: payload.id, criteriaSet: payload.criteriaSet, dossier: members.map(\.facts))
            let envelope = Envelope(
                type: .lease, correlation: Array(String(lease.submission).utf8), body: payload.facts,
                attachments: [payload.body, context.jsonBytes] + members.map(\.body))
            // A full pipe or a gone worker: the lease goes back to the queue rather than wait for its deadline.
            if !(try sendToWorker([identity] + envelope.frames)) { dispatcher.undeliverable(lease) }
        }
    }

    func expireLeases() throws {
        let gone = dispatcher.expire(now: clock.now)
        if !gone.isEmpty {
            for worker in gone { forget(worker.peer) }
            logger.warning("workers went silent; their leases go to others", metadata: ["workers": "\(gone.map(\.id))"])
        }
        try dispatch()
    }

    func heartbeatWorkers() throws {
        for peer in dispatcher.workers.keys {
            guard let identity = peerIdentities[peer] else { continue }
            try sendToWorker([identity] + Envelope(type: .heartbeat).frames)
        }
    }

    /// Sends to a worker without blocking; returns `false` when the message could not be queued.
    @discardableResult
    func sendToWorker(_ frames: [Frame]) throws -> Bool {
        do {
            return try work.send(frames, dontWait: true)
        } catch {
            guard error.isHostUnreachable || error.isWouldBlock else { throw error }
            logger.debug("worker unreachable", metadata: ["error": "\(error)"])
            return false
        }
    }
}
