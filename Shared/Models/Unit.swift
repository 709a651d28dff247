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

    public init(
        id: String, name: String, kind: UnitKind, parent: String? = nil, block: String? = nil,
        attributes: [String] = []
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
        self.block = block
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, parent, block, attributes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(UnitKind.self, forKey: .kind)
        parent = try container.decodeIfPresent(String.self, forKey: .parent)
        block = try container.decodeIfPresent(String.self, forKey: .block)
        attributes = try container.decodeIfPresent([String].self, forKey: .attributes) ?? []
    }
}
