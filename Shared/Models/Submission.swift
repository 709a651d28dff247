/// A submission as intake accepted it: checked top-level fields plus the body exactly as received.
public struct Submission: Sendable, Equatable {
    /// The submitter's own id for this submission (makes resending safe).
    public let submissionID: String
    public let unit: String
    public let kind: SubmissionKind
    public let period: Period
    /// The submission id this one corrects, if any.
    public let replaces: String?
    /// The `data` object.
    public let data: [String: JSONValue]
    /// The body bytes as received: stored and forwarded without re-encoding.
    public let body: [UInt8]

    public init(
        submissionID: String, unit: String, kind: SubmissionKind, period: Period, replaces: String?,
        data: [String: JSONValue], body: [UInt8]
    ) {
        self.submissionID = submissionID
        self.unit = unit
        self.kind = kind
        self.period = period
        self.replaces = replaces
        self.data = data
        self.body = body
    }

    /// Largest body intake accepts, in bytes.
    public static let maximumBodySize = 64 * 1024
    /// Longest submission id, in bytes.
    public static let maximumIDLength = 128
}
