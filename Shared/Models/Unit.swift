/// A participating unit: an administrative unit, a residential area, an agency, enterprise or school.
public struct Unit: Codable, Sendable, Equatable, Identifiable {
    /// Stable id used on the wire, e.g. `TQ-NH-THUONGNONG`.
    public let id: String
    /// Vietnamese name, e.g. "Xã Thượng Nông".
    public let name: String
    public let kind: UnitKind
    /// The administrative unit above (or the managing level, for agencies, enterprises and schools).
    public let parent: String?
    /// The block (khối) an agency, enterprise or school belongs to.
    public let block: String?
    /// Attributes criteria and targets read, e.g. `new_rural`, `duong_van_minh`.
    public let attributes: [String]
    /// First day this version of the unit is valid; `nil`: since always.
    public let validFrom: Day?
    /// Last day this version is valid; `nil`: still valid. A unit merged or reorganised ends here.
    public let validTo: Day?
    /// The units that took over from this one when it ended (a merge names the merged unit).
    public let successors: [String]
    /// The unit that reports for this one (a commune for its residential areas); `nil`: itself.
    public let reportedBy: String?

    public init(
        id: String, name: String, kind: UnitKind, parent: String? = nil, block: String? = nil,
        attributes: [String] = [], validFrom: Day? = nil, validTo: Day? = nil, successors: [String] = [],
        reportedBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
        self.block = block
        self.attributes = attributes
        self.validFrom = validFrom
        self.validTo = validTo
        self.successors = successors
        self.reportedBy = reportedBy
    }

    /// Who submits for this unit: `reportedBy`, or the unit itself.
    public var reporter: String { reportedBy ?? id }

    /// Whether this version is valid on some day of `window`.
    public func isValid(during window: ClosedRange<Day>) -> Bool {
        (validFrom.map { $0 <= window.upperBound } ?? true) && (validTo.map { $0 >= window.lowerBound } ?? true)
    }

    /// Whether two versions' validity periods share a day.
    func overlaps(_ other: Unit) -> Bool {
        (validFrom.map { from in other.validTo.map { from <= $0 } ?? true } ?? true)
            && (other.validFrom.map { from in validTo.map { from <= $0 } ?? true } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, parent, block, attributes, successors
        case validFrom = "valid_from"
        case validTo = "valid_to"
        case reportedBy = "reported_by"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(UnitKind.self, forKey: .kind)
        parent = try container.decodeIfPresent(String.self, forKey: .parent)
        block = try container.decodeIfPresent(String.self, forKey: .block)
        attributes = try container.decodeIfPresent([String].self, forKey: .attributes) ?? []
        validFrom = try container.decodeIfPresent(Day.self, forKey: .validFrom)
        validTo = try container.decodeIfPresent(Day.self, forKey: .validTo)
        successors = try container.decodeIfPresent([String].self, forKey: .successors) ?? []
        reportedBy = try container.decodeIfPresent(String.self, forKey: .reportedBy)
    }
}
