import Foundation
import Models
import Testing

@Suite("UnitRegistry")
struct UnitRegistryTests {
    // MARK: - Lookup

    @Test("looks units up by id and lists them in id order")
    func lookup() throws {
        let registry = try TestRegistry.make()
        #expect(registry.name == "test")
        #expect(registry.version == "2025.1")
        #expect(registry[TestRegistry.commune]?.name == "Xã Thắng Quân")
        #expect(registry[TestRegistry.commune]?.attributes == ["new_rural"])
        #expect(registry["NOPE"] == nil)
        #expect(registry.allUnits.map(\.id) == TestRegistry.units.map(\.id).sorted())
    }

    @Test(
        "area(of:) is the district for units inside one, and the province otherwise",
        arguments: [
            (TestRegistry.residentialArea, TestRegistry.district),
            (TestRegistry.commune, TestRegistry.district),
            (TestRegistry.district, TestRegistry.district),
            (TestRegistry.agency, TestRegistry.province),
            (TestRegistry.ward, TestRegistry.province),
            (TestRegistry.wardResidentialArea, TestRegistry.province),
            (TestRegistry.province, TestRegistry.province),
        ])
    func area(unit: String, expected: String) throws {
        let registry = try TestRegistry.make()
        #expect(registry.area(of: unit) == expected)
    }

    @Test("area(of:) is nil for an unknown unit")
    func area_unknown() throws {
        #expect(try TestRegistry.make().area(of: "NOPE") == nil)
    }

    // MARK: - Checks

    @Test("a duplicate id, an unknown parent and a cycle are all reported together")
    func invalid_reportsEveryProblem() {
        let units =
            TestRegistry.units + [
                Unit(id: TestRegistry.commune, name: "Xã trùng mã", kind: .commune, parent: TestRegistry.district),
                Unit(id: "ORPHAN", name: "Thôn mồ côi", kind: .residentialArea, parent: "MISSING"),
                Unit(id: "LOOP-A", name: "Xã A", kind: .commune, parent: "LOOP-B"),
                Unit(id: "LOOP-B", name: "Xã B", kind: .commune, parent: "LOOP-A"),
            ]
        let error = #expect(throws: RegistryError.self) { try UnitRegistry(name: "bad", version: "1", units: units) }
        let problems = error?.problems ?? []
        #expect(problems.contains { $0.contains("duplicate") && $0.contains(TestRegistry.commune) })
        #expect(problems.contains { $0.contains("ORPHAN") && $0.contains("MISSING") })
        #expect(problems.contains { $0.contains("cycle") && $0.contains("LOOP-A") })
        #expect(problems.contains { $0.contains("cycle") && $0.contains("LOOP-B") })
        #expect(error?.description.hasPrefix("invalid unit registry: ") == true)
    }

    @Test("a unit that is its own parent is a cycle")
    func invalid_selfParent() {
        let units = [Unit(id: "SELF", name: "Xã tự quản", kind: .commune, parent: "SELF")]
        let error = #expect(throws: RegistryError.self) { try UnitRegistry(name: "bad", version: "1", units: units) }
        #expect(error?.problems == ["unit SELF: is in a parent cycle"])
    }

    @Test("a cycle that passes through a district is reported")
    func invalid_cycleThroughDistrict() {
        let units = [
            Unit(id: "TQ", name: "Tỉnh", kind: .province),
            Unit(id: "D", name: "Huyện vòng", kind: .district, parent: "C"),
            Unit(id: "C", name: "Xã vòng", kind: .commune, parent: "D"),
        ]
        let error = #expect(throws: RegistryError.self) {
            try UnitRegistry(name: "bad", version: "1", units: units)
        }
        #expect(error?.problems.contains { $0.contains("cycle") } == true)
    }

    // MARK: - Loading

    @Test("loads a registry file; missing attributes default to none")
    func load() throws {
        let url = try Self.write(
            #"""
            {"registry": "tuyen-quang", "version": "2023.1", "units": [
              {"id": "TQ-YS-A", "name": "Thôn A", "kind": "residential_area", "parent": "TQ-YS"},
              {"id": "TQ", "name": "Tỉnh Tuyên Quang", "kind": "province"},
              {"id": "TQ-YS", "name": "Huyện Yên Sơn", "kind": "district", "parent": "TQ", "attributes": ["x"]}
            ]}
            """#)
        defer { try? FileManager.default.removeItem(at: url) }
        let registry = try UnitRegistry.load(from: url)
        #expect(registry.name == "tuyen-quang")
        #expect(registry.version == "2023.1")
        #expect(registry["TQ-YS-A"]?.kind == .residentialArea)
        #expect(registry["TQ-YS-A"]?.attributes == [])
        #expect(registry["TQ-YS"]?.attributes == ["x"])
        #expect(registry.area(of: "TQ-YS-A") == "TQ-YS")
    }

    @Test("a file with bad units reports each problem with the file's path")
    func load_invalidUnits() throws {
        let url = try Self.write(
            #"""
            {"registry": "r", "version": "1", "units": [{"id": "A", "name": "A", "kind": "commune", "parent": "B"}]}
            """#)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: RegistryError.self) { try UnitRegistry.load(from: url) }
        #expect(error?.problems == ["\(url.path):1: unit A: unknown parent B"])
    }

    @Test("the unit that reports for another must exist; a unit without one reports for itself")
    func reportedBy() throws {
        let url = try Self.write(
            #"""
            {"registry": "r", "version": "1", "units": [
             {"id": "C", "name": "Xã C", "kind": "commune"},
             {"id": "C-KDC1", "name": "Thôn 1", "kind": "residential_area", "parent": "C", "reported_by": "C"},
             {"id": "C-KDC2", "name": "Thôn 2", "kind": "residential_area", "parent": "C", "reported_by": "NOBODY"}]}
            """#)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: RegistryError.self) { try UnitRegistry.load(from: url) }
        #expect(error?.problems == ["\(url.path):4: unit C-KDC2: unknown reported_by NOBODY"])
        let registry = try UnitRegistry.load(
            from: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../data/units/tuyen-quang.json").standardizedFileURL)
        let hamlet = try #require(registry["TQ-SD-DONGTHO-KDC01"])
        #expect(hamlet.reporter == "TQ-SD-DONGTHO")
        #expect(try #require(registry["TQ-SD-DONGTHO"]).reporter == "TQ-SD-DONGTHO")
    }

    @Test("problems name the line of the unit they are about")
    func load_lineNumbers() throws {
        let url = try Self.write(
            """
            {"registry": "r", "version": "1", "units": [
              {"id": "TQ", "name": "Tỉnh", "kind": "province"},
              {"id": "X", "name": "Xã", "kind": "commune", "parent": "TQ",
               "valid_from": "2025-07-01", "valid_to": "2025-06-30"},
              {"id": "Y", "name": "Xã Y", "kind": "commune", "parent": "NOPE", "successors": ["GONE"]}
            ]}
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: RegistryError.self) { try UnitRegistry.load(from: url) }
        #expect(
            error?.problems == [
                "\(url.path):3: unit X: valid_to 2025-06-30 is before valid_from 2025-07-01",
                "\(url.path):5: unit Y: unknown parent NOPE",
                "\(url.path):5: unit Y: unknown successor GONE",
            ])
    }

    @Test("the tree as it stood: a commune merged in 2025 and one that moved under the province")
    func effectiveDating() throws {
        let day = { (text: String) in try #require(Day(text)) }
        let registry = try UnitRegistry(
            name: "r", version: "2",
            units: [
                Unit(id: "TQ", name: "Tỉnh", kind: .province),
                Unit(id: "D", name: "Huyện", kind: .district, parent: "TQ", validTo: try day("2025-06-30")),
                Unit(
                    id: "OLD", name: "Xã cũ", kind: .commune, parent: "D", validTo: try day("2025-06-30"),
                    successors: ["NEW"]),
                Unit(id: "NEW", name: "Xã mới", kind: .commune, parent: "TQ", validFrom: try day("2025-07-01")),
                Unit(id: "MOVED", name: "Xã", kind: .commune, parent: "D", validTo: try day("2025-06-30")),
                Unit(id: "MOVED", name: "Xã", kind: .commune, parent: "TQ", validFrom: try day("2025-07-01")),
            ])
        let year2024 = Period(year: 2024).window(for: .commune)
        let year2026 = Period(year: 2026).window(for: .commune)
        #expect(registry.unit("OLD", during: year2024)?.name == "Xã cũ")
        #expect(registry.unit("OLD", during: year2026) == nil)
        #expect(registry.unit("NEW", during: year2024) == nil)
        #expect(registry.area(of: "MOVED", during: year2024) == "D")
        #expect(registry.area(of: "MOVED", during: year2026) == "TQ")
        #expect(registry["MOVED"]?.parent == "TQ")
        // Overlapping versions of one id are refused.
        let overlapping = #expect(throws: RegistryError.self) {
            try UnitRegistry(
                name: "r", version: "3",
                units: [
                    Unit(id: "TQ", name: "Tỉnh", kind: .province),
                    Unit(id: "A", name: "A", kind: .commune, parent: "TQ", validTo: try day("2025-06-30")),
                    Unit(id: "A", name: "A", kind: .commune, parent: "TQ", validFrom: try day("2025-06-01")),
                ])
        }
        #expect(overlapping?.problems.contains { $0.contains("duplicate id") } == true)
    }

    @Test("a file that is not a registry, or cannot be read, is a RegistryError naming the path")
    func load_unusableFile() throws {
        let url = try Self.write(#"{"registry": "r", "units": []}"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let notRegistry = #expect(throws: RegistryError.self) { try UnitRegistry.load(from: url) }
        #expect(notRegistry?.problems.first?.hasPrefix("\(url.path): not a unit registry") == true)

        let missing = url.appendingPathExtension("missing")
        let unreadable = #expect(throws: RegistryError.self) { try UnitRegistry.load(from: missing) }
        #expect(unreadable?.problems.first?.hasPrefix("\(missing.path): cannot read") == true)
    }

    /// Writes `text` to a new temporary file.
    private static func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }
}
