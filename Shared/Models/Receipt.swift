/// Intake's answer to an accepted submission, sent only after the submission is durably stored.
/// Resending the same submission returns the identical receipt.
public struct Receipt: Codable, Sendable, Equatable {
    /// `<intake node>/<submission id>`: unique across the system.
    public let key: String
    public let submissionID: String
    public let unit: String
    public let kind: SubmissionKind
    public let period: String
    /// 1 for an original, n + 1 for a correction of version n.
    public let version: Int
    /// The submission id this one corrects.
    public let replaces: String?
    /// When intake committed it, ISO 8601 UTC.
    public let acceptedAt: String
    /// The intake node's event-log sequence of the `submission.received` event.
    public let sequence: UInt64

    public init(
        key: String, submissionID: String, unit: String, kind: SubmissionKind, period: String, version: Int,
        replaces: String?, acceptedAt: String, sequence: UInt64
    ) {
        self.key = key
        self.submissionID = submissionID
        self.unit = unit
        self.kind = kind
        self.period = period
        self.version = version
        self.replaces = replaces
        self.acceptedAt = acceptedAt
        self.sequence = sequence
    }

    enum CodingKeys: String, CodingKey {
        case key, unit, kind, period, version, replaces, sequence
        case submissionID = "submission_id"
        case acceptedAt = "accepted_at"
    }
}

extension Receipt {
    /// The same bytes as ``JSONCoding/encode(_:)``, written without `JSONEncoder` (hot path).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("accepted_at", acceptedAt)
        writer.field("key", key)
        writer.field("kind", kind.rawValue)
        writer.field("period", period)
        writer.field("replaces", replaces)
        writer.field("sequence", sequence)
        writer.field("submission_id", submissionID)
        writer.field("unit", unit)
        writer.field("version", version)
        writer.endObject()
        return writer.bytes
    }
}

extension Receipt {
    /// Reads a receipt from a parsed JSON object (faster than `JSONDecoder` for clients under load).
    public init(json: JSONValue) throws(WireError) {
        guard let object = json.object,
            let key = object["key"]?.string, let submissionID = object["submission_id"]?.string,
            let unit = object["unit"]?.string,
            let kind = object["kind"]?.string.flatMap(SubmissionKind.init(rawValue:)),
            let period = object["period"]?.string, let version = object["version"]?.integer,
            let acceptedAt = object["accepted_at"]?.string, let sequence = object["sequence"]?.integer, sequence > 0
        else { throw WireError(.badRequest, "not a Receipt object") }
        let replaces = object["replaces"]?.string
        self.init(
            key: key, submissionID: submissionID, unit: unit, kind: kind, period: period, version: version,
            replaces: replaces, acceptedAt: acceptedAt, sequence: UInt64(sequence)
        )
    }
}
