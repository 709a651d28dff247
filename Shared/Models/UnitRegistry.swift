import Foundation

/// The unit tree of a province, loaded from a data file (`data/units/*.json`).
///
/// File shape: `{"registry": "tuyen-quang", "version": "2023.1", "units": [Unit, ...]}`, parents
/// listed before or after their children. Loading checks duplicate ids, unknown parents and cycles.
public struct UnitRegistry: Sendable {
    public let name: String
    public let version: String
    private let units: [String: Unit]
    private let areas: [String: String]

    /// All units, in id order.
    public var allUnits: [Unit] { units.values.sorted { $0.id < $1.id } }

    public subscript(id: String) -> Unit? { units[id] }

    /// The district (or city) a unit lies in; the province itself for units managed at province level.
    public func area(of id: String) -> String? { areas[id] }

    public init(name: String, version: String, units list: [Unit]) throws(RegistryError) {
        var problems: [String] = []
        var units: [String: Unit] = [:]
        for unit in list {
            if units[unit.id] != nil { problems.append("duplicate unit id \(unit.id)") }
            units[unit.id] = unit
        }
        for unit in list {
            if let parent = unit.parent, units[parent] == nil {
                problems.append("unit \(unit.id) names unknown parent \(parent)")
            }
        }
        var areas: [String: String] = [:]
        for unit in list {
            var seen: Set<String> = []
            var current: Unit? = unit
            var area: String?
            // Walk to the root: the first district on the way is the area, the root otherwise.
            while let node = current {
                guard seen.insert(node.id).inserted else {
                    problems.append("unit \(unit.id) is in a parent cycle")
                    break
                }
                if node.kind == .district, area == nil { area = node.id }
                if node.parent == nil, area == nil { area = node.id }
                current = node.parent.flatMap { units[$0] }
            }
            areas[unit.id] = area ?? unit.id
        }
        guard problems.isEmpty else { throw RegistryError(problems: problems) }
        self.name = name
        self.version = version
        self.units = units
        self.areas = areas
    }

    /// Loads a registry file.
    public static func load(from url: URL) throws -> UnitRegistry {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistryError(problems: ["\(url.path): cannot read: \(error.localizedDescription)"])
        }
        let file: RegistryFile
        do { file = try JSONDecoder().decode(RegistryFile.self, from: data) } catch {
            throw RegistryError(problems: ["\(url.path): not a unit registry: \(error)"])
        }
        do {
            return try UnitRegistry(name: file.registry, version: file.version, units: file.units)
        } catch {
            throw RegistryError(problems: error.problems.map { "\(url.path): \($0)" })
        }
    }

    private struct RegistryFile: Decodable {
        let registry: String
        let version: String
        let units: [Unit]
    }
}

/// A unit registry file that cannot be used, with every problem found.
public struct RegistryError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid unit registry: " + problems.joined(separator: "; ") }
}
