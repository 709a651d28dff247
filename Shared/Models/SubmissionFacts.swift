/// What every downstream service needs to know about one accepted submission version.
///
/// The body of `submission.received` events and the metadata of a lease.
public struct SubmissionFacts: Codable, Sendable, Equatable {
    /// `<intake node>/<submission id>` of this version.
    public let key: String
    /// The key of the first version; all corrections of one submission share it.
    public let root: String
    public let version: Int
    public let unit: String
    public let unitKind: UnitKind
    /// The district (or the province) the unit lies in.
    public let area: String
    public let kind: SubmissionKind
    public let period: String
    public let acceptedAt: String

    public init(
        key: String, root: String, version: Int, unit: String, unitKind: UnitKind, area: String,
        kind: SubmissionKind, period: String, acceptedAt: String
    ) {
        self.key = key
        self.root = root
        self.version = version
        self.unit = unit
        self.unitKind = unitKind
        self.area = area
        self.kind = kind
        self.period = period
        self.acceptedAt = acceptedAt
    }

    enum CodingKeys: String, CodingKey {
        case key, root, version, unit, area, kind, period
        case unitKind = "unit_kind"
        case acceptedAt = "accepted_at"
    }
}
