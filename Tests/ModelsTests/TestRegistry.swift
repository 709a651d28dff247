import Models

/// A small unit tree for tests: a province with one district, a commune and a residential area in it,
/// a ward directly under the province with its own residential area, and a province-level agency.
enum TestRegistry {
    static let province = "TQ"
    static let district = "TQ-YS"
    static let commune = "TQ-YS-THANGQUAN"
    static let residentialArea = "TQ-YS-THANGQUAN-THON1"
    static let ward = "TQ-MINHXUAN"
    static let wardResidentialArea = "TQ-MINHXUAN-TO5"
    static let agency = "TQ-CONGAN"

    static let units: [Unit] = [
        Unit(id: province, name: "Tỉnh Tuyên Quang", kind: .province),
        Unit(id: district, name: "Huyện Yên Sơn", kind: .district, parent: province),
        Unit(id: commune, name: "Xã Thắng Quân", kind: .commune, parent: district, attributes: ["new_rural"]),
        Unit(id: residentialArea, name: "Thôn 1", kind: .residentialArea, parent: commune),
        Unit(id: ward, name: "Phường Minh Xuân", kind: .ward, parent: province),
        Unit(id: wardResidentialArea, name: "Tổ dân phố 5", kind: .residentialArea, parent: ward),
        Unit(id: agency, name: "Công an tỉnh", kind: .agency, parent: province, block: "noi-chinh"),
    ]

    static func make() throws -> UnitRegistry {
        try UnitRegistry(name: "test", version: "2025.1", units: units)
    }
}
