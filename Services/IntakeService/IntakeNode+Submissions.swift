import EventLog
import Foundation
import GRDB
import Logging
import Models
import Security
import ServiceKit
import Store
import ZeroMQ

/// The submissions endpoint: `submit` (checked, group-committed, then answered), `status`, `stats`.
extension IntakeNode {
    struct Pending {
        let request: RoutedEnvelope
        let outcome: Result<Submission, Rejection>
    }

    /// The year that bounds periods: configured, or today's (re-read per batch, so a node running
    /// over New Year accepts the new year's periods).
    static func currentYear(_ configuration: IntakeConfiguration) -> Int {
        configuration.currentYear ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    func receiveSubmissions() throws {
        let receiveStarted = clock.now
        let year = Self.currentYear(configuration)
        if year != validator.currentYear {
            validator = SubmissionValidator(registry: configuration.registry, currentYear: year)
        }
        var batch: [Pending] = []
        // Queries are answered after the batch commits, so a status sent right after its submit sees it.
        var queries: [(request: RoutedEnvelope, peer: PeerIdentity?)] = []
        var read = 0
        // Every message read counts, so a flood of queries or garbage cannot starve the timers.
        while read < configuration.maximumBatch,
            let (frames, userID) = try submissions.receiveAuthenticated(dontWait: true, by: zap)
        {
            read += 1
            let request: RoutedEnvelope
            do {
                request = try RoutedEnvelope(routerFrames: frames)
            } catch {
                logger.info("malformed request on submissions endpoint", metadata: ["error": "\(error.error)"])
                if let frames = error.replyFrames { try reply(frames) }
                continue
            }
            // Who sent it, from the connection's key (CURVE); `nil` on plain TCP, where nobody is checked.
            let peer: PeerIdentity?
            switch gate.admit(userID: userID, now: clock.now) {
            case .success(let identity):
                peer = identity
            case .failure(.overLimit(_, let error)):
                try reply(request.replyFrames(.error(error, correlation: request.envelope.correlation)))
                continue
            case .failure(let refusal):
                try refuse(request, peer: refusal.peer, unit: nil, reason: refusal.error.message)
                continue
            }
            if let refusal = refusal(of: request.envelope, from: peer) {
                try refuse(request, peer: peer, unit: refusal.unit, reason: refusal.reason)
                continue
            }
            switch request.envelope.type {
            case .submit:
                let outcome = validator.validate(request.envelope.body)
                if let peer, case .success(let submission) = outcome,
                    let reason = Permissions.refusalToSubmit(
                        peer, for: submission.unit, period: submission.period, registry: configuration.registry)
                {
                    try refuse(request, peer: peer, unit: submission.unit, reason: reason)
                    continue
                }
                batch.append(Pending(request: request, outcome: outcome))
            case .status, .stats, .reevaluate, .review, .audit:
                queries.append((request, peer))
            default:
                let error = WireError(
                    .unknownType,
                    "the submissions endpoint answers submit, status, stats, review, audit and reevaluate, not \(request.envelope.type)"
                )
                logger.info("unknown request type", metadata: ["type": "\(request.envelope.type)"])
                try reply(
                    request.replyFrames(
                        .error(error, correlation: request.envelope.correlation))
                )
            }
        }
        if !batch.isEmpty {
            logger.debug(
                "received batch",
                metadata: [
                    "size": "\(batch.count)",
                    "validate_ms": "\((clock.now - receiveStarted).milliseconds)",
                ])
            try commit(batch)
        }
        for query in queries {
            try reply(query.request.replyFrames(answer(query.request.envelope, from: query.peer)))
        }
    }

    /// Why `peer` may not send `envelope` at all, before its body is read (a submission's unit is
    /// checked once it is decoded); `nil` when it may, or when the endpoint has no authentication.
    func refusal(of envelope: Envelope, from peer: PeerIdentity?) -> (unit: String?, reason: String)? {
        guard case .curve = configuration.security else { return nil }
        guard let peer else { return (nil, "the connection has no identity") }
        switch envelope.type {
        case .submit, .status:
            return peer.role == .agency ? nil : (nil, "a key of role \(peer.role.rawValue) may not \(envelope.type)")
        case .stats:
            return [.agency, .operator_].contains(peer.role)
                ? nil : (nil, "a key of role \(peer.role.rawValue) may not ask stats")
        case .audit:
            return peer.role == .operator_ ? nil : (nil, "only an operator key may read the audit trail")
        case .reevaluate:
            return peer.role == .operator_ ? nil : (nil, "only an operator key may ask for re-evaluation")
        case .review:
            guard let request = try? JSONCoding.decode(ReviewRequest.self, from: envelope.body) else { return nil }
            return Permissions.refusalToReview(peer, as: request.reviewer).map { (request.unit, $0) }
        default:
            return nil
        }
    }

    /// Answers `forbidden`, logs it and keeps an audit record of it (`intake_refusal`).
    func refuse(_ request: RoutedEnvelope, peer: PeerIdentity?, unit: String?, reason: String) throws {
        refusedTotal += 1
        logger.warning(
            "request refused",
            metadata: [
                "peer": "\(peer?.userID ?? "?")", "type": "\(request.envelope.type)", "unit": "\(unit ?? "")",
                "reason": "\(reason)",
            ])
        // At most 60 records a minute per sender: a flood from one key must not fill the store.
        let minute = Int(Date().timeIntervalSince1970 / 60)
        let sender = peer?.userID ?? ""
        var count = refusalsThisMinute[sender].flatMap { $0.minute == minute ? $0.count : nil } ?? 0
        count += 1
        if refusalsThisMinute.count > 10_000 { refusalsThisMinute.removeAll() }
        refusalsThisMinute[sender] = (minute, count)
        if count <= 60 {
            try store.recordRefusal(
                at: StoreDatabase.timestamp(), peer: sender, type: request.envelope.type.rawValue, unit: unit,
                reason: reason)
        }
        try reply(request.replyFrames(.error(WireError(.forbidden, reason), correlation: request.envelope.correlation)))
    }

    /// Sends a reply; a peer that has gone is not an error for the node.
    func reply(_ frames: [Frame]) throws {
        do {
            _ = try submissions.send(frames, dontWait: true)
        } catch {
            guard error.isHostUnreachable else { throw error }
            logger.debug("reply to a peer that has gone")
        }
    }

    /// One transaction for the whole batch; replies and events go out after the commit.
    func commit(_ batch: [Pending]) throws {
        let acceptedAt = StoreDatabase.timestamp()
        var replies: [[Frame]] = []
        var newEvents: [Event] = []
        var accepted: [(id: Int64, payload: IntakeStore.LeasePayload)] = []
        var rejectedCount = 0
        var marked = 0
        let acks = unrecordedAcks
        let started = clock.now
        try store.database.write { db in
            replies = []
            newEvents = []
            accepted = []
            rejectedCount = 0
            marked = try markEvaluated(acks, at: acceptedAt, db)
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
                    case .stored(let receipt, let event, let id, let payload):
                        newEvents.append(event)
                        accepted.append((id, payload))
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
        unrecordedAcks.removeFirst(acks.count)
        evaluatedCount += marked
        for frames in replies { try reply(frames) }
        try events.publish(newEvents)
        logger.debug(
            "committed batch",
            metadata: [
                "size": "\(batch.count)",
                "commit_ms": "\((committed - started).milliseconds)",
            ])
        for item in accepted where payloads.count < Self.maximumCachedPayloads {
            payloads[item.id] = item.payload
        }
        acceptedCount += accepted.count
        dispatcher.enqueue(accepted.map(\.id))
        rejectedTotal += rejectedCount
        if rejectedCount > 0 {
            logger.info("rejected submissions", metadata: ["count": "\(rejectedCount)"])
        }
        try dispatch()
    }

    enum Acceptance {
        case stored(receipt: [UInt8], event: Event, id: Int64, payload: IntakeStore.LeasePayload)
        case resent(receipt: [UInt8])
        case refused(Rejection)
    }

    func accept(_ submission: Submission, at acceptedAt: String, _ db: Database) throws -> Acceptance {
        if let existing = try store.find(submission.submissionID, db) {
            // Same id: the same content gets the same receipt; other content is a conflict.
            if existing.body == submission.body || sameContent(existing.body, submission.body) {
                return .resent(receipt: existing.receipt(node: configuration.nodeID).jsonBytes)
            }
            return .refused(
                Rejection(
                    submissionID: submission.submissionID, field: "submission_id", code: .conflict,
                    message:
                        "Mã báo cáo “\(submission.submissionID)” đã được dùng cho một báo cáo có nội dung khác. Để sửa báo cáo đã gửi, hãy gửi báo cáo mới với mã mới và trường “replaces”: “\(submission.submissionID)”."
                ))
        }
        if lockedYears.contains(IntakeStore.lockKey(submission.unit, submission.period.year)),
            let (by, at) = try store.lock(unit: submission.unit, year: submission.period.year, db)
        {
            return .refused(
                Rejection(
                    submissionID: submission.submissionID, field: "period", code: .periodLocked,
                    message:
                        "Năm \(submission.period.year) của đơn vị \(submission.unit) đã được \(by) ký xác nhận lúc \(at); không nhận báo cáo mới hay bản thay thế cho đến khi đơn vị cấp trên mở khóa."
                ))
        }
        var version = 1
        var rootID = submission.submissionID
        if let replacedID = submission.replaces {
            guard let replaced = try store.find(replacedID, db) else {
                return .refused(
                    Rejection(
                        submissionID: submission.submissionID, field: "replaces", code: .replacedNotFound,
                        message: "Không tìm thấy báo cáo “\(replacedID)” cần thay thế tại điểm tiếp nhận này."))
            }
            var problems: [Problem] = []
            if replaced.unit != submission.unit || replaced.kind != submission.kind
                || replaced.period != submission.period.description
            {
                problems.append(
                    Problem(
                        field: "replaces", code: .replacedMismatch,
                        message:
                            "Báo cáo “\(replacedID)” là của đơn vị \(replaced.unit), loại “\(replaced.kind.vietnameseName)”, kỳ \(replaced.period); báo cáo thay thế phải cùng đơn vị, loại và kỳ."
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
        // The validator checked the unit against the same registry, during the same period.
        guard let latest = configuration.registry[submission.unit],
            let unit = configuration.registry.unit(submission.unit, during: submission.period.window(for: latest.kind))
        else {
            throw WireError(.internalError, "unit \(submission.unit) vanished from the registry")
        }
        let window = submission.period.window(for: unit.kind)
        let node = configuration.nodeID
        let facts = SubmissionFacts(
            key: "\(node)/\(submission.submissionID)", root: "\(node)/\(rootID)", version: version,
            unit: unit.id, unitKind: unit.kind,
            area: configuration.registry.area(of: unit.id, during: window) ?? unit.id,
            kind: submission.kind, period: submission.period.description, acceptedAt: acceptedAt,
            event: submission.kind == .eventParticipation ? submission.data["event"]?.string : nil,
            indicators: SubmissionSchema.indicators(of: submission.kind, in: submission.data)
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
                INSERT INTO submission (submission_id, unit, unit_kind, area, kind, period, version, root_id, replaces, body, accepted_at, sequence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            submission.submissionID, unit.id, unit.kind.rawValue, facts.area, submission.kind.rawValue, facts.period,
            version, rootID, submission.replaces, Data(submission.body), acceptedAt, Int64(event.sequence),
        ])
        let id = db.lastInsertedRowID
        return .stored(
            receipt: receipt, event: event, id: id,
            payload: IntakeStore.LeasePayload(
                id: id, facts: factsBody, body: submission.body, unit: unit.id, kind: submission.kind,
                year: submission.period.year, rootID: rootID))
    }

    /// Equal JSON values, whatever the key order or spacing, with `null` members counting as absent
    /// (as the validator treats them).
    func sameContent(_ stored: [UInt8], _ received: [UInt8]) -> Bool {
        guard let a = try? JSONParser.parse(stored), let b = try? JSONParser.parse(received) else { return false }
        return a.withoutNullMembers == b.withoutNullMembers
    }

    /// Answers a `status` or `stats` request; any failure becomes an `error` reply, never a stop.
    /// Answers a query from `peer` (`nil` on plain TCP).
    func answer(_ request: Envelope, from peer: PeerIdentity? = nil) -> Envelope {
        do {
            switch request.type {
            case .status: return try status(request, from: peer)
            case .reevaluate: return try reevaluate(request)
            case .review: return try review(request)
            case .audit: return try audit(request)
            default: return try stats(request)
            }
        } catch let error as WireError {
            return .error(error, correlation: request.correlation)
        } catch {
            logger.error("query failed", metadata: ["type": "\(request.type)", "error": "\(error)"])
            return .error(
                WireError(.internalError, "the store could not be read; try again"), correlation: request.correlation)
        }
    }

    /// A submission's status; an agency sees only the submissions it could have made (others are
    /// answered as unknown, so their existence is not told either).
    func status(_ request: Envelope, from peer: PeerIdentity?) throws -> Envelope {
        let query = try JSONCoding.decode(StatusRequest.self, from: request.body)
        let shown = query.submissionID.count > 60 ? String(query.submissionID.prefix(60)) + "…" : query.submissionID
        let unknown = WireError(.notFound, "no submission \(shown) at intake node \(configuration.nodeID)")
        guard let stored = try store.database.read({ try store.find(query.submissionID, $0) }) else { throw unknown }
        if let peer, peer.role == .agency {
            let receipt = stored.receipt(node: configuration.nodeID)
            guard let period = Period(receipt.period),
                Permissions.refusalToSubmit(
                    peer, for: receipt.unit, period: period, registry: configuration.registry) == nil
            else { throw unknown }
        }
        let status = SubmissionStatus(
            state: stored.evaluatedAt == nil ? .accepted : .evaluated,
            receipt: stored.receipt(node: configuration.nodeID),
            replacedBy: stored.replacedBy, evaluatedAt: stored.evaluatedAt, review: stored.reviewState,
            reviewReason: stored.reviewReason
        )
        return Envelope(type: .statusReply, correlation: request.correlation, body: JSONCoding.encode(status))
    }

    func stats(_ request: Envelope) throws -> Envelope {
        let last = try store.database.read { try store.log.lastSequence($0) }
        let stats = IntakeStats(
            accepted: acceptedCount, evaluated: evaluatedCount, pending: dispatcher.pendingCount,
            leased: dispatcher.leasedCount, workers: dispatcher.workerCount, lastSequence: last
        )
        return Envelope(type: .statsReply, correlation: request.correlation, body: JSONCoding.encode(stats))
    }

}

extension Duration {
    /// The duration in milliseconds, for logs.
    fileprivate var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
