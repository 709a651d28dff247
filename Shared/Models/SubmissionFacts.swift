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
    /// For `event_participation`: the event's code (`data.event`), so subscribers can tell which
    /// yearly event a unit reported without reading the body.
    public let event: String?
    /// For six-monthly and yearly reports: the counts the report gives (field → value), which
    /// reporting sums by area and period.
    public let indicators: [String: Int]?

    public init(
        key: String, root: String, version: Int, unit: String, unitKind: UnitKind, area: String,
        kind: SubmissionKind, period: String, acceptedAt: String, event: String? = nil,
        indicators: [String: Int]? = nil
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
        self.event = event
        self.indicators = indicators
    }

    enum CodingKeys: String, CodingKey {
        case key, root, version, unit, area, kind, period, event, indicators
        case unitKind = "unit_kind"
        case acceptedAt = "accepted_at"
    }
}

extension SubmissionFacts {
    /// The same bytes as ``JSONCoding/encode(_:)``, written without `JSONEncoder` (hot path).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("accepted_at", acceptedAt)
        writer.field("area", area)
        writer.field("event", event)
        if let indicators {
            writer.key("indicators")
            writer.beginObject()
            for (name, value) in indicators.sorted(by: { $0.key < $1.key }) { writer.field(name, value) }
            writer.endObject()
        }
        writer.field("key", key)
        writer.field("kind", kind.rawValue)
        writer.field("period", period)
        writer.field("root", root)
        writer.field("unit", unit)
        writer.field("unit_kind", unitKind.rawValue)
        writer.field("version", version)
        writer.endObject()
    }

    /// Reads facts from a parsed JSON object (faster than `JSONDecoder` for subscribers).
    public init(json: JSONValue) throws(WireError) {
        guard let object = json.object,
            let key = object["key"]?.string, let root = object["root"]?.string,
            let version = object["version"]?.integer,
            let unit = object["unit"]?.string,
            let unitKind = object["unit_kind"]?.string.flatMap(UnitKind.init(rawValue:)),
            let area = object["area"]?.string,
            let kind = object["kind"]?.string.flatMap(SubmissionKind.init(rawValue:)),
            let period = object["period"]?.string, let acceptedAt = object["accepted_at"]?.string
        else { throw WireError(.badRequest, "not a SubmissionFacts object") }
        self.init(
            key: key, root: root, version: version, unit: unit, unitKind: unitKind, area: area, kind: kind,
            period: period, acceptedAt: acceptedAt, event: object["event"]?.string,
            // Counts that do not read as counts are left out: the submission itself still counts.
            indicators: object["indicators"]?.object.map { fields in
                fields.compactMapValues { count in
                    count.integer.flatMap { (0...FieldSpec.maximumCount).contains($0) ? $0 : nil }
                }
            }
        )
    }
}
