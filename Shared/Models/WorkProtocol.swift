/// A worker's `ready` message: who it is, how many leases it can hold, and where its event log is.
public struct WorkerReady: Codable, Sendable, Equatable {
    public let worker: String
    /// How many more leases the worker can take now.
    public let credit: Int
    /// The worker's event-log PUB endpoint, as subscribers should reach it.
    public let publish: String
    /// The worker's event-log replay endpoint, as subscribers should reach it.
    public let replay: String
    /// Submission kinds whose leases should carry the unit's other submissions of the year (the
    /// kinds of criteria sets that read more than one kind). Absent: none.
    public let dossierKinds: [SubmissionKind]?

    public init(worker: String, credit: Int, publish: String, replay: String, dossierKinds: [SubmissionKind]? = nil) {
        self.worker = worker
        self.credit = credit
        self.publish = publish
        self.replay = replay
        self.dossierKinds = dossierKinds
    }

    enum CodingKeys: String, CodingKey {
        case worker, credit, publish, replay
        case dossierKinds = "dossier_kinds"
    }

    /// Checks what subscribers will act on: a usable worker id and two ZeroMQ endpoints.
    public func validate() throws(WireError) {
        guard Identifier.isValid(worker, maximumLength: 64) else {
            throw WireError(.badRequest, "worker id must be 1-64 ASCII letters, digits or . _ : -")
        }
        guard credit >= 0 else { throw WireError(.badRequest, "credit must not be negative") }
        for (name, endpoint) in [("publish", publish), ("replay", replay)] where !Self.isEndpoint(endpoint) {
            throw WireError(.badRequest, "\(name) must be a ZeroMQ endpoint such as tcp://host:port")
        }
    }

    /// `tcp://host:port`, `ipc://path` or `inproc://name`, printable ASCII, at most 256 bytes.
    static func isEndpoint(_ text: String) -> Bool {
        guard text.utf8.count <= 256, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        if text.hasPrefix("tcp://") {
            let address = text.dropFirst(6)
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
            else { return false }
            return true
        }
        return (text.hasPrefix("ipc://") && text.count > 6) || (text.hasPrefix("inproc://") && text.count > 9)
    }
}

/// Intake's `stats.reply`: counts a load test or an operator watches.
public struct IntakeStats: Codable, Sendable, Equatable {
    public let accepted: Int
    public let evaluated: Int
    public let pending: Int
    public let leased: Int
    public let workers: Int
    public let lastSequence: UInt64

    public init(accepted: Int, evaluated: Int, pending: Int, leased: Int, workers: Int, lastSequence: UInt64) {
        self.accepted = accepted
        self.evaluated = evaluated
        self.pending = pending
        self.leased = leased
        self.workers = workers
        self.lastSequence = lastSequence
    }

    enum CodingKeys: String, CodingKey {
        case accepted, evaluated, pending, leased, workers
        case lastSequence = "last_sequence"
    }
}

/// The second attachment of a `lease`: what the worker needs besides the submission itself.
/// The unit's other submissions named in `dossier` follow as further attachments, in that order.
public struct LeaseContext: Sendable, Equatable {
    /// Intake's number for the submission: a later submission of the unit has a higher one.
    public let revision: Int64
    /// A re-evaluation: `id@version` of the one set to judge under.
    public let criteriaSet: String?
    /// The unit's other submissions of the year, latest version of each as of this one, newest first.
    public let dossier: [SubmissionFacts]

    public init(revision: Int64, criteriaSet: String? = nil, dossier: [SubmissionFacts] = []) {
        self.revision = revision
        self.criteriaSet = criteriaSet
        self.dossier = dossier
    }

    /// `{"criteria_set":…,"dossier":[…],"revision":N}`, absent members left out.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 64 + dossier.count * 300)
        writer.beginObject()
        writer.field("criteria_set", criteriaSet)
        if !dossier.isEmpty {
            writer.key("dossier")
            writer.beginArray()
            for facts in dossier { facts.write(to: &writer) }
            writer.endArray()
        }
        writer.field("revision", revision)
        writer.endObject()
        return writer.bytes
    }

    /// Reads a context attachment.
    public init(json bytes: [UInt8]) throws(WireError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw WireError(.badRequest, "lease context: \(error)") }
        guard let object = json.object, let revision = object["revision"]?.integer else {
            throw WireError(.badRequest, "lease context needs a revision")
        }
        var dossier: [SubmissionFacts] = []
        for item in object["dossier"]?.array ?? [] { dossier.append(try SubmissionFacts(json: item)) }
        self.init(revision: Int64(revision), criteriaSet: object["criteria_set"]?.string, dossier: dossier)
    }
}

/// A `status` request and its reply.
public struct StatusRequest: Codable, Sendable, Equatable {
    public let submissionID: String
    public init(submissionID: String) { self.submissionID = submissionID }
    enum CodingKeys: String, CodingKey { case submissionID = "submission_id" }
}

public struct SubmissionStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Stored, waiting for or under evaluation.
        case accepted
        /// A worker evaluated it and stored the result.
        case evaluated
    }

    public let state: State
    public let receipt: Receipt
    /// The submission id of the correction that replaced this one.
    public let replacedBy: String?
    public let evaluatedAt: String?
    /// Where the supervisor's review stands, and the reason it was sent back.
    public let review: ReviewState
    public let reviewReason: String?

    public init(
        state: State, receipt: Receipt, replacedBy: String?, evaluatedAt: String?, review: ReviewState = .submitted,
        reviewReason: String? = nil
    ) {
        self.state = state
        self.receipt = receipt
        self.replacedBy = replacedBy
        self.evaluatedAt = evaluatedAt
        self.review = review
        self.reviewReason = reviewReason
    }

    enum CodingKeys: String, CodingKey {
        case state, receipt, review
        case replacedBy = "replaced_by"
        case evaluatedAt = "evaluated_at"
        case reviewReason = "review_reason"
    }
}
